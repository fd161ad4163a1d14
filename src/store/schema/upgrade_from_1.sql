-- From schema 1 (ccaudit before incident review): the columns it lacks.
-- Old findings get no incident identity; the reports treat each as its own
-- incident and say that a new scan gives them one.
ALTER TABLE finding ADD COLUMN sent_at TEXT;
ALTER TABLE finding ADD COLUMN subject_key TEXT NOT NULL DEFAULT '';
ALTER TABLE finding ADD COLUMN recipient_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE finding ADD COLUMN incident_key TEXT NOT NULL DEFAULT '';
ALTER TABLE finding ADD COLUMN incident_id TEXT NOT NULL DEFAULT '';
ALTER TABLE finding_address ADD COLUMN domain TEXT NOT NULL DEFAULT '';
ALTER TABLE finding_address ADD COLUMN personal_name INTEGER NOT NULL DEFAULT 0;
UPDATE finding_address SET domain = substr(address, instr(address, '@') + 1);
