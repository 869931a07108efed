//! Template overrides and template errors, as `render --templates DIR` sees them.

use std::path::Path;
use std::process::Command;

use policywright_i18n::Locale as Lang;
use policywright_model::Locale;
use policywright_render::{Limits, Templates};

use crate::{clean, fixtures, preset};

fn markdown_with(templates: &Templates) -> policywright_i18n::Result<String> {
    policywright_render::markdown_text(&clean(&preset(Locale::En)), templates)
}

fn overlay_dir(dir: &Path) -> Templates {
    let mut templates = Templates::builtin();
    for entry in walk(dir) {
        let name = entry.strip_prefix(dir).expect("under dir").to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(&entry).expect("template text");
        templates.overlay(&name, text, entry);
    }
    templates
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn an_override_replaces_one_template_by_name_and_keeps_the_rest() {
    let templates = overlay_dir(&fixtures("templates/override"));
    let md = markdown_with(&templates).expect("renders");
    assert!(md.contains("## 6 Learning at Acme\n"), "{md}");
    assert!(md.contains("Acme expects 40 hours of learning a year."), "{md}");
    // Untouched templates still render, numbering still applies.
    assert!(md.contains("## 5 Performance appraisal\n"), "{md}");
    assert!(!md.contains("### 6.1 Goals"), "{md}");
}

#[test]
fn a_locale_override_changes_the_words_but_not_the_templates() {
    let mut templates = Templates::builtin();
    // The words as `policywright templates` writes them, one of them edited.
    let strings = Templates::builtin_text("locales/en.json")
        .expect("en strings")
        .replace("\"About this policy\"", "\"Scope and principles\"");
    templates.overlay("locales/en.json", strings, "mine/locales/en.json".into());
    let md = markdown_with(&templates).expect("renders");
    assert!(md.contains("## 1 Scope and principles\n"), "{md}");
    // A file that names only the words it changes keeps all the others.
    let mut templates = Templates::builtin();
    templates.overlay("locales/en.json", r#"{"general": {"purpose": "Why"}}"#.into(), "mine/locales/en.json".into());
    let md = markdown_with(&templates).expect("renders");
    assert!(md.contains("### 1.1 Why\n") && md.contains("## 1 About this policy\n"), "{md}");
}

#[test]
fn a_syntax_error_names_the_file_line_and_column() {
    let dir = fixtures("templates/syntax-error");
    let err = markdown_with(&overlay_dir(&dir)).expect_err("broken template").view(Lang::En);
    let path = dir.join("sections/training.md");
    assert_eq!(
        err.message,
        format!("template error in {} at line 5, column 1: unexpected end of input", path.display())
    );
    assert!(err.details.iter().any(|l| l.contains("sections/training.md:5:1")), "{:#?}", err.details);
    assert_eq!(err.hint.as_deref(), Some("fix the template, or remove it from the folder to use the built-in one"));
}

#[test]
fn a_missing_variable_is_an_error_not_an_empty_string() {
    let dir = fixtures("templates/missing-variable");
    let err = markdown_with(&overlay_dir(&dir)).expect_err("undefined variable").view(Lang::En);
    let path = dir.join("sections/training.md");
    assert_eq!(
        err.message,
        format!(
            "template error in {} at line 3, column 31: field `hours_per_week` is not defined. Available fields: content, goals, hours_per_year, methods",
            path.display()
        )
    );
}

#[test]
fn the_cli_reports_template_errors_with_exit_code_1() {
    let dir = tempfile::tempdir().expect("tmp");
    let status = Command::new(env!("CARGO_BIN_EXE_policywright"))
        .args(["new", "--locale", "en", "-o"])
        .arg(dir.path().join("p.policy.json"))
        .status()
        .expect("runs");
    assert!(status.success());
    let out = Command::new(env!("CARGO_BIN_EXE_policywright"))
        .arg("render")
        .arg(dir.path().join("p.policy.json"))
        .args(["--format", "md", "--templates"])
        .arg(fixtures("templates/missing-variable"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error: template error in "), "{err}");
    assert!(
        err.contains(
            "missing-variable/sections/training.md at line 3, column 31: field `hours_per_week` is not defined"
        ),
        "{err}"
    );
}

#[test]
fn the_templates_command_writes_every_builtin_for_editing() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = Command::new(env!("CARGO_BIN_EXE_policywright"))
        .args(["templates", "--out"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    for name in Templates::builtin_names() {
        assert_eq!(
            std::fs::read_to_string(dir.path().join(&name)).expect("written"),
            Templates::builtin_text(&name).expect("builtin")
        );
    }
    // A second run must not overwrite edits.
    let again = Command::new(env!("CARGO_BIN_EXE_policywright"))
        .args(["templates", "--out"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(again.status.code(), Some(2));
}

// Bounds on a user's templates. Each reproduction of the defect ran past 20 s
// before; each must now stop with an error that names the file and the limit.
// No test measures speed: `run_to_the_end` only kills a run that would hang.

/// Runs the binary to the end, or kills it and fails after a bound far above
/// any healthy run, so that a regression fails instead of hanging the suite.
fn run_to_the_end(command: &mut Command) -> std::process::Output {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("runs");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout.read_to_end(&mut bytes);
        bytes
    });
    let err = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stderr.read_to_end(&mut bytes);
        bytes
    });
    let give_up = std::time::Instant::now() + std::time::Duration::from_secs(300);
    let status = loop {
        if let Some(status) = child.try_wait().expect("waits") {
            break status;
        }
        if std::time::Instant::now() > give_up {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{command:?} did not finish: the render is not bounded");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    std::process::Output { status, stdout: out.join().expect("stdout read"), stderr: err.join().expect("stderr read") }
}

/// A new English policy in `dir`, and the limits of rendering it.
fn new_policy(dir: &Path) -> (std::path::PathBuf, Limits) {
    let path = dir.join("p.policy.json");
    let status = Command::new(env!("CARGO_BIN_EXE_policywright"))
        .args(["new", "--locale", "en", "-o"])
        .arg(&path)
        .status()
        .expect("runs");
    assert!(status.success());
    let text = std::fs::read_to_string(&path).expect("written");
    let policy = policywright_model::from_json(&text, "p.policy.json").expect("parses");
    (path, Limits::for_policy(&clean(&policy)))
}

fn render_with(policy: &Path, templates: &Path) -> std::process::Output {
    run_to_the_end(
        Command::new(env!("CARGO_BIN_EXE_policywright"))
            .arg("render")
            .arg(policy)
            .args(["--format", "md", "--templates"])
            .arg(templates),
    )
}

/// From the `error:` line to the end: what the CLI says about the failure.
fn error_part(out: &std::process::Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    match err.find("error: ") {
        Some(at) => err[at..].to_string(),
        None => panic!("no error in:\n{err}"),
    }
}

const LIMIT_HINT: &str =
    "simplify the template: fewer or shorter loops, smaller ranges, and fewer components that call themselves";

/// Renders through the templates in `fixture`, which run without end in
/// `sections/training.md`, and checks that the step limit stopped them.
fn stops_at_the_step_limit(fixture: &str) {
    let dir = tempfile::tempdir().expect("tmp");
    let (policy, limits) = new_policy(dir.path());
    let templates = fixtures(fixture);
    let out = render_with(&policy, &templates);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        error_part(&out),
        format!(
            "error: template error in {}: rendering stopped after {} steps; its loops or components repeat too often\n  hint: {LIMIT_HINT}\n",
            templates.join("sections/training.md").display(),
            limits.steps
        )
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn template_dos_a_component_calling_itself_three_times_per_level_stops_at_the_step_limit() {
    stops_at_the_step_limit("templates/component-recursion");
}

#[test]
fn template_dos_nested_ranges_that_write_nothing_stop_at_the_step_limit() {
    stops_at_the_step_limit("templates/nested-range");
}

#[cfg(unix)]
#[test]
fn template_dos_a_templates_folder_with_links_to_itself_is_read_once() {
    let dir = tempfile::tempdir().expect("tmp");
    let (policy, _) = new_policy(dir.path());
    let templates = dir.path().join("mine");
    std::fs::create_dir_all(templates.join("sections")).expect("folder");
    std::fs::copy(fixtures("templates/override/sections/training.md"), templates.join("sections/training.md"))
        .expect("copied");
    std::os::unix::fs::symlink(".", templates.join("a")).expect("link");
    std::os::unix::fs::symlink(".", templates.join("b")).expect("link");
    std::os::unix::fs::symlink("..", templates.join("sections/up")).expect("link");
    let out = render_with(&policy, &templates);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let md = String::from_utf8_lossy(&out.stdout);
    assert_eq!(md.matches("## 6 Learning at Acme\n").count(), 1, "{md}");
    // Links to folders are skipped, so no template is reported twice.
    assert!(!String::from_utf8_lossy(&out.stderr).contains("note:"), "{}", String::from_utf8_lossy(&out.stderr));
}

/// The built-in templates with one of the user's, given as text.
fn with_training(text: &str) -> Templates {
    let mut templates = Templates::builtin();
    templates.overlay("sections/training.md", text.to_string(), "mine/sections/training.md".into());
    templates
}

fn limits() -> Limits {
    Limits::for_policy(&clean(&preset(Locale::En)))
}

#[test]
fn template_dos_a_template_that_writes_without_end_stops_at_the_output_limit() {
    let line = "x".repeat(1000);
    let templates = with_training(&format!("{{% for i in range(end=100000) %}}{line}\n{{% endfor %}}"));
    let err = markdown_with(&templates).expect_err("too much output");
    assert_eq!(err.kind, policywright_i18n::ErrorKind::Template);
    let view = err.view(Lang::En);
    assert_eq!(
        view.message,
        format!(
            "template error in mine/sections/training.md: rendering stopped after {} MiB of output",
            limits().output_bytes >> 20
        )
    );
    assert_eq!(view.hint.as_deref(), Some(LIMIT_HINT));
    assert_eq!(
        err.view(Lang::ZhCn).message,
        format!("模板 mine/sections/training.md 出错：输出达到 {} MiB 后已停止渲染", limits().output_bytes >> 20)
    );
}

#[test]
fn template_dos_components_nested_too_deep_stop_at_the_depth_limit() {
    let templates = with_training(
        "{% component down(n) %}{% if n > 0 %}{{ <down n={n - 1}/> }}{% endif %}{% endcomponent down %}{{ <down n={25}/> }}",
    );
    let err = markdown_with(&templates).expect_err("too deep");
    assert_eq!(
        err.view(Lang::En).message,
        "template error in mine/sections/training.md: rendering stopped at 20 levels of components inside components"
    );
    assert_eq!(err.view(Lang::ZhCn).message, "模板 mine/sections/training.md 出错：组件嵌套达到 20 层后已停止渲染");
    assert_eq!(
        err.view(Lang::ZhCn).hint.as_deref(),
        Some("请简化模板：减少或缩短循环、缩小 range 的范围、减少调用自身的组件")
    );
    // Twenty levels are allowed.
    let templates = with_training(
        "{% component down(n) %}{% if n > 1 %}{{ <down n={n - 1}/> }}{% endif %}{% endcomponent down %}{{ <down n={20}/> }}",
    );
    markdown_with(&templates).expect("twenty levels render");
}

#[test]
fn template_dos_loops_and_comprehensions_without_output_stop_at_the_step_limit() {
    let expected = format!(
        "template error in mine/sections/training.md: rendering stopped after {} steps; its loops or components repeat too often",
        limits().steps
    );
    for text in [
        // Literal lists, no `range` at all.
        "{% set l = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] %}{% for a in l %}{% for b in l %}{% for c in l %}{% for d in l %}{% for e in l %}{% for f in l %}{% for g in l %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}",
        // A comprehension in a comprehension.
        "{% set r = range(end=100000) %}{{ [[0 for a in r] for b in r] | length }}",
        // A long body in a loop costs more than a short one.
        &format!("{{% for i in range(end=100000) %}}{}{{% endfor %}}", "{% set x = i %}".repeat(100)),
        // So does a template included in a loop.
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% include \"sections/general.md\" %}{% endfor %}{% endfor %}",
    ] {
        let err = markdown_with(&with_training(text)).expect_err("unbounded");
        assert_eq!(err.view(Lang::En).message, expected, "{text}");
    }
}

#[test]
fn the_builtin_templates_render_the_same_bytes_beside_a_users_template() {
    // Any template of the user's puts step counters into every template of
    // the set; they must change nothing that is written.
    for locale in [Locale::En, Locale::ZhCn] {
        let policy = clean(&preset(locale));
        let builtin = Templates::builtin();
        let mut counted = Templates::builtin();
        for name in Templates::builtin_names().filter(|n| !n.starts_with("locales/")) {
            let text = Templates::builtin_text(&name).expect("builtin");
            counted.overlay(&name, text, format!("mine/{name}").into());
        }
        assert_eq!(
            policywright_render::markdown_text(&policy, &counted).expect("renders"),
            policywright_render::markdown_text(&policy, &builtin).expect("renders")
        );
        assert_eq!(
            policywright_render::html_page(&policy, &counted).expect("renders"),
            policywright_render::html_page(&policy, &builtin).expect("renders")
        );
    }
}

#[test]
fn an_error_beside_a_loop_names_the_column_as_written() {
    let text = "## Training\n\n{% for g in p.training.goals %}- {{ g.name }}{% endfor %}\n";
    let err = markdown_with(&with_training(text)).expect_err("a goal is a string").view(Lang::En);
    // Tera points at the field: `name` of `g.name`.
    let column = text.lines().nth(2).and_then(|l| l.find("g.name")).expect("there") + 3;
    assert!(
        err.message.starts_with(&format!("template error in mine/sections/training.md at line 3, column {column}: ")),
        "{}",
        err.message
    );
    // The excerpt shows the line as written, underlined where it was.
    assert!(
        err.details.iter().any(|l| l == &format!("3 | {}", text.lines().nth(2).expect("line"))),
        "{:#?}",
        err.details
    );
    assert!(!err.details.iter().any(|l| l.contains("__pw")), "{:#?}", err.details);
}
