-- Incident review: the views every incident report reads. They derive
-- incidents, campaigns and re-exposures from the raw facts a scan stored
-- (finding, finding_address, finding_reference); nothing here writes to
-- the database: the views and the one settings table are TEMP, so they work
-- on a read-only database and vanish with the connection.
--
-- Use them yourself:
--   sqlite3 -readonly -header -column ccaudit.db
--   sqlite> .read reports/review.sql
--   sqlite> SELECT * FROM incident;
--   sqlite> UPDATE review_setting SET scan_id = 3, campaign_window_days = 2;
--
-- Words (see README, "Incident review"):
--   copy        one flagged message at one place (path + offset)
--   incident    the copies of one send: same Message-ID, or without one the
--               same date, sender, subject and recipients
--   divergent   copies of one incident that show different recipient sets
--   campaign    incidents from one sender with one subject (Re:/Fwd: and
--               case aside), each sent within campaign_window_days of the
--               one before: batches of one send
--   re-exposure a later message that replies to an incident (In-Reply-To or
--               References) and shows again at least half of its exposed
--               addresses: a reply-all

CREATE TEMP TABLE IF NOT EXISTS review_setting (
  scan_id              INTEGER,            -- NULL: the newest scan
  campaign_window_days REAL NOT NULL,      -- gap allowed between batches
  include_suppressed   INTEGER NOT NULL    -- 1: list and bulk mail too
);
INSERT INTO review_setting (scan_id, campaign_window_days, include_suppressed)
  SELECT NULL, 7, 0 WHERE NOT EXISTS (SELECT 1 FROM review_setting);

CREATE TEMP VIEW IF NOT EXISTS review_scan AS
SELECT s.*
FROM scan AS s
WHERE s.id = coalesce((SELECT scan_id FROM review_setting),
                      (SELECT max(id) FROM scan));

-- The findings current as of the reviewed scan: recorded by it or an earlier
-- scan, and not retired (a source read again from its start retires what
-- its old content gave). A source that is gone keeps its findings: the mail
-- was sent. Status: new or seen when recorded, accepted if a reviewer
-- accepted its fingerprint since. List and bulk mail (suppressed) is left
-- out unless review_setting.include_suppressed is 1; suppressed_finding
-- counts what was left out.
CREATE TEMP VIEW IF NOT EXISTS current_finding AS
SELECT f.*,
       CASE WHEN EXISTS (SELECT 1 FROM acceptance AS a WHERE a.fingerprint = f.fingerprint)
            THEN 'accepted' ELSE f.status END AS review_status,
       (SELECT s.gone_scan IS NOT NULL AND s.gone_scan <= (SELECT id FROM review_scan)
        FROM source AS s WHERE s.id = f.source_id) AS source_gone
FROM finding AS f
WHERE f.scan_id <= (SELECT id FROM review_scan)
  AND (f.retired_scan IS NULL OR f.retired_scan > (SELECT id FROM review_scan))
  AND (f.suppressed = '' OR (SELECT include_suppressed FROM review_setting));

CREATE TEMP VIEW IF NOT EXISTS suppressed_finding AS
SELECT f.id, f.path, f.offset, f.suppressed
FROM finding AS f
WHERE f.scan_id <= (SELECT id FROM review_scan)
  AND (f.retired_scan IS NULL OR f.retired_scan > (SELECT id FROM review_scan))
  AND f.suppressed <> '' AND f.kind <> 'reply-recipients'
  AND NOT (SELECT include_suppressed FROM review_setting);

-- Every flagged copy. A finding written by ccaudit 0.1 has no incident
-- identity and stands alone ('F-' and its id).
CREATE TEMP VIEW IF NOT EXISTS incident_copy AS
SELECT f.id AS finding_id,
       coalesce(nullif(f.incident_id, ''), 'F-' || f.id) AS incident_id,
       f.path, f.offset, f.mbox_index, f.message_id, f.sent_at, f.date,
       f.from_address, f.from_name, f.subject, f.subject_key,
       f.recipient_hash, f.visible_count, f.external_count,
       f.scan_id, f.review_status AS status, coalesce(f.source_gone, 0) AS source_gone
