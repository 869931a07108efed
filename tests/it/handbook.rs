//! Binding policies into a handbook: the cover lists them, each is a part
//! numbered from the start again, and what cannot be bound is refused with
//! the reason.

use std::process::Command;

use policywright_model::{Locale, NumberingScheme, Policy};
use policywright_render::handbook::{self, Handbook};
use policywright_render::{Format, Input, Options, Templates};

use crate::docx::{check_dir, unzip};
use crate::edited;

fn inputs(policies: &[Policy]) -> Vec<Input> {
    policies.iter().map(|p| Input::new(p).expect("input")).collect()
}

fn markdown(h: &Handbook, policies: &[Policy]) -> policywright_i18n::Result<String> {
    handbook::markdown_text(h, &inputs(policies), &Templates::builtin())
}

fn render(h: &Handbook, policies: &[Policy], format: Format) -> policywright_i18n::Result<Vec<u8>> {
    handbook::export(h, &inputs(policies), &Options { format, templates: &Templates::builtin() })
}

fn handbook(locale: Locale) -> Handbook {
    Handbook {
        title: match locale {
            Locale::ZhCn => "运营中心员工手册".into(),
            Locale::En => "Operations Handbook".into(),
        },
        company: "Acme Ltd.".into(),
        number: "HR-HB-001".into(),
        version: "2.0".into(),
        date: "2027-03-01".into(),
        locale,
        numbering: match locale {
            Locale::ZhCn => NumberingScheme::ZhChapter,
            Locale::En => NumberingScheme::Decimal,
        },
    }
}

/// Two policies of one language with their own titles and numbers.
fn two(locale: Locale) -> Vec<Policy> {
    let (first, second) = match locale {
        Locale::ZhCn => ("运营人员岗位工作制度", "客服人员岗位工作制度"),
        Locale::En => ("Operations Staff Policy", "Customer Service Staff Policy"),
    };
    vec![
        edited(locale, &[("document.title", first.into()), ("document.company", "Acme Ltd.".into())]),
        edited(
            locale,
            &[
                ("document.title", second.into()),
                ("document.number", "HR-CS-002".into()),
                ("document.company", "Acme Ltd.".into()),
            ],
        ),
    ]
}

#[test]
fn the_markdown_lists_the_policies_and_numbers_each_from_the_start() {
    let md = markdown(&handbook(Locale::ZhCn), &two(Locale::ZhCn)).expect("binds");
    assert!(md.starts_with("# 运营中心员工手册\n"), "{md}");
    assert!(md.contains("| 1 | 运营人员岗位工作制度 | HR-OPS-001 | 1.0 | 2027-01-01 |"), "{md}");
    assert!(md.contains("| 2 | 客服人员岗位工作制度 | HR-CS-002 | 1.0 | 2027-01-01 |"), "{md}");
    // Each policy is a level-2 part; its chapters and articles sit below it
    // and start again at 第一章 / 第一条.
    let parts: Vec<&str> = md.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(parts, ["## 运营人员岗位工作制度", "## 客服人员岗位工作制度"]);
    assert_eq!(md.matches("\n### 第一章　总则\n").count(), 2);
    assert_eq!(md.matches("\n#### 第一条　目的\n").count(), 2);
    let second = &md[md.find("## 客服人员岗位工作制度").expect("second part")..];
    assert!(!second.contains("第三十八条"), "articles run on across parts");
}

#[test]
fn every_part_takes_the_handbooks_numbering_scheme() {
    let mut policies = two(Locale::En);
    policies[1].document.numbering = NumberingScheme::ZhOutline;
    let md = markdown(&handbook(Locale::En), &policies).expect("binds");
    assert_eq!(md.matches("\n### 1 About this policy\n").count(), 2, "{md}");
    assert!(!md.contains("一、"));
}

