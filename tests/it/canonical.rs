//! The one canonical form of a policy's content and its hash: what the
//! library stores for a version and what its DOCX carries, so that legal can
//! match a file to a stored version.

use std::process::Command;

use policywright_model::{self as model, canonical_json, content_hash};

use crate::fixtures;

fn fixture() -> model::Policy {
    let text = std::fs::read_to_string(fixtures("canonical").join("policy.json")).expect("fixture");
    model::from_json(&text, "policy.json").expect("parses")
}

/// Pinned: a change to this hash changes the identity of every stored
/// version, and must be a deliberate, migrated change. Anyone can check it
/// without Policywright: it is the sha256 of Python's
/// `json.dumps(policy, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`
/// of the policy without `document.revisions` (and without
/// `document.review_months` when it is 12, and without `document.layout` when it is
/// the default).
#[test]
fn the_hash_of_a_fixture_is_pinned() {
    assert_eq!(content_hash(&fixture()), "b5b56f88eda5993b726c8f107e7c39ee497bef9392f490699b3d2f74c4dd2cc8");
}

#[test]
fn formatting_key_order_and_the_revision_history_do_not_change_the_hash() {
    let policy = fixture();
    let mut value = serde_json::to_value(&policy).expect("json");
    // The same content, written another way: compact, keys reversed.
    fn reverse(v: &mut serde_json::Value) {
        if let Some(map) = v.as_object_mut() {
            let mut entries: Vec<(String, serde_json::Value)> = std::mem::take(map).into_iter().collect();
            entries.reverse();
            for (k, mut v) in entries {
                reverse(&mut v);
                map.insert(k, v);
            }
        } else if let Some(items) = v.as_array_mut() {
            items.iter_mut().for_each(reverse);
        }
    }
    reverse(&mut value);
    let again = model::from_json(&value.to_string(), "again").expect("parses");
    assert_eq!(content_hash(&again), content_hash(&policy));
    let mut revised = policy.clone();
    revised.document.revisions.clear();
    assert_eq!(content_hash(&revised), content_hash(&policy), "the history is the library's, not content");
    let mut changed = policy.clone();
    changed.general.scope.push('.');
    assert_ne!(content_hash(&changed), content_hash(&policy));
    // Keys sorted at every level, no whitespace between tokens.
    let canonical = canonical_json(&policy);
    assert!(canonical.starts_with("{\"appraisal\":{\"cycles\":["), "{}", &canonical[..60]);
    assert!(!canonical.contains("\"revisions\""));
}

/// Regression: the DOCX's ContentHash property was computed by other code
/// than the library's hash and did not match it.
#[test]
fn an_exported_version_carries_the_librarys_hash() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    std::fs::write(d.join("p.json"), model::to_json(&fixture())).expect("write");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_policywright"))
            .args(["--db", "lib.sqlite"])
            .args(args)
            .current_dir(d)
            .output()
            .expect("runs");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&["import", "p.json"]);
    run(&["save", "1", "--note", "First issue", "--author", "HR"]);
    run(&["export", "1", "--format", "docx", "-o", "v1.docx"]);
    let json: serde_json::Value =
        serde_json::from_str(&run(&["diff", "1", "1.0", "1.0", "--format", "json"])).expect("json");
    let stored = json["to"]["content_hash"].as_str().expect("the library's hash").to_string();
    let custom = &crate::docx::unzip(&std::fs::read(d.join("v1.docx")).expect("read"))["docProps/custom.xml"];
    assert!(custom.contains(&format!("name=\"ContentHash\"><vt:lpwstr>{stored}</vt:lpwstr>")), "{custom}");
    // And the same hash for the same content as a plain file.
    assert_eq!(content_hash(&fixture()), stored);
}

/// The review cycle came after versions were stored: a policy with the
/// default cycle keeps the identity it had before, and another cycle is
/// other content.
#[test]
fn the_default_review_cycle_keeps_a_versions_identity() {
    let policy = fixture();
    assert_eq!(policy.document.review_months, 12);
    assert!(!canonical_json(&policy).contains("review_months"));
    let mut other = policy.clone();
    other.document.review_months = 24;
    assert!(canonical_json(&other).contains("\"review_months\":24"));
    assert_ne!(content_hash(&other), content_hash(&policy));
}

/// The page layout came after versions were stored: saying nothing of it is
/// the default, and the default is the same content as saying nothing.
#[test]
fn the_default_layout_is_the_same_content_as_none() {
    let policy = fixture();
    let mut value = serde_json::to_value(&policy).expect("json");
    assert!(value["document"]["layout"].is_object(), "files and the app see the layout");
    value["document"].as_object_mut().expect("document").remove("layout");
    let without: model::Policy = serde_json::from_value(value).expect("loads without a layout");
    assert_eq!(content_hash(&without), content_hash(&policy));
    assert!(!canonical_json(&policy).contains("layout"));
    let mut official = policy.clone();
    official.document.layout.style = model::PageStyle::Gbt9704;
    assert_ne!(content_hash(&official), content_hash(&policy));
    assert!(
        canonical_json(&official)
            .contains(r#""layout":{"chapter_breaks":true,"contents":"chapters-and-articles","style":"gbt9704"}"#)
    );
}
