-- Recurrence: incidents per sender, most first.
--   sqlite3 -readonly -header -column ccaudit.db '.read reports/review.sql' '.read reports/senders.sql'
SELECT s.sender, s.incidents, s.exposed_total, s.first_sent, s.last_sent
FROM sender_recurrence AS s
ORDER BY s.incidents DESC, s.exposed_total DESC, s.sender;
