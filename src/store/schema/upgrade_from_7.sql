-- From schema 7: the table problem_kind (see schema.sql), which each scan
-- fills; nothing else changes.
CREATE TABLE IF NOT EXISTS problem_kind (
  kind        TEXT PRIMARY KEY,
  not_scanned INTEGER NOT NULL
) WITHOUT ROWID;
