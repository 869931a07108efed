//! Comparing versions. Each folder in `tests/fixtures/diff/` edits a preset;
//! the snapshots pin the change summary and the marked text.

use std::fs;

use policywright_diff::{self as diff, Side};
use policywright_model::{self as model, Locale, Policy};
use policywright_render::Templates;
use serde_json::Value;

use crate::{fixtures, preset, set_path};

fn apply(locale: Locale, edits: &[serde_json::Value]) -> Policy {
    let mut v = serde_json::to_value(preset(locale)).expect("json");
    let list = |v: &mut serde_json::Value, path: &str| -> Vec<serde_json::Value> {
        let mut node = v.clone();
        for part in path.split('.') {
            node = node[part].clone();
        }
        node.as_array().cloned().expect("a list")
    };
    for edit in edits {
        let (op, args) = edit.as_object().and_then(|o| o.iter().next()).expect("one op");
        let path = args[0].as_str().expect("path");
        match op.as_str() {
            "set" => set_path(&mut v, path, args[1].clone()),
            "insert" => {
                let mut items = list(&mut v, path);
                items.insert(args[1].as_u64().expect("index") as usize, args[2].clone());
                set_path(&mut v, path, items.into());
            }
            "remove" => {
                let mut items = list(&mut v, path);
                items.remove(args[1].as_u64().expect("index") as usize);
                set_path(&mut v, path, items.into());
            }
            "move" => {
                let mut items = list(&mut v, path);
                let item = items.remove(args[1].as_u64().expect("from") as usize);
                items.insert(args[2].as_u64().expect("to") as usize, item);
                set_path(&mut v, path, items.into());
            }
            other => panic!("unknown op {other}"),
        }
    }
    model::from_json(&v.to_string(), "edited").expect("parses")
}

fn side(label: &str, policy: Policy) -> Side {
    Side::new(label, "Legal", "2027-01-01", &policy, &model::content_hash(&policy)).expect("side")
}

/// Every leaf of the merged document, as the JSON report lists them.
fn leaves(c: &diff::Comparison) -> Vec<Value> {
    let json: Value = serde_json::from_str(&diff::to_json(c)).expect("json");
    json["blocks"].as_array().expect("blocks").clone()
}

fn compare_case(name: &str) -> diff::Comparison {
    let text = fs::read_to_string(fixtures("diff").join(name).join("edits.json")).expect("fixture");
    let case: serde_json::Value = serde_json::from_str(&text).expect("json");
    let locale = Locale::parse(case["locale"].as_str().expect("locale")).expect("known locale");
    let edits = case["edits"].as_array().expect("edits");
    diff::compare(side("1.0", preset(locale)), side("1.1", apply(locale, edits)), &Templates::builtin())
        .expect("compares")
}

/// The summary and the marked lines of the Markdown report; unchanged text is
/// left out so the snapshot shows only what a reviewer must look at.
fn report(c: &diff::Comparison) -> String {
    let md = diff::to_markdown(c);
    // The second level-2 heading starts the marked document, in either language.
    let at = md.match_indices("\n## ").nth(1).map(|(i, _)| i).expect("two parts");
    let (summary, document) = md.split_at(at);
    let marked: Vec<&str> = document.lines().filter(|l| l.contains("{++") || l.contains("{--")).collect();
    format!("{summary}## Marked lines\n\n{}\n", marked.join("\n"))
}

fn changed_blocks(c: &diff::Comparison) -> Value {
    let blocks: Vec<Value> = leaves(c).into_iter().filter(|b| b["kind"] != "equal").collect();
    serde_json::json!({ "changes": c.changes, "blocks": blocks })
}

macro_rules! diff_case {
    ($test:ident, $name:literal) => {
        #[test]
        fn $test() {
            let c = compare_case($name);
            insta::assert_snapshot!(concat!("diff_md_", $name), report(&c));
            insta::assert_snapshot!(
                concat!("diff_json_", $name),
                serde_json::to_string_pretty(&changed_blocks(&c)).expect("json")
            );
        }
    };
}

diff_case!(reword, "reword");
diff_case!(insert_article, "insert-article");
diff_case!(delete_article, "delete-article");
diff_case!(move_role, "move-role");
diff_case!(change_weight, "change-weight");
diff_case!(chinese_one_character, "chinese-one-character");
diff_case!(renumber_only, "renumber-only");

