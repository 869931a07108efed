//! Autosave and recovered drafts, as the app uses them: nothing typed is
//! lost to a crash, and nothing is refused for not being a policy yet.

use policywright_api::World;
use policywright_api::library::open_library;
use policywright_api::recovery::{self, SavedTo};
use policywright_host::System;
use policywright_model::Locale;
use serde_json::{Value, json};

fn edited(title: &str) -> Value {
    let mut v = serde_json::to_value(crate::preset(Locale::En)).expect("json");
    v["document"]["title"] = title.into();
    v
}

#[test]
fn a_policy_not_in_the_library_is_kept_for_recovery_and_offered_again() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = recovery::folder(&tmp.path().join("library.sqlite"), tmp.path());
    assert_eq!(dir, tmp.path().join("library.recovery"));
    assert!(recovery::list(&System, &dir).expect("lists").is_empty(), "no folder yet is no drafts");

    let saved =
        recovery::autosave(&System, None, &dir, "draft-a", None, None, "", &edited("Customer Care")).expect("keeps");
    assert_eq!(saved.to, SavedTo::Recovery);
    // Saved again under the same slot, it replaces what was kept.
    recovery::autosave(&System, None, &dir, "draft-a", None, None, "", &edited("Customer Care Policy")).expect("keeps");

    let drafts = recovery::list(&System, &dir).expect("lists");
    assert_eq!(drafts.len(), 1);
    assert_eq!((drafts[0].slot.as_str(), drafts[0].title.as_str()), ("draft-a", "Customer Care Policy"));
    assert_eq!(drafts[0].library, None);
    let (draft, library) = recovery::open(&System, &dir, "draft-a").expect("opens");
    assert_eq!((draft.to_value(), library), (edited("Customer Care Policy"), None));
    // Regression: a recovered draft's form was laid out alphabetically
    // (approvals first, the title nowhere near the top): what is sent to
    // the editor keeps the model's order.
    let sent = serde_json::to_string(&draft).expect("json");
    let keys = |at: &str| sent.find(at).unwrap_or_else(|| panic!("{at} in {sent}"));
    assert!(keys("\"title\"") < keys("\"company\"") && keys("\"company\"") < keys("\"approvals\""), "{sent}");
    assert!(keys("\"document\"") < keys("\"general\"") && keys("\"duties\"") < keys("\"appraisal\""), "{sent}");

    recovery::discard(&System, &dir, "draft-a").expect("drops");
    assert!(recovery::list(&System, &dir).expect("lists").is_empty());
    recovery::discard(&System, &dir, "draft-a").expect("dropping it again is no error");
}

#[test]
fn a_library_policys_autosave_is_its_draft_and_replaces_its_recovered_draft() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("library.sqlite");
    let dir = recovery::folder(&file, tmp.path());
    let mut library = open_library(&System, Some(&file)).expect("opens");
    let id = library.import(&crate::preset(Locale::En), &System.now()).expect("imports");

    // Edits the library cannot take as a policy (a weight typed as text)
    // are kept as they are, for recovery, not refused.
    let mut broken = edited("Half typed");
    broken["appraisal"]["indicators"][0]["weight"] = json!("6O");
    let saved =
        recovery::autosave(&System, Some(&mut library), &dir, "library-1", Some(id), None, "", &broken).expect("keeps");
    assert_eq!(saved.to, SavedTo::Recovery);
    assert_eq!(recovery::list(&System, &dir).expect("lists")[0].library, Some(id));

    let saved =
        recovery::autosave(&System, Some(&mut library), &dir, "library-1", Some(id), None, "", &edited("Fixed"))
            .expect("keeps");
    assert_eq!(saved.to, SavedTo::Library);
    assert_eq!(library.draft(id).expect("draft").document.title, "Fixed");
    assert!(recovery::list(&System, &dir).expect("lists").is_empty(), "the library's draft replaced the recovered one");
}

#[test]
fn a_slot_name_is_never_a_path() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("library.recovery");
    for slot in ["../library", "a/b", "", ".hidden", &"x".repeat(65)] {
        let err = recovery::keep(&System, &dir, slot, None, &json!({})).expect_err(slot);
        assert_eq!(err.to_string(), format!("“{slot}” is not the name of a recovered draft"));
    }
    assert!(!dir.exists(), "nothing was written");
}

