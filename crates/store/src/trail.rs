//! The trail of a policy: its versions and status changes in one sequence,
//! each record chained to the one before by a hash.
//!
//! Record *n* of a policy stores `chain(n) = sha256(chain(n−1) ‖ record(n))`,
//! where the record is every field a reader relies on (for a version its
//! number, author, note, time, effective date and content hash). The policy
//! row keeps the last place and hash. Then rewriting a version's content
//! together with its hash, editing an author, note or time, or deleting or
//! inserting a row all break a link that [`verify`] finds.
//!
//! What this protects against is accidental damage and casual tampering with
//! a file. Someone who can write the file can always recompute the whole
//! chain; on a shared server the database's roles are the answer to that.

use crate::{Label, PolicyId, Status, StatusStep, VersionInfo};
use policywright_i18n::{Message, keys, msg};
use policywright_model::sha256_hex;

/// One record of the trail, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Version {
        label: Label,
        author: String,
        note: String,
        created_at: String,
        effective_date: String,
        content_hash: String,
    },
    Status {
        label: Label,
        from: Status,
        to: Status,
        by: String,
        at: String,
    },
}

impl Entry {
    /// The version the record is about.
    pub fn label(&self) -> Label {
        match self {
            Entry::Version { label, .. } | Entry::Status { label, .. } => *label,
        }
    }
}

/// A record at its place, with the hash stored for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub seq: u64,
    pub entry: Entry,
    pub chain_hash: String,
    /// The name the person gave, where the library records someone else
    /// (a server records its database user); empty when it records the
    /// name itself. Shown, never chained: it proves nothing.
    pub shown_as: String,
}

/// How far a policy's trail has come, as its policy row records it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Head {
    /// The last place taken; 0 before the first version.
    pub seq: u64,
    /// The chain hash at that place; empty before the first version.
    pub hash: String,
    /// The highest version number ever given.
    pub issued: Option<Label>,
}

/// The chain hash of `entry` at place `seq` of policy `policy`, after `prev`.
pub fn chain(prev: &str, policy: PolicyId, seq: u64, entry: &Entry) -> String {
    use std::io::Write as _;
    // `prev` followed by a JSON array: every field has its own place, so no
    // choice of text in a note can make two different records hash alike.
    // Written into one buffer, since `history` chains every record of a
    // policy each time it is shown. Writing into memory cannot fail.
    let mut record = Vec::with_capacity(prev.len() + 256);
    record.extend_from_slice(prev.as_bytes());
    let seq = i64::try_from(seq).unwrap_or(i64::MAX);
    let (kind, label) = match entry {
        Entry::Version { label, .. } => ("version", label),
        Entry::Status { label, .. } => ("status", label),
    };
    let _ = write!(record, "[\"{kind}\",{policy},{seq},\"{label}\"");
    let fields: &[&str] = match entry {
        Entry::Version { author, note, created_at, effective_date, content_hash, .. } => {
            &[author, note, created_at, effective_date, content_hash]
        }
        Entry::Status { from, to, by, at, .. } => &[from.code(), to.code(), by, at],
    };
    for field in fields {
        record.push(b',');
        let _ = serde_json::to_writer(&mut record, field);
    }
    record.push(b']');
    sha256_hex(&record)
}

/// The versions a trail records, in version order, each with the status
/// its last status change gave it.
pub fn versions(policy: PolicyId, links: Vec<Link>) -> Vec<VersionInfo> {
    let mut versions = Vec::new();
    let mut changes = Vec::new();
    for link in links {
        let shown_as = |recorded: &str| if link.shown_as == recorded { String::new() } else { link.shown_as.clone() };
        match link.entry {
            Entry::Version { label, author, note, created_at, effective_date, content_hash } => {
                versions.push(VersionInfo {
                    policy,
                    label,
                    status: Status::Draft,
                    display_name: shown_as(&author),
                    author,
                    note,
                    created_at,
                    effective_date,
                    content_hash,
                    damaged: false,
                    steps: Vec::new(),
                });
            }
            Entry::Status { label, from, to, by, at } => {
                changes.push((label, StatusStep { from, to, by_name: shown_as(&by), by, at }));
            }
        }
    }
    versions.sort_by_key(|v| v.label);
    // In place order, so the last change of a version is the one that stays.
    for (label, step) in changes {
        if let Ok(i) = versions.binary_search_by_key(&label, |v| v.label) {
            versions[i].status = step.to;
            versions[i].steps.push(step);
        }
    }
    versions
}

