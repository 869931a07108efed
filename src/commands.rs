//! What each command does: one api call, then printing or writing its result.

use std::path::Path;

use policywright_api::handbook::Handbook;
use policywright_api::handbooks;
use policywright_api::i18n::{Error, ErrorKind, Locale, Message, keys, msg};
use policywright_api::library::{self, DiffFormat, SaveWhat};
use policywright_api::model::validate::Report;
use policywright_api::store::{Bump, Library, Status, status_word};
use policywright_api::{
    Format, NumberingScheme, Result, Source, Templates, World, check, open_library, parse_id, parse_status,
};

use crate::args::{Cli, Command, DiffFormatArg, FormatArg, LibraryAction};
use crate::{Out, cell, diagnostic};

fn format(f: FormatArg) -> Format {
    match f {
        FormatArg::Md => Format::Md,
        FormatArg::Html => Format::Html,
        FormatArg::Docx => Format::Docx,
    }
}

pub fn run(cli: Cli, world: &dyn World, out: &mut Out<'_>) -> Result<u8> {
    let db = cli.db.as_deref();
    // Opening tells what the user should know about the file (a log set
    // aside, a read-only library) once, before the command's own output.
    let library = |out: &mut Out<'_>| -> Result<Library> {
        let lib = open_library(world, db)?;
        for notice in lib.notices() {
            let locale = notice.locale.unwrap_or(out.locale);
            out.note(&msg!(keys::cli::WARNING_LINE, message = notice.render(locale)).render(locale));
        }
        Ok(lib)
    };
    match cli.command {
        Command::Presets => presets(out),
        Command::New { preset, locale, roles, numbering, output, force } => {
            let policy = policywright_api::new_policy(world, &preset, locale, &roles, numbering)?;
            let text = policywright_api::model::to_json(&policy);
            if let Some(path) = output.as_deref().filter(|p| !is_stream(p)) {
                refuse_existing(world, path, force, keys::errors::EXISTS_HINT)?;
            }
            deliver(world, out, output.as_deref(), text.as_bytes())
        }
        Command::Validate { file, json } => {
            let policy = policywright_api::open_policy(world, &file)?;
            let report = check(&policy);
            let locale = policy.document.locale;
            if json {
                let view = report.render(locale);
                out.line(&serde_json::to_string_pretty(&view).unwrap_or_default())?;
            } else {
                print_report(out, &file, &report, locale);
            }
            Ok(if report.has_errors() { 1 } else { 0 })
        }
        Command::Render { file, format: f, output, templates, style } => {
            let mut policy = policywright_api::open_policy(world, &file)?;
            if let Some(style) = style {
                policy.document.layout.style = style;
            }
            let report = check(&policy);
            let locale = policy.document.locale;
            if report.has_errors() {
                print_report(out, &file, &report, locale);
                let count = report.errors().count();
                return Err(Error::new(
                    ErrorKind::InvalidPolicy,
                    msg!(keys::errors::FILE_HAS_ERRORS, source = file.display().to_string(), count = count),
                )
                .in_locale(locale));
            }
            let templates = match templates {
                Some(dir) => {
                    let (templates, extra) = policywright_api::load_templates(world, &dir)?;
                    for path in extra {
                        out.note(&out.say(msg!(keys::cli::NOT_BUILTIN, path = path.display().to_string()), None));
                    }
                    templates
                }
                None => Templates::builtin(),
            };
            for warning in report.warnings() {
                out.note(&diagnostic(warning, locale));
            }
            let bytes = policywright_api::export(&policy, format(f), &templates)?;
            deliver(world, out, output.as_deref(), &bytes)
        }
        Command::Convert { input, output, reference, locale } => {
            let bytes = policywright_api::convert(world, &input, reference.as_deref(), locale)?;
            deliver(world, out, Some(&output), &bytes)
        }
        Command::Schema => {
            out.bytes(policywright_api::schema().as_bytes())?;
            Ok(0)
        }
        Command::Templates { out: dir } => {
            let files: Vec<(String, Vec<u8>)> = Templates::builtin_names()
                .map(|name| {
                    let text = Templates::builtin_text(&name).unwrap_or_default();
                    (name, text.into_bytes())
                })
                .collect();
            let written = world.write_folder(&dir, &files, false).map_err(|e| {
                if e.message.key() == Some(keys::errors::EXISTS) {
                    e.hint(Message::new(keys::errors::TEMPLATES_EXIST_HINT))
                } else {
                    e
                }
            })?;
            let written = written.len();
            let shown = dir.display().to_string();
            out.line(&out.say(msg!(keys::cli::TEMPLATES_WRITTEN, count = written, path = shown.as_str()), None))?;
            out.line(&out.say(msg!(keys::cli::TEMPLATES_NEXT, path = shown), None))?;
            Ok(0)
        }
        Command::Import { file } => {
            let id = library::import(world, &mut library(out)?, &file)?;
            out.line(&id.to_string())?;
            Ok(0)
        }
        Command::Draft { id, from } => {
            let id = parse_id(&id)?;
            let revision = library::set_draft_from(world, &mut library(out)?, id, &from)?;
            let path = from.display().to_string();
            out.line(&out.say(msg!(keys::cli::DRAFT_REPLACED, id = id, path = path, revision = revision), None))?;
            Ok(0)
        }
        Command::Save { id, from, revision, major, note, author } => {
            let id = parse_id(&id)?;
            let bump = if major { Bump::Major } else { Bump::Minor };
            let what = match (&from, revision) {
                (Some(path), _) => SaveWhat::File(path),
                (None, Some(revision)) => SaveWhat::Revision(revision),
                (None, None) => SaveWhat::Draft,
            };
            let mut lib = library(out)?;
            let outcome = library::save(world, &mut lib, id, what, bump, &author, &note)?;
            let locale = lib.draft(id).map(|p| p.document.locale).ok();
            for warning in &outcome.warnings {
                out.note(&diagnostic(warning, locale.unwrap_or(out.locale)));
            }
            if outcome.unchanged {
                out.note(&out.say(msg!(keys::cli::UNCHANGED, label = outcome.version.label.to_string()), locale));
            }
            out.line(&outcome.version.label.to_string())?;
            Ok(0)
        }
        Command::List { archived } => list(&library(out)?, archived, out),
        Command::History { id } => {
            let id = parse_id(&id)?;
            let versions = library(out)?.history(id)?;
            if versions.is_empty() {
                out.note(&out.say(msg!(keys::cli::HISTORY_EMPTY, id = id), None));
            }
            let damaged = versions.iter().any(|v| v.damaged);
            let mark = out.say(Message::new(keys::cli::DAMAGED_MARK), None);
            // Each status in words once, not once per version.
            let mut statuses: Vec<(Status, String)> = Vec::new();
            let rows: Vec<String> = versions
                .iter()
                .map(|v| {
                    let status = match statuses.iter().find(|(s, _)| *s == v.status) {
                        Some((_, word)) => word,
                        None => {
                            statuses.push((v.status, status_cell(out, v.status)));
                            &statuses[statuses.len() - 1].1
                        }
                    };
                    // One buffer a line: a history of ten thousand versions
                    // is printed each time it is asked for.
                    let mut line = String::with_capacity(96 + v.note.len());
                    push_padded(&mut line, &v.label.to_string(), 6);
                    push_padded(&mut line, status, 11);
                    push_padded(&mut line, &v.created_at, 20);
                    push_padded(&mut line, &cell(&v.author), 16);
                    line.push_str(&v.content_hash[..12.min(v.content_hash.len())]);
                    line.push_str("  ");
                    line.push_str(&cell(&v.note));
                    if v.damaged {
                        line.push_str("  [");
                        line.push_str(&mark);
                        line.push(']');
                    }
                    line
                })
                .collect();
            out.lines(&rows)?;
            if damaged {
                out.note(&out.say(Message::new(keys::cli::DAMAGED_NOTE), None));
            }
            Ok(0)
        }
        Command::Status { id, version, status, by } => {
            let id = parse_id(&id)?;
            let to = parse_status(&status)?;
            library::set_status(world, &mut library(out)?, id, &version, to, &by)?;
            let line = msg!(keys::cli::STATUS_CHANGED, label = version.as_str(), id = id, status = status_word(to));
            out.line(&out.say(line, None))?;
            Ok(0)
        }
        Command::Library { action: LibraryAction::InitServer { run: false } } => {
            out.line(library::server_roles_script().trim_end())?;
            Ok(0)
        }
        Command::Library { action: LibraryAction::InitServer { run: true } } => {
            let at = library::init_server(world, db)?;
            out.line(&out.say(msg!(keys::cli::SERVER_READY, at = at), None))?;
            Ok(0)
        }
        Command::Library { action: LibraryAction::Copy { from, to } } => {
            let (copied, at) = library::copy_library(world, &from, &to)?;
            let line = msg!(
                keys::cli::COPIED,
                at = at,
                policies = copied.policies,
                versions = copied.versions,
                events = copied.events,
                handbooks = copied.handbooks,
                skipped = copied.skipped
            );
            out.line(&out.say(line, None))?;
            Ok(0)
        }
        Command::Library { action: LibraryAction::Check } => {
            let lib = library(out)?;
            let problems = library::check_library(&lib)?;
            let path = match db {
                Some(path) => path.to_path_buf(),
                None => world.default_library()?,
            };
            let shown = library::shown_location(&path);
            if problems.is_empty() {
                let count = lib.list(true)?.len();
                out.line(&out.say(msg!(keys::cli::CHECK_OK, path = shown, count = count), None))?;
                return Ok(0);
            }
            for problem in &problems {
                out.line(&out.say(problem.clone(), None))?;
            }
            out.note(&out.say(msg!(keys::cli::CHECK_DAMAGED, path = shown, count = problems.len()), None));
            let hint = out.say(msg!(keys::errors::HINT, hint = Message::new(keys::errors::RESTORE_DAMAGED_HINT)), None);
            out.note(&format!("  {hint}"));
            Ok(1)
        }
        Command::Archive { id } => {
            let id = parse_id(&id)?;
            library(out)?.archive(id)?;
            out.line(&out.say(msg!(keys::cli::ARCHIVED, id = id), None))?;
            Ok(0)
        }
        Command::Restore { id } => {
            let id = parse_id(&id)?;
            library(out)?.restore(id)?;
            out.line(&out.say(msg!(keys::cli::RESTORED, id = id), None))?;
            Ok(0)
        }
        Command::Duplicate { id } => {
            let from = parse_id(&id)?;
            let id = library::duplicate(world, &mut library(out)?, from)?;
            out.note(&out.say(msg!(keys::cli::DUPLICATED, id = id, from = from), None));
            out.line(&id.to_string())?;
            Ok(0)
        }
        Command::Due { within } => due(world, &library(out)?, within, out),
        Command::Export { id, version, format: f, output } => {
            let id = parse_id(&id)?;
            let exported =
                library::export_version(&library(out)?, id, version.as_deref(), format(f), &Templates::builtin())?;
            let path = output.unwrap_or_else(|| exported.file_name.clone().into());
            deliver(world, out, Some(&path), &exported.bytes)
        }
        Command::Diff { id, from, to, format: f, output, packet, force } => {
            let id = parse_id(&id)?;
            let lib = library(out)?;
            let templates = Templates::builtin();
            if let Some(dir) = packet {
                let packet = library::packet(&lib, id, &from, &to, &templates)?;
                for path in world.write_folder(&dir, &packet.files, force)? {
                    wrote(out, &path)?;
                }
                return Ok(0);
            }
            let c = library::compare(&lib, id, &from, &to, &templates)?;
            let f = match f {
                DiffFormatArg::Json => DiffFormat::Json,
                DiffFormatArg::Md => DiffFormat::Md,
                DiffFormatArg::Html => DiffFormat::Html,
                DiffFormatArg::Docx => DiffFormat::Docx,
            };
            let written = deliver(world, out, output.as_deref(), &library::diff_bytes(&c, f)?);
            // Freeing a comparison of millions of nodes takes a while that
            // the user need not wait for: it happens beside the exit, which
            // takes the memory back at once if it comes first.
            std::thread::spawn(move || drop(c));
            written
        }
        Command::Handbook {
            sources,
            title,
            company,
            number,
            version,
            date,
            locale,
            numbering,
            format: f,
            output,
            save,
        } => {
            let sources = sources.iter().map(|s| Source::parse(s)).collect::<Result<Vec<_>>>()?;
            // The handbook's language and numbering default to the first
            // policy's, which is read again when it is bound.
            let first = match sources.first() {
                Some(Source::File(path)) => Some(policywright_api::open_policy(world, path)?),
                Some(Source::Library(r)) => Some(handbooks::resolve(&library(out)?, &r.part())?.1),
                None => None,
            };
            let first = first.map(|p| (p.document.locale, p.document.numbering));
            let book = Handbook {
                title,
                company,
                number,
                version,
                date: date.unwrap_or_else(|| world.today()),
                locale: locale.or(first.map(|f| f.0)).unwrap_or(Locale::ZhCn),
                numbering: numbering.or(first.map(|f| f.1)).unwrap_or(NumberingScheme::ZhChapter),
            };
            if save {
                // Saved first, so that a handbook that cannot be saved (a
                // file among its sources) writes nothing.
                let parts = sources
                    .iter()
                    .map(|s| match s {
                        Source::Library(r) => Ok(r.part()),
                        Source::File(path) => Err(Error::new(
                            ErrorKind::InvalidArgument,
                            msg!(keys::errors::HANDBOOK_SAVE_FILE, path = path.display().to_string()),
                        )
                        .hint(Message::new(keys::errors::HANDBOOK_SAVE_FILE_HINT))),
                    })
                    .collect::<Result<Vec<_>>>()?;
                let definition = handbooks::Definition { cover: book, parts };
                let mut lib = library(out)?;
                let built = handbooks::build(&lib, &definition, format(f), &Templates::builtin())?;
                let id = handbooks::save(world, &mut lib, None, &definition)?;
                deliver(world, out, Some(&output), &built.bytes)?;
                handbooks::record_build(world, &mut lib, id, &built.bound)?;
                out.note(&out.say(msg!(keys::cli::HANDBOOK_SAVED, id = id), None));
                return Ok(0);
            }
            let bytes = library::bind_handbook(
                world,
                &mut || open_library(world, db),
                &sources,
                &book,
                format(f),
                &Templates::builtin(),
            )?;
            deliver(world, out, Some(&output), &bytes)
        }
        Command::Handbooks => {
            let entries = handbooks::entries(&library(out)?, out.locale)?;
            if entries.is_empty() {
                out.note(&out.say(Message::new(keys::cli::HANDBOOKS_EMPTY), None));
                return Ok(0);
            }
            for e in entries {
                let built = match (&e.problem, &e.row.built_at) {
                    (Some(problem), _) => problem.clone(),
                    (None, None) => out.say(Message::new(keys::cli::NEVER_EXPORTED), None),
                    (None, Some(at)) => out
                        .say(msg!(keys::cli::LAST_EXPORTED, at = at.get(..10).unwrap_or(at), count = e.changed), None),
                };
                let parts = out.say(msg!(keys::cli::HANDBOOK_PARTS, count = e.parts), None);
                let id = format!("{:>3}", e.row.id);
                let line = msg!(
                    keys::cli::HANDBOOK_LINE,
                    id = id.as_str(),
                    title = e.row.title.as_str(),
                    parts = parts.as_str(),
                    built = built.as_str()
                );
                out.line(&out.say(line, None))?;
            }
            Ok(0)
        }
        Command::Rebuild { id, format: f, output } => {
            let id = parse_id(&id)?;
            let mut lib = library(out)?;
            let saved = handbooks::open(&lib, id)?;
            for line in changes_since_build(&saved.plan) {
                out.note(&out.say(line, None));
            }
            let built = handbooks::build(&lib, &saved.definition, format(f), &Templates::builtin())?;
            let path = output.unwrap_or_else(|| built.file_name.clone().into());
            deliver(world, out, Some(&path), &built.bytes)?;
            handbooks::record_build(world, &mut lib, id, &built.bound)?;
            Ok(0)
        }
    }
}

