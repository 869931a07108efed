//! Command-line arguments and what each command does.

mod files;
mod library;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use policywright::export::{self, Format};
use policywright::handbook::{self, Handbook};
use policywright::model::validate::{Report, validate};
use policywright::model::{self, Locale, NumberingScheme, Policy};
use policywright::template::Templates;
use policywright::{Error, ErrorCode, Result, docx, presets};

#[derive(Debug, Parser)]
#[command(name = "policywright", version, about = "Draft, check and export operations-staff policies")]
pub struct Cli {
    /// The library file (default: the OS data folder, policywright/library.sqlite)
    #[arg(long, global = true, env = "POLICYWRIGHT_DB")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the built-in presets and the role library
    Presets,
    /// Start a policy file from a preset
    New {
        /// Preset id, as listed by `policywright presets` (`blank` for an empty policy)
        #[arg(long, default_value = "operations")]
        preset: String,
        /// Language of the policy: zh-CN or en
        #[arg(long, default_value = "zh-CN", value_parser = parse_locale)]
        locale: Locale,
        /// Take these roles from the role library instead of the preset's (comma-separated ids)
        #[arg(long, value_delimiter = ',')]
        roles: Vec<String>,
        /// Where to write the policy; prints it when omitted
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Overwrite the output file if it exists
        #[arg(long)]
        force: bool,
    },
    /// Check a policy file and report every problem
    Validate {
        file: PathBuf,
        /// Print the report as JSON
        #[arg(long)]
        json: bool,
    },
    /// Export a policy as Markdown, HTML or DOCX
    Render {
        file: PathBuf,
        #[arg(long, value_enum)]
        format: FormatArg,
        /// Where to write the export; prints it when omitted
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Folder of templates that replace the built-in ones by name
        #[arg(long)]
        templates: Option<PathBuf>,
    },
    /// Convert any CommonMark/GFM Markdown file to DOCX
    Convert {
        input: PathBuf,
        #[arg(short, long)]
        output: PathBuf,
        /// Take paragraph and character styles from this .docx
        #[arg(long)]
        reference: Option<PathBuf>,
        /// Language of the text: sets fonts, page size and the document language
        #[arg(long, default_value = "en", value_parser = parse_locale)]
        locale: Locale,
    },
    /// Print the JSON Schema of policy files
    Schema,
    /// Add a policy file to the library as a new policy; prints its id
    Import { file: PathBuf },
    /// Replace a policy's draft (the working copy) with a file
    Draft {
        id: String,
        #[arg(long)]
        from: PathBuf,
    },
    /// Save the draft as a new immutable version; prints its label, e.g. 1.1
    Save {
        id: String,
        /// A substantive change: 1.4 → 2.0 (default: an editorial one, 1.4 → 1.5)
        #[arg(long)]
        major: bool,
        #[arg(long)]
        note: String,
        #[arg(long)]
        author: String,
    },
    /// List the policies in the library with their latest version and status
    List {
        /// Include archived policies
        #[arg(long)]
        archived: bool,
    },
    /// Show a policy's versions with status, author, date, hash and note
    History { id: String },
    /// Move a version through draft → in-review → approved → published → superseded
    Status {
        id: String,
        version: String,
        status: String,
        #[arg(long)]
        by: String,
    },
    /// Archive a policy (it can be restored)
    Archive { id: String },
    /// Bring an archived policy back
    Restore { id: String },
    /// Export a stored version (default: the latest)
    Export {
        id: String,
        #[arg(long)]
        version: Option<String>,
        #[arg(long, value_enum)]
        format: FormatArg,
        /// Default: TITLE_vVERSION.EXT in the current folder
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Compare two versions: JSON, Markdown, HTML or a redline DOCX, or a legal packet
    Diff {
        id: String,
        from: String,
        to: String,
        #[arg(long, value_enum, default_value = "md")]
        format: DiffFormatArg,
        #[arg(short, long, conflicts_with = "packet")]
        output: Option<PathBuf>,
        /// Write both clean DOCX files, the redline and the summary into this folder
        #[arg(long)]
        packet: Option<PathBuf>,
    },
    /// Bind several policies into one handbook
    ///
    /// Each source is a policy file, or `@ID` (the latest saved version of a
    /// library policy) or `@ID:VERSION`. They are bound in the order given.
    Handbook {
        #[arg(required = true)]
        sources: Vec<String>,
        #[arg(long)]
        title: String,
        #[arg(long, default_value = "")]
        company: String,
        /// Document number, e.g. HR-HB-001
        #[arg(long, default_value = "")]
        number: String,
        #[arg(long = "handbook-version", default_value = "")]
        version: String,
        /// Date of issue, YYYY-MM-DD; today when omitted
        #[arg(long)]
        date: Option<String>,
        /// Default: the first policy's language
        #[arg(long, value_parser = parse_locale)]
        locale: Option<Locale>,
        /// zh-chapter, zh-outline or decimal; default: the first policy's
        #[arg(long, value_parser = parse_numbering)]
        numbering: Option<NumberingScheme>,
        #[arg(long, value_enum)]
        format: FormatArg,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Copy the built-in templates into a folder, as a starting point for `--templates`
    Templates {
        /// Folder to write into; it must not already contain the templates
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum DiffFormatArg {
    Json,
    Md,
    Html,
    Docx,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    Md,
    Html,
    Docx,
}

fn parse_locale(text: &str) -> std::result::Result<Locale, String> {
    Locale::parse(text).ok_or_else(|| format!("unknown locale \"{text}\"; use zh-CN or en"))
}

fn parse_numbering(text: &str) -> std::result::Result<NumberingScheme, String> {
    serde_json::from_value(serde_json::Value::String(text.to_string()))
        .map_err(|_| format!("unknown numbering \"{text}\"; use zh-chapter, zh-outline or decimal"))
}

fn format(f: FormatArg) -> Format {
    match f {
        FormatArg::Md => Format::Md,
        FormatArg::Html => Format::Html,
        FormatArg::Docx => Format::Docx,
    }
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    let db = cli.db.as_deref();
    match cli.command {
        Command::Import { file } => library::import(db, &file),
        Command::Draft { id, from } => library::set_draft(db, &id, &from),
        Command::Save { id, major, note, author } => library::save(db, &id, major, &note, &author),
        Command::List { archived } => library::list(db, archived),
        Command::History { id } => library::history(db, &id),
        Command::Status { id, version, status, by } => library::status(db, &id, &version, &status, &by),
        Command::Archive { id } => library::archive(db, &id, false),
        Command::Restore { id } => library::archive(db, &id, true),
        Command::Export { id, version, format: f, output } => {
            library::export(db, &id, version.as_deref(), format(f), output.as_deref())
        }
        Command::Diff { id, from, to, format: f, output, packet } => match packet {
            Some(dir) => library::packet(db, &id, &from, &to, &dir),
            None => {
                let f = match f {
                    DiffFormatArg::Json => library::DiffFormat::Json,
                    DiffFormatArg::Md => library::DiffFormat::Md,
                    DiffFormatArg::Html => library::DiffFormat::Html,
                    DiffFormatArg::Docx => library::DiffFormat::Docx,
                };
                library::diff(db, &id, &from, &to, f, output.as_deref())
            }
        },
        Command::Presets => list_presets(),
        Command::New { preset, locale, roles, output, force } => new(&preset, locale, &roles, output.as_deref(), force),
        Command::Validate { file, json } => validate_file(&file, json),
        Command::Render { file, format: f, output, templates } => {
            render(&file, format(f), output.as_deref(), templates.as_deref())
        }
        Command::Convert { input, output, reference, locale } => convert(&input, &output, reference.as_deref(), locale),
        Command::Schema => {
            print!("{}", model::schema_json());
            Ok(ExitCode::SUCCESS)
        }
        Command::Templates { out } => dump_templates(&out),
        Command::Handbook { sources, title, company, number, version, date, locale, numbering, format: f, output } => {
            let mut policies = Vec::with_capacity(sources.len());
            for source in &sources {
                policies.push(match source.strip_prefix('@') {
                    Some(reference) => library::policy_at(db, reference)?,
                    None => load(Path::new(source))?,
                });
            }
            let first = policies.first().map(|p| (p.document.locale, p.document.numbering));
            let handbook = Handbook {
                title,
                company,
                number,
                version,
                date: date.unwrap_or_else(files::today),
                locale: locale.or(first.map(|f| f.0)).unwrap_or(Locale::ZhCn),
                numbering: numbering.or(first.map(|f| f.1)).unwrap_or(NumberingScheme::ZhChapter),
            };
            let bytes = handbook::render(&handbook, &policies, format(f), &Templates::builtin())?;
            files::deliver(Some(&output), &bytes)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn list_presets() -> Result<ExitCode> {
    println!("Presets:");
    for p in presets::list()? {
        println!("  {:<12} {:<6} {}", p.id, p.locale.code(), p.title);
    }
    println!();
    println!("Roles (use with `new --roles id,id,…`):");
    let zh = presets::roles(Locale::ZhCn)?;
    let en = presets::roles(Locale::En)?;
    for role in &en {
        let zh_title = zh.iter().find(|r| r.id == role.id).map(|r| r.title.as_str()).unwrap_or("");
        println!("  {:<24} {} / {}", role.id, zh_title, role.title);
    }
    Ok(ExitCode::SUCCESS)
}

fn new(preset: &str, locale: Locale, roles: &[String], output: Option<&Path>, force: bool) -> Result<ExitCode> {
    let mut policy = presets::preset(preset, locale, &files::today())?;
    if !roles.is_empty() {
        policy = presets::with_roles(policy, roles)?;
    }
    let text = model::to_json(&policy);
    match output {
        Some(path) => {
            if path.exists() && !force {
                return Err(Error::new(ErrorCode::Io, format!("{} already exists", path.display()))
                    .with_detail("hint: choose another name, or pass --force to overwrite it"));
            }
            files::write_atomic(path, text.as_bytes())?;
            println!("wrote {}", path.display());
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn load(file: &Path) -> Result<Policy> {
    let text = files::read_text(file)?;
    model::from_json(&text, &file.display().to_string())
}

fn print_report(file: &Path, report: &Report) {
    for d in &report.diagnostics {
        eprintln!("{d}");
    }
    let errors = report.errors().count();
    let warnings = report.warnings().count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    eprintln!("{}: {}, {}", file.display(), plural(errors, "error"), plural(warnings, "warning"));
}

fn validate_file(file: &Path, json: bool) -> Result<ExitCode> {
    let policy = load(file)?;
    let report = validate(&policy);
    if json {
        println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
    } else {
        print_report(file, &report);
    }
    Ok(if report.has_errors() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn render(file: &Path, format: Format, output: Option<&Path>, template_dir: Option<&Path>) -> Result<ExitCode> {
    let policy = load(file)?;
    let report = validate(&policy);
    if report.has_errors() {
        print_report(file, &report);
        return Err(Error::new(
            ErrorCode::InvalidPolicy,
            format!("{} has errors; fix them, then export again", file.display()),
        ));
    }
    for warning in report.warnings() {
        eprintln!("{warning}");
    }
    let mut templates = Templates::builtin();
    if let Some(dir) = template_dir {
        for (name, text, path) in files::read_template_dir(dir)? {
            if Templates::builtin_text(&name).is_none() && !name.starts_with("locales/") {
                eprintln!("note: {} is not a built-in template; it can be used by {{% include %}}", path.display());
            }
            templates.overlay(&name, text, path);
        }
    }
    let bytes = export::render(&policy, format, &templates)?;
    files::deliver(output, &bytes)?;
    Ok(ExitCode::SUCCESS)
}

fn convert(input: &Path, output: &Path, reference: Option<&Path>, locale: Locale) -> Result<ExitCode> {
    let markdown = files::read_text(input)?;
    let mut opts = docx::DocxOptions::plain(locale);
    opts.meta.title = input.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if let Some(path) = reference {
        let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, &e))?;
        opts.reference_styles = Some(docx::reference_styles(&bytes, &path.display().to_string())?);
    }
    let bytes = docx::markdown_to_docx(&markdown, &opts)?;
    files::deliver(Some(output), &bytes)?;
    Ok(ExitCode::SUCCESS)
}

fn dump_templates(out: &Path) -> Result<ExitCode> {
    let mut written = 0;
    for name in Templates::builtin_names() {
        let path = out.join(name);
        if path.exists() {
            return Err(Error::new(ErrorCode::Io, format!("{} already exists", path.display()))
                .with_detail("hint: choose an empty folder so no edited template is overwritten"));
        }
        let text = Templates::builtin_text(name).unwrap_or_default();
        files::write_atomic(&path, text.as_bytes())?;
        written += 1;
    }
    println!("wrote {written} templates to {}", out.display());
    println!("edit any of them, delete the rest, and pass --templates {} to render", out.display());
    Ok(ExitCode::SUCCESS)
}
