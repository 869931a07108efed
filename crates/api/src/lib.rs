//! Every action of Policywright, once: the use-cases both shells call.
//!
//! The CLI and the desktop app are thin shells over this crate, so a user
//! gets the same result from either: the same export bytes, the same
//! revision history, the same errors. Nothing here touches a file, the
//! environment or the clock; those come through one small trait, [`World`],
//! which each shell implements for the real machine (`policywright-host`)
//! and tests implement with a fixed clock.

pub mod handbooks;
pub mod library;
mod names;
pub mod recovery;
pub mod server;
pub mod settings;

use std::path::{Path, PathBuf};

use policywright_doc::docx::{self, DocxOptions};
use policywright_i18n::{Error, ErrorKind, Message, keys, msg};
use policywright_model::validate::{Report, validate};
use policywright_model::{MAX_INPUT_BYTES, presets};
use policywright_render::{Input, Options};

pub use library::{DiffFormat, Exported, LibraryRef, Source, open_library, parse_id, parse_status};
pub use names::file_name;
pub use policywright_diff as diff;
pub use policywright_doc as doc;
pub use policywright_i18n as i18n;
pub use policywright_i18n::{ErrorView, Locale, NumberingScheme, PageStyle, Result};
pub use policywright_model as model;
pub use policywright_model::Policy;
pub use policywright_render::{Format, Templates, handbook};
pub use policywright_store as store;
pub use policywright_store::Library;

/// What kind of file is being read, for its size limit and for the words
/// of an error about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Policy,
    Markdown,
    Template,
    Reference,
    /// The desktop app's own settings file.
    Settings,
}

impl FileKind {
    /// The largest file of this kind Policywright reads.
    pub fn limit(self) -> usize {
        match self {
            FileKind::Reference => 64 << 20,
            FileKind::Settings => 1 << 20,
            _ => MAX_INPUT_BYTES,
        }
    }

    /// "a policy file", "a Markdown file", …
    pub fn what(self) -> Message {
        Message::new(match self {
            FileKind::Policy => keys::errors::what::POLICY,
            FileKind::Markdown => keys::errors::what::MARKDOWN,
            FileKind::Template => keys::errors::what::TEMPLATE,
            FileKind::Reference => keys::errors::what::REFERENCE,
            FileKind::Settings => keys::errors::what::SETTINGS,
        })
    }
}

/// The outside world, as the use-cases need it: the clock, files the user
/// named, and where the library lives. Like typst's `World`, it is the one
/// door to the machine.
pub trait World {
    /// Now in UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    fn now(&self) -> String;

    /// Today in UTC, `YYYY-MM-DD`.
    fn today(&self) -> String {
        self.now().chars().take(10).collect()
    }

    /// A file's bytes: a regular file only, and no larger than `kind`'s limit,
    /// both checked before anything is read.
    fn read(&self, path: &Path, kind: FileKind) -> Result<Vec<u8>>;

    /// Every regular file inside `dir`, at any depth, as (name relative to
    /// `dir` with `/` separators, path); nothing outside it.
    fn list_dir(&self, dir: &Path) -> Result<Vec<(String, PathBuf)>>;

    /// Writes a file whole or not at all.
    fn write(&self, path: &Path, bytes: &[u8]) -> Result<()>;

    /// Writes several files into a folder, all or none; an existing file is
    /// refused unless `force`. Returns the paths written.
    fn write_folder(&self, dir: &Path, files: &[(String, Vec<u8>)], force: bool) -> Result<Vec<PathBuf>>;

    /// Makes a folder of the app's own, and the folders it is in.
    fn make_folder(&self, dir: &Path) -> Result<()>;

    /// Removes a file; one that is not there is no error.
    fn remove(&self, path: &Path) -> Result<()>;

    /// Whether something exists at `path`.
    fn exists(&self, path: &Path) -> bool;

    /// The library file to use when the user named none.
    fn default_library(&self) -> Result<PathBuf>;

    /// The app's own folder of data, where the default library lives: what
    /// belongs to a library on a server (its recovered drafts) is kept here.
    fn data_folder(&self) -> Result<PathBuf>;
}

/// A file's text, which must be UTF-8.
pub fn read_text(world: &dyn World, path: &Path, kind: FileKind) -> Result<String> {
    let bytes = world.read(path, kind)?;
    String::from_utf8(bytes).map_err(|e| {
        Error::new(ErrorKind::NotUtf8, msg!(keys::errors::NOT_UTF8, source = path.display().to_string()))
            .detail(msg!(keys::errors::NOT_UTF8_OFFSET, offset = e.utf8_error().valid_up_to()))
            .hint(Message::new(keys::errors::NOT_UTF8_HINT))
    })
}

/// The built-in presets and the role library.
pub use presets::{PresetInfo, RoleInfo};

pub fn list_presets() -> Result<Vec<PresetInfo>> {
    presets::list()
}

pub fn list_roles(locale: Locale) -> Result<Vec<policywright_model::Role>> {
    presets::roles(locale)
}

