//! Policy → semantic Markdown, through Tera templates.
//!
//! The built-in templates under `templates/` are compiled into the binary,
//! and their words come from the message catalogue's `document` section; a
//! user's folder can replace any template by name, and any words through
//! `locales/<language>.json`, the way a site theme is layered under a site's
//! own templates. The output is *semantic*: headings carry no numbers.
//! [`policywright_doc::number_headings`] adds them as text for Markdown and
//! HTML, while the DOCX writer applies real Word numbering instead.
//!
//! A user's templates are code from outside, and Tera runs code to the end:
//! so when a set holds any, every template of it is compiled with step
//! counters ([`instrument`]) and each render is bounded in steps, output and
//! component depth ([`limits`]). A set of built-in templates alone is
//! compiled and rendered exactly as written.

mod escape;
mod instrument;
mod limits;
mod view;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use policywright_i18n::{Error, ErrorKind, Key, Locale, Message, Result, keys, msg};
use policywright_model::{Policy, Sanitized};
use serde_json::Value;
use tera::{Context, Tera};

pub use escape::escape_inline;
use instrument::Instrumented;
pub use limits::Limits;
pub use view::SharedRoles;

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
    markdown_engine: OnceLock<Result<Engine>>,
    html_engine: OnceLock<Result<Engine>>,
    strings: [OnceLock<Result<Value>>; 2],
}

/// A compiled template set.
#[derive(Clone)]
struct Engine {
    tera: Tera,
    /// Present when the set holds a user's template: then every template
    /// carries step counters, and renders are bounded.
    bounds: Option<Bounds>,
}

#[derive(Clone)]
struct Bounds {
    /// Template names by the index their counters carry: the user's first.
    names: Vec<String>,
    /// How many of `names` are the user's.
    users: usize,
    /// Each template's counters, by name, to map error positions back.
    rewrites: BTreeMap<String, Instrumented>,
}

/// The bound a render reached.
#[derive(Debug, Clone, Copy)]
enum Bound {
    Steps,
    Output,
    Depth,
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

    fn engine(&self, suffix: &str) -> Result<&Engine> {
        let cell = if suffix == ".md" { &self.markdown_engine } else { &self.html_engine };
        cell.get_or_init(|| self.compile(suffix)).as_ref().map_err(Clone::clone)
    }

    fn compile(&self, suffix: &str) -> Result<Engine> {
        let new_tera = |bounded: bool| {
            let mut tera = Tera::new();
            if suffix == ".md" {
                // Markdown templates escape user text so it can never become structure.
                tera.set_escape_fn(escape::tera_escape);
                tera.autoescape_on([".md"]);
            } else {
                tera.autoescape_on([".html"]);
            }
            if bounded {
                limits::register(&mut tera);
            }
            tera
        };
        let mut selected: Vec<(&String, &Source)> =
            self.sources.iter().filter(|(name, _)| name.ends_with(suffix)).collect();
        // The user's templates first: the meter tells theirs from ours by index.
        selected.sort_by_key(|(_, src)| src.origin.is_none());
        let plain = |tera: &mut Tera| {
            tera.add_raw_templates(selected.iter().map(|(name, src)| (name.as_str(), src.text.as_str())))
        };
        if selected.iter().all(|(_, src)| src.origin.is_none()) {
            let mut tera = new_tera(false);
            plain(&mut tera).map_err(|e| self.tera_error(&e, None))?;
            return Ok(Engine { tera, bounds: None });
        }
        let users = selected.iter().filter(|(_, src)| src.origin.is_some()).count();
        let rewrites: Option<BTreeMap<String, Instrumented>> = selected
            .iter()
            .enumerate()
            .map(|(index, (name, src))| Some(((*name).clone(), instrument::instrument(&src.text, index)?)))
            .collect();
        let mut tera = new_tera(true);
        let compiled = rewrites.as_ref().map(|rewrites| {
            tera.add_raw_templates(rewrites.iter().map(|(name, ins)| (name.as_str(), ins.text.as_str())))
        });
        if let (Some(Ok(())), Some(rewrites)) = (&compiled, rewrites.clone()) {
            let names = selected.iter().map(|(name, _)| (*name).clone()).collect();
            return Ok(Engine { tera, bounds: Some(Bounds { names, users, rewrites }) });
        }
        // The counters went in only where the text as written compiles, so
        // report what is wrong with that.
        plain(&mut new_tera(true)).map_err(|e| self.tera_error(&e, None))?;
        let why = match compiled {
            Some(Err(e)) => e.to_string(),
            _ => "a template the step counter cannot read".to_string(),
        };
        Err(Error::internal(format!("bounding the templates: {why}")))
    }

