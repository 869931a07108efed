-- 0004: handbooks saved in the library: what they bind (the definition, as
-- the api writes it) and what their last export bound, so that the app can
-- say which parts changed since. A definition is a working document, like a
-- policy's draft: it may be changed or deleted. Run in one transaction with
-- `PRAGMA user_version = 4`.

CREATE TABLE handbooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    definition TEXT NOT NULL CHECK (json_valid(definition)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    built_at TEXT,
    last_build TEXT CHECK (last_build IS NULL OR json_valid(last_build))
);
