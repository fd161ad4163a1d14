-- Every visible address of every finding of one scan (internal = 1 for an
-- address in an --internal-domain: visible, but not counted as exposed).
--   sqlite3 -header -csv ccaudit.db < reports/finding_addresses.sql
SELECT a.finding_id,
       a.position,
       a.address,
       a.display_name,
       a.field,
       a.internal
FROM finding_address AS a
JOIN finding AS f ON f.id = a.finding_id
WHERE f.scan_id <= coalesce(:scan, (SELECT max(id) FROM scan))
  AND (f.retired_scan IS NULL OR f.retired_scan > coalesce(:scan, (SELECT max(id) FROM scan)))
  AND (f.suppressed = '' OR :include_suppressed) -- list and bulk mail
  AND f.kind <> 'reply-recipients'
ORDER BY a.finding_id, a.position;
