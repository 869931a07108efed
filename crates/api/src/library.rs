//! The library's use-cases: the same calls behind `policywright export` and
//! the app's Export, behind `history` and the app's list of versions.

use std::path::{Path, PathBuf};

use policywright_diff::{ChangeKind, Comparison, Side};
use policywright_i18n::{Error, ErrorKind, Locale, Message, Result, keys, msg};
use policywright_model::dates::Day;
use policywright_model::validate::Diagnostic;
use policywright_postgres::Postgres;
use policywright_render::handbook::{self, Handbook};
use policywright_render::{Format, Input, Options, Templates};
use policywright_sqlite::Sqlite;
use policywright_store::{
    Bump, Copied, DraftStamp, Library, PolicyId, PolicySummary, SaveOutcome, Status, VersionInfo, revisions,
};
use serde::Serialize;

use crate::handbooks::{Part, Pick};
use crate::{Policy, World, file_name, open_policy};

/// Opens the library the user named, or the one in the default place: a
/// library server for a `postgres://` or `postgresql://` address, else a
/// SQLite file, as before there were servers.
pub fn open_library(world: &dyn World, explicit: Option<&Path>) -> Result<Library> {
    open_library_with(world, explicit, None)
}

/// Opens a library as [`open_library`] does; a server is connected to with
/// `password` (which the app keeps in the system's keychain, apart from the
/// address it remembers).
pub fn open_library_with(world: &dyn World, explicit: Option<&Path>, password: Option<&str>) -> Result<Library> {
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None => world.default_library()?,
    };
    if let Some(address) = server_address(&path) {
        return Ok(Library::new(Box::new(Postgres::connect_with(address, password)?)));
    }
    Ok(Library::new(Box::new(Sqlite::open_on(&path, Some(&world.today()))?)))
}

/// The SQL that sets up a team library's roles, as `library init-server`
/// prints it for a server's administrator to read or run.
pub fn server_roles_script() -> &'static str {
    policywright_postgres::ROLES_SCRIPT
}

/// Sets up the roles on the library server named (or the default one),
/// connected as its owner; returns how the server is named.
pub fn init_server(world: &dyn World, explicit: Option<&Path>) -> Result<String> {
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None => world.default_library()?,
    };
    let Some(address) = server_address(&path) else {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            msg!(keys::errors::server::NOT_A_SERVER, path = path.display().to_string()),
        )
        .hint(Message::new(keys::errors::server::NOT_A_SERVER_HINT)));
    };
    let mut server = Postgres::connect(address)?;
    server.run_script(policywright_postgres::ROLES_SCRIPT)?;
    Ok(server.shown().to_string())
}

/// Copies the library at `from` (a file or a server) into the one at `to`,
/// which is made when it is a new file or an empty database; returns what
/// was copied and how the target is named. A second run copies nothing.
pub fn copy_library(world: &dyn World, from: &Path, to: &Path) -> Result<(Copied, String)> {
    // Opening a file that is not there would make an empty library of it.
    if server_address(from).is_none() && !world.exists(from) {
        return Err(Error::new(
            ErrorKind::NotFound,
            msg!(keys::errors::LIBRARY_MISSING, path = from.display().to_string()),
        )
        .hint(Message::new(keys::errors::LIBRARY_MISSING_HINT)));
    }
    let source = open_library(world, Some(from))?;
    let mut target = open_library(world, Some(to))?;
    let copied = source.copy_to(&mut target)?;
    Ok((copied, shown_location(to)))
}

/// How messages name a library location: its path, or a server's address
/// without its password.
pub fn shown_location(location: &Path) -> String {
    match server_address(location) {
        Some(address) => policywright_postgres::Address::parse(address)
            .map(|a| a.shown)
            .unwrap_or_else(|_| address.split('@').next_back().unwrap_or_default().to_string()),
        None => location.display().to_string(),
    }
}

/// The server address a library location names, if it names one.
pub fn server_address(location: &Path) -> Option<&str> {
    location.to_str().filter(|text| policywright_postgres::is_address(text))
}

/// A policy's number as a user types it.
pub fn parse_id(text: &str) -> Result<PolicyId> {
    text.trim().parse::<PolicyId>().ok().filter(|id| *id > 0).ok_or_else(|| {
        Error::new(ErrorKind::InvalidArgument, msg!(keys::errors::NOT_AN_ID, text = text))
            .hint(Message::new(keys::errors::NOT_AN_ID_HINT))
    })
}