/// A new policy from a preset, dated today when blank, with the named roles
/// from the library instead of the preset's when any are given, and its
/// headings numbered as asked (else as is usual in its language).
pub fn new_policy(
    world: &dyn World,
    preset: &str,
    locale: Locale,
    roles: &[String],
    numbering: Option<NumberingScheme>,
) -> Result<Policy> {
    let mut policy = presets::preset(preset, locale, &world.today())?;
    if let Some(numbering) = numbering {
        policy.document.numbering = numbering;
    }
    if roles.is_empty() { Ok(policy) } else { presets::with_roles(policy, roles) }
}

/// A policy file, checked like every input: size, encoding, shape, version.
pub fn open_policy(world: &dyn World, path: &Path) -> Result<Policy> {
    let text = read_text(world, path, FileKind::Policy)?;
    policywright_model::from_json(&text, &path.display().to_string())
}

/// A policy as the editor holds it, checked like a file.
pub fn parse_policy(value: &serde_json::Value, source: &str) -> Result<Policy> {
    policywright_model::from_json(&value.to_string(), source)
}

pub fn save_policy(world: &dyn World, policy: &Policy, path: &Path) -> Result<()> {
    world.write(path, policywright_model::to_json(policy).as_bytes())
}

/// Every problem with a policy.
pub fn check(policy: &Policy) -> Report {
    validate(policy)
}

/// Every problem with what an editor holds. A value that is not what its
/// field takes (a weight with three decimals, a number written as text) is
/// a problem at that field like any other, not a failure of the whole form.
pub fn check_edited(value: &serde_json::Value, source: &str) -> Result<Report> {
    use policywright_model::validate::{Finding, Severity};
    match parse_policy(value, source) {
        Ok(policy) => Ok(validate(&policy)),
        Err(Error { path: Some(path), at_field: Some(reason), hint, .. }) => Ok(Report {
            findings: vec![Finding {
                severity: Severity::Error,
                path,
                message: reason,
                // The file's hint points to `policywright schema`; a form
                // shows the field, which says enough.
                hint: hint
                    .filter(|h| h.key() != Some(keys::errors::BAD_SHAPE_HINT))
                    .unwrap_or_else(|| Message::verbatim(String::new())),
            }],
        }),
        Err(e) => Err(e),
    }
}

/// The live preview: the policy as sanitised HTML.
pub fn preview(policy: &Policy, templates: &Templates) -> Result<String> {
    policywright_render::preview_html(&policywright_model::Sanitized::new(policy)?, templates)
}

/// A policy's export; one with errors is refused, so that no exported
/// document has weights that do not add up.
pub fn export(policy: &Policy, format: Format, templates: &Templates) -> Result<Vec<u8>> {
    refuse_errors(policy)?;
    policywright_render::export(&Input::new(policy)?, &Options { format, templates })
}

pub(crate) fn refuse_errors(policy: &Policy) -> Result<()> {
    match validate(policy).refusal(keys::errors::POLICY_HAS_ERRORS) {
        Some(refusal) => Err(refusal.in_locale(policy.document.locale)),
        None => Ok(()),
    }
}

/// The built-in templates with a user's folder laid over them, and the
/// files in it that replace no built-in one (a user may include those).
pub fn load_templates(world: &dyn World, dir: &Path) -> Result<(Templates, Vec<PathBuf>)> {
    let mut templates = Templates::builtin();
    let mut extra = Vec::new();
    let builtin: Vec<String> = Templates::builtin_names().collect();
    for (name, path) in world.list_dir(dir)? {
        let is_template = matches!(Path::new(&name).extension().and_then(|e| e.to_str()), Some("md" | "html" | "json"));
        if !is_template {
            continue;
        }
        let text = read_text(world, &path, FileKind::Template)?;
        if !builtin.contains(&name) {
            extra.push(path.clone());
        }
        templates.overlay(&name, text, path);
    }
    Ok((templates, extra))
}

/// Renders the built-in policies through `templates` in every language and
/// format, so that a broken template is reported, with its file and line,
/// when its folder is chosen rather than at the next export.
pub fn try_templates(world: &dyn World, templates: &Templates) -> Result<()> {
    for locale in Locale::ALL {
        let policy = presets::preset("operations", locale, &world.today())?;
        preview(&policy, templates)?;
        for format in [Format::Md, Format::Html, Format::Docx] {
            export(&policy, format, templates)?;
        }
    }
    Ok(())
}

/// Any CommonMark/GFM file as a `.docx`, with a reference document's styles.
pub fn convert(world: &dyn World, input: &Path, reference: Option<&Path>, locale: Locale) -> Result<Vec<u8>> {
    let markdown = read_text(world, input, FileKind::Markdown)?;
    let mut opts = DocxOptions::plain(locale);
    opts.meta.title = input.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if let Some(path) = reference {
        let bytes = world.read(path, FileKind::Reference)?;
        opts.reference_styles = Some(docx::reference_styles(&bytes, &path.display().to_string())?);
    }
    docx::from_markdown(&markdown, &opts)
}

/// The JSON Schema of a policy file.
pub fn schema() -> String {
    policywright_model::schema_json()
}
