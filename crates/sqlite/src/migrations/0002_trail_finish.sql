-- 0002, second half: the filled copies replace the old tables, and the
-- rules are put back, stricter.

DROP VIEW version_list;
-- Its body names `versions`, which must exist while tables are renamed.
DROP TRIGGER policies_keep_versioned;
DROP TABLE status_events;
DROP TABLE versions;
ALTER TABLE versions_2 RENAME TO versions;
ALTER TABLE status_events_2 RENAME TO status_events;

CREATE INDEX status_events_by_version ON status_events (version_id, id);

-- Settings of the file itself: when it was last backed up, which log was
-- last checked.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Foreign keys are a per-connection setting; this holds for every program
-- that opens the file.
CREATE TRIGGER policies_keep_versioned BEFORE DELETE ON policies
WHEN EXISTS (SELECT 1 FROM versions WHERE policy_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'a policy with versions cannot be deleted; archive it instead');
END;

CREATE TRIGGER policies_trail_moves_forward
BEFORE UPDATE OF trail_seq, trail_head, issued_major, issued_minor ON policies
WHEN NEW.trail_seq < OLD.trail_seq
  OR (NEW.trail_seq = OLD.trail_seq AND NEW.trail_head IS NOT OLD.trail_head)
  OR (NEW.issued_major, NEW.issued_minor) < (OLD.issued_major, OLD.issued_minor)
BEGIN
    SELECT RAISE(ABORT, 'the trail of a policy only moves forward');
END;

CREATE TRIGGER versions_take_the_next_place BEFORE INSERT ON versions
WHEN NEW.seq IS NOT (SELECT trail_seq + 1 FROM policies WHERE id = NEW.policy_id)
BEGIN
    SELECT RAISE(ABORT, 'a version takes the next place in its policy''s trail');
END;

CREATE TRIGGER versions_never_reuse_a_number BEFORE INSERT ON versions
WHEN (NEW.major, NEW.minor) <= (SELECT issued_major, issued_minor FROM policies WHERE id = NEW.policy_id)
BEGIN
    SELECT RAISE(ABORT, 'a version number is never given twice');
END;

CREATE TRIGGER versions_advance_the_trail AFTER INSERT ON versions
BEGIN
    UPDATE policies
    SET trail_seq = NEW.seq, trail_head = NEW.chain_hash, issued_major = NEW.major, issued_minor = NEW.minor
    WHERE id = NEW.policy_id;
END;

CREATE TRIGGER versions_no_update BEFORE UPDATE ON versions
BEGIN
    SELECT RAISE(ABORT, 'versions are immutable; save a new version instead');
END;

CREATE TRIGGER versions_no_delete BEFORE DELETE ON versions
BEGIN
    SELECT RAISE(ABORT, 'versions are immutable; they cannot be deleted');
END;

CREATE TRIGGER version_contents_no_update BEFORE UPDATE ON version_contents
BEGIN
    SELECT RAISE(ABORT, 'versions are immutable; save a new version instead');
END;

CREATE TRIGGER version_contents_no_delete BEFORE DELETE ON version_contents
BEGIN
    SELECT RAISE(ABORT, 'versions are immutable; they cannot be deleted');
END;

-- A status change starts where the version stands: its last change's new
-- status, or draft. With the CHECK on the table, only the workflow's steps
-- can be recorded, in its order.
CREATE TRIGGER status_events_follow_the_workflow BEFORE INSERT ON status_events
WHEN NEW.from_status IS NOT COALESCE(
    (SELECT e.to_status FROM status_events e WHERE e.version_id = NEW.version_id ORDER BY e.id DESC LIMIT 1),
    'draft')
BEGIN
    SELECT RAISE(ABORT, 'a status change starts from the version''s current status');
END;

CREATE TRIGGER status_events_take_the_next_place BEFORE INSERT ON status_events
WHEN NEW.seq IS NOT (SELECT trail_seq + 1 FROM policies WHERE id = NEW.policy_id)
  OR NEW.policy_id IS NOT (SELECT policy_id FROM versions WHERE id = NEW.version_id)
BEGIN
    SELECT RAISE(ABORT, 'a status change takes the next place in its policy''s trail');
END;

CREATE TRIGGER status_events_advance_the_trail AFTER INSERT ON status_events
BEGIN
    UPDATE policies SET trail_seq = NEW.seq, trail_head = NEW.chain_hash WHERE id = NEW.policy_id;
END;

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
    v.seq,
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
    v.content_hash,
    v.chain_hash
FROM versions v;
