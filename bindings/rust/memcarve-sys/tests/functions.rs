//! memcarve-sys declares exactly what the headers do: every function of
//! include/*.h (as build.rs read them through the C preprocessor) has its
//! `pub fn` in src/, and src/ declares no function the headers lack; every
//! struct with a body in the headers has its layout checked
//! (tests/layout.c prints it, tests/layout.rs compares it).
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

const HEADER_FUNCTIONS: &str = include_str!(concat!(env!("OUT_DIR"), "/header_functions.txt"));
const HEADER_STRUCTS: &str = include_str!(concat!(env!("OUT_DIR"), "/header_structs.txt"));
const C_LAYOUT: &str = include_str!(concat!(env!("OUT_DIR"), "/layout.txt"));

fn lines(text: &str) -> BTreeSet<String> {
    text.lines().filter(|l| !l.is_empty()).map(String::from).collect()
}

/// The `pub fn mc_*` names of src/*.rs: the extern blocks' declarations.
fn declared_in_src() -> BTreeSet<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut names = BTreeSet::new();
    for entry in fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        for line in text.lines() {
            let line = line.trim_start();
            if line.starts_with("//") {
                continue;
            }
            if let Some(rest) = line.strip_prefix("pub fn mc_") {
                let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                names.insert(format!("mc_{}", name));
            }
        }
    }
    names
}

#[test]
fn every_header_function_is_declared() {
    let headers = lines(HEADER_FUNCTIONS);
    let src = declared_in_src();
    // mc_version() and the rest of memcarve.h: the list is not empty by
    // accident of the preprocessor run.
    assert!(headers.len() > 100, "only {} header functions read", headers.len());
    let missing: Vec<_> = headers.difference(&src).collect();
    assert!(missing.is_empty(), "memcarve-sys/src declares none of these header functions: {:?}", missing);
    let extra: Vec<_> = src.difference(&headers).collect();
    assert!(extra.is_empty(), "memcarve-sys/src declares functions no header has: {:?}", extra);
}

/// Every header function by name (build.rs writes the list as Rust): the
/// test binary links each one, with the library built from source or the
/// one pkg-config found.
#[test]
fn every_header_function_links() {
    let refs: &[(&str, usize)] = &include!(concat!(env!("OUT_DIR"), "/header_refs.rs"));
    assert_eq!(refs.len(), lines(HEADER_FUNCTIONS).len());
    for (name, addr) in refs {
        assert_ne!(*addr, 0, "{}", name);
    }
}

#[test]
fn every_header_struct_has_a_layout_test() {
    let structs = lines(HEADER_STRUCTS);
    assert!(structs.contains("mc_region") && structs.contains("mc_piece"), "{:?}", structs);
    let checked: BTreeSet<String> = C_LAYOUT
        .lines()
        .filter_map(|l| l.split(|c| c == '.' || c == ' ').next())
        .map(String::from)
        .collect();
    let missing: Vec<_> = structs.difference(&checked).collect();
    assert!(missing.is_empty(), "tests/layout.c prints no layout for {:?}", missing);
}
