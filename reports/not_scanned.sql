-- Inputs and messages that were NOT scanned in one scan: each one is a place
-- a leak could hide. Empty for a complete scan.
--   sqlite3 -header -column ccaudit.db < reports/not_scanned.sql
SELECT p.path, p.offset, p.mbox_index, p.kind, p.detail
FROM problem AS p
WHERE p.scan_id = coalesce(:scan, (SELECT max(id) FROM scan))
  AND p.kind IN ('unreadable_input', 'internal_error', 'compressed_not_scanned')
ORDER BY p.path, p.offset;
