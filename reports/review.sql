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
--
-- No view here looks rows up in another view for each of its own rows:
-- SQLite has no index on a view, so it reads the whole view each time, or
-- builds an index of its own when its planner thinks of it (a report of
-- 40,000 incidents took 205 s). Groupings of one key are read as one stream
-- (UNION ALL) and grouped, or partitioned by a window, on that key; rows are
-- looked up only in tables, by an index. tests/report/test_report.cpp checks
-- the query plans of reports/ and that 4 times the incidents is about 4
-- times the work.

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

-- The scans whose findings are new if first found there: the reviewed scan,
-- and in a database ccaudit merge wrote, the newest scan up to it of each
-- database merged (a shard's or a host's last night).
CREATE TEMP VIEW IF NOT EXISTS newest_scan AS
SELECT max(id) AS id
FROM scan
WHERE id <= (SELECT id FROM review_scan)
GROUP BY coalesce(origin, 0);

-- The reviewed scan as reports head it: in a merged database, the newest
-- scans of all the databases merged, summed (its settings without the
-- shard each was).
CREATE TEMP VIEW IF NOT EXISTS reviewed_scans AS
SELECT (SELECT id FROM review_scan) AS id,
       min(started_at) AS started_at,
       CASE WHEN count(finished_at) = count(*) THEN max(finished_at) END AS finished_at,
       CASE WHEN max(status = 'running') THEN 'running'
            WHEN max(status = 'incomplete') THEN 'incomplete'
            ELSE 'complete' END AS status,
       (SELECT group_concat(host, ',') FROM (SELECT DISTINCT host FROM scan
        WHERE id IN (SELECT id FROM newest_scan) ORDER BY host)) AS host,
       (SELECT internal_domains FROM review_scan) AS internal_domains,
       (SELECT threshold FROM review_scan) AS threshold,
       sum(sources) AS sources, sum(messages) AS messages, sum(findings) AS findings,
       sum(problems) AS problems, sum(not_scanned) AS not_scanned,
       (SELECT json_remove(settings, '$.shard') FROM review_scan) AS settings,
       sum(unchanged_files) AS unchanged_files, sum(unchanged_messages) AS unchanged_messages
FROM scan
WHERE id IN (SELECT id FROM newest_scan);

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

-- Every flagged copy, of every kind that exposes a list: the To/Cc of a
-- message (visible-recipients), and with scan --content a forwarded message
-- (a copy of its original's incident: it carries the original's
-- Message-ID), a list in a part or a quoted header block (incidents of their
-- own, "I-<message's>/<part>"). A finding written by ccaudit 0.1 has no
-- incident identity and stands alone ('F-' and its id).
CREATE TEMP VIEW IF NOT EXISTS incident_copy AS
SELECT f.id AS finding_id,
       coalesce(nullif(f.incident_id, ''), 'F-' || f.id) AS incident_id,
       f.kind, f.part_path, f.part_filename, f.part_type,
       f.path, f.offset, f.mbox_index, f.message_id, f.sent_at, f.date,
       f.from_address, f.from_name, f.subject, f.subject_key,
       f.recipient_hash, f.visible_count, f.external_count,
       f.scan_id, f.review_status AS status, coalesce(f.source_gone, 0) AS source_gone
FROM current_finding AS f
WHERE f.kind IN ('visible-recipients', 'forwarded-recipients', 'address-list-in-content',
                 'quoted-recipients');

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

