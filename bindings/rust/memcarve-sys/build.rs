//! Links libmemcarve, std only (no cc or pkg-config crate):
//!
//! - with the `pkg-config` program, when it knows `memcarve` (the
//!   memcarve.pc that `make install` writes);
//! - else by compiling this repository's C sources (core, dt, e820, acpi,
//!   cmdline) with the system C compiler ($CC, else cc) into a static
//!   library, linked with the system's libfdt (-lfdt).
//!
//! The way taken is MEMCARVE_SYS_LINKED ("pkg-config" or "source") in the
//! crate's compile-time environment (tests/layout.rs checks it).
//!
//! MEMCARVE_NO_PKG_CONFIG=1 skips pkg-config: the repository's own tests
//! (`make rust`) check these sources, not a library installed earlier.
//!
//! It also compiles and runs tests/layout.c against the same headers: its
//! output (the size and field offsets of every public struct) is what
//! tests/layout.rs compares the #[repr(C)] declarations with.
//!
//! And it lists what the headers declare, read through the C preprocessor
//! as tests/exports reads them (comments and macros do not count): every
//! function (header_functions.txt) and every struct with a body
//! (header_structs.txt), one name a line, which tests/functions.rs holds
//! the declarations of src/ and the layout lines to.
use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const LIB_DIRS: [&str; 5] = ["core", "dt", "e820", "acpi", "cmdline"];

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let top = manifest.join("../../..");
    println!("cargo:rerun-if-env-changed=MEMCARVE_NO_PKG_CONFIG");
    println!("cargo:rerun-if-env-changed=CC");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    println!("cargo:rerun-if-changed=tests/layout.c");

    let cflags = match pkg_config() {
        Some(cflags) => {
            println!("cargo:rustc-env=MEMCARVE_SYS_LINKED=pkg-config");
            cflags
        }
        None => {
            println!("cargo:rustc-env=MEMCARVE_SYS_LINKED=source");
            build_from_source(&top, &out)
        }
    };
    layout(&manifest, &out, &cflags);
    declarations(&out, &cflags);
}

fn cc() -> String {
    env::var("CC").unwrap_or_else(|_| "cc".to_string())
}

fn run(cmd: &mut Command) {
    let status = cmd
        .status()
        .unwrap_or_else(|e| panic!("memcarve-sys: cannot run {:?}: {}", cmd, e));
    if !status.success() {
        panic!("memcarve-sys: {:?} failed: {}", cmd, status);
    }
}

