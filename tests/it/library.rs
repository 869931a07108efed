//! The library commands as a user runs them: the exact forms of the issue,
//! with their output, exit codes and files.

use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_policywright"))
        .args(["--db", "lib.sqlite"])
        .args(args)
        .current_dir(dir)
        .env_remove("POLICYWRIGHT_DB")
        .output()
        .expect("runs")
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn edit(dir: &Path, from: &str, to: &str, f: impl FnOnce(&mut serde_json::Value)) {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(from)).expect("read")).expect("json");
    f(&mut v);
    std::fs::write(dir.join(to), serde_json::to_string_pretty(&v).expect("json")).expect("write");
}

#[test]
fn the_documented_library_workflow() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    Command::new(env!("CARGO_BIN_EXE_policywright"))
        .args(["new", "--locale", "en", "-o", "ops.policy.json"])
        .current_dir(d)
        .output()
        .expect("new");
    assert_eq!(ok(d, &["import", "ops.policy.json"]), "1\n");
    assert_eq!(ok(d, &["save", "1", "--note", "First issue", "--author", "HR"]), "1.0\n");

    edit(d, "ops.policy.json", "edited.policy.json", |v| {
        v["appraisal"]["indicators"][1]["children"][0]["weight"] = 20.into();
        v["appraisal"]["indicators"][1]["children"][1]["weight"] = 5.into();
    });
    assert_eq!(
        ok(d, &["draft", "1", "--from", "edited.policy.json"]),
        "draft of policy 1 replaced from edited.policy.json (revision 2)\n"
    );
    assert_eq!(ok(d, &["save", "1", "--note", "Reweighted ability", "--author", "Legal"]), "1.1\n");
    // Saving an unchanged draft again creates nothing.
    assert_eq!(ok(d, &["save", "1", "--note", "again", "--author", "Legal"]), "1.1\n");
    assert_eq!(ok(d, &["save", "1", "--major", "--note", "again", "--author", "Legal"]), "1.1\n");

    let list = ok(d, &["list"]);
    // A policy never published has a number but no review date yet.
    assert!(list.contains("   1  HR-OPS-001  1.1       draft        —   "), "{list}");
    assert!(list.contains("Operations Staff Policy"), "{list}");
    let history = ok(d, &["history", "1"]);
    let lines: Vec<&str> = history.lines().collect();
    assert_eq!(lines.len(), 2, "{history}");
    assert!(lines[0].starts_with("1.0     draft") && lines[0].ends_with("First issue"), "{history}");
    assert!(lines[1].contains("Legal") && lines[1].ends_with("Reweighted ability"), "{history}");

    let bad = run(d, &["status", "1", "1.1", "approved", "--by", "Counsel"]);
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&bad.stderr),
        "error: version 1.1 of policy 1 cannot go from draft to approved\n  from draft it can go to: in review\n"
    );
    assert_eq!(
        ok(d, &["status", "1", "1.1", "in-review", "--by", "Counsel"]),
        "version 1.1 of policy 1 is now in review\n"
    );
    assert_eq!(
        ok(d, &["status", "1", "1.1", "approved", "--by", "Counsel"]),
        "version 1.1 of policy 1 is now approved\n"
    );

    // Export: default name from title and version; the same version, the same bytes.
    assert_eq!(ok(d, &["export", "1", "--format", "docx"]), "wrote Operations Staff Policy_v1.1.docx\n");
    ok(d, &["export", "1", "--version", "1.1", "--format", "docx", "-o", "again.docx"]);
    let a = std::fs::read(d.join("Operations Staff Policy_v1.1.docx")).expect("read");
    assert!(a == std::fs::read(d.join("again.docx")).expect("read"), "exports of one version differ");
    ok(d, &["export", "1", "--version", "1.0", "--format", "md", "-o", "v1.0.md"]);
    let md = std::fs::read_to_string(d.join("v1.0.md")).expect("md");
    assert!(md.contains("| 1.0 |") && !md.contains("| 1.1 |"), "revision history comes from the stored versions: {md}");

    let json: serde_json::Value =
        serde_json::from_str(&ok(d, &["diff", "1", "1.0", "1.1", "--format", "json"])).expect("json");
    let summaries: Vec<&str> =
        json["changes"].as_array().expect("changes").iter().filter_map(|c| c["summary"].as_str()).collect();
    assert_eq!(
        summaries,
        [
            "Article 5.2 (Indicators and weights) › Ability › Professional skill: weight 15 % → 20 %",
            "Article 5.2 (Indicators and weights) › Ability › Communication and cooperation: weight 10 % → 5 %"
        ]
    );
    for format in ["md", "html", "docx"] {
        let out = ok(d, &["diff", "1", "1.0", "1.1", "--format", format, "-o", &format!("changes.{format}")]);
        assert_eq!(out, format!("wrote changes.{format}\n"));
    }
    let packet = ok(d, &["diff", "1", "1.0", "1.1", "--packet", "packet"]);
    assert_eq!(packet.lines().count(), 4, "{packet}");
    for name in [
        "Operations Staff Policy_v1.0.docx",
        "Operations Staff Policy_v1.1.docx",
        "Operations Staff Policy_v1.0-v1.1_redline.docx",
        "Operations Staff Policy_v1.0-v1.1_changes.md",
    ] {
        assert!(d.join("packet").join(name).exists(), "{name} missing from the packet");
    }
    // Deleting is archiving: hidden from the list, shown on request, restorable.
    assert_eq!(ok(d, &["archive", "1"]), "policy 1 archived; `policywright restore 1` brings it back\n");
    assert!(!ok(d, &["list"]).contains("Operations Staff Policy"));
    assert!(ok(d, &["list", "--archived"]).contains("Operations Staff Policy (archived)"));
    assert_eq!(ok(d, &["restore", "1"]), "policy 1 restored\n");
    assert!(ok(d, &["list"]).contains("Operations Staff Policy"));

    // The packet's Word files go to the outside readers too.
    let check = crate::docx::check_dir();
    for (name, target) in [
        ("Operations Staff Policy_v1.0.docx", "packet-v1.0.docx"),
        ("Operations Staff Policy_v1.0-v1.1_redline.docx", "packet-redline.docx"),
    ] {
        std::fs::copy(d.join("packet").join(name), check.join(target)).expect("copy");
    }
    std::fs::write(
        check.join("packet-redline.expect.json"),
        serde_json::json!({"insertions": ["20", "5"], "deletions": ["15", "10"], "author": "Legal"}).to_string(),
    )
    .expect("write");
}

