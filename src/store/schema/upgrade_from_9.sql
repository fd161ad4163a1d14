-- From schema 10 (ccaudit merge):
-- * database_info holds this database's identity ('id', random): a merge
--   target knows a source database again by it, under any name or path.
-- * merged_database: each database merged into this one (see schema.sql).
-- * scan.origin, scan.origin_scan_id, source.origin: where a merged row came
--   from; NULL for what a scan of this database recorded. Added by
--   schema.cpp (add_missing_columns) when the table lacks them.
SELECT 1;