/// Something wrong with a trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Damage {
    /// A version's record does not hash to its stored link: its content
    /// hash, author, note or dates were changed.
    VersionChanged(Label),
    /// A status change of this version was altered.
    StatusChanged(Label),
    /// Records are missing before this version's record.
    MissingBefore(Label),
    /// Records are missing at the end of the trail.
    MissingAtEnd,
    /// This number was given to a version that is no longer there.
    MissingVersion(Label),
    /// The stored content no longer matches its hash.
    ContentChanged(Label),
}

impl Damage {
    /// The version it concerns, if one is still there.
    pub fn label(&self) -> Option<Label> {
        match self {
            Damage::VersionChanged(l)
            | Damage::StatusChanged(l)
            | Damage::MissingBefore(l)
            | Damage::ContentChanged(l) => Some(*l),
            Damage::MissingAtEnd | Damage::MissingVersion(_) => None,
        }
    }

    pub fn message(&self, id: PolicyId) -> Message {
        use keys::errors::damage as d;
        match self {
            Damage::VersionChanged(l) => msg!(d::VERSION_CHANGED, id = id, label = l.to_string()),
            Damage::StatusChanged(l) => msg!(d::STATUS_CHANGED, id = id, label = l.to_string()),
            Damage::MissingBefore(l) => msg!(d::MISSING_BEFORE, id = id, label = l.to_string()),
            Damage::MissingAtEnd => msg!(d::MISSING_AT_END, id = id),
            Damage::MissingVersion(l) => msg!(d::MISSING_VERSION, id = id, label = l.to_string()),
            Damage::ContentChanged(l) => msg!(d::CONTENT_CHANGED, id = id, label = l.to_string()),
        }
    }
}