-- One row per incident. Its copies and its addresses are two groupings by
-- incident, read as one stream and grouped again (each row of one has NULL
-- for the other's columns); the first copy's own columns are then read from
-- finding by its id.
CREATE TEMP VIEW IF NOT EXISTS incident AS
WITH counted AS (
  SELECT incident_id,
         min(first_finding) AS first_finding, min(first_sent) AS first_sent,
         max(copies) AS copies, max(recipient_sets) AS recipient_sets,
         max(status) AS status, max(all_gone) AS all_gone,
         max(exposed_count) AS exposed_count, max(recipient_count) AS recipient_count,
         max(identifiable_count) AS identifiable_count, max(domain_count) AS domain_count
  FROM (
    SELECT incident_id,
           -- the first copy in archive order, a header's before a forward's
           coalesce(min(CASE WHEN kind = 'visible-recipients' THEN finding_id END),
                    min(finding_id)) AS first_finding,
           min(sent_at) AS first_sent,
           count(*) AS copies,
           count(DISTINCT recipient_hash) AS recipient_sets,
           -- accepted: every copy; new: a copy this scan found for the first
           -- time; seen: known from an earlier scan or another copy
           CASE WHEN min(status = 'accepted') THEN 'accepted'
                WHEN max(status = 'new' AND scan_id IN (SELECT id FROM newest_scan)) THEN 'new'
                ELSE 'seen' END AS status,
           min(source_gone) AS all_gone,
           NULL AS exposed_count, NULL AS recipient_count, NULL AS identifiable_count,
           NULL AS domain_count
    FROM incident_copy
    GROUP BY incident_id
    UNION ALL
    SELECT incident_id, NULL, NULL, NULL, NULL, NULL, NULL,
           sum(internal = 0), count(*), sum(internal = 0 AND personal_name = 1),
           count(DISTINCT CASE WHEN internal = 0 THEN domain END)
    FROM incident_address
    GROUP BY incident_id)
  GROUP BY incident_id
  HAVING count(*) = 2 -- an incident has copies and addresses
)
SELECT c.incident_id, f.message_id, f.from_address AS sender, f.from_name AS sender_name,
       f.subject, f.subject_key, f.date, c.first_sent, c.exposed_count,
       c.recipient_count, c.identifiable_count, c.domain_count, c.copies,
       c.recipient_sets, c.recipient_sets > 1 AS divergent, c.status, c.all_gone,
       -- what exposed the list: the first copy's kind and part ("" for a
       -- header)
       f.kind, f.part_path, f.part_filename, f.part_type
FROM counted AS c
CROSS JOIN finding AS f ON f.id = c.first_finding;

-- Later messages (flagged ones, and replies kept as context) that reply to
-- an incident and show again at least half of its exposed addresses.
CREATE TEMP VIEW IF NOT EXISTS reexposure AS
WITH reply AS (
  -- each message that replies to an incident (In-Reply-To or References)
  SELECT DISTINCT i.incident_id, i.exposed_count, r.id AS finding_id
  FROM incident AS i
  CROSS JOIN finding_reference AS ref ON ref.message_id = i.message_id
  CROSS JOIN current_finding AS r ON r.id = ref.finding_id
  WHERE i.message_id <> ''
    AND coalesce(nullif(r.incident_id, ''), 'F-' || r.id) <> i.incident_id
    AND (r.sent_at IS NULL OR i.first_sent IS NULL OR r.sent_at >= i.first_sent)
), exposed AS (
  -- its exposed addresses (and one row with none, so that each reply
  -- counts), and those of the incidents replied to (finding_id NULL)
  SELECT incident_id, finding_id, exposed_count, NULL AS address, 0 AS of_incident
  FROM reply
  UNION ALL
  SELECT r.incident_id, r.finding_id, r.exposed_count, a.address, 0
  FROM reply AS r
  CROSS JOIN finding_address AS a ON a.finding_id = r.finding_id
  WHERE a.internal = 0
  UNION ALL
  SELECT incident_id, NULL, NULL, address, 1
  FROM incident_address
  WHERE internal = 0 AND incident_id IN (SELECT incident_id FROM reply)
), shared AS (
  -- a reply's address is shared when the incident's own is in its partition
  SELECT incident_id, finding_id, exposed_count, address,
         max(of_incident) OVER (PARTITION BY incident_id, address) AS shared
  FROM exposed
), counted AS (
  SELECT incident_id, finding_id, max(exposed_count) AS exposed_count,
         count(DISTINCT CASE WHEN shared THEN address END) AS shared_count
  FROM shared
  WHERE finding_id IS NOT NULL
  GROUP BY incident_id, finding_id
)
SELECT c.incident_id, r.id AS finding_id, r.path, r.offset, r.mbox_index,
       r.message_id, r.from_address AS sender, r.sent_at, r.date,
       c.shared_count, c.exposed_count
FROM counted AS c
CROSS JOIN finding AS r ON r.id = c.finding_id
WHERE 2 * c.shared_count >= c.exposed_count;

