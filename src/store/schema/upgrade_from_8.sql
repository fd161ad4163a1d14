-- From schema 8:
-- * A list found inside a message (address-list-in-content,
--   quoted-recipients) is an incident of its own: its message's incident id,
--   '/', the part, and '/quoted' for a quoted header block (see
--   detect/incident.hpp). Schema 8 gave it its message's id. Fingerprints do
--   not change, so acceptances still hold.
-- * acceptance.accepted_by: who accepted (the login name), '' before; added
--   by schema.cpp (add_missing_columns) when the table lacks it.
UPDATE finding
SET incident_id = incident_id || '/' || part_path
                  || CASE WHEN kind = 'quoted-recipients' THEN '/quoted' ELSE '' END
WHERE kind IN ('address-list-in-content', 'quoted-recipients')
  AND incident_id <> '' AND instr(incident_id, '/') = 0;
