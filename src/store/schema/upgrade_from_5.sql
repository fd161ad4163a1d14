-- From schema 5: a finding's addresses move to finding_address_row (the
-- domain and the two flags in one integer: writing a wide finding's rows is
-- a fifth of a Maildir scan's instructions, and six columns take 12% fewer
-- than eight), read through the view finding_address, which has the
-- table's old columns. Each stored domain stays what it was: it is always
-- the end of its address (else it would read back empty).
CREATE TABLE finding_address_row (
  finding_id INTEGER NOT NULL REFERENCES finding(id), position INTEGER NOT NULL,
  address TEXT NOT NULL, display_name TEXT NOT NULL, field TEXT NOT NULL,
  flags INTEGER NOT NULL, PRIMARY KEY (finding_id, position)) WITHOUT ROWID;
INSERT INTO finding_address_row
SELECT finding_id, position, address, display_name, field,
       (internal <> 0) | ((personal_name <> 0) << 1)
         | (CASE WHEN substr(address, length(address) - length(domain) + 1) = domain
                 THEN length(address) - length(domain) ELSE length(address) END << 2)
FROM finding_address;
DROP TABLE finding_address;
