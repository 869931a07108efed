//! The command line, as clap reads it.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use policywright_api::i18n::{Message, keys, msg};
use policywright_api::{Locale, NumberingScheme, PageStyle};

#[derive(Debug, Parser)]
#[command(name = "policywright", version, about = "Draft, check and export operations-staff policies")]
pub struct Cli {
    /// The library: a file, or a server as postgres://user@host/database (default: $POLICYWRIGHT_DB, else a file in the data folder of your user)
    #[arg(long, global = true)]
    pub db: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
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
        /// How headings are numbered: zh-chapter (第一章/第一条), zh-outline (一、/（一）) or decimal (1/1.1);
        /// the language's usual one when omitted
        #[arg(long, value_parser = parse_numbering)]
        numbering: Option<NumberingScheme>,
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
        /// Page style for this export: company, or gbt9704 (GB/T 9704 official
        /// documents); default: the policy's own
        #[arg(long, value_parser = parse_style)]
        style: Option<PageStyle>,
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
        /// Save exactly this policy file: it becomes the draft and the version at once
        #[arg(long, conflicts_with = "revision")]
        from: Option<PathBuf>,
        /// Save the draft only if it is still at this revision (printed by `draft`)
        #[arg(long)]
        revision: Option<u64>,
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
    /// Start a new policy as a copy of another's draft (without its versions); prints its id
    Duplicate { id: String },
    /// List the published policies due for review, overdue ones first
    Due {
        /// Include those due within this many days
        #[arg(long, default_value_t = 30)]
        within: u32,
    },
    /// Look after the library file
    Library {
        #[command(subcommand)]
        action: LibraryAction,
    },
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
        /// Replace files already in the packet folder
        #[arg(long, requires = "packet")]
        force: bool,
    },
    /// Bind several policies into one handbook
    ///
    /// Each source is a policy file, or `@ID` (the latest saved version of a
    /// library policy), `@ID:VERSION`, or `@ID:released` (the newest approved
    /// or published version). They are bound in the order given.
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
        /// Also save the handbook in the library (every source an `@ID`), to build it again with `rebuild`
        #[arg(long)]
        save: bool,
    },
    /// List the handbooks saved in the library, and what changed in each since its last export
    Handbooks,
    /// Build a saved handbook again, with the versions its definition names today
    Rebuild {
        id: String,
        #[arg(long, value_enum)]
        format: FormatArg,
        /// Where to write it; the handbook's title and version when omitted
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Copy the built-in templates into a folder, as a starting point for `--templates`
    Templates {
        /// Folder to write into; it must not already contain the templates
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum LibraryAction {
    /// Read every page of the file, and check every policy's versions and
    /// status changes against their trail and every version against its hash
    Check,
    /// Print the SQL that sets up a team library's roles on its server
    /// (pw_reader, pw_author, pw_reviewer, pw_publisher); with --run, run it
    /// as the server's owner named by --db
    InitServer {
        #[arg(long)]
        run: bool,
    },
    /// Copy every policy, version, status change and handbook of one library
    /// into another (a file to a server: --to postgres://…); what is there
    /// already is not copied again
    Copy {
        #[arg(long)]
        from: PathBuf,
        #[arg(long)]
        to: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DiffFormatArg {
    Json,
    Md,
    Html,
    Docx,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Md,
    Html,
    Docx,
}

/// clap's own usage errors are English; ours follow the same form.
fn parse_locale(text: &str) -> Result<Locale, String> {
    Locale::parse(text).ok_or_else(|| msg!(keys::cli::UNKNOWN_LOCALE, text = text).to_string())
}

fn parse_style(text: &str) -> Result<PageStyle, String> {
    PageStyle::parse(text).ok_or_else(|| Message::from(keys::cli::UNKNOWN_STYLE).arg("text", text).to_string())
}

fn parse_numbering(text: &str) -> Result<NumberingScheme, String> {
    NumberingScheme::parse(text)
        .ok_or_else(|| Message::from(keys::cli::UNKNOWN_NUMBERING).arg("text", text).to_string())
}