/// A status as a user types it: its code (`in-review`), also with a space
/// or in capitals as messages show it, or its word in either language
/// (`审核中`).
pub fn parse_status(text: &str) -> Result<Status> {
    let typed = text.trim().to_lowercase().replace([' ', '_'], "-");
    let found = Status::parse(&typed).or_else(|| {
        Status::ALL.into_iter().find(|s| {
            Locale::ALL
                .iter()
                .any(|l| policywright_store::status_word(*s).render(*l).to_lowercase() == text.trim().to_lowercase())
        })
    });
    found.ok_or_else(|| {
        Error::new(ErrorKind::InvalidArgument, msg!(keys::errors::NOT_A_STATUS, text = text))
            .hint(Message::new(keys::errors::NOT_A_STATUS_HINT))
    })
}

pub fn import(world: &dyn World, library: &mut Library, path: &Path) -> Result<PolicyId> {
    let policy = open_policy(world, path)?;
    library.import(&policy, &world.now())
}

pub fn import_policy(world: &dyn World, library: &mut Library, policy: &Policy) -> Result<PolicyId> {
    library.import(policy, &world.now())
}

/// A new policy from another's draft, titled as its copy, with no versions
/// and no document number: the start of a policy like one the library has.
pub fn duplicate(world: &dyn World, library: &mut Library, id: PolicyId) -> Result<PolicyId> {
    let mut policy = library.draft(id)?;
    let locale = policy.document.locale;
    policy.document.title = msg!(keys::document::COPY_TITLE, title = policy.document.title.as_str()).render(locale);
    policy.document.revisions.clear();
    // Two policies under one document number would be one too many: the
    // copy gets its own when the user gives it one.
    policy.document.number.clear();
    library.import(&policy, &world.now())
}

/// A published policy whose review is due: how many days are left until
/// its review date (negative once it has passed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Due {
    pub policy: PolicySummary,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub days: i64,
}

/// The policies (archived ones aside) due for review within `within_days`
/// of today, overdue ones included, the most pressing first.
pub fn due(world: &dyn World, library: &Library, within_days: i64) -> Result<Vec<Due>> {
    let now = world.now();
    let today = Day::parse(&now).ok_or_else(|| Error::internal("the clock gave no date"))?;
    let mut due: Vec<Due> = library
        .list(false)?
        .into_iter()
        .filter_map(|policy| {
            let days = today.days_until(Day::parse(policy.next_review.as_deref()?)?);
            (days <= within_days).then_some(Due { policy, days })
        })
        .collect();
    due.sort_by_key(|d| (d.days, d.policy.id));
    Ok(due)
}

/// Replaces the draft; returns its new revision.
pub fn set_draft(world: &dyn World, library: &mut Library, id: PolicyId, policy: &Policy) -> Result<u64> {
    library.set_draft(id, policy, &world.now())
}

/// Replaces the draft from a file; returns its new revision.
pub fn set_draft_from(world: &dyn World, library: &mut Library, id: PolicyId, path: &Path) -> Result<u64> {
    let policy = open_policy(world, path)?;
    library.set_draft(id, &policy, &world.now())
}

/// What a save saves.
#[derive(Debug, Clone, Copy)]
pub enum SaveWhat<'a> {
    /// The stored draft, as it is when the save runs.
    Draft,
    /// The stored draft, only if it is still at this revision.
    Revision(u64),
    /// This file, which becomes the draft in the same transaction: what is
    /// saved is exactly the file, whatever other processes do meanwhile.
    File(&'a Path),
}

/// Saves the next version.
pub fn save(
    world: &dyn World,
    library: &mut Library,
    id: PolicyId,
    what: SaveWhat<'_>,
    bump: Bump,
    author: &str,
    note: &str,
) -> Result<SaveOutcome> {
    let now = world.now();
    match what {
        SaveWhat::Draft => library.save_version(id, bump, author, note, &now),
        SaveWhat::Revision(revision) => library.save_revision(id, revision, bump, author, note, &now),
        SaveWhat::File(path) => {
            let policy = open_policy(world, path)?;
            library.save_as_version(id, &policy, bump, author, note, &now)
        }
    }
}

/// `library check`: the file, every policy's trail and every version's
/// content; the damage found, in words.
pub fn check_library(library: &Library) -> Result<Vec<policywright_i18n::Message>> {
    Ok(library
        .check_all()?
        .into_iter()
        .flat_map(|(id, damage)| damage.into_iter().map(move |d| d.message(id)))
        .collect())
}

/// A saved version as the editor receives it: warnings in words, and the
/// draft it should now hold, whose revision history is the library's, so
/// the preview names the version just saved.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Saved {
    pub version: VersionInfo,
    pub unchanged: bool,
    pub warnings: Vec<Diagnostic>,
    pub draft: Policy,
    /// Where the draft stands after the save, for the editor to go on from.
    pub stamp: DraftStamp,
}

/// A library policy's draft as the editor opens it: the text, with the
/// library's revision history, and the revision it goes on from.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct EditorDraft {
    pub policy: Policy,
    pub stamp: DraftStamp,
}

