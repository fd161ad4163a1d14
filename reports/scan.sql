-- The scan row: when, how, and whether it read everything.
--   sqlite3 -header -line ccaudit.db < reports/scan.sql
SELECT s.id, s.started_at, s.finished_at, s.status, s.tool_version, s.host,
       s.arguments, s.threshold, s.internal_domains, s.sources, s.messages,
       s.unchanged_files, s.unchanged_messages, s.findings, s.problems, s.not_scanned
FROM scan AS s
WHERE s.id = coalesce(:scan, (SELECT max(id) FROM scan));
