//! The invariants of ARCHITECTURE.md that the compiler alone does not hold:
//! which crate may depend on which, that the shells use only the api, and
//! that nothing below the shells touches files, the environment or the clock.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Each crate's layer: a crate may depend only on crates of lower layers.
const LAYERS: &[(&str, u8)] = &[
    ("policywright-i18n", 0),
    ("policywright-model", 1),
    ("policywright-doc", 1),
    ("policywright-render", 2),
    ("policywright-store", 2),
    ("policywright-diff", 3),
    ("policywright-sqlite", 3),
    ("policywright-postgres", 3),
    ("policywright-api", 4),
    ("policywright-host", 5),
    ("policywright", 6),
    ("policywright-app", 6),
];

/// The manifests: crate name → (manifest folder, normal dependencies on our crates, all dependency names).
fn manifests() -> BTreeMap<String, (PathBuf, Vec<String>, Vec<String>)> {
    let mut dirs = vec![root(), root().join("src-tauri")];
    for entry in std::fs::read_dir(root().join("crates")).expect("crates folder") {
        dirs.push(entry.expect("entry").path());
    }
    let mut out = BTreeMap::new();
    for dir in dirs {
        let text = std::fs::read_to_string(dir.join("Cargo.toml")).expect("manifest");
        let name = text
            .lines()
            .find_map(|l| l.strip_prefix("name = \""))
            .and_then(|l| l.strip_suffix('"'))
            .expect("package name")
            .to_string();
        // Only [dependencies]: tests and benches may reach further down.
        let deps_section: String =
            text.split("\n[").filter(|section| section.starts_with("dependencies]")).collect::<Vec<_>>().join("\n");
        let all: Vec<String> = deps_section
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim().to_string()))
            .filter(|k| !k.starts_with('#') && !k.is_empty())
            .collect();
        let ours = all.iter().filter(|d| d.starts_with("policywright")).cloned().collect();
        out.insert(name, (dir, ours, all));
    }
    out
}

fn layer(name: &str) -> u8 {
    LAYERS.iter().find(|(n, _)| *n == name).map(|(_, l)| *l).unwrap_or_else(|| panic!("{name} has no layer"))
}

#[test]
fn dependencies_point_one_way_down_the_layers() {
    let manifests = manifests();
    assert_eq!(manifests.len(), LAYERS.len(), "a crate was added without a layer: {:?}", manifests.keys());
    for (name, (_, ours, _)) in &manifests {
        for dep in ours {
            assert!(layer(dep) < layer(name), "{name} (layer {}) depends on {dep} (layer {})", layer(name), layer(dep));
        }
    }
    // The document tree knows nothing of policies or templates.
    let (_, doc, _) = &manifests["policywright-doc"];
    assert_eq!(doc, &["policywright-i18n"], "policywright-doc depends on {doc:?}");
    // The rules of the library know no database.
    let (_, store, _) = &manifests["policywright-store"];
    assert!(!store.iter().any(|d| d == "policywright-sqlite" || d == "policywright-postgres"));
}

#[test]
fn both_shells_use_only_the_api() {
    let manifests = manifests();
    for shell in ["policywright", "policywright-app"] {
        let (dir, ours, _) = &manifests[shell];
        assert_eq!(ours, &["policywright-api", "policywright-host"], "{shell} depends on {ours:?}");
        for file in rust_files(&dir.join("src")) {
            let text = std::fs::read_to_string(&file).expect("source");
            for line in text.lines().filter(|l| l.contains("policywright_")) {
                let ok = ["policywright_api", "policywright_host"].iter().any(|c| line.contains(c));
                assert!(ok, "{}: {line}", file.display());
            }
        }
    }
    // Only the CLI reads command lines.
    for (name, (_, _, all)) in &manifests {
        assert_eq!(all.iter().any(|d| d == "clap"), name == "policywright", "{name} and clap");
    }
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out
}

/// The code of a file before its tests.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("source");
    let end = text.find("#[cfg(test)]").unwrap_or(text.len());
    text[..end].to_string()
}

#[test]
fn nothing_below_the_shells_touches_files_the_environment_or_the_clock() {
    // SQLite owns the library file, and the host is the shells' door to the machine.
    let allowed = ["policywright-sqlite", "policywright-host", "policywright", "policywright-app"];
    let forbidden = ["std::fs", "fs::", "File::", "std::env", "env::var", "SystemTime", "Instant::now", "std::process"];
    for (name, (dir, _, _)) in manifests() {
        if allowed.contains(&name.as_str()) {
            continue;
        }
        for file in rust_files(&dir.join("src")) {
            let code = code(&file);
            for needle in forbidden {
                assert!(!code.contains(needle), "{} uses {needle}", file.display());
            }
        }
    }
}
