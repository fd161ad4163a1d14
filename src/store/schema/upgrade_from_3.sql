-- From schema 3 (before --content): where in the message a finding is; a
-- message may now hold several findings of one kind, one per part.
ALTER TABLE finding ADD COLUMN part_path TEXT NOT NULL DEFAULT '';
ALTER TABLE finding ADD COLUMN part_filename TEXT NOT NULL DEFAULT '';
ALTER TABLE finding ADD COLUMN part_type TEXT NOT NULL DEFAULT '';
DROP INDEX IF EXISTS finding_copy;