/// What changed in a saved handbook's parts since its last export, one line each.
fn changes_since_build(plan: &handbooks::Plan) -> Vec<Message> {
    use handbooks::SinceBuild;
    let mut lines: Vec<Message> = plan
        .parts
        .iter()
        .filter_map(|p| match &p.since_build {
            SinceBuild::Changed { label } => Some(msg!(
                keys::cli::PART_CHANGED,
                title = p.title.as_str(),
                from = label.as_str(),
                to = p.label.as_str()
            )),
            SinceBuild::Added => Some(msg!(keys::cli::PART_ADDED, title = p.title.as_str(), label = p.label.as_str())),
            SinceBuild::NeverBuilt | SinceBuild::Unchanged => None,
        })
        .collect();
    lines.extend(
        plan.dropped.iter().map(|b| msg!(keys::cli::PART_DROPPED, title = b.title.as_str(), label = b.label.as_str())),
    );
    lines
}

fn presets(out: &mut Out<'_>) -> Result<u8> {
    out.line(&out.say(Message::new(keys::cli::PRESETS), None))?;
    for p in policywright_api::list_presets()? {
        out.line(&format!("  {:<12} {:<6} {}", p.id, p.locale.code(), p.title))?;
    }
    out.line("")?;
    out.line(&out.say(Message::new(keys::cli::ROLES), None))?;
    let zh = policywright_api::list_roles(Locale::ZhCn)?;
    let en = policywright_api::list_roles(Locale::En)?;
    for role in &en {
        let zh_title = zh.iter().find(|r| r.id == role.id).map(|r| r.title.as_str()).unwrap_or("");
        out.line(&format!("  {:<24} {} / {}", role.id, zh_title, role.title))?;
    }
    Ok(0)
}

