-- From schema 4: the files of a folder are found by a range of the path
-- index (dir/ to dir0), not by an index of their own, which cost a Maildir
-- scan a fifth of its writing.
DROP INDEX IF EXISTS source_dir;
