//! The values the store hands out: labels, statuses and summaries.

use std::fmt;

use policywright_model::validate::Finding;
use serde::{Deserialize, Serialize, Serializer};

/// A policy's number in the library, shown to users as a plain number (`1`).
pub type PolicyId = i64;

/// A saved handbook's number in the library.
pub type HandbookId = i64;

/// One saved handbook of the library's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct HandbookRow {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: HandbookId,
    pub title: String,
    pub created_at: String,
    pub updated_at: String,
    /// When it was last exported; `None` before the first time.
    pub built_at: Option<String>,
}

/// A saved handbook as stored: its definition, and what its last export
/// bound, both as JSON the api reads (the store keeps them as they came).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredHandbook {
    pub row: HandbookRow,
    pub definition: String,
    pub last_build: Option<String>,
}

/// A version number such as 1.1. Ordered by major, then minor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Label {
    pub major: u32,
    pub minor: u32,
}

impl Label {
    /// The number of the first version of every policy.
    pub const FIRST: Label = Label { major: 1, minor: 0 };

    /// Reads `MAJOR.MINOR`. Leading zeros are refused, so that "1.01" cannot
    /// quietly name version 1.1.
    pub fn parse(text: &str) -> Option<Label> {
        let (major, minor) = text.split_once('.')?;
        let number = |s: &str| {
            let plain = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
            if plain { s.parse::<u32>().ok() } else { None }
        };
        let label = Label { major: number(major)?, minor: number(minor)? };
        (label.major >= 1).then_some(label)
    }

    /// The label the next version gets after this one.
    pub fn bumped(self, bump: Bump) -> Label {
        match bump {
            Bump::Major => Label { major: self.major.saturating_add(1), minor: 0 },
            Bump::Minor => Label { major: self.major, minor: self.minor.saturating_add(1) },
        }
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Serialised as the text users see, `"1.1"`.
impl Serialize for Label {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Which part of the version number a save increases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    /// 1.x → 2.0: the substance changed.
    Major,
    /// 1.0 → 1.1: corrections and small changes.
    Minor,
}

/// Where a saved version stands in the sign-off workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Draft,
    InReview,
    Approved,
    Published,
    Superseded,
}

impl Status {
    pub const ALL: [Status; 5] =
        [Status::Draft, Status::InReview, Status::Approved, Status::Published, Status::Superseded];

    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::InReview => "in-review",
            Status::Approved => "approved",
            Status::Published => "published",
            Status::Superseded => "superseded",
        }
    }

    pub fn parse(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The statuses a version in this status may move to. Publishing one
    /// version supersedes the published one; nothing else moves backwards
    /// except a review sent back to draft. Each backend's first migration
    /// repeats this table in a CHECK constraint.
    pub fn next(self) -> &'static [Status] {
        match self {
            Status::Draft => &[Status::InReview],
            Status::InReview => &[Status::Approved, Status::Draft],
            Status::Approved => &[Status::Published],
            Status::Published => &[Status::Superseded],
            Status::Superseded => &[],
        }
    }

    pub fn can_go_to(self, to: Status) -> bool {
        self.next().contains(&to)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One saved version, without its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct VersionInfo {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub policy: PolicyId,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub label: Label,
    pub status: Status,
    /// Who the library records as its author: the name given, or on a
    /// server the database user.
    pub author: String,
    /// The name the person gave, where it is not `author` (on a server);
    /// empty otherwise.
    pub display_name: String,
    pub note: String,
    /// When it was saved, as passed in by the caller.
    pub created_at: String,
    /// `document.effective_date` of the saved content.
    pub effective_date: String,
    /// sha256 of the canonical JSON, lowercase hex (`model::content_hash`).
    pub content_hash: String,
    /// The version's record, or one of its status changes, no longer
    /// matches the library's trail (see [`crate::trail`]).
    pub damaged: bool,
    /// How it came to its status, oldest first: each step, who took it
    /// and when. [`crate::Library::history`] fills it in; a single version
    /// read on its own leaves it empty.
    pub steps: Vec<StatusStep>,
}

/// One step of a version through the sign-off workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct StatusStep {
    pub from: Status,
    pub to: Status,
    pub by: String,
    /// The name the person gave, where it is not `by` (on a server); empty
    /// otherwise.
    pub by_name: String,
    /// When, as passed in by the caller.
    pub at: String,
}