fn pkg_config_query(arg: &str) -> Option<String> {
    let output = Command::new("pkg-config").args([arg, "memcarve"]).output().ok()?;
    if !output.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// The installed library through pkg-config; its cflags, or None.
fn pkg_config() -> Option<Vec<String>> {
    if env::var("MEMCARVE_NO_PKG_CONFIG").map_or(false, |v| v == "1") {
        return None;
    }
    let libs = pkg_config_query("--libs")?;
    let cflags = pkg_config_query("--cflags")?;
    for word in libs.split_whitespace() {
        if let Some(dir) = word.strip_prefix("-L") {
            println!("cargo:rustc-link-search=native={}", dir);
        } else if let Some(lib) = word.strip_prefix("-l") {
            println!("cargo:rustc-link-lib={}", lib);
        }
    }
    Some(cflags.split_whitespace().map(String::from).collect())
}

fn c_sources(top: &Path) -> Vec<PathBuf> {
    let mut srcs = Vec::new();
    for dir in LIB_DIRS {
        let dir = top.join(dir);
        println!("cargo:rerun-if-changed={}", dir.display());
        for entry in fs::read_dir(&dir).expect("memcarve-sys: library sources") {
            let path = entry.unwrap().path();
            if path.extension().map_or(false, |e| e == "c") {
                srcs.push(path);
            }
        }
    }
    srcs.sort();
    srcs
}

/// The Makefile's library build, without its warnings-as-errors: a
/// compiler newer than the project's must not break a dependent's build.
fn build_from_source(top: &Path, out: &Path) -> Vec<String> {
    for dir in ["include", "internal"] {
        println!("cargo:rerun-if-changed={}", top.join(dir).display());
    }
    let inc = vec![
        format!("-I{}", top.join("include").display()),
        format!("-I{}", top.display()),
        format!("-I{}", top.join("core").display()),
    ];
    let objdir = out.join("obj");
    fs::create_dir_all(&objdir).unwrap();
    let mut objs = Vec::new();
    let mut jobs = Vec::new();
    let parallel = env::var("NUM_JOBS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1usize)
        .max(1);
    for src in c_sources(top) {
        let rel = src.strip_prefix(top).unwrap().to_string_lossy().replace('/', "_");
        let obj = objdir.join(rel).with_extension("o");
        let child = Command::new(cc())
            .args(["-std=c11", "-D_POSIX_C_SOURCE=200809L", "-O2", "-g", "-fPIC"])
            .args(&inc)
            .arg("-c")
            .arg(&src)
            .arg("-o")
            .arg(&obj)
            .spawn()
            .unwrap_or_else(|e| panic!("memcarve-sys: cannot run {}: {}", cc(), e));
        jobs.push((src, child));
        objs.push(obj);
        if jobs.len() >= parallel {
            wait_all(&mut jobs);
        }
    }
    wait_all(&mut jobs);
    let lib = out.join("libmemcarve.a");
    let _ = fs::remove_file(&lib);
    let ar = env::var("AR").unwrap_or_else(|_| "ar".to_string());
    run(Command::new(ar).arg("rcs").arg(&lib).args(&objs));
    println!("cargo:rustc-link-search=native={}", out.display());
    println!("cargo:rustc-link-lib=static=memcarve");
    println!("cargo:rustc-link-lib=fdt");
    inc
}

fn wait_all(jobs: &mut Vec<(PathBuf, std::process::Child)>) {
    for (src, mut child) in jobs.drain(..) {
        let status = child.wait().unwrap();
        if !status.success() {
            panic!("memcarve-sys: compiling {} failed", src.display());
        }
    }
}

/// Sizes and offsets of the public structs, as the C compiler lays them out.
fn layout(manifest: &Path, out: &Path, cflags: &[String]) {
    let exe = out.join("layout");
    run(Command::new(cc())
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror"])
        .args(cflags)
        .arg(manifest.join("tests/layout.c"))
        .arg("-o")
        .arg(&exe));
    let output = Command::new(&exe).output().expect("memcarve-sys: layout program");
    if !output.status.success() {
        panic!("memcarve-sys: the layout program failed");
    }
    fs::write(out.join("layout.txt"), output.stdout).unwrap();
}

/// The directory of memcarve.h: among the -I flags, else pkg-config's
/// includedir or the compiler's default directories (pkg-config leaves
/// out -I/usr/include).
fn include_dir(cflags: &[String]) -> Option<PathBuf> {
    let from_flags = cflags.iter().filter_map(|f| f.strip_prefix("-I")).map(PathBuf::from);
    let defaults = pkg_config_query("--variable=includedir")
        .into_iter()
        .map(PathBuf::from)
        .chain(["/usr/local/include", "/usr/include"].iter().map(PathBuf::from));
    from_flags.chain(defaults).find(|dir| dir.join("memcarve.h").is_file())
}

/// Every memcarve*.h of the include directory, through `cc -E -P`; None
/// when they cannot be found or read (the build goes on: only
/// tests/functions.rs needs them, and fails on an empty list).
fn preprocessed_headers(out: &Path, cflags: &[String]) -> Option<String> {
    let dir = include_dir(cflags)?;
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut headers: Vec<String> = fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("memcarve") && n.ends_with(".h"))
        .collect();
    headers.sort();
    let all = out.join("all-headers.c");
    let text: String = headers.iter().map(|h| format!("#include <{}>\n", h)).collect();
    fs::write(&all, text).ok()?;
    let output = Command::new(cc())
        .args(["-E", "-P"])
        .args(cflags)
        .arg(format!("-I{}", dir.display()))
        .arg(&all)
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The mc_* names each declaration of `text` holds where `after` follows
/// the name (blanks between them allowed).
fn names_before(decl: &str, after: char) -> Vec<String> {
    let mut names = Vec::new();
    let bytes = decl.as_bytes();
    let mut i = 0;
    while let Some(at) = decl[i..].find("mc_") {
        let start = i + at;
        let word_start = start == 0 || !(bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_');
        let mut end = start;
        while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
            end += 1;
        }
        let rest = decl[end..].trim_start();
        if word_start && rest.starts_with(after) {
            names.push(decl[start..end].to_string());
        }
        i = end.max(start + 1);
    }
    names
}

/// The functions and the structs with a body that the headers declare.
fn declarations(out: &Path, cflags: &[String]) {
    let text = preprocessed_headers(out, cflags).unwrap_or_default().replace('\n', " ");
    let mut functions = Vec::new();
    let mut structs = Vec::new();
    // One declaration per ';' (a struct body splits into its members,
    // whose first piece is "struct NAME { ..."); typedefs name types.
    for decl in text.split(';') {
        if decl.contains("typedef") || decl.contains("static") {
            continue;
        }
        functions.extend(names_before(decl, '('));
        if let Some(at) = decl.find("struct ") {
            structs.extend(names_before(&decl[at..], '{'));
        }
    }
    for list in [&mut functions, &mut structs] {
        list.sort();
        list.dedup();
    }
    fs::write(out.join("header_functions.txt"), functions.join("\n") + "\n").unwrap();
    // Each function referenced by name: the test links every one of them
    // (against the installed library too, when pkg-config found it).
    let refs: String = functions.iter().map(|f| format!("    (\"{0}\", memcarve_sys::{0} as usize),\n", f)).collect();
    fs::write(out.join("header_refs.rs"), format!("[\n{}]\n", refs)).unwrap();
    fs::write(out.join("header_structs.txt"), structs.join("\n") + "\n").unwrap();
}
