-- From schema 8:
-- * A list found inside a message (address-list-in-content,
--   quoted-recipients) is an incident of its own: its message's incident id,
--   '/', the part, and '/quoted' for a quoted header block (see
--   detect/incident.hpp). Schema 8 gave it its message's id. Fingerprints do
--   not change, so acceptances still hold.
-- * One copy is one (source, offset, path, kind, part): schema 8 left the
--   path out, so the items of one PST or OST file (every one at offset 0 of
--   its file) kept only the first finding. The index is made again
--   (schema.sql), and every Outlook file is read again by the next scan.
-- * acceptance.accepted_by: who accepted (the login name), '' before; added
--   by schema.cpp (add_missing_columns) when the table lacks it.
UPDATE finding
SET incident_id = incident_id || '/' || part_path
                  || CASE WHEN kind = 'quoted-recipients' THEN '/quoted' ELSE '' END
WHERE kind IN ('address-list-in-content', 'quoted-recipients')
  AND incident_id <> '' AND instr(incident_id, '/') = 0;
DROP INDEX IF EXISTS finding_copy;
UPDATE source SET complete = 0 WHERE kind = 'outlook';
