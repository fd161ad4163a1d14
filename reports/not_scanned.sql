-- Inputs and messages that were NOT scanned in one scan: each one is a place
-- a leak could hide. Empty for a complete scan. Which problem kinds mean
-- "NOT scanned" is the table problem_kind, which each scan writes.
--   sqlite3 -header -column ccaudit.db < reports/not_scanned.sql
SELECT p.path, p.offset, p.mbox_index, p.kind, p.detail
FROM problem AS p
JOIN problem_kind AS k ON k.kind = p.kind AND k.not_scanned
-- the scan, and in a merged database the newest scan up to it of each
-- database merged
WHERE p.scan_id IN (SELECT max(id) FROM scan
                    WHERE id <= coalesce(:scan, (SELECT max(id) FROM scan))
                    GROUP BY coalesce(origin, 0))
ORDER BY p.path, p.offset;