#[test]
fn the_docx_restarts_word_numbering_in_each_part() {
    for locale in Locale::ALL {
        let h = handbook(locale);
        let bytes = render(&h, &two(locale), Format::Docx).expect("binds");
        let again = render(&h, &two(locale), Format::Docx).expect("again");
        assert!(bytes == again, "{locale:?}: not deterministic");
        let parts = unzip(&bytes);
        let document = &parts["word/document.xml"];
        let numbering = &parts["word/numbering.xml"];
        assert!(parts["word/styles.xml"].contains(r#"w:styleId="PartTitle""#));
        assert_eq!(document.matches(r#"<w:pStyle w:val="PartTitle" />"#).count(), 2);
        // The first part's headings use the styles' lists; the second part's
        // name lists of their own, each defined and starting at 1 again.
        let second = &document[document.rfind(r#"<w:pStyle w:val="PartTitle" />"#).expect("part 2")..];
        let first_chapter = &second[second.find(r#"<w:pStyle w:val="Heading1" />"#).expect("a chapter")..];
        let num_id = first_chapter
            .split("<w:numId w:val=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .expect("the chapter names its part's list");
        let definition = numbering
            .split(&format!("<w:num w:numId=\"{num_id}\">"))
            .nth(1)
            .and_then(|r| r.split("</w:num>").next())
            .expect("the part's list is defined");
        assert!(definition.contains(r#"<w:startOverride w:val="1" />"#), "{definition}");
        // One TOC: parts at level 1, their chapters at level 2.
        // Parts are bookmarked and listed like chapters, with their pages.
        assert!(document.contains(r#"w:name="_Toc00000001" />"#));
        assert_eq!(document.matches(r#"<w:pStyle w:val="TOC1" />"#).count(), 2);
        let chapter = match locale {
            Locale::ZhCn => "第一章　总则",
            Locale::En => "1 About this policy",
        };
        assert_eq!(document.matches(&format!(">{chapter}<")).count(), 2, "{locale:?}: TOC entries");
        // The handbook's own version and properties.
        assert!(parts["word/footer1.xml"].contains("v2.0"));
        assert!(parts["docProps/core.xml"].contains(&format!("<dc:title>{}</dc:title>", h.title)));
        let (titles, headings): (Vec<&str>, Vec<&str>) = match locale {
            Locale::ZhCn => (vec!["运营人员岗位工作制度", "客服人员岗位工作制度"], vec!["总则", "岗位职责"]),
            Locale::En => (
                vec!["Operations Staff Policy", "Customer Service Staff Policy"],
                vec!["About this policy", "Positions and duties"],
            ),
        };
        // Outside readers see chapters as headings; a part's title, like a
        // document's, is a title (and a row of the cover's list).
        // Each policy is a section of its own, whose header and footer name
        // it; the cover and contents are the first section.
        assert_eq!(document.matches("<w:sectPr>").count(), 3, "{locale:?}: cover and two parts");
        let part_headers =
            [format!("Acme Ltd. · {} · HR-OPS-001", titles[0]), format!("Acme Ltd. · {} · HR-CS-002", titles[1])];
        for (n, header) in part_headers.iter().enumerate() {
            let part = &parts[&format!("word/header-part{}.xml", n + 1)];
            assert!(part.contains(header.as_str()), "{locale:?}: {part}");
            assert!(
                parts[&format!("word/footer-part{}.xml", n + 1)].contains("v1.0"),
                "{locale:?}: the policy's own version"
            );
            assert!(
                document.contains(&format!(r#"<w:headerReference w:type="default" r:id="rIdPartHeader{}" />"#, n + 1))
            );
        }
        let expect = serde_json::json!({
            "headings": headings.iter().map(|t| serde_json::json!({"level": 1, "text": t})).collect::<Vec<_>>(),
            "table_cells": ["HR-HB-001", "HR-CS-002", titles[0], titles[1]],
            "pdf_contains": part_headers,
        });
        let dir = check_dir();
        std::fs::write(dir.join(format!("handbook-{}.docx", locale.code())), &bytes).expect("write");
        std::fs::write(dir.join(format!("handbook-{}.expect.json", locale.code())), expect.to_string()).expect("write");
    }
}

#[test]
fn what_cannot_be_bound_is_refused_with_the_reason() {
    let refusal = |h: &Handbook, policies: &[Policy]| -> String {
        markdown(h, policies).expect_err("refused").render(Locale::En)
    };
    let mixed = vec![two(Locale::ZhCn).remove(0), two(Locale::En).remove(0)];
    assert_eq!(
        refusal(&handbook(Locale::ZhCn), &mixed),
        "policy 2 (\"Operations Staff Policy\") is in English, but the handbook is in Chinese\n  hint: bind policies of one language, or set the handbook's language to theirs (--locale in the CLI)"
    );
    // The CLI says it in the handbook's language.
    let err = markdown(&handbook(Locale::ZhCn), &mixed).expect_err("refused");
    assert_eq!(err.locale, Some(Locale::ZhCn));
    assert_eq!(
        err.message.render(Locale::ZhCn),
        "第 2 项制度（“Operations Staff Policy”）的语言是英文，但手册的语言是中文"
    );
    let broken = vec![edited(Locale::En, &[("appraisal.indicators[0].weight", 10.into())])];
    let text = refusal(&handbook(Locale::En), &broken);
    assert_eq!(
        text,
        "policy 1 (\"Operations Staff Policy\") has 2 errors\n  the first: appraisal.indicators: the top-level weights add up to 50, not 100\n  hint: run `policywright validate` on it to see them all, and fix them first"
    );
    assert_eq!(
        refusal(&handbook(Locale::En), &[]),
        "a handbook needs at least one policy\n  hint: add at least one policy to bind"
    );
    let undated = Handbook { date: "2027-02-30".into(), ..handbook(Locale::En) };
    assert_eq!(
        refusal(&undated, &two(Locale::En)),
        "the handbook's date \"2027-02-30\" is not a valid date\n  hint: write the date as YYYY-MM-DD, e.g. 2027-01-01"
    );
}

#[test]
fn hostile_handbook_text_is_cleaned_or_refused() {
    // Control characters Word cannot store are dropped; the file stays whole.
    let h =
        Handbook {
            title: "运营\u{1}手册\u{FFFE}".into(), company: "Acme\u{B} Ltd.".into(), ..handbook(Locale::ZhCn)
        };
    let bytes = render(&h, &two(Locale::ZhCn), Format::Docx).expect("binds");
    let parts = unzip(&bytes);
    for (name, text) in &parts {
        if name.ends_with(".xml") {
            roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
    assert!(parts["docProps/core.xml"].contains("<dc:title>运营手册</dc:title>"));
    // A title of pasted material is refused, not rendered.
    let huge =
        Handbook { title: "长".repeat(policywright_model::validate::MAX_FIELD_CHARS + 1), ..handbook(Locale::ZhCn) };
    let err = markdown(&huge, &two(Locale::ZhCn)).expect_err("refused");
    assert_eq!(err.render(Locale::En), "the handbook's title is longer than 20000 characters\n  hint: shorten it");
    // Markdown in the title prints as typed and never becomes structure.
    let marked = Handbook { title: "# 标题 | 表格 |".into(), ..handbook(Locale::ZhCn) };
    let md = markdown(&marked, &two(Locale::ZhCn)).expect("binds");
    assert!(md.starts_with("# \\# 标题 \\| 表格 \\|\n"), "{}", &md[..40]);
}

#[test]
fn the_cli_binds_files_and_library_versions() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_policywright"))
            .args(["--db", "lib.sqlite"])
            .args(args)
            .current_dir(d)
            .env_remove("POLICYWRIGHT_DB")
            .output()
            .expect("runs")
    };
    for (file, policy) in ["ops.json", "cs.json"].iter().zip(two(Locale::En)) {
        std::fs::write(d.join(file), policywright_model::to_json(&policy)).expect("write");
    }
    assert!(run(&["import", "cs.json"]).status.success());
    assert!(run(&["save", "1", "--note", "First issue", "--author", "HR"]).status.success());
    let out = run(&[
        "handbook",
        "ops.json",
        "@1:1.0",
        "--title",
        "Operations Handbook",
        "--date",
        "2027-03-01",
        "--format",
        "md",
        "-o",
        "hb.md",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "wrote hb.md\n");
    let md = std::fs::read_to_string(d.join("hb.md")).expect("written");
    let parts: Vec<&str> = md.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(parts, ["## Operations Staff Policy", "## Customer Service Staff Policy"]);
    // A policy file that is not there, or not a policy: a clear error, no file.
    let out = run(&["handbook", "ops.json", "nowhere.json", "--title", "T", "--format", "docx", "-o", "a.docx"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: cannot read nowhere.json: no such file or directory\n  hint: check the name and the folder it is in\n"
    );
    std::fs::write(d.join("bad.json"), "{ \"schema_version\": 1, ").expect("write");
    let out = run(&["handbook", "bad.json", "--title", "T", "--format", "docx", "-o", "b.docx"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: bad.json is not valid JSON\n"));
    // An unknown numbering scheme is a usage error.
    let out = run(&["handbook", "ops.json", "--title", "T", "--numbering", "roman", "--format", "md", "-o", "c.md"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("unknown numbering \"roman\"; use zh-chapter, zh-outline or decimal")
    );
    for file in ["a.docx", "b.docx", "c.md"] {
        assert!(!d.join(file).exists(), "{file} was written");
    }
    // A library policy that does not exist: exit 2, no file.
    let out = run(&["handbook", "@7", "--title", "T", "--format", "docx", "-o", "missing.docx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!d.join("missing.docx").exists());
}

#[test]
fn a_saved_handbook_is_rebuilt_with_the_versions_it_names_and_says_what_changed() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_policywright"))
            .args(["--db", "lib.sqlite"])
            .args(args)
            .current_dir(d)
            .env_remove("POLICYWRIGHT_DB")
            .env("LC_ALL", "C")
            .output()
            .expect("runs");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let [ops, cs] = <[Policy; 2]>::try_from(two(Locale::En)).expect("two");
    for (file, policy) in [("ops.json", &ops), ("cs.json", &cs)] {
        std::fs::write(d.join(file), policywright_model::to_json(policy)).expect("write");
        assert_eq!(run(&["import", file]).0, Some(0));
    }
    for id in ["1", "2"] {
        assert_eq!(run(&["save", id, "--note", "First issue", "--author", "HR"]).0, Some(0));
    }
    // Nothing approved yet: `released` says so, and nothing is written.
    let bind = ["handbook", "@1:released", "@2", "--title", "Operations Handbook", "--handbook-version", "1.0"];
    let (code, _, err) =
        run(&[&bind[..], &["--date", "2027-03-01", "--format", "md", "-o", "hb.md", "--save"]].concat());
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "error: \u{201c}Operations Staff Policy\u{201d} has no approved or published version to bind\n  hint: approve a version of it first, or bind a chosen version instead\n"
    );
    assert!(!d.join("hb.md").exists());
    assert_eq!(run(&["handbooks"]).1, "");
    run(&["status", "1", "1.0", "in-review", "--by", "Legal"]);
    run(&["status", "1", "1.0", "approved", "--by", "Legal"]);
    let (code, out, err) =
        run(&[&bind[..], &["--date", "2027-03-01", "--format", "md", "-o", "hb.md", "--save"]].concat());
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out, "wrote hb.md\n");
    assert!(
        err.ends_with(
            "saved as handbook 1; `policywright rebuild 1 --format docx` builds it again with the versions it names\n"
        ),
        "{err}"
    );
    let (_, listed, _) = run(&["handbooks"]);
    assert!(listed.starts_with("  1  Operations Handbook  (2 policies; last exported 20"), "{listed}");
    assert!(listed.ends_with(", 0 parts changed since)\n"), "{listed}");

    // A new version of the first is approved: the next build binds it, and says so.
    let mut renamed = ops.clone();
    renamed.document.title = "Operations Staff Policy, revised".into();
    std::fs::write(d.join("ops.json"), policywright_model::to_json(&renamed)).expect("write");
    run(&["draft", "1", "--from", "ops.json"]);
    run(&["save", "1", "--note", "Renamed", "--author", "HR"]);
    run(&["status", "1", "1.1", "in-review", "--by", "Legal"]);
    run(&["status", "1", "1.1", "approved", "--by", "Legal"]);
    assert!(run(&["handbooks"]).1.ends_with(", 1 part changed since)\n"));
    let (code, out, err) = run(&["rebuild", "1", "--format", "md"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out, "wrote Operations Handbook_v1.0.md\n");
    assert_eq!(err, "changed since the last export: Operations Staff Policy, revised v1.0 → v1.1\n");
    let md = std::fs::read_to_string(d.join("Operations Handbook_v1.0.md")).expect("written");
    let parts: Vec<&str> = md.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(parts, ["## Operations Staff Policy, revised", "## Customer Service Staff Policy"]);
    assert!(run(&["handbooks"]).1.ends_with(", 0 parts changed since)\n"));

    // Files cannot be saved in a handbook; unknown handbooks are said.
    let (code, _, err) = run(&["handbook", "cs.json", "--title", "T", "--format", "md", "-o", "t.md", "--save"]);
    assert_eq!(code, Some(2));
    assert!(
        err.starts_with("error: cs.json is a file, and a saved handbook binds only policies of the library\n"),
        "{err}"
    );
    assert!(!d.join("t.md").exists());
    let (code, _, err) = run(&["rebuild", "7", "--format", "md"]);
    assert_eq!(
        (code, err.as_str()),
        (
            Some(2),
            "error: there is no handbook 7 in the library\n  hint: list the saved handbooks to see their numbers\n"
        )
    );
}

/// Each bound policy said "（未填写）" for its company though the handbook
/// named one.
#[test]
fn the_handbooks_company_fills_each_part_that_names_none() {
    let mut policies = two(Locale::ZhCn);
    policies[0].document.company = String::new();
    policies[1].document.company = "另一家公司".into();
    let md = markdown(&handbook(Locale::ZhCn), &policies).expect("binds");
    assert!(!md.contains("（未填写）"), "{md}");
    // The handbook's own control table, and the part without a company.
    assert_eq!(md.matches("| 公司名称 | Acme Ltd. |").count(), 2, "{md}");
    assert_eq!(md.matches("| 公司名称 | 另一家公司 |").count(), 1, "a part's own company stays");
}
