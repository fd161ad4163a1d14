-- Incidents of one scan, oldest first, with their campaign and, for a
-- reply-all that is an incident itself, the incident it re-exposed.
--   sqlite3 -readonly -header -column ccaudit.db '.read reports/review.sql' '.read reports/incidents.sql'
SELECT i.incident_id, i.message_id, i.sender, i.sender_name, i.subject,
       i.date, i.first_sent, i.exposed_count, i.recipient_count,
       i.identifiable_count, i.domain_count, i.copies, i.recipient_sets,
       i.divergent, m.campaign_id,
       (SELECT group_concat(DISTINCT r.incident_id)
        FROM reexposure AS r
        JOIN incident_copy AS c ON c.finding_id = r.finding_id
        WHERE c.incident_id = i.incident_id) AS reexposure_of,
       -- When ccaudit first found it, in any scan of this database: the
       -- start of the Art. 33 clock, at the latest.
       (SELECT min(s.started_at) FROM finding AS f JOIN scan AS s ON s.id = f.scan_id
        WHERE f.incident_id = i.incident_id) AS found_at,
       i.status, i.all_gone
FROM incident AS i
LEFT JOIN campaign_member AS m USING (incident_id)
ORDER BY i.first_sent IS NULL, i.first_sent, i.incident_id;
