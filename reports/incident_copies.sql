-- Where each incident was found: one row per copy, with the recipient set it
-- shows (copies of one incident with different sets are "divergent").
--   sqlite3 -readonly -header -column ccaudit.db '.read reports/review.sql' '.read reports/incident_copies.sql'
SELECT c.incident_id, c.finding_id, c.path, c.offset, c.mbox_index,
       c.recipient_hash, c.visible_count, c.external_count, c.status, c.source_gone,
       c.kind, c.part_path, c.part_filename
FROM incident_copy AS c
ORDER BY c.incident_id, c.path, c.offset;
