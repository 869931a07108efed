//! Policywright's integration tests: one binary, a module per feature, and a
//! fixture folder per feature under `tests/fixtures/`.

mod architecture;
mod canonical;
mod cli;
mod concurrent;
mod diff;
mod docx;
mod docx_props;
mod handbook;
mod hostile;
mod injection;
mod integrity;
mod library;
mod pg;
mod presets;
mod recovery;
mod render;
mod store;
mod team;
mod templates;
mod validation;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use policywright_model::{self as model, Locale, Policy, Sanitized};

pub fn fixtures(feature: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(feature)
}

pub fn preset(locale: Locale) -> Policy {
    model::presets::preset("operations", locale, "2027-01-01").expect("built-in preset loads")
}

pub fn clean(policy: &Policy) -> Sanitized<Policy> {
    Sanitized::new(policy).expect("sanitises")
}

/// The Markdown export of a policy with the built-in templates.
pub fn markdown(policy: &Policy) -> String {
    policywright_render::markdown_text(&clean(policy), &policywright_render::Templates::builtin()).expect("renders")
}

/// Sets the value at a path such as `appraisal.indicators[1].children[0].weight`.
pub fn set_path(root: &mut serde_json::Value, path: &str, value: serde_json::Value) {
    let mut node = root;
    for part in path.split('.') {
        let (key, indices) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            node = node
                .as_object_mut()
                .unwrap_or_else(|| panic!("{path}: {key} is not in an object"))
                .entry(key)
                .or_insert(serde_json::Value::Null);
        }
        for index in indices.split('[').filter(|s| !s.is_empty()) {
            let i: usize = index.trim_end_matches(']').parse().expect("numeric index");
            node = node.get_mut(i).unwrap_or_else(|| panic!("{path}: no item {i}"));
        }
    }
    *node = value;
}

/// A preset with edits applied, through JSON so that edits can break the types' rules.
pub fn edited(locale: Locale, edits: &[(&str, serde_json::Value)]) -> Policy {
    let mut value = serde_json::to_value(preset(locale)).expect("serialises");
    for (path, v) in edits {
        set_path(&mut value, path, v.clone());
    }
    model::from_json(&value.to_string(), "edited").expect("edited policy still parses")
}

/// The binary, run in `dir` as a user runs it: in a plain UTF-8 locale,
/// with no library chosen by the environment.
pub fn policywright_in(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_policywright"));
    command.current_dir(dir).env_remove("POLICYWRIGHT_DB").env("LANG", "C.UTF-8");
    command
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
