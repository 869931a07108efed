-- 0005: who last replaced a policy's draft, as SQLite's 0005. On a server
-- it is the database user that wrote it, as the store's stamp gives it.

ALTER TABLE policies ADD COLUMN draft_by text NOT NULL DEFAULT '';
