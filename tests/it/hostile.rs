//! Hostile input and hostile places to write: each test is a defect found
//! by feeding the binary what a careless file, a script or a shared folder
//! feeds it, named after what went wrong.

use std::path::Path;
use std::process::{Command, Output};

use crate::{policywright_in, stderr, stdout};

fn policywright(dir: &Path, args: &[&str]) -> Output {
    policywright_in(dir).args(args).output().expect("the binary runs")
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = policywright(dir, args);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

/// An English policy in `dir`, with its JSON for edits.
fn policy(dir: &Path) -> serde_json::Value {
    ok(dir, &["new", "--locale", "en", "-o", "p.policy.json"]);
    serde_json::from_str(&std::fs::read_to_string(dir.join("p.policy.json")).expect("read")).expect("json")
}

/// Replaces the literal of the first weight in the file's text, as a person
/// typing in an editor would, not through a JSON library that would round it.
fn with_first_weight(dir: &Path, literal: &str) -> String {
    let text = std::fs::read_to_string(dir.join("p.policy.json")).expect("read");
    let at = text.find("\"weight\": ").expect("a weight") + "\"weight\": ".len();
    let end = at + text[at..].find([',', '\n']).expect("end of the number");
    format!("{}{literal}{}", &text[..at], &text[end..])
}

/// Regression: `59.999999999999999999` is the same float as 60, so a weight
/// with twenty decimals passed as 60 and was stored as 60.
#[test]
fn a_weight_with_twenty_decimals_is_not_taken_for_sixty() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    policy(d);
    let text = with_first_weight(d, "59.999999999999999999");
    std::fs::write(d.join("p.policy.json"), &text).expect("write");
    let out = policywright(d, &["validate", "p.policy.json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: p.policy.json does not have the shape of a policy\n  at appraisal.indicators[0].weight\n  weight 59.999999999999999999 has more than two decimal places (line "),
        "{err}"
    );
    assert!(
        err.ends_with(
            "  hint: write each weight as a percentage from 0 to 100 with at most two decimals, e.g. 33.33\n"
        ),
        "{err}"
    );
    // The line named is the line the weight is on.
    let line: usize =
        err.split("(line ").nth(1).and_then(|r| r.split(',').next()).and_then(|n| n.parse().ok()).expect("a line");
    assert!(text.lines().nth(line - 1).expect("that line").contains("59.999999999999999999"), "line {line}");
}

/// Regression: a weight written as `"60"` was read as the number 60.
#[test]
fn a_weight_written_as_text_is_refused_at_its_path() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    policy(d);
    std::fs::write(d.join("p.policy.json"), with_first_weight(d, "\"60\"")).expect("write");
    let out = policywright(d, &["validate", "p.policy.json"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("  at appraisal.indicators[0].weight\n  weight \"60\" is written as text; write the number without quotes (line "),
        "{err}"
    );
}

