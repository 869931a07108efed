-- 0002: the trail. Every version and status event of a policy gets a place
-- in one sequence (`seq`, 1, 2, 3, … per policy) and a chain hash over its
-- record and the hash before it, so that a changed, inserted or deleted row
-- shows. Version content is stored compressed. Labels come from a counter
-- that never goes back, so a number once given is never given again.
--
-- The old tables are copied into new ones (the Rust half of this step fills
-- them, since SQLite can neither compress nor hash), then replaced. Run in
-- one transaction with `PRAGMA user_version = 2`.

-- What the trail has reached: the last place taken, the hash there, and the
-- highest label ever given. Only ever moved forward, by the triggers below.
ALTER TABLE policies ADD COLUMN trail_seq INTEGER NOT NULL DEFAULT 0 CHECK (trail_seq >= 0);
ALTER TABLE policies ADD COLUMN trail_head TEXT NOT NULL DEFAULT '';
ALTER TABLE policies ADD COLUMN issued_major INTEGER NOT NULL DEFAULT 0 CHECK (issued_major >= 0);
ALTER TABLE policies ADD COLUMN issued_minor INTEGER NOT NULL DEFAULT 0 CHECK (issued_minor >= 0);
-- Counts the draft's replacements, so that a save can name the draft it
-- means and be refused when another one has replaced it meanwhile.
ALTER TABLE policies ADD COLUMN draft_revision INTEGER NOT NULL DEFAULT 1 CHECK (draft_revision >= 1);

CREATE TABLE versions_2 (
    id              INTEGER PRIMARY KEY,
    policy_id       INTEGER NOT NULL REFERENCES policies (id),
    seq             INTEGER NOT NULL CHECK (seq >= 1),
    major           INTEGER NOT NULL CHECK (major >= 1),
    minor           INTEGER NOT NULL CHECK (minor >= 0),
    author          TEXT    NOT NULL,
    note            TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    effective_date  TEXT    NOT NULL,
    content_hash    TEXT    NOT NULL CHECK (length(content_hash) = 64),
    chain_hash      TEXT    NOT NULL CHECK (length(chain_hash) = 64),
    UNIQUE (policy_id, major, minor),
    UNIQUE (policy_id, seq)
) STRICT;

-- The content of each version, apart from its record, so that listing ten
-- thousand versions reads ten thousand short rows, not every page of their
-- text: the canonical JSON, deflated (`content_hash` is of the JSON itself).
CREATE TABLE version_contents (
    version_id  INTEGER PRIMARY KEY REFERENCES versions_2 (id),
    content     BLOB    NOT NULL
) STRICT;

CREATE TABLE status_events_2 (
    id          INTEGER PRIMARY KEY,
    version_id  INTEGER NOT NULL REFERENCES versions_2 (id),
    policy_id   INTEGER NOT NULL REFERENCES policies (id),
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    from_status TEXT    NOT NULL,
    to_status   TEXT    NOT NULL,
    changed_by  TEXT    NOT NULL,
    changed_at  TEXT    NOT NULL,
    chain_hash  TEXT    NOT NULL CHECK (length(chain_hash) = 64),
    CHECK (from_status || '>' || to_status IN (
        'draft>in-review',
        'in-review>approved',
        'in-review>draft',
        'approved>published',
        'published>superseded'
    )),
    UNIQUE (policy_id, seq)
) STRICT;