fn list(lib: &Library, archived: bool, out: &mut Out<'_>) -> Result<u8> {
    let policies = lib.list(archived)?;
    if policies.is_empty() {
        let hidden = if archived { 0 } else { lib.list(true)?.len() };
        let note = match hidden {
            0 => Message::new(keys::cli::LIBRARY_EMPTY),
            count => msg!(keys::cli::ONLY_ARCHIVED, count = count),
        };
        out.note(&out.say(note, None));
        return Ok(0);
    }
    use keys::cli::list_header as h;
    let header = |key| out.say(Message::new(key), None);
    // The number column is as wide as the longest number, so a library
    // without numbers does not carry an empty column's worth of spaces.
    let numbers: Vec<String> = policies.iter().map(|p| cell(&p.number).into_owned()).collect();
    let number_width = numbers.iter().map(|n| columns(n)).chain([columns(&header(h::NUMBER))]).max().unwrap_or(0);
    let line = [
        pad_left(&header(h::ID), 4),
        pad(&header(h::NUMBER), number_width),
        pad(&header(h::VERSION), 8),
        pad(&header(h::STATUS), 11),
        pad(&header(h::REVIEW), 12),
        pad(&header(h::UPDATED), 20),
        header(h::TITLE),
    ];
    out.line(&line.join("  "))?;
    let mark = out.say(Message::new(keys::cli::ARCHIVED_MARK), None);
    for (p, number) in policies.into_iter().zip(numbers) {
        let version = p.latest.map(|l| l.to_string()).unwrap_or_else(|| "—".into());
        let status = p.status.map(|s| status_cell(out, s)).unwrap_or_else(|| "—".into());
        let number = if number.is_empty() { "—".to_owned() } else { number };
        let review = p.next_review.clone().unwrap_or_else(|| "—".into());
        let mut title = if p.archived { format!("{} {mark}", cell(&p.title)) } else { cell(&p.title).into_owned() };
        if p.damaged {
            title = format!("{title}  [{}]", out.say(Message::new(keys::cli::DAMAGED_MARK), None));
        }
        let row = [
            pad_left(&p.id.to_string(), 4),
            pad(&number, number_width),
            pad(&version, 8),
            pad(&status, 11),
            pad(&review, 12),
            pad(&p.updated_at, 20),
            title,
        ];
        out.line(&row.join("  "))?;
    }
    Ok(0)
}

