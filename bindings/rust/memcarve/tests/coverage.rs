//! Every function of the C API has a safe wrapper: each one memcarve-sys
//! declares (which its tests/functions.rs holds to the headers) is called
//! by this crate's src/, outside comments. A new header function fails
//! here until the crate wraps it.
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

/// The lines of the .rs files in `dir` that are not comments.
fn code_lines(dir: &Path) -> Vec<String> {
    let mut lines = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().map_or(false, |e| e == "rs") {
            let text = fs::read_to_string(&path).unwrap();
            lines.extend(text.lines().filter(|l| !l.trim_start().starts_with("//")).map(String::from));
        }
    }
    lines
}

/// The mc_* name starting right after each `marker` in `lines`.
fn names_after(lines: &[String], marker: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in lines {
        for (at, _) in line.match_indices(marker) {
            let name: String =
                line[at + marker.len()..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if name.starts_with("mc_") {
                names.insert(name);
            }
        }
    }
    names
}

#[test]
fn every_c_function_has_a_safe_wrapper() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let declared = names_after(&code_lines(&crates.join("memcarve-sys/src")), "pub fn ");
    let called = names_after(&code_lines(&crates.join("memcarve/src")), "sys::");
    assert!(declared.len() > 100, "only {} functions read from memcarve-sys", declared.len());
    let unwrapped: Vec<_> = declared.difference(&called).collect();
    assert!(unwrapped.is_empty(), "memcarve has no safe wrapper calling {:?}", unwrapped);
}
