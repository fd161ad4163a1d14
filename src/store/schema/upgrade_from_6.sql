-- From schema 6: a finding's addresses become consecutive rows of a rowid
-- table, found from the finding's address_first and address_count; a
-- row no longer holds its finding and position, and is appended without a
-- key lookup (the rows of a wide finding cost a third less to write).
-- Rows keep their order: by finding, then position.
DROP VIEW IF EXISTS finding_address;
ALTER TABLE finding ADD COLUMN address_first INTEGER NOT NULL DEFAULT 0;
ALTER TABLE finding ADD COLUMN address_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE finding_address_row RENAME TO finding_address_row_6;
CREATE TABLE finding_address_row (
  id INTEGER PRIMARY KEY, address TEXT NOT NULL, display_name TEXT NOT NULL,
  field TEXT NOT NULL, flags INTEGER NOT NULL);
INSERT INTO finding_address_row(address, display_name, field, flags)
SELECT address, display_name, field, flags FROM finding_address_row_6
ORDER BY finding_id, position;
WITH counted AS (
  SELECT finding_id, count(*) AS n FROM finding_address_row_6 GROUP BY finding_id),
placed AS (
  SELECT finding_id, n,
         1 + coalesce(sum(n) OVER (ORDER BY finding_id ROWS BETWEEN UNBOUNDED PRECEDING
                                                         AND 1 PRECEDING), 0) AS first
  FROM counted)
UPDATE finding SET address_first = placed.first, address_count = placed.n
FROM placed WHERE placed.finding_id = finding.id;
DROP TABLE finding_address_row_6;