/// Checks every link of a policy's trail and its end against the policy's
/// head. `links` are in place order. Each link is checked against the hash
/// stored before it, so one altered row is reported once, not with every
/// row after it.
pub fn verify(policy: PolicyId, head: &Head, links: &[Link]) -> Vec<Damage> {
    let mut damage = Vec::new();
    let mut prev = String::new();
    let mut expected_seq = 1;
    for link in links {
        let label = link.entry.label();
        if link.seq != expected_seq {
            // The hash this link was chained to went with the missing
            // records, so the gap is the finding, not the link.
            damage.push(Damage::MissingBefore(label));
        } else if chain(&prev, policy, link.seq, &link.entry) != link.chain_hash {
            damage.push(match link.entry {
                Entry::Version { .. } => Damage::VersionChanged(label),
                Entry::Status { .. } => Damage::StatusChanged(label),
            });
        }
        prev.clone_from(&link.chain_hash);
        expected_seq = link.seq.saturating_add(1);
    }
    let last = links.last();
    if last.map_or(0, |l| l.seq) < head.seq || last.is_some_and(|l| l.chain_hash != head.hash && l.seq == head.seq) {
        damage.push(Damage::MissingAtEnd);
    }
    if let Some(issued) = head.issued {
        let present = links.iter().any(|l| matches!(&l.entry, Entry::Version { label, .. } if *label == issued));
        if !present {
            damage.push(Damage::MissingVersion(issued));
        }
    }
    damage.dedup();
    damage
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(label: &str, note: &str) -> Entry {
        Entry::Version {
            label: Label::parse(label).expect("label"),
            author: "HR".into(),
            note: note.into(),
            created_at: "2027-01-01T09:00:00Z".into(),
            effective_date: "2027-01-01".into(),
            content_hash: "a".repeat(64),
        }
    }

    fn trail(entries: Vec<Entry>) -> (Head, Vec<Link>) {
        let mut links = Vec::new();
        let mut prev = String::new();
        let mut issued = None;
        for (i, entry) in entries.into_iter().enumerate() {
            let seq = i as u64 + 1;
            let hash = chain(&prev, 7, seq, &entry);
            if let Entry::Version { label, .. } = &entry {
                issued = Some(*label);
            }
            prev.clone_from(&hash);
            links.push(Link { seq, entry, chain_hash: hash, shown_as: String::new() });
        }
        (Head { seq: links.len() as u64, hash: prev, issued }, links)
    }

    fn review(label: &str) -> Entry {
        Entry::Status {
            label: Label::parse(label).expect("label"),
            from: Status::Draft,
            to: Status::InReview,
            by: "Legal".into(),
            at: "2027-01-02T09:00:00Z".into(),
        }
    }

    /// The hash every library written so far holds: `prev` and the record
    /// as a serialised JSON array. Changing it would make every trail damaged.
    #[test]
    fn chain_hashes_the_same_bytes_as_the_first_libraries() {
        #[derive(serde::Serialize)]
        #[serde(untagged)]
        enum Field<'a> {
            Text(&'a str),
            Number(i64),
        }
        use Field::{Number as N, Text as T};
        let entry = Entry::Version {
            label: Label::parse("2.13").expect("label"),
            author: "人力资源部 \"HR\"".into(),
            note: "line\nbreak\t\u{1b}]52;c2VjcmV0\u{7}\\ \u{202e}".into(),
            created_at: "2027-01-01T09:00:00Z".into(),
            effective_date: "2027-01-01".into(),
            content_hash: "a".repeat(64),
        };
        let record = serde_json::to_string(&[
            T("version"),
            N(7),
            N(12),
            T("2.13"),
            T("人力资源部 \"HR\""),
            T("line\nbreak\t\u{1b}]52;c2VjcmV0\u{7}\\ \u{202e}"),
            T("2027-01-01T09:00:00Z"),
            T("2027-01-01"),
            T(&"a".repeat(64)),
        ])
        .expect("json");
        let prev = "b".repeat(64);
        assert_eq!(chain(&prev, 7, 12, &entry), sha256_hex(format!("{prev}{record}").as_bytes()));
        let status = review("2.13");
        let record = serde_json::to_string(&[
            T("status"),
            N(7),
            N(13),
            T("2.13"),
            T("draft"),
            T("in-review"),
            T("Legal"),
            T("2027-01-02T09:00:00Z"),
        ])
        .expect("json");
        assert_eq!(chain(&prev, 7, 13, &status), sha256_hex(format!("{prev}{record}").as_bytes()));
    }

    #[test]
    fn an_intact_trail_has_no_damage() {
        let (head, links) = trail(vec![version("1.0", "first"), review("1.0"), version("1.1", "second")]);
        assert_eq!(verify(7, &head, &links), []);
        // The same records under another policy's number do not verify.
        assert_eq!(
            verify(8, &head, &links),
            [
                Damage::VersionChanged(Label::FIRST),
                Damage::StatusChanged(Label::FIRST),
                Damage::VersionChanged(Label { major: 1, minor: 1 })
            ]
        );
    }

    #[test]
    fn an_edited_note_is_found_once() {
        let (head, mut links) = trail(vec![version("1.0", "first"), review("1.0"), version("1.1", "second")]);
        if let Entry::Version { note, .. } = &mut links[0].entry {
            *note = "rewritten".into();
        }
        assert_eq!(verify(7, &head, &links), [Damage::VersionChanged(Label::FIRST)]);
    }

    #[test]
    fn a_note_cannot_move_into_the_author() {
        let with = |who: &str, note: &str| {
            let mut entry = version("1.0", note);
            if let Entry::Version { author, .. } = &mut entry {
                *author = who.to_string();
            }
            chain("", 1, 1, &entry)
        };
        let (a, b) = (with("a\",\"b", "c"), with("a", "b\",\"c"));
        assert_ne!(a, b);
    }

    #[test]
    fn deleted_records_are_found_where_they_were() {
        let (head, links) =
            trail(vec![version("1.0", "first"), review("1.0"), version("1.1", "second"), review("1.1")]);
        // A status change in the middle.
        let middle: Vec<Link> = links.iter().filter(|l| l.seq != 2).cloned().collect();
        assert_eq!(verify(7, &head, &middle), [Damage::MissingBefore(Label { major: 1, minor: 1 })]);
        // The newest version and its review: the head still names them.
        assert_eq!(
            verify(7, &head, &links[..2]),
            [Damage::MissingAtEnd, Damage::MissingVersion(Label { major: 1, minor: 1 })]
        );
        // Only the last status change.
        assert_eq!(verify(7, &head, &links[..3]), [Damage::MissingAtEnd]);
    }
}
