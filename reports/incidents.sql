-- Incidents of one scan, oldest first, with their campaign and, for a
-- reply-all that is an incident itself, the incidents it re-exposed; the
-- lists found inside messages (scan --content) are incidents too (kind).
--   sqlite3 -readonly -header -column ccaudit.db '.read reports/review.sql' '.read reports/incidents.sql'
WITH reexposed AS (
  -- each incident one of its copies re-exposed, listed by id
  SELECT DISTINCT c.incident_id, r.incident_id AS reexposed
  FROM reexposure AS r
  CROSS JOIN incident_copy AS c ON c.finding_id = r.finding_id
), listed AS (
  -- the incidents and those lists in one stream: an incident's row takes
  -- the list in its partition (a lookup in a view reads all of it)
  SELECT incident_id, 1 AS is_incident, message_id, sender, sender_name, subject,
         date, first_sent, exposed_count, recipient_count, identifiable_count,
         domain_count, copies, recipient_sets, divergent, campaign_id, status, all_gone,
         kind, part_path, part_filename, part_type, NULL AS reexposure_of
  FROM incident_campaign
  UNION ALL
  SELECT incident_id, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         group_concat(reexposed) OVER (PARTITION BY incident_id ORDER BY reexposed
                                       ROWS BETWEEN UNBOUNDED PRECEDING
                                       AND UNBOUNDED FOLLOWING)
  FROM reexposed
), joined AS (
  SELECT l.*, max(reexposure_of) OVER (PARTITION BY incident_id) AS reexposures
  FROM listed AS l
)
SELECT i.incident_id, i.message_id, i.sender, i.sender_name, i.subject,
       i.date, i.first_sent, i.exposed_count, i.recipient_count,
       i.identifiable_count, i.domain_count, i.copies, i.recipient_sets,
       i.divergent, i.campaign_id, i.reexposures AS reexposure_of,
       -- When ccaudit first found it, in any scan of this database: the
       -- start of the Art. 33 clock, at the latest.
       (SELECT min(s.started_at) FROM finding AS f JOIN scan AS s ON s.id = f.scan_id
        WHERE f.incident_id = i.incident_id) AS found_at,
       i.status, i.all_gone,
       -- what exposed the list: visible-recipients (the To/Cc), or with
       -- scan --content forwarded-recipients, address-list-in-content,
       -- quoted-recipients, and the MIME part
       i.kind, i.part_path, i.part_filename, i.part_type,
       -- A reviewer's acceptance (baseline accept): the latest, with who
       -- accepted and every note given ('' when none).
       (SELECT max(a.accepted_at) FROM finding AS f JOIN acceptance AS a
          ON a.fingerprint = f.fingerprint WHERE f.incident_id = i.incident_id) AS accepted_at,
       (SELECT group_concat(DISTINCT a.accepted_by) FROM finding AS f JOIN acceptance AS a
          ON a.fingerprint = f.fingerprint WHERE f.incident_id = i.incident_id
          AND a.accepted_by <> '') AS accepted_by,
       (SELECT group_concat(DISTINCT a.note) FROM finding AS f JOIN acceptance AS a
          ON a.fingerprint = f.fingerprint WHERE f.incident_id = i.incident_id
          AND a.note <> '') AS accepted_note
FROM joined AS i
WHERE i.is_incident
ORDER BY i.first_sent IS NULL, i.first_sent, i.incident_id;
