-- What could not be read or looked odd in one scan, counted by kind. Kinds
-- that mean "NOT scanned" (problem_kind.not_scanned) come first.
--   sqlite3 -header -column ccaudit.db < reports/problems.sql
SELECT p.kind,
       count(*) AS problems,
       count(DISTINCT p.path) AS files,
       coalesce(k.not_scanned, 0) AS not_scanned
FROM problem AS p
LEFT JOIN problem_kind AS k ON k.kind = p.kind
-- the scan, and in a merged database the newest scan up to it of each
-- database merged
WHERE p.scan_id IN (SELECT max(id) FROM scan
                    WHERE id <= coalesce(:scan, (SELECT max(id) FROM scan))
                    GROUP BY coalesce(origin, 0))
GROUP BY p.kind
ORDER BY not_scanned DESC, problems DESC, p.kind;
