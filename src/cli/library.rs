//! The library commands: import, drafts, versions, status, export and diff,
//! all against one SQLite library file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use policywright::diff;
use policywright::export::{self, Format};
use policywright::model::Policy;
use policywright::store::{Bump, PolicyId, Status, Store};
use policywright::template::Templates;
use policywright::{Error, ErrorCode, Result, model};

use super::files;

pub fn open(db: Option<&Path>) -> Result<Store> {
    Store::open(&files::library_path(db)?)
}

fn parse_id(text: &str) -> Result<PolicyId> {
    text.parse::<PolicyId>().ok().filter(|id| *id > 0).ok_or_else(|| {
        Error::new(ErrorCode::NotFound, format!("\"{text}\" is not a policy id"))
            .with_detail("hint: ids are the numbers `policywright list` prints")
    })
}

pub fn import(db: Option<&Path>, file: &Path) -> Result<ExitCode> {
    let text = files::read_text(file)?;
    let policy = model::from_json(&text, &file.display().to_string())?;
    let mut store = open(db)?;
    let id = store.import(&policy, &files::now())?;
    println!("{id}");
    Ok(ExitCode::SUCCESS)
}

pub fn set_draft(db: Option<&Path>, id: &str, from: &Path) -> Result<ExitCode> {
    let id = parse_id(id)?;
    let text = files::read_text(from)?;
    let policy = model::from_json(&text, &from.display().to_string())?;
    let mut store = open(db)?;
    store.set_draft(id, &policy, &files::now())?;
    println!("draft of policy {id} replaced from {}", from.display());
    Ok(ExitCode::SUCCESS)
}

pub fn save(db: Option<&Path>, id: &str, major: bool, note: &str, author: &str) -> Result<ExitCode> {
    let id = parse_id(id)?;
    let mut store = open(db)?;
    let bump = if major { Bump::Major } else { Bump::Minor };
    let outcome = store.save_version(id, bump, author, note, &files::now())?;
    for warning in &outcome.warnings {
        eprintln!("{warning}");
    }
    if outcome.unchanged {
        eprintln!("note: the draft equals version {}; nothing new was saved", outcome.version.label);
    }
    println!("{}", outcome.version.label);
    Ok(ExitCode::SUCCESS)
}

