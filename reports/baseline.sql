-- The baseline: every fingerprint of a current finding, with its status
-- (accepted, or seen), as 'ccaudit baseline export' writes it. Fingerprints
-- hold no address: a baseline can be kept in a repository or a ticket.
--   sqlite3 -readonly -separator ' ' ccaudit.db < reports/baseline.sql
SELECT f.fingerprint,
       CASE WHEN EXISTS (SELECT 1 FROM acceptance AS a WHERE a.fingerprint = f.fingerprint)
                 OR max(f.status = 'accepted')
            THEN 'accepted' ELSE 'seen' END AS status,
       min(f.incident_id) AS incident_id
FROM finding AS f
WHERE f.retired_scan IS NULL AND f.fingerprint <> '' AND f.kind <> 'reply-recipients'
GROUP BY f.fingerprint
ORDER BY f.fingerprint;
