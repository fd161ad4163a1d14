-- Every address each incident showed, over all its copies (internal = 1: in
-- an --internal-domain, shown but not counted as exposed).
--   sqlite3 -readonly -header -csv ccaudit.db '.read reports/review.sql' '.read reports/incident_addresses.sql'
SELECT ia.incident_id, ia.address, ia.display_name, ia.internal, ia.personal_name
FROM incident_address AS ia
ORDER BY ia.incident_id, ia.internal, ia.address;