#[test]
fn plain_words_for_the_usual_changes() {
    let weight = compare_case("change-weight");
    assert!(
        weight
            .changes
            .iter()
            .any(|c| c.summary
                == "Article 5.2 (Indicators and weights) › Ability › Professional skill: weight 15 % → 20 %"),
        "{:#?}",
        weight.changes
    );
    let reword = compare_case("reword");
    assert_eq!(reword.changes.len(), 1);
    // The place as a lawyer cites it, then the words around the change.
    assert_eq!(
        reword.changes[0].summary,
        "Article 2.3 (Data Analyst): duty 3 reworded: \"…reports on a regular cycle, presenting…\" → \"…reports every week, presenting…\""
    );
    let moved = compare_case("move-role");
    assert!(
        moved
            .changes
            .iter()
            .any(|c| c.summary == "Positions and duties: position \"Data Analyst\" moved above \"Operations Manager\""),
        "{:#?}",
        moved.changes
    );
}

#[test]
fn renumbering_alone_changes_no_text() {
    let c = compare_case("renumber-only");
    assert!(leaves(&c).iter().all(|b| b["kind"] == "equal"), "text changed");
    assert_eq!(c.changes.len(), 1, "{:#?}", c.changes);
}

#[test]
fn inserting_an_article_marks_only_that_article() {
    let c = compare_case("insert-article");
    let touched: Vec<Value> = leaves(&c).into_iter().filter(|b| b["kind"] != "equal").collect();
    assert!(touched.iter().all(|b| b["kind"] == "inserted"), "{touched:#?}");
    assert!(touched.len() <= 5, "only the new article's blocks: {touched:#?}");
}

#[test]
fn html_report_is_inert() {
    let mut hostile = preset(Locale::En);
    hostile.general.purpose = "<script>alert(1)</script> [x](javascript:alert(1))".into();
    let c =
        diff::compare(side("1.0", preset(Locale::En)), side("1.1", hostile), &Templates::builtin()).expect("compares");
    let html = diff::to_html(&c);
    assert!(!html.contains("<script>alert"), "raw HTML got through");
    assert!(!html.to_lowercase().contains("javascript:"), "a script link got through");
    assert!(html.contains("<ins>") || html.contains("class=\"ins\""));
}

/// Redlines of the fixture edits, written for the outside readers: pandoc
/// must read every inserted and deleted word back as a tracked change.
#[test]
fn redlines_are_real_tracked_changes() {
    for name in ["reword", "insert-article", "delete-article", "change-weight", "chinese-one-character", "move-role"] {
        let mut c = compare_case(name);
        c.to.author = "Legal Counsel".into();
        let bytes = diff::to_docx(&c).expect("redline");
        let parts = crate::docx::unzip(&bytes);
        let document = &parts["word/document.xml"];
        assert!(
            document.contains(r#"w:author="Legal Counsel" w:date="2027-01-01T00:00:00Z""#),
            "{name}: author and date"
        );
        let (mut insertions, mut deletions, mut moves) = (Vec::new(), Vec::new(), 0);
        for leaf in leaves(&c) {
            if matches!(leaf["kind"].as_str(), Some("moved-from" | "moved-to")) {
                moves += 1;
                continue;
            }
            for span in leaf["spans"].as_array().expect("spans") {
                let text = span["text"].as_str().unwrap_or("").to_string();
                match span["kind"].as_str() {
                    Some("inserted") => insertions.push(text),
                    Some("deleted") => deletions.push(text),
                    _ => {}
                }
            }
        }
        insertions.retain(|t| !t.trim().is_empty());
        deletions.retain(|t| !t.trim().is_empty());
        assert!(!insertions.is_empty() || !deletions.is_empty() || moves > 0, "{name}: nothing changed");
        // Moved blocks are tracked moves, not a deletion and an insertion.
        assert_eq!(document.contains("<w:moveFrom "), moves > 0, "{name}: w:moveFrom");
        assert_eq!(document.contains("<w:moveTo "), moves > 0, "{name}: w:moveTo");
        assert_eq!(document.contains("<w:ins "), !insertions.is_empty(), "{name}: w:ins");
        assert_eq!(document.contains("<w:del "), !deletions.is_empty(), "{name}: w:del");
        // Each moved paragraph sits in a named range at its old place and one
        // of the same name at its new place; that pair is what Word shows as
        // a move.
        let names = |element: &str| {
            let mut names: Vec<String> = document
                .split(&format!("<{element}Start "))
                .skip(1)
                .map(|t| t.split("w:name=\"").nth(1).and_then(|n| n.split('"').next()).unwrap_or("").to_string())
                .collect();
            names.sort();
            names
        };
        let (from, to) = (names("w:moveFromRange"), names("w:moveToRange"));
        assert_eq!(from, to, "{name}: move ranges pair up");
        assert_eq!(from.is_empty(), moves == 0, "{name}: move ranges");
        assert_eq!(
            document.matches("<w:moveFromRangeStart ").count(),
            document.matches("<w:moveFromRangeEnd ").count()
        );
        let expect = serde_json::json!({ "insertions": insertions, "deletions": deletions, "author": "Legal Counsel" });
        let dir = crate::docx::check_dir();
        std::fs::write(dir.join(format!("redline-{name}.docx")), &bytes).expect("write");
        std::fs::write(dir.join(format!("redline-{name}.expect.json")), expect.to_string()).expect("write");
        // The same comparison always gives the same file.
        assert!(diff::to_docx(&c).expect("again") == bytes, "{name}: not deterministic");
    }
}

/// Regression: control characters typed into a role title reached the
/// diff's Markdown and HTML reports, which Word and browsers then choke on.
#[test]
fn control_characters_never_reach_a_report() {
    let mut changed = preset(Locale::En);
    changed.duties.roles[0].title = "Operations\u{1} Manager\u{B}".into();
    changed.general.purpose = "To set\u{C} out the rules.".into();
    let c =
        diff::compare(side("1.0", preset(Locale::En)), side("1.1", changed), &Templates::builtin()).expect("compares");
    let illegal = |c: char| matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}');
    for (name, text) in [("md", diff::to_markdown(&c)), ("html", diff::to_html(&c)), ("json", diff::to_json(&c))] {
        assert!(!text.chars().any(illegal), "{name} carries a control character");
    }
    assert!(diff::to_markdown(&c).contains("Operations Manager"), "the title is there, cleaned");
}