FROM current_finding AS f
WHERE f.kind = 'visible-recipients';

-- The distinct addresses an incident showed, over all its copies.
CREATE TEMP VIEW IF NOT EXISTS incident_address AS
SELECT c.incident_id,
       a.address,
       max(a.display_name) AS display_name, -- a non-empty one if any
       min(a.internal) AS internal,
       max(a.personal_name) AS personal_name,
       a.domain
FROM incident_copy AS c
JOIN finding_address AS a ON a.finding_id = c.finding_id
GROUP BY c.incident_id, a.address;

CREATE TEMP VIEW IF NOT EXISTS incident AS
WITH first_copy AS (
  -- SQLite takes the bare columns from the row holding min(finding_id):
  -- the first copy in archive order.
  SELECT incident_id, min(finding_id) AS first_finding, message_id,
         from_address AS sender, from_name AS sender_name, subject,
         subject_key, date
  FROM incident_copy
  GROUP BY incident_id
), copies AS (
  SELECT incident_id, count(*) AS copies,
         count(DISTINCT recipient_hash) AS recipient_sets,
         min(sent_at) AS first_sent,
         -- accepted: every copy; new: a copy this scan found for the first
         -- time; seen: known from an earlier scan or another copy
         CASE WHEN min(status = 'accepted') THEN 'accepted'
              WHEN max(status = 'new' AND scan_id = (SELECT id FROM review_scan)) THEN 'new'
              ELSE 'seen' END AS status,
         min(source_gone) AS all_gone
  FROM incident_copy
  GROUP BY incident_id
), addresses AS (
  SELECT incident_id,
         sum(internal = 0) AS exposed_count,
         count(*) AS recipient_count,
         sum(internal = 0 AND personal_name = 1) AS identifiable_count,
         count(DISTINCT CASE WHEN internal = 0 THEN domain END) AS domain_count
  FROM incident_address
  GROUP BY incident_id
)
SELECT f.incident_id, f.message_id, f.sender, f.sender_name, f.subject,
       f.subject_key, f.date, c.first_sent, a.exposed_count,
       a.recipient_count, a.identifiable_count, a.domain_count, c.copies,
       c.recipient_sets, c.recipient_sets > 1 AS divergent, c.status, c.all_gone
FROM first_copy AS f
JOIN copies AS c USING (incident_id)
JOIN addresses AS a USING (incident_id);

-- Later messages (flagged ones, and replies kept as context) that reply to
-- an incident and show again at least half of its exposed addresses.
CREATE TEMP VIEW IF NOT EXISTS reexposure AS
SELECT * FROM (
  SELECT i.incident_id, r.id AS finding_id, r.path, r.offset, r.mbox_index,
         r.message_id, r.from_address AS sender, r.sent_at, r.date,
         (SELECT count(*) FROM (
            SELECT address FROM finding_address
            WHERE finding_id = r.id AND internal = 0
            INTERSECT
            SELECT address FROM incident_address AS ia
            WHERE ia.incident_id = i.incident_id AND ia.internal = 0)) AS shared_count,
         i.exposed_count
  FROM incident AS i
  JOIN finding_reference AS ref ON ref.message_id = i.message_id
  JOIN current_finding AS r ON r.id = ref.finding_id
  WHERE i.message_id <> ''
    AND coalesce(nullif(r.incident_id, ''), 'F-' || r.id) <> i.incident_id
    AND (r.sent_at IS NULL OR i.first_sent IS NULL OR r.sent_at >= i.first_sent)
  GROUP BY i.incident_id, r.id
)
WHERE 2 * shared_count >= exposed_count;

