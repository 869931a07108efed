//! Policy → semantic Markdown, through Tera templates.
//!
//! The built-in templates under `templates/` are compiled into the binary,
//! and their words come from the message catalogue's `document` section; a
//! user's folder can replace any template by name, and any words through
//! `locales/<language>.json`, the way a site theme is layered under a site's
//! own templates. The output is *semantic*: headings carry no numbers.
//! [`policywright_doc::number_headings`] adds them as text for Markdown and
//! HTML, while the DOCX writer applies real Word numbering instead.

mod escape;
mod view;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use policywright_i18n::{Error, ErrorKind, Locale, Message, Result, keys, msg};
use policywright_model::{Policy, Sanitized};
use serde_json::Value;
use tera::{Context, Tera};

pub use escape::escape_inline;

/// Templates that make up a document, by name. `policy.md` is the entry point.
const BUILTIN: &[(&str, &str)] = &[
    ("policy.md", include_str!("../../../../templates/policy.md")),
    ("handbook.md", include_str!("../../../../templates/handbook.md")),
    ("partials/document-control.md", include_str!("../../../../templates/partials/document-control.md")),
    ("partials/revision-history.md", include_str!("../../../../templates/partials/revision-history.md")),
    ("partials/ladder-table.md", include_str!("../../../../templates/partials/ladder-table.md")),
    ("sections/general.md", include_str!("../../../../templates/sections/general.md")),
    ("sections/duties.md", include_str!("../../../../templates/sections/duties.md")),
    ("sections/workflow.md", include_str!("../../../../templates/sections/workflow.md")),
    ("sections/discipline.md", include_str!("../../../../templates/sections/discipline.md")),
    ("sections/appraisal.md", include_str!("../../../../templates/sections/appraisal.md")),
    ("sections/training.md", include_str!("../../../../templates/sections/training.md")),
    ("sections/career.md", include_str!("../../../../templates/sections/career.md")),
    ("sections/supplementary.md", include_str!("../../../../templates/sections/supplementary.md")),
    ("page.html", include_str!("../../../../templates/page.html")),
];

/// One template's text and where it came from, for error messages.
#[derive(Debug, Clone)]
struct Source {
    text: String,
    /// `None` for built-in templates; the file for a user's override.
    origin: Option<PathBuf>,
}

/// The template set: built-ins with a user's overrides laid on top.
///
/// Building it reads no files: the shell reads the override folder and hands
/// the texts in with [`Templates::overlay`].
#[derive(Clone)]
pub struct Templates {
    sources: BTreeMap<String, Source>,
    /// A user's `locales/<code>.json`, laid over the catalogue's words.
    locale_overrides: BTreeMap<Locale, (String, PathBuf)>,
    /// Compiled once and kept: parsing the templates costs more than
    /// rendering them, and a live preview renders on every keystroke.
    markdown_engine: OnceLock<Result<Tera>>,
    html_engine: OnceLock<Result<Tera>>,
    strings: [OnceLock<Result<Value>>; 2],
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates").field("sources", &self.sources.keys().collect::<Vec<_>>()).finish_non_exhaustive()
    }
}

impl Default for Templates {
    fn default() -> Self {
        Templates::builtin()
    }
}

impl Templates {
    pub fn builtin() -> Templates {
        let sources = BUILTIN
            .iter()
            .map(|(name, text)| (name.to_string(), Source { text: text.to_string(), origin: None }))
            .collect();
        Templates {
            sources,
            locale_overrides: BTreeMap::new(),
            markdown_engine: OnceLock::new(),
            html_engine: OnceLock::new(),
            strings: [OnceLock::new(), OnceLock::new()],
        }
    }

    /// Names of the built-in templates and word files, for `--templates`
    /// users to copy: every template, then `locales/<code>.json`.
    pub fn builtin_names() -> impl Iterator<Item = String> {
        BUILTIN
            .iter()
            .map(|(name, _)| name.to_string())
            .chain(Locale::ALL.iter().map(|l| format!("locales/{}.json", l.code())))
    }

