-- The baseline: every fingerprint of a current finding, with its status
-- (accepted, or seen), as 'ccaudit baseline export' writes it. Fingerprints
-- hold no address: a baseline can be kept in a repository or a ticket.
--   sqlite3 -readonly -separator ' ' ccaudit.db < reports/baseline.sql
SELECT f.fingerprint,
       CASE WHEN EXISTS (SELECT 1 FROM acceptance AS a WHERE a.fingerprint = f.fingerprint)
                 OR max(f.status = 'accepted')
            THEN 'accepted' ELSE 'seen' END AS status,
       min(f.incident_id) AS incident_id,
       -- who accepted it, when, and why ('' when not accepted)
       coalesce((SELECT a.accepted_at FROM acceptance AS a WHERE a.fingerprint = f.fingerprint), '')
         AS accepted_at,
       coalesce((SELECT a.accepted_by FROM acceptance AS a WHERE a.fingerprint = f.fingerprint), '')
         AS accepted_by,
       coalesce((SELECT a.note FROM acceptance AS a WHERE a.fingerprint = f.fingerprint), '')
         AS note
FROM finding AS f
WHERE f.retired_scan IS NULL AND f.fingerprint <> '' AND f.kind <> 'reply-recipients'
GROUP BY f.fingerprint
ORDER BY f.fingerprint;