/// Regression: moves were found with a quadratic alignment, so a policy
/// with 10,000 roles, half of them reordered, took seconds to compare and
/// 100,000 took minutes (`make bench` times it now). What is found must be
/// what a reader expects: each reordered role moved, nothing rewritten.
#[test]
fn half_of_many_roles_reversed_are_moves() {
    const ROLES: usize = 2_000;
    let old = {
        let mut p = preset(Locale::En);
        let template = p.duties.roles[0].clone();
        let made = (0..ROLES).map(|i| {
            let mut role = template.clone();
            role.id = format!("r{i}");
            role.title = format!("Role {i}");
            role.summary = format!("Leads the work of team {i}.");
            role.duties = vec![format!("Keeps the records of team {i}.")];
            role
        });
        p.duties.roles = made.chain(p.duties.roles.iter().cloned()).collect();
        p
    };
    let mut new = old.clone();
    new.duties.roles[..ROLES / 2].reverse();
    let c = diff::compare(side("1.0", old), side("1.1", new), &Templates::builtin()).expect("compares");

    // One role keeps its place in the reversed half; every other one moved.
    assert_eq!(c.changes.len(), ROLES / 2 - 1, "{:?}", &c.changes[..3]);
    assert!(c.changes.iter().all(|ch| ch.kind == diff::ChangeKind::Moved), "only moves");
    assert!(c.changes[0].summary.contains("moved above"), "{}", c.changes[0].summary);

    let kinds: Vec<String> = leaves(&c).iter().map(|l| l["kind"].as_str().unwrap_or("").to_string()).collect();
    let count = |k: &str| kinds.iter().filter(|x| *x == k).count();
    assert_eq!(count("deleted") + count("inserted"), 0, "nothing is shown as rewritten");
    assert_eq!(count("moved-from"), count("moved-to"));
    // Each moved role's heading, summary and duty.
    assert!(count("moved-to") >= 3 * (ROLES / 2 - 1), "{} moved", count("moved-to"));
}

/// A version saved before validation refused repeated ids (or written by
/// hand) can hold two roles with one id. Comparing it must not fail or lose
/// a role: each id matches its first item, and the second copy shows as what
/// it is.
#[test]
fn roles_that_share_an_id_compare_without_failing() {
    let old = preset(Locale::En);
    let mut new = old.clone();
    let mut twin = new.duties.roles[0].clone();
    twin.title = "Deputy Operations Manager".into();
    new.duties.roles.insert(2, twin);
    new.duties.roles.swap(0, 1);
    let c = diff::compare(side("1.0", old), side("1.1", new), &Templates::builtin()).expect("compares");
    let summaries: Vec<&str> = c.changes.iter().map(|ch| ch.summary.as_str()).collect();
    assert!(summaries.iter().any(|s| s.contains("moved")), "{summaries:?}");
    assert!(diff::to_markdown(&c).contains("Deputy Operations Manager"), "the second copy is in the report");
    for (name, text) in [("md", diff::to_markdown(&c)), ("html", diff::to_html(&c)), ("json", diff::to_json(&c))] {
        assert!(!text.is_empty(), "{name}");
    }
    assert!(!diff::to_docx(&c).expect("a redline").is_empty());
}