/// The policies due for review: the most pressing first, each with its
/// review date and how far off it is.
fn due(world: &dyn World, lib: &Library, within: u32, out: &mut Out<'_>) -> Result<u8> {
    let due = library::due(world, lib, i64::from(within))?;
    if due.is_empty() {
        out.note(&out.say(msg!(keys::cli::DUE_NONE, days = within), None));
        return Ok(0);
    }
    use keys::cli::list_header as h;
    let header = |key| out.say(Message::new(key), None);
    let line = [pad_left(&header(h::ID), 4), pad(&header(h::REVIEW), 12), pad(&header(h::DUE), 16), header(h::TITLE)];
    out.line(&line.join("  "))?;
    for d in due {
        let when = match d.days {
            0 => Message::new(keys::cli::DUE_TODAY),
            n if n < 0 => msg!(keys::cli::DUE_OVERDUE, count = n.unsigned_abs()),
            n => msg!(keys::cli::DUE_IN, count = n),
        };
        let date = d.policy.next_review.unwrap_or_default();
        let row = [
            pad_left(&d.policy.id.to_string(), 4),
            pad(&date, 12),
            pad(&out.say(when, None), 16),
            cell(&d.policy.title).into_owned(),
        ];
        out.line(&row.join("  "))?;
    }
    Ok(0)
}