    /// Renders `name` into text: exactly as Tera does for built-in templates
    /// alone, within [`Limits`] when a user's templates are in the set.
    /// `data_bytes` gives the size of the data, which the limits grow with.
    fn run(
        &self,
        engine: &Engine,
        name: &str,
        context: &Context,
        data_bytes: impl FnOnce() -> usize,
    ) -> Result<String> {
        let Some(bounds) = &engine.bounds else {
            return engine.tera.render(name, context).map_err(|e| self.tera_error(&e, None));
        };
        let limits = Limits::for_data(data_bytes());
        let metering = limits::start(limits.steps, bounds.users);
        let mut out = limits::Capped::new(limits.output_bytes);
        let result = engine.tera.render_to(name, context, &mut out);
        let meter = metering.finish();
        let template = |index: Option<usize>| index.and_then(|i| bounds.names.get(i)).map(String::as_str);
        // The template to blame: where Tera stopped if it is the user's, else
        // the user's that ran last (one that includes a built-in in a loop),
        // else whichever ran last.
        let located = result.as_ref().err().and_then(|e| match e.kind() {
            tera::ErrorKind::RenderingError(report) => Some(report.filename().to_string()),
            _ => None,
        });
        let users = &bounds.names[..bounds.users];
        let located_user = located.as_deref().filter(|name| users.iter().any(|u| u == name));
        let last = template(meter.last_user).or(template(meter.last));
        let bound = if meter.exhausted {
            Some((Bound::Steps, located_user.or(last), limits.steps))
        } else if out.overflowed {
            Some((Bound::Output, last, limits.output_bytes >> 20))
        } else {
            match &result {
                Err(e) if matches!(e.kind(), tera::ErrorKind::Msg(m) if m == limits::DEPTH_MESSAGE) => {
                    Some((Bound::Depth, template(meter.last_component).or(last), limits.component_depth))
                }
                _ => None,
            }
        };
        if let Some((bound, template, max)) = bound {
            return Err(self.bound_error(bound, template.unwrap_or(name), max));
        }
        result.map_err(|e| self.tera_error(&e, Some(bounds)))?;
        String::from_utf8(out.bytes).map_err(|_| Error::internal("a template rendered text that is not UTF-8"))
    }

    /// A bound reached in `template`, naming its file and the limit.
    fn bound_error(&self, bound: Bound, template: &str, max: u64) -> Error {
        let (file, hint) = self.file(template);
        let key = match bound {
            Bound::Steps => keys::errors::TEMPLATE_STEP_LIMIT,
            Bound::Output => keys::errors::TEMPLATE_OUTPUT_LIMIT,
            Bound::Depth => keys::errors::TEMPLATE_DEPTH_LIMIT,
        };
        let hint = if hint == keys::errors::TEMPLATE_USER_HINT { keys::errors::TEMPLATE_LIMIT_HINT } else { hint };
        Error::new(ErrorKind::Template, msg!(key, file = file, max = max)).hint(Message::new(hint))
    }

    /// How a message names a template, and the hint for fixing one.
    fn file(&self, name: &str) -> (Message, Key) {
        match self.sources.get(name).and_then(|s| s.origin.as_ref()) {
            Some(path) => (Message::verbatim(path.display().to_string()), keys::errors::TEMPLATE_USER_HINT),
            None => (msg!(keys::errors::TEMPLATE_BUILTIN, name = name), keys::errors::TEMPLATE_BUILTIN_HINT),
        }
    }

    /// Renders the policy to semantic Markdown (headings without numbers).
    pub fn render_markdown(&self, policy: &Sanitized<Policy>) -> Result<String> {
        self.render_markdown_sharing(policy, None)
    }

    /// [`Templates::render_markdown`], taking from `shared` every role that
    /// is the same in both versions instead of making it again.
    pub fn render_markdown_sharing(
        &self,
        policy: &Sanitized<Policy>,
        shared: Option<&SharedRoles<'_>>,
    ) -> Result<String> {
        let engine = self.engine(".md")?;
        let strings = self.strings(policy.document.locale)?;
        let context = view::context(policy, strings, shared);
        let text = self.run(engine, "policy.md", &context, || limits::json_len(&**policy))?;
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
        let engine = self.engine(".md")?;
        let mut context = Context::new();
        context.insert("t", self.strings(locale)?);
        context.insert("h", handbook);
        context.insert("policies", policies);
        let data = || limits::json_len(handbook) + limits::json_len(policies);
        let text = self.run(engine, "handbook.md", &context, data)?;
        Ok(tidy_blank_lines(&text))
    }

    /// The page template around any sanitised body, with its title and language.
    pub fn render_page_for(&self, title: &str, locale: Locale, body_html: &str) -> Result<String> {
        let engine = self.engine(".html")?;
        let mut context = Context::new();
        context.insert("t", self.strings(locale)?);
        context.insert("title", title);
        context.insert("lang", &locale.code());
        context.insert("body", &tera::Value::safe_string(body_html));
        self.run(engine, "page.html", &context, || title.len() + body_html.len())
    }

    /// Turns a Tera error into one sentence naming the file, line and column,
    /// with Tera's own excerpt as detail lines. With `bounds`, positions in
    /// templates that carry counters are mapped back to the text as written.
    fn tera_error(&self, err: &tera::Error, bounds: Option<&Bounds>) -> Error {
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
        let (file, hint) = self.file(report.filename());
        let span = report.span();
        let lookup = |name: &str| {
            let ins = bounds?.rewrites.get(name)?;
            Some((ins, self.sources.get(name)?.text.as_str()))
        };
        let column = match lookup(report.filename()) {
            Some((ins, _)) => ins.span(span.start_line, span.start_col, span.end_col).0,
            None => span.start_col,
        };
        Error::new(
            ErrorKind::Template,
            msg!(
                keys::errors::TEMPLATE_AT,
                file = file,
                line = span.start_line,
                column = column + 1,
                reason = lowercase_first(report.message())
            ),
        )
        .details(
            instrument::report_lines(&err.to_string(), lookup)
                .into_iter()
                .skip(1)
                .filter(|l| !l.trim().is_empty())
                .map(Message::verbatim)
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