    /// The text of a built-in template, or of the built-in words of a
    /// language (`locales/en.json`), as a user would start editing it.
    pub fn builtin_text(name: &str) -> Option<String> {
        if let Some(locale) = locale_file(name) {
            let mut text = serde_json::to_string_pretty(&view::document_strings(locale)).unwrap_or_default();
            text.push('\n');
            return Some(text);
        }
        BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, text)| text.to_string())
    }

    /// Replaces (or adds) a template. `name` is relative to the templates
    /// folder with `/` separators, e.g. `sections/duties.md`; a name under
    /// `locales/` replaces that locale's strings.
    pub fn overlay(&mut self, name: &str, text: String, origin: PathBuf) {
        self.markdown_engine = OnceLock::new();
        self.html_engine = OnceLock::new();
        self.strings = [OnceLock::new(), OnceLock::new()];
        if let Some(locale) = locale_file(name) {
            self.locale_overrides.insert(locale, (text, origin));
            return;
        }
        self.sources.insert(name.to_string(), Source { text, origin: Some(origin) });
    }

    /// The words of a language as a JSON tree, passed to templates as `t`:
    /// the catalogue's, with a user's override laid over them key by key.
    pub fn strings(&self, locale: Locale) -> Result<&Value> {
        let slot = &self.strings[usize::from(locale == Locale::En)];
        slot.get_or_init(|| {
            let mut strings = view::document_strings(locale);
            if let Some((text, origin)) = self.locale_overrides.get(&locale) {
                let theirs: Value = serde_json::from_str(text).map_err(|e| {
                    Error::new(ErrorKind::Template, msg!(keys::errors::TEMPLATE_LOCALE_JSON, locale = locale.code()))
                        .detail(msg!(
                            keys::errors::TEMPLATE_LOCALE_POSITION,
                            locale = locale.code(),
                            line = e.line(),
                            column = e.column()
                        ))
                        .detail(Message::verbatim(origin.display().to_string()))
                })?;
                merge(&mut strings, theirs);
            }
            Ok(strings)
        })
        .as_ref()
        .map_err(Clone::clone)
    }

    fn engine(&self, suffix: &str) -> Result<&Tera> {
        let cell = if suffix == ".md" { &self.markdown_engine } else { &self.html_engine };
        cell.get_or_init(|| self.compile(suffix)).as_ref().map_err(Clone::clone)
    }

    fn compile(&self, suffix: &str) -> Result<Tera> {
        let mut tera = Tera::new();
        if suffix == ".md" {
            // Markdown templates escape user text so it can never become structure.
            tera.set_escape_fn(escape::tera_escape);
            tera.autoescape_on([".md"]);
        } else {
            tera.autoescape_on([".html"]);
        }
        let selected = self.sources.iter().filter(|(name, _)| name.ends_with(suffix));
        tera.add_raw_templates(selected.map(|(name, src)| (name.as_str(), src.text.as_str())))
            .map_err(|e| self.tera_error(&e))?;
        Ok(tera)
    }

    /// Renders the policy to semantic Markdown (headings without numbers).
    pub fn render_markdown(&self, policy: &Sanitized<Policy>) -> Result<String> {
        let tera = self.engine(".md")?;
        let strings = self.strings(policy.document.locale)?;
        let context = view::context(policy, strings);
        let text = tera.render("policy.md", &context).map_err(|e| self.tera_error(&e))?;
        Ok(tidy_blank_lines(&text))
    }

    /// A handbook's own pages (`handbook.md`): `h` is the handbook and
    /// `policies` one row per bound policy.
    pub fn render_handbook(
        &self,
        locale: Locale,
        handbook: &impl serde::Serialize,
        policies: &impl serde::Serialize,
    ) -> Result<String> {
        let tera = self.engine(".md")?;
        let mut context = Context::new();
        context.insert("t", self.strings(locale)?);
        context.insert("h", handbook);
        context.insert("policies", policies);
        let text = tera.render("handbook.md", &context).map_err(|e| self.tera_error(&e))?;
        Ok(tidy_blank_lines(&text))
    }

    /// The page template around any sanitised body, with its title and language.
    pub fn render_page_for(&self, title: &str, locale: Locale, body_html: &str) -> Result<String> {
        let tera = self.engine(".html")?;
        let mut context = Context::new();
        context.insert("t", self.strings(locale)?);
        context.insert("title", title);
        context.insert("lang", &locale.code());
        context.insert("body", &tera::Value::safe_string(body_html));
        tera.render("page.html", &context).map_err(|e| self.tera_error(&e))
    }

    /// Turns a Tera error into one sentence naming the file, line and column,
    /// with Tera's own excerpt as detail lines.
    fn tera_error(&self, err: &tera::Error) -> Error {
        let report = match err.kind() {
            tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
            _ => None,
        };
        let Some(report) = report else {
            return Error::new(
                ErrorKind::Template,
                msg!(keys::errors::TEMPLATE, reason = lowercase_first(&err.to_string())),
            );
        };
        let origin = self.sources.get(report.filename()).and_then(|s| s.origin.as_ref());
        let (file, hint) = match origin {
            Some(path) => (Message::verbatim(path.display().to_string()), keys::errors::TEMPLATE_USER_HINT),
            None => {
                (msg!(keys::errors::TEMPLATE_BUILTIN, name = report.filename()), keys::errors::TEMPLATE_BUILTIN_HINT)
            }
        };
        let span = report.span();
        Error::new(
            ErrorKind::Template,
            msg!(
                keys::errors::TEMPLATE_AT,
                file = file,
                line = span.start_line,
                column = span.start_col + 1,
                reason = lowercase_first(report.message())
            ),
        )
        .details(
            err.to_string()
                .lines()
                .skip(1)
                .filter(|l| !l.trim().is_empty())
                .map(|l| Message::verbatim(l.to_string()))
                .collect::<Vec<_>>(),
        )
        .hint(Message::new(hint))
    }
}

/// `locales/en.json` → English.
fn locale_file(name: &str) -> Option<Locale> {
    name.strip_prefix("locales/").and_then(|f| f.strip_suffix(".json")).and_then(Locale::parse)
}

/// Lays `theirs` over `ours`, key by key, so that an override file names
/// only the words it changes.
fn merge(ours: &mut Value, theirs: Value) {
    match (ours, theirs) {
        (Value::Object(ours), Value::Object(theirs)) => {
            for (key, value) in theirs {
                match ours.get_mut(&key) {
                    Some(slot) => merge(slot, value),
                    None => {
                        ours.insert(key, value);
                    }
                }
            }
        }
        (slot, value) => *slot = value,
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Templates are easier to read with generous blank lines; the output keeps at
/// most one between blocks and none at the ends.
fn tidy_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() && blank_run > 0 {
            out.push('\n');
        }
        blank_run = 0;
        out.push_str(line);
        out.push('\n');
    }
    out
}