-- Campaigns: an incident starts a new batch group when it is the first of
-- its sender, subject and kind (a list in a CSV and the To/Cc of the same
-- message are not batches of one send), has no readable date, or comes more than
-- campaign_window_days after the one before. Groups of two or more
-- incidents are campaigns, named after their first incident. Each incident
-- with its campaign (campaign_id NULL: none), its batch and the campaign's
-- figures that come from its incidents (the same on each of them).
CREATE TEMP VIEW IF NOT EXISTS incident_campaign AS
WITH ordered AS (
  SELECT i.*,
         CASE
           WHEN first_sent IS NULL THEN 1
           WHEN lag(first_sent) OVER w IS NULL THEN 1
           WHEN julianday(first_sent) - julianday(lag(first_sent) OVER w)
                > (SELECT campaign_window_days FROM review_setting) THEN 1
           ELSE 0
         END AS starts_group
  FROM incident AS i
  WINDOW w AS (PARTITION BY sender, subject_key, kind ORDER BY first_sent, incident_id)
), grouped AS (
  SELECT o.*,
         sum(starts_group) OVER (PARTITION BY sender, subject_key, kind
                                 ORDER BY first_sent, incident_id
                                 ROWS UNBOUNDED PRECEDING) AS batch_group
  FROM ordered AS o
), named AS (
  SELECT g.*,
         'C-' || substr(first_value(incident_id) OVER g, 3) AS campaign,
         count(*) OVER g AS batches,
         row_number() OVER g AS batch,
         first_value(subject) OVER g AS campaign_subject,
         group_concat(incident_id, ' ') OVER g AS incident_ids,
         sum(exposed_count) OVER g AS exposed_total,
         min(first_sent) OVER g AS campaign_first_sent,
         max(first_sent) OVER g AS campaign_last_sent
  FROM grouped AS g
  WINDOW g AS (PARTITION BY sender, subject_key, kind, batch_group
               ORDER BY first_sent, incident_id
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
)
SELECT incident_id, message_id, sender, sender_name, subject, subject_key, date,
       first_sent, exposed_count, recipient_count, identifiable_count,
       domain_count, copies, recipient_sets, divergent, status, all_gone,
       kind, part_path, part_filename, part_type,
       CASE WHEN batches > 1 THEN campaign END AS campaign_id, batch, batches,
       campaign_subject, incident_ids, exposed_total, campaign_first_sent,
       campaign_last_sent
FROM named;

CREATE TEMP VIEW IF NOT EXISTS campaign_member AS
SELECT campaign_id, incident_id, batch, batches
FROM incident_campaign
WHERE campaign_id IS NOT NULL;

-- A campaign's unique addresses: each incident's addresses get its campaign
-- from the incident's row in their partition (one stream again).
CREATE TEMP VIEW IF NOT EXISTS campaign AS
WITH stream AS (
  SELECT incident_id, campaign_id, sender, campaign_subject, batches, incident_ids,
         exposed_total, campaign_first_sent, campaign_last_sent,
         NULL AS address, NULL AS internal, NULL AS personal_name
  FROM incident_campaign
  WHERE campaign_id IS NOT NULL
  UNION ALL
  SELECT incident_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         address, internal, personal_name
  FROM incident_address
), tagged AS (
  SELECT s.*, max(campaign_id) OVER (PARTITION BY incident_id) AS campaign
  FROM stream AS s
)
SELECT campaign AS campaign_id,
       max(sender) AS sender,
       max(campaign_subject) AS subject,
       max(batches) AS batches,
       max(incident_ids) AS incident_ids,
       count(DISTINCT CASE WHEN internal = 0 THEN address END) AS exposed_unique,
       count(DISTINCT address) AS recipients_unique,
       count(DISTINCT CASE WHEN internal = 0 AND personal_name = 1
                           THEN address END) AS identifiable_unique,
       max(exposed_total) AS exposed_total,
       max(campaign_first_sent) AS first_sent, max(campaign_last_sent) AS last_sent
FROM tagged
WHERE campaign IS NOT NULL
GROUP BY campaign;

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
       -- a copy of its incident here (incident_copy's F- ids are never
       -- stored, so finding.incident_id and its index answer)
       f.incident_id <> '' AND EXISTS (
         SELECT 1 FROM current_finding AS c
         WHERE c.incident_id = f.incident_id AND c.kind = 'visible-recipients') AS linked
FROM current_finding AS f
WHERE f.kind IN ('forwarded-recipients', 'address-list-in-content', 'quoted-recipients');
