-- 0002: the trail (see `policywright_store::trail`), as SQLite's 0002 makes
-- it: every version and status event of a policy takes a place in one
-- sequence (`seq`, 1, 2, 3, … per policy) and a chain hash over its record
-- and the hash before it. Labels come from a counter that never goes back.
--
-- No PostgreSQL library ever held rows at schema 1 (this backend arrived at
-- schema 4), so the new columns need no filling.
--
-- And what SQLite cannot do: the author of a version and the actor of a
-- status change are the database user who inserts it, and its time the
-- server's clock, checked here, so that no client can forge either. The
-- name a person typed is kept beside it, as a display name only.

ALTER TABLE policies ADD COLUMN trail_seq bigint NOT NULL DEFAULT 0 CHECK (trail_seq >= 0);
ALTER TABLE policies ADD COLUMN trail_head text NOT NULL DEFAULT '';
ALTER TABLE policies ADD COLUMN issued_major integer NOT NULL DEFAULT 0 CHECK (issued_major >= 0);
ALTER TABLE policies ADD COLUMN issued_minor integer NOT NULL DEFAULT 0 CHECK (issued_minor >= 0);
-- Counts the draft's replacements, so that a save can name the draft it
-- means and be refused when another one has replaced it meanwhile.
ALTER TABLE policies ADD COLUMN draft_revision bigint NOT NULL DEFAULT 1 CHECK (draft_revision >= 1);

ALTER TABLE versions ADD COLUMN seq bigint NOT NULL CHECK (seq >= 1);
ALTER TABLE versions ADD COLUMN chain_hash text NOT NULL CHECK (length(chain_hash) = 64);
ALTER TABLE versions ADD COLUMN author_name text NOT NULL DEFAULT '';
ALTER TABLE versions ADD UNIQUE (policy_id, seq);

ALTER TABLE status_events ADD COLUMN policy_id bigint NOT NULL REFERENCES policies (id);
ALTER TABLE status_events ADD COLUMN seq bigint NOT NULL CHECK (seq >= 1);
ALTER TABLE status_events ADD COLUMN chain_hash text NOT NULL CHECK (length(chain_hash) = 64);
ALTER TABLE status_events ADD COLUMN changed_by_name text NOT NULL DEFAULT '';
ALTER TABLE status_events ADD UNIQUE (policy_id, seq);

-- The server's clock, in the form the trail hashes. `now()` is the start of
-- the transaction, so every record of one action has the same time, and the
-- client reads the same value (`Write::stamp`) before it hashes.
CREATE FUNCTION policywright_now() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

-- A copy from another library (`library copy`) keeps its records' authors
-- and times. Only the tables' owner may make one, in a transaction that
-- says so; the owner could as well switch the triggers off, so this gives
-- no one more than they had.
CREATE FUNCTION policywright_copying(tbl oid) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('policywright.copy', true), '') = 'on'
       AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = tbl), 'USAGE')
$$;

CREATE FUNCTION policywright_trail_moves_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.trail_seq < OLD.trail_seq
       OR (NEW.trail_seq = OLD.trail_seq AND NEW.trail_head IS DISTINCT FROM OLD.trail_head)
       OR (NEW.issued_major, NEW.issued_minor) < (OLD.issued_major, OLD.issued_minor) THEN
        RAISE EXCEPTION USING MESSAGE = 'the trail of a policy only moves forward',
            ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER policies_trail_moves_forward BEFORE UPDATE ON policies
    FOR EACH ROW EXECUTE FUNCTION policywright_trail_moves_forward();

-- A version takes the next place, a new number, the inserting user's name
-- and the server's time; then the policy's trail moves on to it.
CREATE FUNCTION policywright_version_arrives() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head policies%ROWTYPE;
BEGIN
    SELECT * INTO head FROM policies WHERE id = NEW.policy_id FOR UPDATE;
    IF NEW.seq IS DISTINCT FROM head.trail_seq + 1 THEN
        RAISE EXCEPTION USING MESSAGE = 'a version takes the next place in its policy''s trail',
            ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (NEW.major, NEW.minor) <= (head.issued_major, head.issued_minor) THEN
        RAISE EXCEPTION USING MESSAGE = 'a version number is never given twice',
            ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (NEW.author IS DISTINCT FROM current_user::text OR NEW.created_at IS DISTINCT FROM policywright_now())
       AND NOT policywright_copying(TG_RELID) THEN
        RAISE EXCEPTION USING MESSAGE = 'a version is recorded under the database user and the server''s time',
            ERRCODE = 'integrity_constraint_violation';
    END IF;
    UPDATE policies
    SET trail_seq = NEW.seq, trail_head = NEW.chain_hash, issued_major = NEW.major, issued_minor = NEW.minor
    WHERE id = NEW.policy_id;
    RETURN NEW;
END
$$;

CREATE TRIGGER versions_arrive BEFORE INSERT ON versions
    FOR EACH ROW EXECUTE FUNCTION policywright_version_arrives();

-- A status change starts where the version stands (its last change's new
-- status, or draft), takes the next place, and is recorded under the
-- inserting user's name and the server's time.
CREATE FUNCTION policywright_status_arrives() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head policies%ROWTYPE;
    current_status text;
BEGIN
    SELECT * INTO head FROM policies WHERE id = NEW.policy_id FOR UPDATE;
    SELECT coalesce(
        (SELECT e.to_status FROM status_events e WHERE e.version_id = NEW.version_id ORDER BY e.seq DESC LIMIT 1),
        'draft') INTO current_status;
    IF NEW.from_status IS DISTINCT FROM current_status THEN
        RAISE EXCEPTION USING MESSAGE = 'a status change starts from the version''s current status',
            ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.seq IS DISTINCT FROM head.trail_seq + 1
       OR NEW.policy_id IS DISTINCT FROM (SELECT policy_id FROM versions WHERE id = NEW.version_id) THEN
        RAISE EXCEPTION USING MESSAGE = 'a status change takes the next place in its policy''s trail',
            ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (NEW.changed_by IS DISTINCT FROM current_user::text OR NEW.changed_at IS DISTINCT FROM policywright_now())
       AND NOT policywright_copying(TG_RELID) THEN
        RAISE EXCEPTION USING MESSAGE = 'a status change is recorded under the database user and the server''s time',
            ERRCODE = 'integrity_constraint_violation';
    END IF;
    UPDATE policies SET trail_seq = NEW.seq, trail_head = NEW.chain_hash WHERE id = NEW.policy_id;
    RETURN NEW;
END
$$;

CREATE TRIGGER status_events_arrive BEFORE INSERT ON status_events
    FOR EACH ROW EXECUTE FUNCTION policywright_status_arrives();

CREATE INDEX status_events_by_policy ON status_events (policy_id, seq);