/// A status in a table, in the reader's words.
fn status_cell(out: &Out<'_>, status: Status) -> String {
    out.say(msg!(keys::nouns::STATUS, word = status_word(status)), None)
}

/// How many columns a terminal gives `text`: two for each wide (CJK)
/// character, so that tables line up around Chinese titles and names.
fn columns(text: &str) -> usize {
    text.chars()
        .map(|c| match u32::from(c) {
            0x0300..=0x036F | 0x200B..=0x200F => 0,
            0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xA000..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x1F300..=0x1F64F
            | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum()
}

/// `text` padded to `width` columns, then the two spaces between columns.
fn push_padded(line: &mut String, text: &str, width: usize) {
    line.push_str(text);
    line.extend(std::iter::repeat_n(' ', width.saturating_sub(columns(text)) + 2));
}

fn pad(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(columns(text))))
}

fn pad_left(text: &str, width: usize) -> String {
    format!("{}{text}", " ".repeat(width.saturating_sub(columns(text))))
}

fn print_report(out: &mut Out<'_>, file: &Path, report: &Report, locale: Locale) {
    for d in &report.findings {
        out.note(&diagnostic(d, locale));
    }
    let total = msg!(
        keys::cli::REPORT_TOTAL,
        source = file.display().to_string(),
        errors = msg!(keys::cli::ERROR_COUNT, count = report.errors().count()),
        warnings = msg!(keys::cli::WARNING_COUNT, count = report.warnings().count())
    );
    out.note(&total.render(locale));
}

