-- From schema 2 (before incremental scans): one source row per path (the
-- newest), marked incomplete so the next scan reads everything once;
-- findings linked to it, and of each copy recorded by several scans only
-- the newest stays current.
ALTER TABLE scan ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE source RENAME TO source_v2;
CREATE TABLE source (
  id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, dir TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL, size INTEGER,
  mtime INTEGER, mtime_ns INTEGER, inode INTEGER, messages INTEGER NOT NULL,
  complete INTEGER NOT NULL, resume_offset INTEGER NOT NULL DEFAULT 0,
  resume_index INTEGER NOT NULL DEFAULT 0, prefix_hash TEXT NOT NULL DEFAULT '',
  settings TEXT NOT NULL DEFAULT '',
  first_scan INTEGER NOT NULL, last_scan INTEGER NOT NULL, gone_scan INTEGER);
INSERT INTO source (path, dir, kind, size, mtime, mtime_ns, inode, messages,
                    complete, first_scan, last_scan)
SELECT s.path, rtrim(rtrim(s.path, replace(s.path, '/', '')), '/'), s.kind, s.size, s.mtime, s.mtime * 1000000000, s.inode, s.messages, 0,
       (SELECT min(scan_id) FROM source_v2 WHERE path = s.path), s.scan_id
FROM source_v2 AS s
WHERE s.id = (SELECT max(id) FROM source_v2 WHERE path = s.path);
DROP TABLE source_v2;
ALTER TABLE finding ADD COLUMN source_id INTEGER REFERENCES source(id);
ALTER TABLE finding ADD COLUMN fingerprint TEXT NOT NULL DEFAULT '';
ALTER TABLE finding ADD COLUMN status TEXT NOT NULL DEFAULT 'new';
ALTER TABLE finding ADD COLUMN retired_scan INTEGER;
ALTER TABLE finding ADD COLUMN suppressed TEXT NOT NULL DEFAULT '';
UPDATE finding SET source_id = (SELECT id FROM source WHERE source.path = finding.path);
UPDATE finding SET retired_scan = (
  SELECT min(f2.scan_id) FROM finding AS f2
  WHERE f2.path = finding.path AND f2.offset = finding.offset
    AND f2.kind = finding.kind AND f2.id > finding.id);