/// Opens a library policy's draft for the editor.
pub fn editor_draft(library: &Library, id: PolicyId) -> Result<EditorDraft> {
    let (draft, stamp) = library.draft_and_stamp(id)?;
    Ok(EditorDraft { policy: draft_with_history(library, id, &draft)?, stamp })
}

/// The editor's save: what it shows becomes the draft and the next version,
/// unless someone else replaced the draft since the editor's revision
/// `base` (then nothing is written, and the error says who and when).
#[allow(clippy::too_many_arguments)]
pub fn save_for_editor(
    world: &dyn World,
    library: &mut Library,
    id: PolicyId,
    policy: &Policy,
    base: Option<u64>,
    bump: Bump,
    author: &str,
    note: &str,
    locale: Locale,
) -> Result<Saved> {
    let outcome = library.save_as_version_from(id, policy, base, bump, author, note, &world.now())?;
    let (draft, stamp) = library.draft_and_stamp(id)?;
    Ok(Saved {
        draft: draft_with_history(library, id, &draft)?,
        stamp,
        version: outcome.version,
        unchanged: outcome.unchanged,
        warnings: outcome.warnings.iter().map(|w| w.render(locale)).collect(),
    })
}

pub fn set_status(
    world: &dyn World,
    library: &mut Library,
    id: PolicyId,
    label: &str,
    to: Status,
    by: &str,
) -> Result<()> {
    library.set_status(id, label, to, by, &world.now())
}

/// The draft as the editor shows it: its revision history is the library's,
/// so the preview names the version that was saved last.
pub fn draft_with_history(library: &Library, id: PolicyId, draft: &Policy) -> Result<Policy> {
    let history = library.history(id)?;
    let mut policy = draft.clone();
    if let Some(newest) = history.last() {
        policy.document.revisions = revisions(&history, newest.label);
    }
    Ok(policy)
}

/// An exported file: its bytes and the name it is offered under.
#[derive(Debug, Clone)]
pub struct Exported {
    pub file_name: String,
    pub label: String,
    pub bytes: Vec<u8>,
}

/// A stored version (the newest with `None`) as a file, with the revision
/// history as of that version and the library's hash in its properties.
pub fn export_version(
    library: &Library,
    id: PolicyId,
    version: Option<&str>,
    format: Format,
    templates: &Templates,
) -> Result<Exported> {
    let (info, policy) = library.version_with_history(id, version)?;
    let input = Input::stored(&policy, &info.content_hash)?;
    let bytes = policywright_render::export(&input, &Options { format, templates })?;
    let label = info.label.to_string();
    Ok(Exported {
        file_name: file_name(&policy.document.title, &format!("v{label}"), format.extension()),
        label,
        bytes,
    })
}

fn side(library: &Library, id: PolicyId, label: &str) -> Result<Side> {
    let (info, policy) = library.version_with_history(id, Some(label))?;
    Side::new(&info.label.to_string(), &info.author, &info.created_at, &policy, &info.content_hash)
}

/// Two saved versions compared, each with the revision history as of it.
pub fn compare(library: &Library, id: PolicyId, from: &str, to: &str, templates: &Templates) -> Result<Comparison> {
    policywright_diff::compare(side(library, id, from)?, side(library, id, to)?, templates)
}

/// A comparison as the app shows it: the change summary as data, so that
/// the window can lead from each change to its place, and the three
/// renderings as sanitised HTML.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ComparisonView {
    /// "TITLE: v1.0 → v1.1"
    pub heading: String,
    /// Who made each version, and when.
    pub sides: String,
    /// The language of the texts: the newer version's.
    pub locale: Locale,
    pub changes: Vec<ChangeView>,
    /// The newer version with the older one's deletions, changes marked.
    pub inline: String,
    pub old: String,
    pub new: String,
}

/// One change of the summary, and what the window needs to find it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ChangeView {
    #[cfg_attr(feature = "ts", ts(type = "\"added\" | \"removed\" | \"changed\" | \"moved\""))]
    pub kind: &'static str,
    /// The change in one line of plain words.
    pub summary: String,
    /// Where, from the chapter down, as the document names its headings.
    pub place: Vec<String>,
    pub before: Option<String>,
    pub after: Option<String>,
}

