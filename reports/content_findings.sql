-- Leaks inside messages found with ccaudit scan --content, one row per part:
-- kind (address-list-in-content, forwarded-recipients, quoted-recipients),
-- where (file, offset, MIME part, attachment name) and how many distinct
-- exposed addresses. Reads the views of review.sql:
--   sqlite3 -readonly -header -column ccaudit.db \
--     -cmd '.read reports/review.sql' < reports/content_findings.sql
SELECT kind, path, offset, mbox_index, part_path, part_filename, part_type,
       message_id, sender, subject, sent_at, external_count, visible_count,
       incident_id, linked, status
FROM content_finding
ORDER BY path, offset, part_path, kind;