#[test]
fn an_unreadable_recovered_draft_is_left_alone_and_the_rest_are_offered_newest_first() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("library.recovery");
    recovery::keep(&System, &dir, "draft-a", None, &edited("Older")).expect("keeps");
    std::fs::write(dir.join("draft-broken.json"), "{ not json").expect("writes");
    // The clock's resolution is a second: make the second one newer.
    let kept = std::fs::read_to_string(dir.join("draft-a.json")).expect("reads");
    let mut older: Value = serde_json::from_str(&kept).expect("json");
    older["saved_at"] = "2020-01-01T00:00:00Z".into();
    std::fs::write(dir.join("draft-a.json"), older.to_string()).expect("writes");
    recovery::keep(&System, &dir, "draft-b", None, &edited("Newer")).expect("keeps");

    let titles: Vec<String> = recovery::list(&System, &dir).expect("lists").into_iter().map(|d| d.title).collect();
    assert_eq!(titles, ["Newer", "Older"]);
    assert!(dir.join("draft-broken.json").exists(), "a file nobody can read is left for a person to look at");
    let err = recovery::open(&System, &dir, "draft-broken").expect_err("unreadable");
    assert!(err.to_string().starts_with("the recovered draft "), "{err}");
}

// A draft caught half-way through typing (a weight as text, an unknown
// field, a control character) is not a policy yet: it opens as it was kept,
// for the editor to show with its problems, never refused or reshaped.
#[test]
fn a_recovered_draft_that_is_not_a_policy_yet_opens_as_it_was_kept() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("library.recovery");
    let mut half = edited("Half typed\u{1b}]52;c;aGk=\u{7}");
    half["appraisal"]["indicators"][0]["weight"] = "6".into();
    half["document"]["not_a_field"] = json!([1, 2]);
    recovery::keep(&System, &dir, "draft-half", None, &half).expect("keeps");
    let (draft, library) = recovery::open(&System, &dir, "draft-half").expect("opens");
    assert!(matches!(draft, recovery::Draft::Kept(_)), "{draft:?}");
    assert_eq!((draft.to_value(), library), (half, None));
}

/// Another person saved the draft while this editor had it open: their
/// draft stays in the library, these edits are kept in a slot of their own
/// (which taking up their draft does not drop), and going on from theirs is
/// allowed once it has been seen.
#[test]
fn an_autosave_over_another_persons_newer_draft_is_kept_as_a_conflict_copy() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("library.sqlite");
    let dir = recovery::folder(&file, tmp.path());
    let mut library = open_library(&System, Some(&file)).expect("opens");
    let id = library.import(&crate::preset(Locale::En), &System.now()).expect("imports");
    let opened = library.draft_stamp(id).expect("stamp").revision;
    let theirs: policywright_model::Policy = serde_json::from_value(edited("Theirs")).expect("a policy");
    library.set_draft_from(id, &theirs, Some(opened), "Li Na", &System.now()).expect("theirs goes in");

    let mine = edited("Mine");
    let saved =
        recovery::autosave(&System, Some(&mut library), &dir, "library-1", Some(id), Some(opened), "Wang Fang", &mine);
    let saved = saved.expect("keeps");
    assert_eq!(saved.to, SavedTo::Recovery);
    let taken = saved.taken.expect("names their save");
    assert_eq!((taken.saved_by.as_str(), taken.revision), ("Li Na", 2));
    assert_eq!(library.draft(id).expect("draft").document.title, "Theirs");
    let kept = recovery::list(&System, &dir).expect("lists");
    assert_eq!(
        kept.iter().map(|r| (r.slot.as_str(), r.title.as_str(), r.library)).collect::<Vec<_>>(),
        [("library-1-conflict", "Mine", Some(id))]
    );

    let again =
        recovery::autosave(&System, Some(&mut library), &dir, "library-1", Some(id), Some(2), "Wang Fang", &mine);
    let again = again.expect("keeps");
    assert_eq!(again.to, SavedTo::Library);
    assert_eq!(again.stamp.map(|s| (s.revision, s.saved_by)), Some((3, "Wang Fang".to_string())));
    assert_eq!(recovery::list(&System, &dir).expect("lists").len(), 1, "the conflict copy stays until dropped");
}
