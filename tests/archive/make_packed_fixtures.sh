#!/usr/bin/env bash
# Writes fixtures/packed/ from other fixtures, with the standard tools
# (gzip, bzip2, xz, zstd, lz4, lzip, tar, zip): every codec and container
# ccaudit reads, laid out as responders receive them. Deterministic (no
# timestamps or owners stored); run it again after changing a source
# fixture, and commit the result. Damaged, empty and bomb inputs are made
# by the tests themselves, so that a scan of fixtures/ stays complete.
set -euo pipefail
cd "$(dirname "$0")/../../fixtures"
out=packed
rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mbox=mbox/two-messages.mbox # 2 messages: 30 visible (flagged), 2

# One codec each: the same mbox, the same findings as the plain file.
gzip -9 -n -c "$mbox" > "$out/two-messages.mbox.gz"
bzip2 -9 -c "$mbox" > "$out/two-messages.mbox.bz2"
xz -9 -c "$mbox" > "$out/two-messages.mbox.xz"
zstd -q -19 -c "$mbox" > "$out/two-messages.mbox.zst"
lz4 -q -9 -c "$mbox" > "$out/two-messages.mbox.lz4"
lzip -9 -c "$mbox" > "$out/two-messages.mbox.lz"
# Several gzip members and several zstd frames: one stream each (4 messages).
{ gzip -n -c "$mbox"; gzip -n -c mbox/from-in-body.mbox; } > "$out/members.mbox.gz"
{ zstd -q -c "$mbox"; zstd -q -c mbox/from-in-body.mbox; } > "$out/frames.mbox.zst"
# One message compressed: an .eml.gz.
gzip -9 -n -c single/wide.eml > "$out/wide.eml.gz"

# Stable metadata in containers.
stamp=202612050000
tar_flags=(--sort=name --mtime=@1764892800 --owner=0 --group=0 --numeric-owner)

# A Maildir as a tar.gz (tmp/ holds mail in delivery: skipped).
cp -r maildir/basic "$work/Maildir"
find "$work/Maildir" -exec touch -t "$stamp" {} +
tar "${tar_flags[@]}" -C "$work" -czf "$out/maildir.tar.gz" Maildir

# A Google Takeout export: the mbox of all mail, and files that are not mail.
mkdir -p "$work/takeout/Takeout/Mail"
cp incidents/sent.mbox "$work/takeout/Takeout/Mail/All mail Including Spam and Trash.mbox"
printf '<!doctype html><title>Archive</title>\n' > "$work/takeout/Takeout/archive_browser.html"
find "$work/takeout" -exec touch -t "$stamp" {} +
(cd "$work/takeout" && zip -q -X -r "$OLDPWD/$out/takeout-20261205T000000Z-001.zip" Takeout)

# Nested: a zip holding a tar.zst of a Maildir and a compressed mbox.
mkdir -p "$work/nested/box"
cp -r maildir/basic/cur maildir/basic/new "$work/nested/box/"
find "$work/nested" -exec touch -t "$stamp" {} +
tar "${tar_flags[@]}" -C "$work/nested" -cf - box | zstd -q -c > "$work/inner.tar.zst"
gzip -n -c mbox/crlf.mbox > "$work/crlf.mbox.gz"
touch -t "$stamp" "$work/inner.tar.zst" "$work/crlf.mbox.gz"
(cd "$work" && zip -q -X "$OLDPWD/$out/nested.zip" inner.tar.zst crlf.mbox.gz)
ls -l "$out"
