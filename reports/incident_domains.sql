-- Exposed addresses per external domain and incident.
--   sqlite3 -readonly -header -column ccaudit.db '.read reports/review.sql' '.read reports/incident_domains.sql'
SELECT d.incident_id, d.domain, d.exposed
FROM incident_domain AS d
ORDER BY d.incident_id, d.exposed DESC, d.domain;
