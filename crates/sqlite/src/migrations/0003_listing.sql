-- 0003: what the library's list shows without reading a draft. The
-- document number is copied out of the draft, as the title is. The next
-- review date is set when a version is published (its review interval after
-- the day of publishing) and cleared when none is published any more. Run in
-- one transaction with `PRAGMA user_version = 3`.

ALTER TABLE policies ADD COLUMN number TEXT NOT NULL DEFAULT '';
ALTER TABLE policies ADD COLUMN next_review TEXT NOT NULL DEFAULT '';

UPDATE policies SET number = json_extract(draft, '$.document.number')
WHERE json_valid(draft) AND json_type(draft, '$.document.number') = 'text';

-- A policy published before review intervals existed is due a year after
-- the version still published was published, the interval a new policy
-- starts with. (A publication from now on counts from the version's
-- effective date, which SQL cannot read here: version content is deflated.
-- The next publication sets the date the document states.) `floor`: a year after 29 February is 28 February, as the
-- store counts it (`model::dates`).
UPDATE policies SET next_review = coalesce((
    SELECT date(e.changed_at, '+12 months', 'floor') FROM status_events e
    WHERE e.policy_id = policies.id AND e.to_status = 'published'
      AND NOT EXISTS (
          SELECT 1 FROM status_events later WHERE later.version_id = e.version_id AND later.seq > e.seq)
    ORDER BY e.seq DESC LIMIT 1), '');
