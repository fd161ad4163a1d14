-- From schema 11 (rescans count unchanged folders from their own row):
-- * directory.files, directory.messages: for a Maildir cur/ or new/ listed
--   whole, the messages directly in it and their count, so that a scan
--   that skips the folder as unchanged need not count its source rows.
--   NULL until a scan lists the folder again (the count is then made the
--   old way). Added by schema.cpp (add_missing_columns).
SELECT 1;