fn refuse_existing(world: &dyn World, path: &Path, force: bool, hint: policywright_api::i18n::Key) -> Result<()> {
    if world.exists(path) && !force {
        return Err(Error::new(ErrorKind::Io, msg!(keys::errors::EXISTS, path = path.display().to_string()))
            .hint(Message::new(hint)));
    }
    Ok(())
}

fn wrote(out: &mut Out<'_>, path: &Path) -> Result<()> {
    out.line(&out.say(msg!(keys::cli::WROTE, path = path.display().to_string()), None))
}

/// Whether `-o` names standard output or the null device rather than a file.
fn is_stream(path: &Path) -> bool {
    [Path::new("-"), Path::new("/dev/stdout"), Path::new("/dev/null")].contains(&path)
}

/// Writes `bytes` to `output` and says so, or prints them when no file was
/// named. `-` and `/dev/stdout` mean standard output, as they do for other
/// tools; `/dev/null` takes the bytes and says nothing.
fn deliver(world: &dyn World, out: &mut Out<'_>, output: Option<&Path>, bytes: &[u8]) -> Result<u8> {
    let output = output.filter(|p| *p != Path::new("-") && *p != Path::new("/dev/stdout"));
    match output {
        Some(path) if path == Path::new("/dev/null") => {}
        Some(path) => {
            world.write(path, bytes)?;
            wrote(out, path)?;
        }
        None => out.bytes(bytes)?,
    }
    Ok(0)
}
