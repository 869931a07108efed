-- 0001: policies with their working draft, immutable versions, and the
-- append-only log of status changes. Run in one transaction with
-- `PRAGMA user_version = 1`, so a crash leaves either all of it or none.

-- Marks the file as a Policywright library ("PWLB"), so that an SQLite
-- database of another program is recognised and left alone.
PRAGMA application_id = 1347898434;

-- The draft is the working copy: autosaved, possibly invalid, overwritten at
-- will. `title` is copied out of it so that listing needs no JSON parsing.
CREATE TABLE policies (
    id          INTEGER PRIMARY KEY,
    title       TEXT    NOT NULL,
    draft       TEXT    NOT NULL,
    archived    INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
) STRICT;

-- A saved version: the canonical JSON of a valid policy and its sha256. Rows
-- are never changed or removed (see the triggers below); the status lives in
-- status_events so that it can move on without touching the version.
CREATE TABLE versions (
    id              INTEGER PRIMARY KEY,
    policy_id       INTEGER NOT NULL REFERENCES policies (id),
    major           INTEGER NOT NULL CHECK (major >= 1),
    minor           INTEGER NOT NULL CHECK (minor >= 0),
    author          TEXT    NOT NULL,
    note            TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    effective_date  TEXT    NOT NULL,
    content_hash    TEXT    NOT NULL CHECK (length(content_hash) = 64),
    content         TEXT    NOT NULL,
    UNIQUE (policy_id, major, minor)
) STRICT;

-- Foreign keys are a per-connection setting; this holds for every program
-- that opens the file.
CREATE TRIGGER policies_keep_versioned BEFORE DELETE ON policies
WHEN EXISTS (SELECT 1 FROM versions WHERE policy_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'a policy with versions cannot be deleted; archive it instead');
END;

CREATE TRIGGER versions_no_update BEFORE UPDATE ON versions
BEGIN
    SELECT RAISE(ABORT, 'versions are immutable; save a new version instead');
END;

CREATE TRIGGER versions_no_delete BEFORE DELETE ON versions
BEGIN
    SELECT RAISE(ABORT, 'versions are immutable; they cannot be deleted');
END;

-- Every status change, in order. A version's status is the `to_status` of its
-- last event, or 'draft' when it has none. The CHECK repeats the workflow so
-- that not even a hand-written INSERT can record a step the workflow forbids.
CREATE TABLE status_events (
    id          INTEGER PRIMARY KEY,
    version_id  INTEGER NOT NULL REFERENCES versions (id),
    from_status TEXT    NOT NULL,
    to_status   TEXT    NOT NULL,
    changed_by  TEXT    NOT NULL,
    changed_at  TEXT    NOT NULL,
    CHECK (from_status || '>' || to_status IN (
        'draft>in-review',
        'in-review>approved',
        'in-review>draft',
        'approved>published',
        'published>superseded'
    ))
) STRICT;

CREATE INDEX status_events_by_version ON status_events (version_id, id);

CREATE TRIGGER status_events_no_update BEFORE UPDATE ON status_events
BEGIN
    SELECT RAISE(ABORT, 'status events are append-only');
END;

CREATE TRIGGER status_events_no_delete BEFORE DELETE ON status_events
BEGIN
    SELECT RAISE(ABORT, 'status events are append-only');
END;

-- Versions with their current status, without the content.
CREATE VIEW version_list AS
SELECT
    v.id,
    v.policy_id,
    v.major,
    v.minor,
    COALESCE(
        (SELECT e.to_status FROM status_events e WHERE e.version_id = v.id ORDER BY e.id DESC LIMIT 1),
        'draft'
    ) AS status,
    v.author,
    v.note,
    v.created_at,
    v.effective_date,
    v.content_hash
FROM versions v;
