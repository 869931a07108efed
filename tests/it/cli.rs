//! The `policywright` binary as a user runs it: exact output, exit codes and
//! files on disk.

use std::path::Path;
use std::process::{Command, Output};

use crate::{fixtures, policywright_in, stderr, stdout};

fn policywright(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_policywright")).args(args).current_dir(dir).output().expect("the binary runs")
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[test]
fn presets_lists_presets_and_the_role_library() {
    let dir = tempdir();
    let out = policywright(dir.path(), &["presets"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("operations   zh-CN  运营人员岗位工作制度"), "{text}");
    assert!(text.contains("operations   en     Operations Staff Policy"), "{text}");
    for id in [
        "operations-manager",
        "operations-specialist",
        "data-analyst",
        "operations-assistant",
        "new-media-operations",
        "community-operations",
        "short-video-operations",
        "event-operations",
        "content-operations",
        "product-operations",
        "user-operations",
        "smm-manager",
        "all-media-operator",
    ] {
        assert!(text.contains(&format!("  {id} ")), "role {id} missing from:\n{text}");
    }
}

#[test]
fn the_documented_workflow_runs_end_to_end() {
    let dir = tempdir();
    let d = dir.path();
    let run = |args: &[&str]| {
        let out = policywright(d, args);
        assert_eq!(out.status.code(), Some(0), "{args:?}\nstdout: {}\nstderr: {}", stdout(&out), stderr(&out));
        out
    };
    assert_eq!(
        stdout(&run(&["new", "--preset", "operations", "--locale", "zh-CN", "-o", "ops.policy.json"])),
        "wrote ops.policy.json\n"
    );
    run(&["new", "--preset", "operations", "--locale", "en", "-o", "ops-en.policy.json"]);
    let validated = run(&["validate", "ops.policy.json"]);
    assert_eq!(
        stderr(&validated),
        "警告：document.company：为空\n  提示：发布前请填写公司名称\nops.policy.json：0 个错误，1 个警告\n"
    );
    // The same check of the English policy speaks English.
    assert_eq!(
        stderr(&run(&["validate", "ops-en.policy.json"])),
        "warning: document.company: is empty\n  hint: fill in the company's name before publishing\nops-en.policy.json: 0 errors, 1 warning\n"
    );
    assert_eq!(stdout(&run(&["render", "ops.policy.json", "--format", "md", "-o", "ops.md"])), "wrote ops.md\n");
    run(&["render", "ops.policy.json", "--format", "html", "-o", "ops.html"]);
    run(&["render", "ops-en.policy.json", "--format", "md", "-o", "ops-en.md"]);

    let md = std::fs::read_to_string(d.join("ops.md")).expect("ops.md");
    assert!(md.starts_with("# 运营人员岗位工作制度\n"), "{md}");
    assert!(md.contains("## 第五章\u{3000}绩效考核"), "{md}");
    assert!(md.contains("| **工作业绩** | **60%** |"), "{md}");
    let html = std::fs::read_to_string(d.join("ops.html")).expect("ops.html");
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"), "{html}");
    assert!(html.contains("<h2>第一章\u{3000}总则</h2>"), "{html}");
    assert!(html.contains("default-src 'none'"), "{html}");
    let en = std::fs::read_to_string(d.join("ops-en.md")).expect("ops-en.md");
    assert!(en.contains("## 5 Performance appraisal"), "{en}");
    assert!(en.contains("### 5.2 Indicators and weights"), "{en}");
}

#[test]
fn schema_describes_the_policy_file() {
    let dir = tempdir();
    let out = policywright(dir.path(), &["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("schema is JSON");
    assert_eq!(schema["title"], "Policy");
    let required = schema["required"].as_array().expect("required list");
    for field in ["schema_version", "document", "appraisal", "career"] {
        assert!(required.contains(&field.into()), "{field} not required: {required:?}");
    }
    assert_eq!(schema["$defs"]["Weight"]["multipleOf"], 0.01);
}

#[test]
fn new_refuses_to_overwrite_and_writes_nothing_on_a_bad_role() {
    let dir = tempdir();
    let d = dir.path();
    std::fs::write(d.join("mine.policy.json"), "my edits").expect("write");
    let out = policywright(d, &["new", "-o", "mine.policy.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: mine.policy.json already exists\n  hint: choose another name, or pass --force to overwrite it\n"
    );
    assert_eq!(std::fs::read_to_string(d.join("mine.policy.json")).expect("read"), "my edits");

    let out = policywright(d, &["new", "--roles", "data-analyst,chief-vibes-officer", "-o", "x.policy.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with(
            "error: the role library has no role \"chief-vibes-officer\"\n  available roles: operations-manager, "
        ),
        "{}",
        stderr(&out)
    );
    assert!(!d.join("x.policy.json").exists());
}

#[test]
fn new_with_roles_from_the_library_validates() {
    let dir = tempdir();
    let d = dir.path();
    let out = policywright(
        d,
        &["new", "--locale", "en", "--roles", "smm-manager,all-media-operator,data-analyst", "-o", "p.policy.json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = policywright(d, &["validate", "p.policy.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = policywright(d, &["render", "p.policy.json", "--format", "md"]);
    let md = stdout(&out);
    assert!(md.contains("### 2.1 Social Media Marketing Manager"), "{md}");
    assert!(md.contains("### 2.2 All-Media Operator"), "{md}");
    assert!(!md.contains("### 2.4"), "only the three picked roles: {md}");
}

#[test]
fn new_numbers_headings_as_asked_else_as_its_language_does() {
    let dir = tempdir();
    let d = dir.path();
    let out = policywright(d, &["new", "--locale", "zh-CN", "--numbering", "zh-outline", "-o", "p.policy.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let md = stdout(&policywright(d, &["render", "p.policy.json", "--format", "md"]));
    assert!(md.contains("## 一、总则\n") && !md.contains("第一章"), "{md}");
    let md = stdout(&policywright(d, &["new", "--locale", "zh-CN"]));
    assert!(md.contains("\"numbering\": \"zh-chapter\""), "{md}");
    let out = policywright(d, &["new", "--numbering", "roman"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown numbering \"roman\"; use zh-chapter, zh-outline or decimal"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn blank_policy_is_valid_and_dated_today() {
    let dir = tempdir();
    let out = policywright(dir.path(), &["new", "--preset", "blank", "--locale", "en"]);
    assert_eq!(out.status.code(), Some(0));
    let policy: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(policy["document"]["title"], "New policy");
    let date = policy["document"]["effective_date"].as_str().expect("date");
    assert!(policywright_model::validate::is_iso_date(date), "{date}");
}

#[test]
fn malformed_json_names_line_and_column() {
    let out = policywright(&fixtures("cli"), &["validate", "malformed.policy.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: malformed.policy.json is not valid JSON\n  at line 5, column 5: expected a comma or a closing brace (, or }) here\n  hint: fix the JSON syntax there, or start again from a preset\n"
    );
}

#[test]
fn a_newer_file_is_refused_and_left_alone() {
    let before = std::fs::read(fixtures("cli").join("newer-schema.policy.json")).expect("read");
    let out = policywright(&fixtures("cli"), &["render", "newer-schema.policy.json", "--format", "md"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: newer-schema.policy.json was written by a newer Policywright (schema version 99; this build reads up to 1)\n  hint: update Policywright to open this file; it was left unchanged\n"
    );
    assert_eq!(std::fs::read(fixtures("cli").join("newer-schema.policy.json")).expect("read"), before);
}

#[test]
fn shape_errors_name_the_json_path() {
    let out = policywright(&fixtures("cli"), &["validate", "bad-weight.policy.json"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.starts_with("error: bad-weight.policy.json does not have the shape of a policy\n  at appraisal.indicators[0].children[0].weight\n  weight 33.333 has more than two decimal places (line "), "{err}");

    let out = policywright(&fixtures("cli"), &["validate", "typo-field.policy.json"]);
    let err = stderr(&out);
    assert!(err.contains("  at document.titel\n  unknown field `titel`; the fields here are `title`, "), "{err}");
    assert!(err.ends_with("  hint: `policywright schema` prints the expected structure\n"), "{err}");
}

#[test]
fn io_and_encoding_errors() {
    let out = policywright(&fixtures("cli"), &["validate", "nowhere.policy.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: cannot read nowhere.policy.json: no such file or directory\n  hint: check the name and the folder it is in\n"
    );

    let out = policywright(&fixtures("cli"), &["validate", "not-utf8.policy.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: not-utf8.policy.json is not UTF-8 text\n  the first bad byte is at offset 45\n  hint: save the file as UTF-8\n"
    );

    let out = policywright(&fixtures("cli"), &["render", "x.json", "--format", "pdf"]);
    assert_eq!(out.status.code(), Some(2), "usage errors exit 2");
}

#[test]
fn render_refuses_an_invalid_policy_and_writes_no_file() {
    let dir = tempdir();
    let d = dir.path();
    policywright(d, &["new", "--locale", "en", "-o", "p.policy.json"]);
    let text = std::fs::read_to_string(d.join("p.policy.json")).expect("read");
    std::fs::write(d.join("p.policy.json"), text.replacen("\"weight\": 60", "\"weight\": 70", 1)).expect("write");
    let out = policywright(d, &["render", "p.policy.json", "--format", "md", "-o", "p.md"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("error: appraisal.indicators: the top-level weights add up to 110, not 100\n"), "{err}");
    assert!(err.ends_with("error: p.policy.json has 2 errors; fix them, then export again\n"), "{err}");
    assert!(!d.join("p.md").exists());
}

/// Regression: `policywright presets | head -1` panicked with exit code 101
/// when the reader went away.
#[test]
fn a_reader_that_stops_reading_is_not_an_error() {
    for args in [&["presets"][..], &["schema"][..]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_policywright"))
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("runs");
        // Close the reading end before the command writes a byte.
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("ends");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    }
}

/// Regression: `convert /dev/zero` and `--reference /dev/zero` hung, and so
/// did a pipe in the templates folder; `--templates` given a file was
/// taken silently.
#[cfg(unix)]
#[test]
fn special_files_are_refused_at_once() {
    let dir = tempdir();
    let d = dir.path();
    policywright(d, &["new", "--locale", "en", "-o", "p.policy.json"]);
    std::fs::write(d.join("notes.md"), "# Notes\n").expect("write");
    let cases: [(&[&str], &str); 4] = [
        (
            &["convert", "/dev/zero", "-o", "x.docx"],
            "error: /dev/zero is not a regular file (it is a device, a pipe or a socket), so it cannot be read as a Markdown file\n",
        ),
        (
            &["convert", "notes.md", "-o", "x.docx", "--reference", "/dev/zero"],
            "error: /dev/zero is not a regular file (it is a device, a pipe or a socket), so it cannot be read as a reference document\n",
        ),
        (
            &["validate", "/dev/zero"],
            "error: /dev/zero is not a regular file (it is a device, a pipe or a socket), so it cannot be read as a policy file\n",
        ),
        (
            &["render", "p.policy.json", "--format", "md", "--templates", "notes.md"],
            "error: notes.md is a file; --templates takes a folder of templates\n",
        ),
    ];
    for (args, first_line) in cases {
        let out = policywright(d, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).starts_with(first_line), "{args:?}: {}", stderr(&out));
    }
    let templates = d.join("templates/sections");
    std::fs::create_dir_all(&templates).expect("folder");
    let made = Command::new("mkfifo").arg(templates.join("general.md")).status().expect("mkfifo");
    assert!(made.success());
    let out = policywright(d, &["render", "p.policy.json", "--format", "md", "--templates", "templates"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("general.md is not a regular file"), "{}", stderr(&out));
    assert!(!d.join("x.docx").exists());
}

/// Errors about a policy speak its language; others speak the
/// environment's, so a Chinese desktop gets Chinese errors.
#[test]
fn errors_speak_the_policys_or_the_environments_language() {
    let dir = tempdir();
    let d = dir.path();
    let run = |lang: &str, args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_policywright"))
            .args(args)
            .current_dir(d)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", lang)
            .env("POLICYWRIGHT_DB", d.join("lib.sqlite"))
            .output()
            .expect("runs")
    };
    assert_eq!(
        stderr(&run("zh_CN.UTF-8", &["history", "abc"])),
        "错误：“abc”不是制度编号\n  提示：制度编号为 1、2、3……；`policywright list` 可列出\n"
    );
    assert_eq!(
        stderr(&run("C.UTF-8", &["history", "abc"])),
        "error: \"abc\" is not a policy number\n  hint: policies are numbered 1, 2, 3…; `policywright list` shows them\n"
    );
    // A Chinese policy's refusal is Chinese, whatever the environment.
    policywright(d, &["new", "--locale", "zh-CN", "-o", "p.policy.json"]);
    let text = std::fs::read_to_string(d.join("p.policy.json")).expect("read");
    std::fs::write(d.join("p.policy.json"), text.replacen("\"weight\": 60", "\"weight\": 70", 1)).expect("write");
    let err = stderr(&run("C.UTF-8", &["render", "p.policy.json", "--format", "md", "-o", "p.md"]));
    assert!(err.ends_with("错误：p.policy.json 有 2 个错误，请修正后再导出\n"), "{err}");
}

#[test]
fn render_style_picks_the_page_style_as_the_policy_would() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = |args: &[&str]| policywright_in(dir.path()).args(args).output().expect("runs");
    assert!(run(&["new", "--preset", "operations", "--locale", "zh-CN", "-o", "p.json"]).status.success());
    assert!(run(&["render", "p.json", "--format", "docx", "--style", "gbt9704", "-o", "flag.docx"]).status.success());
    let path = dir.path().join("p.json");
    let mut policy: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    policy["document"]["layout"] = serde_json::json!({"style": "gbt9704"});
    std::fs::write(dir.path().join("q.json"), policy.to_string()).expect("write");
    assert!(run(&["render", "q.json", "--format", "docx", "-o", "field.docx"]).status.success());
    let flag = std::fs::read(dir.path().join("flag.docx")).expect("flag");
    assert!(flag == std::fs::read(dir.path().join("field.docx")).expect("field"), "the same document either way");
    assert!(crate::docx::unzip(&flag)["word/styles.xml"].contains(r#"w:eastAsia="FangSong""#));
    let bad = run(&["render", "p.json", "--format", "docx", "--style", "gov", "-o", "x.docx"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("unknown style \"gov\"; use company or gbt9704"), "{}", stderr(&bad));
}
