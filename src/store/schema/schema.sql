-- Raw facts only; groupings (incidents, campaigns) are queries in reports/.
CREATE TABLE IF NOT EXISTS scan (
  id               INTEGER PRIMARY KEY,
  started_at       TEXT NOT NULL,   -- UTC, ISO 8601
  finished_at      TEXT,            -- NULL while running or if it died
  status           TEXT NOT NULL,   -- running | complete | incomplete
  tool_version     TEXT NOT NULL,
  host             TEXT NOT NULL,
  arguments        TEXT NOT NULL,   -- JSON array: the command line
  threshold        INTEGER NOT NULL,
  internal_domains TEXT NOT NULL,   -- JSON array of A-label domains
  settings         TEXT NOT NULL DEFAULT '{}', -- JSON: all that decides what is flagged
  sources          INTEGER,         -- files read (from schema 12, the members
                                    -- of a zip or tar file not on their own)
  messages         INTEGER,
  findings         INTEGER,
  problems         INTEGER,
  not_scanned      INTEGER,         -- inputs or messages NOT scanned
  origin           INTEGER REFERENCES merged_database(id), -- NULL: scanned here;
  origin_scan_id   INTEGER,         -- else merged, and its id in that database
  exposures        INTEGER,         -- as of its end: findings shown (current,
  incidents        INTEGER,         -- not suppressed, not context) and their
                                    -- incidents; NULL: not counted
  unchanged_files  INTEGER,         -- files known unchanged, not read again,
  unchanged_messages INTEGER        -- and their messages; NULL: not counted
);
CREATE TABLE IF NOT EXISTS source (   -- one row per file ever read: the
  id             INTEGER PRIMARY KEY, -- state an incremental scan starts from
  path           TEXT NOT NULL UNIQUE,
  dir            TEXT NOT NULL DEFAULT '', -- its folder
  kind           TEXT NOT NULL,     -- mbox | message | not-mail | unreadable | ...
  size           INTEGER,
  mtime          INTEGER,           -- seconds
  mtime_ns       INTEGER,
  inode          INTEGER,
  messages       INTEGER NOT NULL,
  complete       INTEGER NOT NULL,  -- 1: read with nothing left unscanned
  resume_offset  INTEGER NOT NULL DEFAULT 0, -- mbox: where a grown file resumes
  resume_index   INTEGER NOT NULL DEFAULT 0,
  prefix_hash    TEXT NOT NULL DEFAULT '',   -- fingerprint of [0, resume_offset)
  settings       TEXT NOT NULL DEFAULT '',   -- scan.settings it was read with:
                                    -- other settings read it again
  first_scan     INTEGER NOT NULL,  -- first scan that read it
  last_scan      INTEGER NOT NULL,  -- last scan that read it or found it unchanged
  gone_scan      INTEGER,           -- scan that found it missing; NULL: present
  origin         INTEGER REFERENCES merged_database(id) -- NULL: scanned here; else
                                    -- merged, its path then 'ORIGIN:' + the path
);
-- This database's identity: a merge target knows a source database by it.
CREATE TABLE IF NOT EXISTS database_info (
  key   TEXT PRIMARY KEY,           -- 'id': 32 random hex digits
  value TEXT NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO database_info (key, value) VALUES ('id', lower(hex(randomblob(16))));
-- Each database merged into this one (ccaudit merge): merging it again
-- replaces what it brought.
CREATE TABLE IF NOT EXISTS merged_database (
  id           INTEGER PRIMARY KEY,
  database_id  TEXT NOT NULL UNIQUE, -- its database_info 'id'
  path         TEXT NOT NULL,        -- where it was merged from, last time
  host         TEXT NOT NULL,        -- the host of its newest scan
  last_scan    INTEGER NOT NULL,     -- its newest scan's id, in that database
  merged_at    TEXT NOT NULL,        -- UTC, ISO 8601
  address_first INTEGER NOT NULL DEFAULT 0, -- the finding_address_row ids
  address_count INTEGER NOT NULL DEFAULT 0  -- it brought
);
CREATE TABLE IF NOT EXISTS directory ( -- every folder walked; for Maildir
                                       -- cur/ and new/ also their listing state
  path           TEXT PRIMARY KEY,
  mtime_ns       INTEGER NOT NULL,
  inode          INTEGER NOT NULL,
  scan_id        INTEGER NOT NULL,  -- last scan that listed or skipped it
  unchanged_scan INTEGER,           -- last scan that skipped it as unchanged
  settings       TEXT NOT NULL DEFAULT '',
  subdirectories INTEGER NOT NULL DEFAULT 1, -- it held folders when listed
  files          INTEGER,           -- Maildir cur/, new/ listed whole: the
  messages       INTEGER            -- messages directly in it, and theirs
);
CREATE TABLE IF NOT EXISTS acceptance ( -- findings a reviewer accepted
  fingerprint TEXT PRIMARY KEY,
  accepted_at TEXT NOT NULL,
  note        TEXT NOT NULL DEFAULT '',
  accepted_by TEXT NOT NULL DEFAULT '' -- login name of who accepted
);
CREATE TABLE IF NOT EXISTS finding (
  id             INTEGER PRIMARY KEY,
  scan_id        INTEGER NOT NULL REFERENCES scan(id),
  kind           TEXT NOT NULL,     -- visible-recipients
  path           TEXT NOT NULL,
  offset         INTEGER NOT NULL,  -- of the mbox "From " line; 0 for a file
  mbox_index     INTEGER,           -- 0-based; NULL for a one-message file
  message_id     TEXT NOT NULL,
  date           TEXT NOT NULL,
  from_address   TEXT NOT NULL,
  from_name      TEXT NOT NULL,
  subject        TEXT NOT NULL,     -- RFC 2047 decoded
  visible_count  INTEGER NOT NULL,  -- distinct visible addresses
  external_count INTEGER NOT NULL,  -- of those, exposed (not internal)
  domain_count   INTEGER NOT NULL,  -- distinct domains of the exposed ones
  sent_at        TEXT,              -- Date in UTC, ISO 8601; NULL if unreadable
  subject_key    TEXT NOT NULL DEFAULT '', -- subject without Re:/Fwd:, folded
  recipient_hash TEXT NOT NULL DEFAULT '', -- SHA-256 of the sorted addresses
  incident_key   TEXT NOT NULL DEFAULT '', -- mid:<Message-ID> or sha256:...
  incident_id    TEXT NOT NULL DEFAULT '', -- I-<12 hex of the key's SHA-256>
  source_id      INTEGER REFERENCES source(id),
  fingerprint    TEXT NOT NULL DEFAULT '', -- SHA-256 of kind, incident key, recipients
  status         TEXT NOT NULL DEFAULT 'new', -- when recorded: new | seen | accepted
  retired_scan   INTEGER,           -- scan that read its source again from the
                                    -- start, or found a Maildir message it was
                                    -- read from renamed: no longer current;
                                    -- NULL: current
  suppressed     TEXT NOT NULL DEFAULT '', -- list or bulk mail: why ("List-Id: ...")
  part_path      TEXT NOT NULL DEFAULT '', -- --content: MIME part, e.g. "2.1";
  part_filename  TEXT NOT NULL DEFAULT '', -- its file name and media type;
  part_type      TEXT NOT NULL DEFAULT '', -- "" for a finding on the header
  address_first  INTEGER NOT NULL DEFAULT 0, -- its addresses: finding_address_row
  address_count  INTEGER NOT NULL DEFAULT 0  -- ids address_first, address_first + 1, ...
);
-- A finding's addresses are read through the view finding_address below.
-- This table holds them in fewer columns, one finding's after another, in
-- their order (a wide finding writes thousands: each row is appended, with
-- no key to look up).
CREATE TABLE IF NOT EXISTS finding_address_row (
  id           INTEGER PRIMARY KEY, -- finding.address_first + position
  address      TEXT NOT NULL,       -- normalised
  display_name TEXT NOT NULL,       -- decoded
  field        TEXT NOT NULL,       -- to | cc | resent-to | resent-cc | ...
  flags        INTEGER NOT NULL     -- 1: internal; 2: names a person; flags >> 2:
                                    -- characters before its domain
);
CREATE VIEW IF NOT EXISTS finding_address AS
SELECT f.id AS finding_id,
       r.id - f.address_first AS position,          -- order of first appearance
       r.address,
       r.display_name,
       r.field,                                      -- to | cc | resent-to | resent-cc
       r.flags & 1 AS internal,                      -- 1: in an --internal-domain
       substr(r.address, (r.flags >> 2) + 1) AS domain, -- of the address, A-labels
       (r.flags >> 1) & 1 AS personal_name           -- 1: names a person
FROM finding AS f
-- CROSS JOIN keeps f outside: r is read by each finding's id range (with a
-- plain join SQLite may scan all of r for each finding).
CROSS JOIN finding_address_row AS r
  ON r.id >= f.address_first AND r.id < f.address_first + f.address_count;