// Regression: the comparison's header showed a version's stored timestamp
// (`2026-12-02T16:24:31Z`) as it is.
#[test]
fn a_version_time_reads_as_a_date_and_a_time_in_either_language() {
    for (locale, said) in [(Locale::En, "v1.0: HR, 2026-12-02, 16:24 UTC."), (Locale::ZhCn, "2026-12-02 16:24（UTC）")]
    {
        let at = |label: &str| {
            let policy = preset(locale);
            Side::new(label, "HR", "2026-12-02T16:24:31Z", &policy, &model::content_hash(&policy)).expect("side")
        };
        let c = diff::compare(at("1.0"), at("1.1"), &Templates::builtin()).expect("compares");
        let html = diff::to_html_fragment(&c);
        assert!(html.contains(said), "{locale:?}: {}", &html[..html.len().min(400)]);
        assert!(!html.contains("T16:24:31Z"), "{locale:?}");
        assert!(diff::to_markdown(&c).contains(said.trim_start_matches("v1.0: HR, ").trim_end_matches('.')));
    }
}

// What is not a stored UTC time (a bare date, a time without its `Z`, text
// with wide characters where the digits would be) is shown as it is.
#[test]
fn a_version_time_that_is_not_a_utc_stamp_is_shown_as_it_is() {
    for stamp in ["2027-01-01", "2026-12-02T16:24:31", "２０２６-12-02T16:24:31Z", "T", ""] {
        let at = |label: &str| {
            let policy = preset(Locale::En);
            Side::new(label, "HR", stamp, &policy, &model::content_hash(&policy)).expect("side")
        };
        let c = diff::compare(at("1.0"), at("1.1"), &Templates::builtin()).expect("compares");
        let html = diff::to_html_fragment(&c);
        assert!(html.contains(&format!("v1.0: HR, {stamp}.")), "{stamp:?}: {}", &html[..html.len().min(300)]);
    }
}

/// The summary said "岗位职责 › 运营经理：第1项职责修改": no article a
/// lawyer could cite, no item as the document numbers it, no words.
#[test]
fn the_summary_cites_article_and_item_as_the_document_numbers_them() {
    let mut new = preset(Locale::ZhCn);
    let duty = &mut new.duties.roles[0].duties[0];
    *duty = duty.replace("阶段重点", "年度计划和阶段重点");
    let c =
        diff::compare(side("1.0", preset(Locale::ZhCn)), side("1.1", new), &Templates::builtin()).expect("compares");
    assert_eq!(c.changes.len(), 1, "{:#?}", c.changes);
    let summary = &c.changes[0].summary;
    assert!(summary.starts_with("第四条（运营经理）：第（一）项职责修改：“"), "{summary}");
    assert!(summary.contains("总体策略和阶段重点") && summary.contains("总体策略和年度计划和阶段重点"), "{summary}");
    // The redline's summary table says the same.
    let document = &crate::docx::unzip(&diff::to_docx(&c).expect("redline"))["word/document.xml"];
    assert!(document.contains("第四条（运营经理）：第（一）项职责修改"));
}

/// A changed sanction read "违反后果由“reminder”改为“written-warning”", under
/// the rule's whole text as its place.
#[test]
fn a_changed_sanction_is_cited_by_rule_number_in_the_documents_words() {
    let mut new = preset(Locale::ZhCn);
    new.discipline.groups[0].rules[0].consequence = Some(model::Consequence::WrittenWarning);
    let c =
        diff::compare(side("1.0", preset(Locale::ZhCn)), side("1.1", new), &Templates::builtin()).expect("compares");
    let summaries: Vec<&str> = c.changes.iter().map(|ch| ch.summary.as_str()).collect();
    assert_eq!(summaries, ["第十五条（考勤与工作纪律）第（一）项规定：违反后果由“提醒”改为“书面警告”"]);
    assert_eq!(c.changes[0].after.as_deref(), Some("written-warning"), "programs still get the code");
}