-- Campaigns: an incident starts a new batch group when it is the first of
-- its sender and subject, has no readable date, or comes more than
-- campaign_window_days after the one before. Groups of two or more
-- incidents are campaigns, named after their first incident.
CREATE TEMP VIEW IF NOT EXISTS campaign_member AS
WITH ordered AS (
  SELECT incident_id, sender, subject_key, first_sent,
         CASE
           WHEN first_sent IS NULL THEN 1
           WHEN lag(first_sent) OVER w IS NULL THEN 1
           WHEN julianday(first_sent) - julianday(lag(first_sent) OVER w)
                > (SELECT campaign_window_days FROM review_setting) THEN 1
           ELSE 0
         END AS starts_group
  FROM incident
  WINDOW w AS (PARTITION BY sender, subject_key ORDER BY first_sent, incident_id)
), grouped AS (
  SELECT incident_id, sender, subject_key, first_sent,
         sum(starts_group) OVER (PARTITION BY sender, subject_key
                                 ORDER BY first_sent, incident_id
                                 ROWS UNBOUNDED PRECEDING) AS batch_group
  FROM ordered
), named AS (
  SELECT incident_id, first_sent,
         'C-' || substr(first_value(incident_id) OVER g, 3) AS campaign_id,
         count(*) OVER (PARTITION BY sender, subject_key, batch_group) AS batches,
         row_number() OVER g AS batch
  FROM grouped
  WINDOW g AS (PARTITION BY sender, subject_key, batch_group
               ORDER BY first_sent, incident_id
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
)
SELECT campaign_id, incident_id, batch, batches
FROM named
WHERE batches > 1;

CREATE TEMP VIEW IF NOT EXISTS campaign AS
WITH addresses AS (
  SELECT m.campaign_id,
         count(DISTINCT CASE WHEN ia.internal = 0 THEN ia.address END) AS exposed_unique,
         count(DISTINCT ia.address) AS recipients_unique,
         count(DISTINCT CASE WHEN ia.internal = 0 AND ia.personal_name = 1
                             THEN ia.address END) AS identifiable_unique
  FROM campaign_member AS m
  JOIN incident_address AS ia USING (incident_id)
  GROUP BY m.campaign_id
)
SELECT m.campaign_id,
       (SELECT sender FROM incident JOIN campaign_member AS f USING (incident_id)
        WHERE f.campaign_id = m.campaign_id AND f.batch = 1) AS sender,
       (SELECT subject FROM incident JOIN campaign_member AS f USING (incident_id)
        WHERE f.campaign_id = m.campaign_id AND f.batch = 1) AS subject,
       count(*) AS batches,
       group_concat(m.incident_id, ' ') AS incident_ids,
       a.exposed_unique, a.recipients_unique, a.identifiable_unique,
       sum(i.exposed_count) AS exposed_total,
       min(i.first_sent) AS first_sent, max(i.first_sent) AS last_sent
FROM (SELECT * FROM campaign_member ORDER BY campaign_id, batch) AS m
JOIN incident AS i USING (incident_id)
JOIN addresses AS a USING (campaign_id)
GROUP BY m.campaign_id;

-- Recurrence: how often each sender did it.
CREATE TEMP VIEW IF NOT EXISTS sender_recurrence AS
SELECT sender, count(*) AS incidents, sum(exposed_count) AS exposed_total,
       min(first_sent) AS first_sent, max(first_sent) AS last_sent
FROM incident
GROUP BY sender;

-- Exposed addresses per external domain (most useful with --internal-domain:
-- which outside organisations saw the list).
CREATE TEMP VIEW IF NOT EXISTS incident_domain AS
SELECT incident_id, domain, count(*) AS exposed
FROM incident_address
WHERE internal = 0
GROUP BY incident_id, domain;

-- Leaks inside messages (ccaudit scan --content): address lists in parts
-- and attachments, forwarded messages, quoted To/Cc blocks. `part_path` is
-- the MIME part ("2.1"). A forwarded message carries its original's
-- Message-ID, so its incident_id is the original's: `linked` is 1 when that
-- incident is in this review (the forward passed the leak on).
CREATE TEMP VIEW IF NOT EXISTS content_finding AS
SELECT f.id AS finding_id, f.kind, f.path, f.offset, f.mbox_index,
       f.part_path, f.part_filename, f.part_type,
       f.message_id, f.from_address AS sender, f.subject, f.sent_at, f.date,
       f.visible_count, f.external_count, f.incident_id, f.review_status AS status,
       EXISTS (SELECT 1 FROM incident_copy AS c WHERE c.incident_id = f.incident_id) AS linked
FROM current_finding AS f
WHERE f.kind IN ('forwarded-recipients', 'address-list-in-content', 'quoted-recipients');
