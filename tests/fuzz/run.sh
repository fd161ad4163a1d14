#!/usr/bin/env bash
# Fuzzes one target for a while: tests/fuzz/run.sh TARGET SECONDS
# TARGET: mbox, header_block, address_list, mime, packed or pst. Configures build-fuzz
# (clang, libFuzzer, ASan, UBSan) when needed and rebuilds the target from
# the current sources every time, seeds the corpus from fixtures/, keeps
# it in build-fuzz/corpus/TARGET between runs, and writes any crash to
# build-fuzz/crashes/TARGET/. Exit code: libFuzzer's (0: nothing found).
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${1:?target: mbox, header_block, address_list, mime, packed or pst}
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
    *) echo "unknown target $target" >&2; exit 2 ;;
  esac
fi
# Deep nesting and long repeated structures, added to a corpus kept from
# earlier runs too: what broke parsers before is where fuzzing starts.
# (Mail text: nothing for a PST reader.)
if [ "$target" != pst ]; then
  python3 tests/fuzz/seeds.py "$target" "$corpus"
fi
# Inputs that once failed (each also a regular test) always run first.
if [ -d "tests/fuzz/regressions/$target" ]; then
  cp tests/fuzz/regressions/"$target"/* "$corpus/" 2>/dev/null || true
fi
# A PST file is not small: the fixtures are 271,360 bytes.
max_len=262144
if [ "$target" = pst ]; then
  max_len=300000
fi
# libpff 20180714 (Debian's) leaks a column definition (24 bytes) when a
# damaged table fails to read (libpff_table_read_7c_column_definitions; see
# README, Runs): nothing of ours holds one, so only that allocation is let
# through; any other leak still stops the run.
if [ "$target" = pst ]; then
  printf 'leak:libpff_column_definition_initialize\n' >"$build/pst.lsan"
  export LSAN_OPTIONS="suppressions=$PWD/$build/pst.lsan${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
fi
export G_SLICE=always-malloc
exec "$build/tests/fuzz/fuzz_$target" "$corpus" -max_total_time="$seconds" -max_len="$max_len" \
  -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$crashes/" -print_final_stats=1
