-- Reply-alls: later messages that reply to an incident and show at least
-- half of its exposed addresses again.
--   sqlite3 -readonly -header -column ccaudit.db '.read reports/review.sql' '.read reports/reexposures.sql'
SELECT r.incident_id, r.finding_id, r.path, r.offset, r.mbox_index,
       r.message_id, r.sender, r.sent_at, r.date, r.shared_count
FROM reexposure AS r
ORDER BY r.incident_id, r.sent_at IS NULL, r.sent_at, r.path, r.offset;
