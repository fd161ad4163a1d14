-- Campaigns: batches of one send (same sender and subject, each within the
-- window of the one before; see review.sql).
--   sqlite3 -readonly -header -column ccaudit.db '.read reports/review.sql' '.read reports/campaigns.sql'
SELECT c.campaign_id, c.sender, c.subject, c.batches, c.incident_ids,
       c.exposed_unique, c.recipients_unique, c.identifiable_unique,
       c.exposed_total, c.first_sent, c.last_sent
FROM campaign AS c
ORDER BY c.first_sent IS NULL, c.first_sent, c.campaign_id;
