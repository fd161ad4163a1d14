#!/usr/bin/env bash
# Fuzzes one target for a while: tests/fuzz/run.sh TARGET SECONDS [LIBFUZZER FLAGS...]
# TARGET: mbox, header_block, address_list, mime, packed, pst or msg. Configures build-fuzz
# (clang, libFuzzer, ASan, UBSan) when needed and rebuilds the target from
# the current sources every time, seeds the corpus from fixtures/, keeps
# it in build-fuzz/corpus/TARGET between runs, and writes any crash to
# build-fuzz/crashes/TARGET/. Exit code: libFuzzer's (0: nothing found).
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${1:?target: mbox, header_block, address_list, mime, packed, pst or msg}
seconds=${2:-60}
build=build-fuzz
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCCAUDIT_FUZZ=ON \
    -DCCAUDIT_SANITIZERS="fuzzer-no-link;address;undefined" -DCCAUDIT_BUILD_TESTS=OFF >/dev/null
fi
# Always: an old binary would fuzz old code.
cmake --build "$build" -j"$(nproc)" --target "fuzz_$target" >/dev/null
corpus=$build/corpus/$target
crashes=$build/crashes/$target
mkdir -p "$corpus" "$crashes"
if [ -z "$(ls -A "$corpus")" ]; then
  case $target in
    mbox) find fixtures -name '*.mbox' -exec cp {} "$corpus/" \; ;;
    header_block|mime)
      n=0
      while IFS= read -r -d '' f; do
        cp "$f" "$corpus/seed$((n++))"
      done < <(find fixtures -type f ! -name '*.mbox' ! -name '*.md' ! -name '*.py' -print0) ;;
    address_list)
      python3 - "$corpus" <<'PY'
import os, re, sys
n = 0
for root, _, files in os.walk("fixtures"):
    for name in files:
        text = open(os.path.join(root, name), "rb").read()
        for m in re.finditer(rb"^(?:To|Cc|Resent-To|Resent-Cc):(.*(?:\r?\n[ \t].*)*)", text, re.M | re.I):
            open(os.path.join(sys.argv[1], "seed%d" % n), "wb").write(m.group(1)[:65536])
            n += 1
PY
      ;;
    packed) cp fixtures/packed/* "$corpus/" ;;
    pst) cp fixtures/outlook/*.pst "$corpus/" && chmod u+w "$corpus"/*.pst ;;
    msg) cp fixtures/outlook/msg/*.msg fixtures/outlook/msg/*.doc "$corpus/" && chmod u+w "$corpus"/* ;;
    *) echo "unknown target $target" >&2; exit 2 ;;
  esac
fi
# Deep nesting and long repeated structures, added to a corpus kept from
# earlier runs too: what broke parsers before is where fuzzing starts.
# (Mail text: nothing for an Outlook reader.)
case $target in
  pst|msg) ;;
  *) python3 tests/fuzz/seeds.py "$target" "$corpus" ;;
esac
# The Outlook targets read the content of an input of odd size: each
# fixture, one byte longer, so both ways start from whole files.
case $target in
  pst) for f in fixtures/outlook/*.pst; do
         { cat "$f"; printf '\0'; } >"$corpus/odd-$(basename "$f")"
       done ;;
  msg) for f in fixtures/outlook/msg/*.msg fixtures/outlook/msg/*.doc; do
         { cat "$f"; printf '\0'; } >"$corpus/odd-$(basename "$f")"
       done ;;
esac
# Inputs that once failed (each also a regular test) always run first.
if [ -d "tests/fuzz/regressions/$target" ]; then
  cp tests/fuzz/regressions/"$target"/* "$corpus/" 2>/dev/null || true
fi
# A PST file is not small: the fixtures are 271,360 bytes (the .msg ones
# up to 80,384).
max_len=262144
case $target in
  pst) max_len=300000 ;;
  msg) max_len=131072 ;;
esac
# libpff 20180714 (Debian's) leaks a column definition (24 bytes) when a
# damaged table fails to read (libpff_table_read_7c_column_definitions; see
# README, Runs): nothing of ours holds one, so only that allocation is let
# through; any other leak still stops the run.
if [ "$target" = pst ]; then
  printf 'leak:libpff_column_definition_initialize\n' >"$build/pst.lsan"
  export LSAN_OPTIONS="suppressions=$PWD/$build/pst.lsan${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
fi
# libolecf 20181231 (Debian's) leaks on its own, when a file opens (see
# README, Runs): its SSAT sector buffer (one sector) when an SSAT sector lies
# past the end of the file (libolecf_io_handle_read_ssat does not free it
# when that read fails), and each directory entry that the directory tree
# does not reach (the entry list is freed without them). Nothing of ours holds either, so
# only those allocations are let through (an entry's name, an indirect leak,
# with it); any other leak still stops the run.
if [ "$target" = msg ]; then
  printf 'leak:libolecf_io_handle_read_ssat\nleak:libolecf_directory_entry_initialize\n' \
    >"$build/msg.lsan"
  export LSAN_OPTIONS="suppressions=$PWD/$build/msg.lsan${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
fi
export G_SLICE=always-malloc
exec "$build/tests/fuzz/fuzz_$target" "$corpus" -max_total_time="$seconds" -max_len="$max_len" \
  -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$crashes/" -print_final_stats=1 "${@:3}"