/// One line of the library's list of policies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PolicySummary {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: PolicyId,
    /// The title of the draft.
    pub title: String,
    pub archived: bool,
    /// The newest version, if one has been saved.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub latest: Option<Label>,
    /// The status of that version.
    pub status: Option<Status>,
    pub updated_at: String,
    /// Something in the policy's trail of versions and status changes does
    /// not match; `library check` says what.
    pub damaged: bool,
    /// The document number of the draft, e.g. `HR-OPS-001`.
    pub number: String,
    /// The effective date of the newest version.
    pub effective_date: Option<String>,
    /// When the published version is due for review (`YYYY-MM-DD`); none
    /// while no version is published.
    pub next_review: Option<String>,
}

/// Where a policy's draft stands: its revision, and who replaced it last
/// and when, so that an editor can tell another person's save from its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DraftStamp {
    /// 1 when imported, one more at each replacement.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub revision: u64,
    /// Who replaced it last: on a server its database user; in a file the
    /// name the editor gave, which may be empty.
    pub saved_by: String,
    /// When, `YYYY-MM-DDTHH:MM:SSZ`.
    pub saved_at: String,
}

/// What `save_version` did.
#[derive(Debug, Clone, PartialEq)]
pub struct SaveOutcome {
    /// The new version, or the latest one when the draft had not changed.
    pub version: VersionInfo,
    /// True when the draft equals the latest version and nothing was saved.
    pub unchanged: bool,
    /// Validation warnings of the saved content; they do not prevent saving.
    pub warnings: Vec<Finding>,
}

/// A version about to be stored: its canonical content and what it records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVersion<'a> {
    pub policy: PolicyId,
    /// Its place in the policy's trail, and the chain hash there.
    pub seq: u64,
    pub chain_hash: &'a str,
    pub label: Label,
    /// Who the library records as its author: the name given, or on a
    /// server the database user ([`crate::Write::stamp`]).
    pub author: &'a str,
    /// The name the person gave, kept beside a server's user for display.
    pub display_name: &'a str,
    pub note: &'a str,
    pub created_at: &'a str,
    pub effective_date: &'a str,
    pub content_hash: &'a str,
    pub content: &'a str,
}

/// A status change about to be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStatusEvent<'a> {
    pub policy: PolicyId,
    pub seq: u64,
    pub chain_hash: &'a str,
    pub label: Label,
    pub from: Status,
    pub to: Status,
    pub by: &'a str,
    /// The name the person gave, kept beside a server's user for display.
    pub display_name: &'a str,
    pub at: &'a str,
}

/// Who and when a record is stored under ([`crate::Write::stamp`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub by: String,
    pub at: String,
}

#[cfg(test)]
mod tests {
    use super::{Bump, Label, Status};

    #[test]
    fn labels_parse_strictly_and_bump() {
        assert_eq!(Label::parse("1.0"), Some(Label::FIRST));
        assert_eq!(Label::parse("12.30"), Some(Label { major: 12, minor: 30 }));
        for bad in ["", "1", "1.", ".1", "0.1", "1.01", "01.1", "1.1.1", "v1.1", " 1.1", "1.-1", "+1.1"] {
            assert_eq!(Label::parse(bad), None, "{bad:?}");
        }
        assert_eq!(Label::FIRST.bumped(Bump::Minor).to_string(), "1.1");
        assert_eq!(Label { major: 1, minor: 7 }.bumped(Bump::Major).to_string(), "2.0");
    }

    #[test]
    fn status_codes_round_trip() {
        for status in Status::ALL {
            assert_eq!(Status::parse(status.code()), Some(status));
        }
        assert!(Status::InReview.can_go_to(Status::Draft));
        assert!(!Status::Published.can_go_to(Status::Draft));
    }
}