pub fn list(db: Option<&Path>, archived: bool) -> Result<ExitCode> {
    let store = open(db)?;
    let policies = store.list(archived)?;
    if policies.is_empty() {
        eprintln!("the library is empty: add a policy with `policywright import FILE`");
        return Ok(ExitCode::SUCCESS);
    }
    println!("{:>4}  {:<8}  {:<11}  {:<20}  title", "id", "version", "status", "updated");
    for p in policies {
        let version = p.latest.map(|l| l.to_string()).unwrap_or_else(|| "—".into());
        let status = p.status.map(|s| s.to_string()).unwrap_or_else(|| "—".into());
        let title = if p.archived { format!("{} (archived)", p.title) } else { p.title };
        println!("{:>4}  {:<8}  {:<11}  {:<20}  {title}", p.id, version, status, p.updated_at);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn history(db: Option<&Path>, id: &str) -> Result<ExitCode> {
    let id = parse_id(id)?;
    let store = open(db)?;
    let versions = store.history(id)?;
    if versions.is_empty() {
        eprintln!("policy {id} has no saved version yet: save one with `policywright save {id} --note … --author …`");
    }
    for v in versions {
        println!(
            "{:<6}  {:<11}  {:<20}  {:<16}  {}  {}",
            v.label.to_string(),
            v.status.to_string(),
            v.created_at,
            v.author,
            &v.content_hash[..12.min(v.content_hash.len())],
            v.note
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn status(db: Option<&Path>, id: &str, label: &str, to: &str, by: &str) -> Result<ExitCode> {
    let id = parse_id(id)?;
    let to = Status::parse(to).ok_or_else(|| {
        Error::new(ErrorCode::NotFound, format!("\"{to}\" is not a status"))
            .with_detail("hint: use draft, in-review, approved, published or superseded")
    })?;
    let mut store = open(db)?;
    store.set_status(id, label, to, by, &files::now())?;
    println!("version {label} of policy {id} is now {to}");
    Ok(ExitCode::SUCCESS)
}

pub fn archive(db: Option<&Path>, id: &str, restore: bool) -> Result<ExitCode> {
    let id = parse_id(id)?;
    let mut store = open(db)?;
    if restore {
        store.restore(id)?;
        println!("policy {id} restored");
    } else {
        store.archive(id)?;
        println!("policy {id} archived; `policywright restore {id}` brings it back");
    }
    Ok(ExitCode::SUCCESS)
}

/// A library policy named `ID` (its latest version) or `ID:VERSION`.
pub fn policy_at(db: Option<&Path>, reference: &str) -> Result<Policy> {
    let (id, version) = match reference.split_once(':') {
        Some((id, version)) => (id, Some(version)),
        None => (reference, None),
    };
    let id = parse_id(id)?;
    let store = open(db)?;
    Ok(store.version_with_history(id, version)?.1)
}

/// `运营人员岗位工作制度_v1.1.docx`: the title, made safe as a file name.
fn file_name(title: &str, suffix: &str, extension: &str) -> String {
    let safe: String =
        title
            .chars()
            .map(|c| {
                if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                    '_'
                } else {
                    c
                }
            })
            .collect();
    let safe = safe.trim().trim_matches('.');
    let safe = if safe.is_empty() { "policy" } else { safe };
    format!("{safe}_{suffix}.{extension}")
}

pub fn export(
    db: Option<&Path>,
    id: &str,
    version: Option<&str>,
    format: Format,
    output: Option<&Path>,
) -> Result<ExitCode> {
    let id = parse_id(id)?;
    let store = open(db)?;
    let (info, policy) = store.version_with_history(id, version)?;
    let bytes = export::render(&policy, format, &Templates::builtin())?;
    let path = match output {
        Some(p) => p.to_path_buf(),
        None => PathBuf::from(file_name(&policy.document.title, &format!("v{}", info.label), format.extension())),
    };
    files::deliver(Some(&path), &bytes)?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Clone, Copy)]
pub enum DiffFormat {
    Json,
    Md,
    Html,
    Docx,
}

fn diff_bytes(c: &diff::Comparison, format: DiffFormat) -> Result<Vec<u8>> {
    Ok(match format {
        DiffFormat::Json => diff::to_json(c).into_bytes(),
        DiffFormat::Md => diff::to_markdown(c).into_bytes(),
        DiffFormat::Html => diff::to_html(c).into_bytes(),
        DiffFormat::Docx => diff::to_docx(c)?,
    })
}

pub fn diff(
    db: Option<&Path>,
    id: &str,
    from: &str,
    to: &str,
    format: DiffFormat,
    output: Option<&Path>,
) -> Result<ExitCode> {
    let id = parse_id(id)?;
    let store = open(db)?;
    let c = diff::compare_versions(&store, id, from, to, &Templates::builtin())?;
    let bytes = diff_bytes(&c, format)?;
    files::deliver(output, &bytes)?;
    Ok(ExitCode::SUCCESS)
}

/// Everything legal needs to sign off a change, in one folder.
pub fn packet(db: Option<&Path>, id: &str, from: &str, to: &str, dir: &Path) -> Result<ExitCode> {
    let id = parse_id(id)?;
    let store = open(db)?;
    let c = diff::compare_versions(&store, id, from, to, &Templates::builtin())?;
    let title = c.title.clone();
    let templates = Templates::builtin();
    let files_to_write = [
        (
            file_name(&title, &format!("v{}", c.from.label), "docx"),
            export::render(&c.from.policy, Format::Docx, &templates)?,
        ),
        (
            file_name(&title, &format!("v{}", c.to.label), "docx"),
            export::render(&c.to.policy, Format::Docx, &templates)?,
        ),
        (file_name(&title, &format!("v{}-v{}_redline", c.from.label, c.to.label), "docx"), diff::to_docx(&c)?),
        (
            file_name(&title, &format!("v{}-v{}_changes", c.from.label, c.to.label), "md"),
            diff::to_markdown(&c).into_bytes(),
        ),
    ];
    for (name, bytes) in files_to_write {
        files::deliver(Some(&dir.join(name)), &bytes)?;
    }
    Ok(ExitCode::SUCCESS)
}