CREATE TABLE IF NOT EXISTS finding_reference (
  finding_id INTEGER NOT NULL REFERENCES finding(id),
  position   INTEGER NOT NULL,      -- In-Reply-To ids first, then References
  message_id TEXT NOT NULL,
  PRIMARY KEY (finding_id, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS problem (
  id         INTEGER PRIMARY KEY,
  scan_id    INTEGER NOT NULL REFERENCES scan(id),
  path       TEXT NOT NULL,
  offset     INTEGER NOT NULL,      -- of the message; 0 for a file
  mbox_index INTEGER,
  kind       TEXT NOT NULL,         -- see README, "Problem kinds"
  detail     TEXT NOT NULL
);
-- Every problem kind this ccaudit records, written by each scan: reports
-- join it instead of naming the kinds that mean "NOT scanned".
CREATE TABLE IF NOT EXISTS problem_kind (
  kind        TEXT PRIMARY KEY,
  not_scanned INTEGER NOT NULL      -- 1: part of the input was NOT scanned
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS finding_scan ON finding(scan_id);
CREATE INDEX IF NOT EXISTS problem_scan ON problem(scan_id, kind);
-- One copy is recorded once: a message at an offset of its file, or an
-- Outlook item (every one at offset 0 of its PST: its path names it).
CREATE UNIQUE INDEX IF NOT EXISTS finding_copy
  ON finding(source_id, offset, path, kind, part_path) WHERE retired_scan IS NULL;
CREATE INDEX IF NOT EXISTS finding_fingerprint ON finding(fingerprint);
CREATE INDEX IF NOT EXISTS finding_reference_id ON finding_reference(message_id);
CREATE INDEX IF NOT EXISTS finding_incident ON finding(incident_id);
