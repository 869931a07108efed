-- 0005: who last replaced a policy's draft, beside when (updated_at) and
-- its revision, so that an editor can say "last saved by … at …" and name
-- the person whose newer draft it will not write over. Run in one
-- transaction with `PRAGMA user_version = 5`.

ALTER TABLE policies ADD COLUMN draft_by TEXT NOT NULL DEFAULT '';
