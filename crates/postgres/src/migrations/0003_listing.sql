-- 0003: what the library's list shows without reading a draft, as SQLite's
-- 0003: the document number, copied out of the draft as the title is, and
-- the next review date, set when a version is published and cleared when
-- none is published any more. No rows to fill (see 0002).

ALTER TABLE policies ADD COLUMN number text NOT NULL DEFAULT '';
ALTER TABLE policies ADD COLUMN next_review text NOT NULL DEFAULT '';
