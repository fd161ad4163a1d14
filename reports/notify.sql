-- The people to notify (GDPR Art. 34) for one incident or campaign: every
-- exposed address with each message that showed it (the incident's copies
-- and its re-exposures). :incident is an I-... or C-... id.
--   sqlite3 -readonly -header -csv ccaudit.db '.read reports/review.sql' \
--     '.parameter set :incident I-0123456789ab' '.read reports/notify.sql'
WITH chosen AS (
  SELECT incident_id FROM campaign_member WHERE campaign_id = :incident
  UNION
  SELECT incident_id FROM incident WHERE incident_id = :incident
), exposed AS (
  SELECT DISTINCT ia.address
  FROM incident_address AS ia
  WHERE ia.internal = 0 AND ia.incident_id IN (SELECT incident_id FROM chosen)
), messages AS (
  SELECT c.finding_id, c.message_id, c.path, c.offset, c.sent_at, 'copy' AS how
  FROM incident_copy AS c
  WHERE c.incident_id IN (SELECT incident_id FROM chosen)
  UNION
  SELECT r.finding_id, r.message_id, r.path, r.offset, r.sent_at, 'reexposure' AS how
  FROM reexposure AS r
  WHERE r.incident_id IN (SELECT incident_id FROM chosen)
)
SELECT a.address, a.display_name, m.message_id, m.path, m.offset, m.sent_at, m.how
FROM messages AS m
JOIN finding_address AS a ON a.finding_id = m.finding_id
WHERE a.address IN (SELECT address FROM exposed)
ORDER BY a.address, m.sent_at IS NULL, m.sent_at, m.path, m.offset;
