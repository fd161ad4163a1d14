-- From schema 12 (the review counts what a rescan covered, as its summary
-- line does):
-- * scan.unchanged_files, scan.unchanged_messages: the files a scan found
--   unchanged and did not read again, and their messages. NULL for older
--   scans. Added by schema.cpp (add_missing_columns).
-- * scan.sources no longer counts the members of a zip or tar file on their
--   own (the file is counted once, as the summary line counts it). Older
--   scans keep what they stored.
SELECT 1;