pub fn comparison_view(c: &Comparison) -> ComparisonView {
    let views = policywright_diff::html_views(c);
    let changes = c
        .changes
        .iter()
        .map(|change| ChangeView {
            kind: match change.kind {
                ChangeKind::Added => "added",
                ChangeKind::Removed => "removed",
                ChangeKind::Changed => "changed",
                ChangeKind::Moved => "moved",
            },
            summary: change.summary.clone(),
            place: change.place.clone(),
            before: change.before.clone(),
            after: change.after.clone(),
        })
        .collect();
    ComparisonView {
        heading: c.heading(),
        sides: c.sides(),
        locale: c.locale(),
        changes,
        inline: views.inline,
        old: views.old,
        new: views.new,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffFormat {
    Json,
    Md,
    Html,
    Docx,
}

pub fn diff_bytes(c: &Comparison, format: DiffFormat) -> Result<Vec<u8>> {
    Ok(match format {
        DiffFormat::Json => policywright_diff::to_json(c).into_bytes(),
        DiffFormat::Md => policywright_diff::to_markdown(c).into_bytes(),
        DiffFormat::Html => policywright_diff::to_html(c).into_bytes(),
        DiffFormat::Docx => policywright_diff::to_docx(c)?,
    })
}

/// The redline of two saved versions as a Word file with tracked changes,
/// named `TITLE_v1.0-v1.1_redline.docx`; `label` is the range, `v1.0-v1.1`.
pub fn redline(library: &Library, id: PolicyId, from: &str, to: &str, templates: &Templates) -> Result<Exported> {
    let c = compare(library, id, from, to, templates)?;
    Ok(Exported {
        file_name: report_name(&c, "redline", "docx"),
        bytes: policywright_diff::to_docx(&c)?,
        label: range(&c),
    })
}

/// `v1.0-v1.1`: the versions a comparison is between, as its files name them.
fn range(c: &Comparison) -> String {
    format!("v{}-v{}", c.from.label, c.to.label)
}

/// `TITLE_v1.0-v1.1_redline.docx`: one of a comparison's reports, by kind.
fn report_name(c: &Comparison, kind: &str, extension: &str) -> String {
    file_name(&c.title, &format!("{}_{kind}", range(c)), extension)
}

/// Everything legal needs to sign off a change: both versions as Word
/// files, the redline and the change summary.
#[derive(Debug)]
pub struct Packet {
    /// `TITLE_v1.0-v1.1_packet`: the folder the app makes for it.
    pub folder_name: String,
    /// Each file's name and bytes.
    pub files: Vec<(String, Vec<u8>)>,
}

pub fn packet(library: &Library, id: PolicyId, from: &str, to: &str, templates: &Templates) -> Result<Packet> {
    let c = compare(library, id, from, to, templates)?;
    let old = export_version(library, id, Some(from), Format::Docx, templates)?;
    let new = export_version(library, id, Some(to), Format::Docx, templates)?;
    Ok(Packet {
        folder_name: crate::names::folder_name(&c.title, &format!("{}_packet", range(&c))),
        files: vec![
            (old.file_name, old.bytes),
            (new.file_name, new.bytes),
            (report_name(&c, "redline", "docx"), policywright_diff::to_docx(&c)?),
            (report_name(&c, "changes", "md"), policywright_diff::to_markdown(&c).into_bytes()),
        ],
    })
}

/// Where a handbook takes a policy from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    Library(LibraryRef),
}

/// `@ID` (the newest version), `@ID:VERSION`, or `@ID:released` (the
/// newest approved or published one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryRef {
    pub id: PolicyId,
    pub pick: Pick,
}

impl LibraryRef {
    pub fn part(&self) -> Part {
        Part { policy: self.id, pick: self.pick.clone() }
    }
}

impl Source {
    /// A policy file, or `@ID[:VERSION]` for a saved version in the library.
    pub fn parse(text: &str) -> Result<Source> {
        let Some(reference) = text.strip_prefix('@') else {
            return Ok(Source::File(PathBuf::from(text)));
        };
        let (id, pick) = match reference.split_once(':') {
            Some((id, "released")) => (id, Pick::Released),
            Some((id, version)) => (id, Pick::Version { label: version.to_string() }),
            None => (reference, Pick::Newest),
        };
        Ok(Source::Library(LibraryRef { id: parse_id(id)?, pick }))
    }
}

/// Binds policies into a handbook. `library` opens the library only if a
/// source is in it.
pub fn bind_handbook(
    world: &dyn World,
    library: &mut dyn FnMut() -> Result<Library>,
    sources: &[Source],
    book: &Handbook,
    format: Format,
    templates: &Templates,
) -> Result<Vec<u8>> {
    let mut opened: Option<Library> = None;
    let mut inputs = Vec::with_capacity(sources.len());
    for source in sources {
        inputs.push(match source {
            Source::File(path) => Input::new(&open_policy(world, path)?)?,
            Source::Library(reference) => {
                if opened.is_none() {
                    opened = Some(library()?);
                }
                let lib = opened.as_ref().ok_or_else(|| Error::internal("the library did not open"))?;
                let (info, policy) = crate::handbooks::resolve(lib, &reference.part())?;
                Input::stored(&policy, &info.content_hash)?
            }
        });
    }
    handbook::export(book, &inputs, &Options { format, templates })
}