#[test]
fn an_invalid_draft_is_kept_but_not_versioned() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    Command::new(env!("CARGO_BIN_EXE_policywright"))
        .args(["new", "--locale", "en", "-o", "p.policy.json"])
        .current_dir(d)
        .output()
        .expect("new");
    ok(d, &["import", "p.policy.json"]);
    edit(d, "p.policy.json", "bad.policy.json", |v| v["appraisal"]["indicators"][0]["weight"] = 70.into());
    ok(d, &["draft", "1", "--from", "bad.policy.json"]);
    let out = run(d, &["save", "1", "--note", "x", "--author", "y"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("appraisal.indicators: the top-level weights add up to 110, not 100"), "{err}");
    assert_eq!(ok(d, &["history", "1"]), "");
    let missing = run(d, &["export", "1", "--format", "md"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).starts_with("error: policy 1 has no saved version\n"));
    let id = run(d, &["history", "abc"]);
    assert_eq!(
        String::from_utf8_lossy(&id.stderr),
        "error: \"abc\" is not a policy number\n  hint: policies are numbered 1, 2, 3…; `policywright list` shows them\n"
    );
}

#[test]
fn the_library_lives_in_the_data_folder_unless_told_otherwise() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let cmd = |envs: &[(&str, &std::path::Path)]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_policywright"));
        c.arg("list").current_dir(d).env_remove("POLICYWRIGHT_DB").env_remove("XDG_DATA_HOME");
        for (k, v) in envs {
            c.env(k, v);
        }
        c.output().expect("runs")
    };
    let out = cmd(&[("HOME", d)]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(d.join(".local/share/policywright/library.sqlite").exists(), "default library not created");
    let out = cmd(&[("HOME", d), ("POLICYWRIGHT_DB", &d.join("env.sqlite"))]);
    assert_eq!(out.status.code(), Some(0));
    assert!(d.join("env.sqlite").exists(), "POLICYWRIGHT_DB ignored");
    // An empty POLICYWRIGHT_DB is no choice at all: the default place again.
    let out = cmd(&[("HOME", d), ("POLICYWRIGHT_DB", std::path::Path::new(""))]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Regression: with a Chinese environment, `history`, `list` and `status`
/// printed the statuses' codes ("in-review"), the columns slid apart
/// around Chinese titles, and `list` called a library with only archived
/// policies empty.
#[test]
fn a_chinese_terminal_gets_status_words_and_straight_columns() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let zh = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_policywright"))
            .args(["--db", "lib.sqlite"])
            .args(args)
            .current_dir(d)
            .env_remove("POLICYWRIGHT_DB")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "zh_CN.UTF-8")
            .output()
            .expect("runs")
    };
    let ok = |args: &[&str]| {
        let out = zh(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    ok(&["new", "--locale", "zh-CN", "-o", "ops.policy.json"]);
    ok(&["import", "ops.policy.json"]);
    ok(&["save", "1", "--note", "首次发布", "--author", "人力资源部"]);
    assert_eq!(ok(&["status", "1", "1.0", "in-review", "--by", "张三"]), "制度 1 的版本 1.0 现在是“审核中”\n");
    let history = ok(&["history", "1"]);
    assert!(history.starts_with("1.0     审核中       "), "{history}");
    assert!(history.contains("  人力资源部        "), "{history}");

    let bad = zh(&["status", "1", "1.0", "published", "--by", "张三"]);
    assert_eq!(
        String::from_utf8_lossy(&bad.stderr),
        "错误：制度 1 的版本 1.0 不能从“审核中”变为“已发布”\n  “审核中”之后可以变为：已批准、草稿\n"
    );

    // The word a reader sees is also a status the command takes.
    assert_eq!(ok(&["status", "1", "1.0", "已批准", "--by", "李四"]), "制度 1 的版本 1.0 现在是“已批准”\n");

    let list = ok(&["list"]);
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 2, "{list}");
    assert!(lines[1].contains("已批准"), "{list}");
    // The title starts in the same terminal column on both lines.
    let title_column = |line: &str, title: &str| {
        let before = &line[..line.find(title).expect("title")];
        before.chars().map(|c| if c > '\u{2e80}' { 2 } else { 1 }).sum::<usize>()
    };
    let header_title = lines[0].split_whitespace().last().expect("a title header");
    assert_eq!(title_column(lines[0], header_title), title_column(lines[1], "运营人员岗位工作制度"), "{list}");

    ok(&["archive", "1"]);
    let out = zh(&["list"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "没有可显示的制度：有 1 个已归档；`policywright list --archived` 可显示\n"
    );
}

/// Regression: `save --author ""` and `status --by ""` were accepted, and
/// the trail then named nobody for a version or an approval.
#[test]
fn a_sign_off_without_a_name_is_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    ok(d, &["new", "--locale", "en", "-o", "p.policy.json"]);
    ok(d, &["import", "p.policy.json"]);
    let out = run(d, &["save", "1", "--note", "First issue", "--author", " \t"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: a version needs the name of who saves it, and none was given\n  hint: give your name: in the app under Settings, on the command line with --author or --by\n"
    );
    assert_eq!(ok(d, &["history", "1"]), "", "nothing was saved");
    ok(d, &["save", "1", "--note", "First issue", "--author", "Ana\u{7} Ruiz"]);
    let out = run(d, &["status", "1", "1.0", "in-review", "--by", ""]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .starts_with("error: a status change needs the name of who makes it, and none was given\n"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A control character in a name is dropped, not kept in the trail.
    let history = ok(d, &["history", "1"]);
    assert!(history.contains("draft") && history.contains("Ana Ruiz"), "{history}");
}

/// `due` lists what is published and due for review, the most pressing
/// first; `duplicate` starts a new policy from another's draft.
#[test]
fn due_lists_reviews_and_duplicate_copies_a_draft() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    ok(d, &["new", "--locale", "en", "-o", "new.policy.json"]);
    // The cycle runs from the effective date, whenever it is published.
    edit(d, "new.policy.json", "p.policy.json", |v| v["document"]["effective_date"] = "2030-06-15".into());
    ok(d, &["import", "p.policy.json"]);
    ok(d, &["save", "1", "--note", "First issue", "--author", "HR"]);
    assert_eq!(ok(d, &["due"]), "", "nothing is published yet");
    for status in ["in-review", "approved", "published"] {
        ok(d, &["status", "1", "1.0", status, "--by", "Legal"]);
    }
    // The default cycle: due a year after it takes effect, which is more
    // than 30 days away, and within 5000.
    let out = run(d, &["due"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "no policy is due for review within 30 days\n");
    let listed = ok(d, &["due", "--within", "5000"]);
    let row = listed.lines().nth(1).expect("one policy");
    assert!(
        row.starts_with("   1  2031-06-15    due in ")
            && row.contains(" days  ")
            && row.ends_with("  Operations Staff Policy"),
        "{listed}"
    );

    let copied = run(d, &["duplicate", "1"]);
    assert_eq!(String::from_utf8_lossy(&copied.stdout), "2\n");
    assert_eq!(String::from_utf8_lossy(&copied.stderr), "policy 2 is a copy of policy 1, without its versions\n");
    let list = ok(d, &["list"]);
    let review = &row[6..16];
    assert!(list.contains(&format!("   1  HR-OPS-001  1.0       published    {review}  ")), "{list}");
    assert!(list.contains("   2  —           —         —            —   "), "{list}");
    assert!(list.contains("Operations Staff Policy (copy)"), "{list}");
    assert_eq!(ok(d, &["history", "2"]), "");
    let missing = run(d, &["duplicate", "9"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).starts_with("error: there is no policy 9 in the library\n"));
}

/// A Chinese redline of two library versions printed every later chapter as
/// "第二章[第一章]" in LibreOffice: the inserted revision-history row marked
/// its cells' paragraph marks as inserted, which LibreOffice counted into
/// the chapters' numbering.
#[test]
fn a_chinese_redline_prints_its_chapter_numbers_clean_in_libreoffice() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let d = tmp.path();
    ok(d, &["new", "--preset", "operations", "--locale", "zh-CN", "-o", "zh.json"]);
    ok(d, &["import", "zh.json"]);
    ok(d, &["save", "1", "--note", "首次发布", "--author", "人力资源部"]);
    edit(d, "zh.json", "zh2.json", |v| {
        let duty = &mut v["duties"]["roles"][0]["duties"][0];
        *duty = duty.as_str().expect("a duty").replace("阶段重点", "年度计划和阶段重点").into();
    });
    ok(d, &["save", "1", "--from", "zh2.json", "--note", "补充年度计划", "--author", "法务部"]);
    ok(d, &["diff", "1", "1.0", "1.1", "--format", "docx", "-o", "redline.docx"]);
    let bytes = std::fs::read(d.join("redline.docx")).expect("redline");
    let document = &crate::docx::unzip(&bytes)["word/document.xml"];
    // The new revision row is an inserted row whose cells' marks are not.
    assert!(document.contains(r#"<w:trPr><w:cantSplit /><w:ins "#));
    assert!(!document.contains(r#"<w:pStyle w:val="TableText" /><w:rPr><w:ins "#));
    let check = crate::docx::check_dir();
    std::fs::write(check.join("redline-zh-library.docx"), &bytes).expect("write");
    let expect = serde_json::json!({
        "insertions": ["年度计划和"],
        "author": "法务部",
        "pdf_contains": ["第二章 岗位职责", "第八章 附则"],
        "pdf_absent": ["章[第", "条[第"],
    });
    std::fs::write(check.join("redline-zh-library.expect.json"), expect.to_string()).expect("write");
}
