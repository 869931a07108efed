-- Policywright: the roles of a team library, enforced by the database.
--
-- Run by the library's owner (the user that created its tables, or a
-- superuser) in the library's database, after the first connection has
-- created the tables: `policywright library init-server --run --db …`, or
-- this text through psql. Safe to run again, and to run after an upgrade.
--
--   pw_reader     read and export only
--   pw_author     + create policies, edit drafts, save versions, submit for review
--   pw_reviewer   + move a version in review to approved, or back to draft
--   pw_publisher  + publish an approved version (superseding the published one)
--
-- People get a login of their own, member of one or more roles:
--   CREATE ROLE alice LOGIN PASSWORD '…' IN ROLE pw_author;
-- What they save is recorded under that login and the server's clock.
-- Nobody, the owner included, can change or delete a saved version or a
-- status change: triggers refuse it for every role.

DO $$
DECLARE
    name text;
BEGIN
    FOREACH name IN ARRAY ARRAY['pw_reader', 'pw_author', 'pw_reviewer', 'pw_publisher'] LOOP
        BEGIN
            EXECUTE format('CREATE ROLE %I NOLOGIN', name);
        EXCEPTION WHEN duplicate_object THEN
            NULL; -- there already, from this or another library on the server
        END;
    END LOOP;
END
$$;

-- Everyone reads.
GRANT pw_reader TO pw_author, pw_reviewer, pw_publisher;
GRANT USAGE ON SCHEMA public TO pw_reader;
GRANT SELECT ON policywright_schema, policies, versions, status_events, handbooks TO pw_reader;

-- Authors keep drafts and handbooks, and add versions. Versions and status
-- changes are only ever inserted: no role is granted UPDATE or DELETE on
-- them, and the triggers refuse it even to the owner.
GRANT INSERT, UPDATE ON policies TO pw_author;
GRANT INSERT ON versions TO pw_author;
GRANT INSERT, UPDATE, DELETE ON handbooks TO pw_author;

-- A status change moves the policy's trail and its dates on (the triggers
-- and the store write these columns as the user who acts).
GRANT INSERT ON status_events TO pw_author, pw_reviewer, pw_publisher;
GRANT UPDATE (updated_at, next_review, trail_seq, trail_head) ON policies TO pw_reviewer, pw_publisher;

-- Which steps each role may record: row-level security on the log of
-- status changes. A user in several roles may take each of their steps;
-- the workflow's order is the table's CHECK and trigger, for everyone.
ALTER TABLE status_events ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS everyone_reads ON status_events;
CREATE POLICY everyone_reads ON status_events FOR SELECT TO pw_reader USING (true);

DROP POLICY IF EXISTS authors_submit ON status_events;
CREATE POLICY authors_submit ON status_events FOR INSERT TO pw_author
    WITH CHECK (from_status = 'draft' AND to_status = 'in-review');

DROP POLICY IF EXISTS reviewers_decide ON status_events;
CREATE POLICY reviewers_decide ON status_events FOR INSERT TO pw_reviewer
    WITH CHECK (from_status = 'in-review' AND to_status IN ('approved', 'draft'));

DROP POLICY IF EXISTS publishers_publish ON status_events;
CREATE POLICY publishers_publish ON status_events FOR INSERT TO pw_publisher
    WITH CHECK ((from_status = 'approved' AND to_status = 'published')
             OR (from_status = 'published' AND to_status = 'superseded'));