/// Regression: a policy saved by Windows Notepad starts with a byte-order
/// mark, and was refused as invalid JSON at line 1, column 1.
#[test]
fn a_byte_order_mark_does_not_make_a_file_invalid() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    policy(d);
    let text = std::fs::read_to_string(d.join("p.policy.json")).expect("read");
    std::fs::write(d.join("p.policy.json"), format!("\u{feff}{text}")).expect("write");
    let out = policywright(d, &["validate", "p.policy.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).ends_with("p.policy.json: 0 errors, 1 warning\n"), "{}", stderr(&out));
}

/// Regression: `-o` over a read-only file replaced it (the rename needs only
/// the folder to be writable), and `-o` a pipe or a folder failed with the
/// system's words about a temporary file.
#[cfg(unix)]
#[test]
fn writing_over_a_read_only_file_a_pipe_or_a_folder_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    policy(d);
    std::fs::write(d.join("kept.md"), "the signed copy\n").expect("write");
    std::fs::set_permissions(d.join("kept.md"), std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let out = policywright(d, &["render", "p.policy.json", "--format", "md", "-o", "kept.md"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    // After the policy's own warning about the empty company name.
    assert!(
        stderr(&out).ends_with("error: kept.md is read-only, so it is not replaced\n  hint: choose another name, or make the file writable first\n"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(d.join("kept.md")).expect("read"), "the signed copy\n");

    assert!(Command::new("mkfifo").arg(d.join("pipe.md")).status().expect("mkfifo").success());
    std::fs::create_dir(d.join("folder.md")).expect("folder");
    for target in ["pipe.md", "folder.md", "/dev/zero"] {
        let out = policywright(d, &["render", "p.policy.json", "--format", "md", "-o", target]);
        assert_eq!(out.status.code(), Some(2), "{target}: {}", stderr(&out));
        assert!(
            stderr(&out).ends_with(&format!(
                "error: {target} is not a regular file (it is a folder, a device or a pipe); Policywright writes only files\n  hint: give the name of a file to write, e.g. policy.docx\n"
            )),
            "{}",
            stderr(&out)
        );
    }
    // No temporary file is left behind by any of them.
    let mut names: Vec<String> = std::fs::read_dir(d)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["folder.md", "kept.md", "p.policy.json", "pipe.md"]);
}

/// Regression: `-o` a link replaced the link with a file, so the shared
/// copy it pointed to never changed; a replaced file lost its permissions.
#[cfg(unix)]
#[test]
fn a_link_is_written_through_and_a_file_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    policy(d);
    std::fs::create_dir(d.join("shared")).expect("folder");
    std::fs::write(d.join("shared/policy.md"), "old\n").expect("write");
    std::fs::set_permissions(d.join("shared/policy.md"), std::fs::Permissions::from_mode(0o640)).expect("chmod");
    std::os::unix::fs::symlink("shared/policy.md", d.join("link.md")).expect("link");
    assert_eq!(ok(d, &["render", "p.policy.json", "--format", "md", "-o", "link.md"]), "wrote link.md\n");
    assert!(std::fs::symlink_metadata(d.join("link.md")).expect("meta").file_type().is_symlink());
    let written = std::fs::read_to_string(d.join("shared/policy.md")).expect("read");
    assert!(written.starts_with("# Operations Staff Policy"), "{written}");
    let mode = std::fs::metadata(d.join("shared/policy.md")).expect("meta").permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
}

/// Regression: `-o -` wrote a file named `-`, and `-o /dev/stdout` was
/// refused as a device; both mean standard output, and `/dev/null` takes
/// the bytes without a word.
#[test]
fn dash_and_dev_stdout_are_standard_output() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    policy(d);
    let expected = ok(d, &["render", "p.policy.json", "--format", "md"]);
    assert!(expected.starts_with("# Operations Staff Policy"), "{expected}");
    assert_eq!(ok(d, &["render", "p.policy.json", "--format", "md", "-o", "-"]), expected);
    assert!(!d.join("-").exists());
    if cfg!(unix) {
        assert_eq!(ok(d, &["render", "p.policy.json", "--format", "md", "-o", "/dev/stdout"]), expected);
        assert_eq!(ok(d, &["render", "p.policy.json", "--format", "md", "-o", "/dev/null"]), "");
    }
}

/// Regression: `new -o -` still wrote a file named `-` (only the exports
/// knew the stream names), and `new -o /dev/null` was refused as existing.
#[test]
fn new_takes_the_stream_names_as_the_exports_do() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let printed = ok(d, &["new", "--locale", "en"]);
    assert!(printed.starts_with("{\n  \"schema_version\": 1,"), "{printed}");
    assert_eq!(ok(d, &["new", "--locale", "en", "-o", "-"]), printed);
    assert!(!d.join("-").exists());
    if cfg!(unix) {
        assert_eq!(ok(d, &["new", "--locale", "en", "-o", "/dev/stdout"]), printed);
        assert_eq!(ok(d, &["new", "--locale", "en", "-o", "/dev/null"]), "");
    }
}

/// Regression: a second `diff --packet` into the same folder replaced the
/// packet a lawyer had already sent; `templates --out` stopped halfway when
/// one file could not be written.
#[cfg(unix)]
#[test]
fn folders_are_written_whole_and_never_over_earlier_files() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let mut v = policy(d);
    let lib = |args: &[&str]| {
        let mut all = vec!["--db", "lib.sqlite"];
        all.extend_from_slice(args);
        ok(d, &all)
    };
    lib(&["import", "p.policy.json"]);
    lib(&["save", "1", "--note", "first", "--author", "HR"]);
    v["document"]["company"] = "Acme".into();
    std::fs::write(d.join("q.policy.json"), serde_json::to_string_pretty(&v).expect("json")).expect("write");
    lib(&["draft", "1", "--from", "q.policy.json"]);
    lib(&["save", "1", "--note", "second", "--author", "HR"]);
    assert_eq!(lib(&["diff", "1", "1.0", "1.1", "--packet", "out"]).lines().count(), 4);
    let before: Vec<_> = std::fs::read_dir(d.join("out")).expect("list").map(|e| e.expect("e").path()).collect();
    let redline = before.iter().find(|p| p.to_string_lossy().ends_with("_redline.docx")).expect("a redline").clone();
    std::fs::write(&redline, "the copy that was sent").expect("write");

    let out = policywright(d, &["--db", "lib.sqlite", "diff", "1", "1.0", "1.1", "--packet", "out"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("error: out/"), "{}", stderr(&out));
    assert!(stderr(&out).contains(" already exists\n  hint: "), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&redline).expect("read"), "the copy that was sent");
    assert_eq!(lib(&["diff", "1", "1.0", "1.1", "--packet", "out", "--force"]).lines().count(), 4);
    assert!(std::fs::read(&redline).expect("read").starts_with(b"PK"));

    // One template already there: none of the others is written.
    std::fs::create_dir_all(d.join("t/sections")).expect("folder");
    std::fs::write(d.join("t/sections/general.md"), "mine\n").expect("write");
    let out = policywright(d, &["templates", "--out", "t"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let mut left: Vec<String> = walk(&d.join("t"));
    left.sort();
    assert_eq!(left, ["sections/general.md"]);
    assert_eq!(std::fs::read_to_string(d.join("t/sections/general.md")).expect("read"), "mine\n");
    // Into a new folder, all of them; nothing is left beside it.
    assert!(ok(d, &["templates", "--out", "fresh"]).starts_with("wrote "));
    assert!(walk(&d.join("fresh")).len() > 5);
    assert!(
        !std::fs::read_dir(d).expect("list").any(|e| e.expect("e").file_name().to_string_lossy().ends_with(".tmp"))
    );
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("list") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).expect("inside").to_string_lossy().into_owned());
            }
        }
    }
    out
}

