-- The findings current as of one scan (recorded by it or an earlier scan,
-- not retired since), one row per flagged copy, in archive order; list and
-- bulk mail only with :include_suppressed = 1.
-- ccaudit report renders this. To run it yourself (newest scan):
--   sqlite3 -header -column ccaudit.db < reports/findings.sql
-- As of another scan: sqlite3 ccaudit.db -cmd '.parameter set :scan 3' < reports/findings.sql
SELECT f.id,
       f.path,
       f.offset,
       f.mbox_index,
       f.message_id,
       f.date,
       f.from_address,
       f.from_name,
       f.subject,
       f.visible_count,
       f.external_count,
       f.domain_count,
       f.suppressed,
       f.incident_id,
       f.status,
       f.kind,
       f.part_path,     -- --content: MIME part, e.g. "2.1"; "" for the header
       f.part_filename,
       f.part_type,
       f.sent_at        -- the Date in UTC (ISO 8601); NULL when unreadable
FROM finding AS f
WHERE f.scan_id <= coalesce(:scan, (SELECT max(id) FROM scan))
  AND (f.retired_scan IS NULL OR f.retired_scan > coalesce(:scan, (SELECT max(id) FROM scan)))
  AND (f.suppressed = '' OR :include_suppressed) -- list and bulk mail
  AND f.kind <> 'reply-recipients' -- kept only to link reply-alls
ORDER BY f.path, f.offset, f.part_path, f.kind;
