-- What could not be read or looked odd in one scan, counted by kind. Kinds
-- that mean "NOT scanned" (unreadable_input, internal_error) come first.
--   sqlite3 -header -column ccaudit.db < reports/problems.sql
SELECT p.kind,
       count(*) AS problems,
       count(DISTINCT p.path) AS files,
       p.kind IN ('unreadable_input', 'internal_error', 'compressed_not_scanned') AS not_scanned
FROM problem AS p
WHERE p.scan_id = coalesce(:scan, (SELECT max(id) FROM scan))
GROUP BY p.kind
ORDER BY not_scanned DESC, problems DESC, p.kind;