/// Regression: `list` and `history` printed escape sequences from a title,
/// a note and an author as they were, among them OSC 52, which writes the
/// terminal's clipboard; a line break in a note forged a line of its own.
#[test]
fn escape_sequences_in_library_text_are_shown_not_sent() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let mut v = policy(d);
    v["document"]["title"] = "Policy \u{1b}]52;c;cm0gLXJmIH4=\u{7} \u{202e}evil".into();
    std::fs::write(d.join("p.policy.json"), serde_json::to_string_pretty(&v).expect("json")).expect("write");
    let lib = |args: &[&str]| {
        let mut all = vec!["--db", "lib.sqlite"];
        all.extend_from_slice(args);
        policywright(d, &all)
    };
    assert_eq!(lib(&["import", "p.policy.json"]).status.code(), Some(0));
    let list = lib(&["list"]);
    assert!(!list.stdout.contains(&0x1b) && !list.stdout.contains(&0x07), "{:?}", stdout(&list));
    assert!(stdout(&list).contains("Policy \\u{1b}]52;c;cm0gLXJmIH4=\\u{7} \\u{202e}evil"), "{}", stdout(&list));

    // A valid draft, saved with a hostile note and author.
    std::fs::remove_file(d.join("p.policy.json")).expect("rm");
    policy(d);
    assert_eq!(lib(&["draft", "1", "--from", "p.policy.json"]).status.code(), Some(0));
    let saved = lib(&["save", "1", "--note", "ok\nerror: forged\u{1b}[2J", "--author", "HR\u{9b}31m"]);
    assert_eq!(saved.status.code(), Some(0), "{}", stderr(&saved));
    let history = stdout(&lib(&["history", "1"]));
    assert_eq!(history.lines().count(), 1, "{history}");
    assert!(history.contains("HR\\u{9b}31m"), "{history}");
    assert!(history.trim_end().ends_with("ok\\nerror: forged\\u{1b}[2J"), "{history}");
}

/// A `.docx` whose only part is `word/styles.xml` with `xml` in it.
fn reference_with_styles(dir: &Path, name: &str, xml: &[u8]) {
    use std::io::Write as _;
    let file = std::fs::File::create(dir.join(name)).expect("create");
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("word/styles.xml", options).expect("part");
    zip.write_all(xml).expect("write");
    zip.finish().expect("finish");
}

/// Regression: `--reference X.docx` copied the reference's `styles.xml`
/// as it was: a billion-laughs DTD, an external entity naming
/// /etc/passwd, or junk after the root ended up in the output; and a
/// styles.xml that unpacked to gigabytes used gigabytes of memory.
#[test]
fn a_hostile_reference_document_is_refused_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    std::fs::write(d.join("in.md"), "# Title\n\nText.\n").expect("write");
    const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    let laughs = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]><w:styles xmlns:w=\"{W}\"><w:style w:styleId=\"x\"><w:name w:val=\"&lol3;\"/></w:style></w:styles>"
    );
    let xxe = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><w:styles xmlns:w=\"{W}\"><w:style w:styleId=\"x\"><w:name w:val=\"&xxe;\"/></w:style></w:styles>"
    );
    let junk = format!("<w:styles xmlns:w=\"{W}\"></w:styles><w:p>junk</w:p>");
    for (name, xml) in
        [("laughs.docx", laughs.as_bytes()), ("xxe.docx", xxe.as_bytes()), ("junk.docx", junk.as_bytes())]
    {
        reference_with_styles(d, name, xml);
        let out = policywright(d, &["convert", "in.md", "-o", "out.docx", "--reference", name]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.starts_with(&format!("error: {name} cannot be used as a reference document\n")), "{name}: {err}");
        assert!(!err.contains("root:"), "{name}: nothing of the file is quoted: {err}");
        if name != "junk.docx" {
            assert!(
                err.contains("declares a DTD, which could pull in other files or expand without end"),
                "{name}: {err}"
            );
        }
        assert!(!d.join("out.docx").exists(), "{name}");
    }

    // 64 MiB of styles, a few dozen KiB packed.
    let bomb = vec![b' '; 64 << 20];
    reference_with_styles(d, "bomb.docx", &bomb);
    assert!(std::fs::metadata(d.join("bomb.docx")).expect("meta").len() < 1 << 20);
    let out = policywright(d, &["convert", "in.md", "-o", "out.docx", "--reference", "bomb.docx"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("word/styles.xml is 64 MiB; a reference document may be at most 8 MiB"),
        "{}",
        stderr(&out)
    );
    assert!(!d.join("out.docx").exists());
}
