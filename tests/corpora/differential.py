#!/usr/bin/env python3
"""Differential check: ccaudit's distinct visible-address count per message
against Python's email package, on the same message bytes.

For every mail file under the given paths, `ccaudit explain --format jsonl`
says where each message starts and ends and what ccaudit counted. This script
parses the same bytes with email.message_from_bytes(policy=policy.default),
reads every To, Cc, Resent-To and Resent-Cc field (groups expanded), applies
the same normalisation (domain lower-cased and IDNA-encoded, local part
lower-cased for ASCII, unneeded quotes removed) and compares the distinct
counts. Python 3 standard library only.

Usage: differential.py [--ccaudit BIN] [--show N] [--expect FILE] PATH...
Exit code: 0 when every disagreement is listed in --expect (one
"relative/path<TAB>offset" per line, '#' comments allowed), 1 otherwise.
"""
import argparse
import email
import email.policy
import json
import os
import re
import subprocess
import sys

FIELDS = ("to", "cc", "resent-to", "resent-cc")
DOT_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\x80-\U0010ffff-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\x80-\U0010ffff-]+)*")


def normalise(addr_spec):
    if "@" not in addr_spec:
        return None
    local, domain = addr_spec.rsplit("@", 1)
    if not local or not domain:
        return None
    if len(local) >= 2 and local[0] == '"' and local[-1] == '"':
        inner = re.sub(r"\\(.)", r"\1", local[1:-1])
        if DOT_ATOM.fullmatch(inner):
            local = inner
    elif DOT_ATOM.fullmatch(local) is None and " " in local:
        local = '"' + local + '"'
    local = "".join(c.lower() if c.isascii() else c for c in local)
    domain = domain.rstrip(".")
    if not domain.startswith("["):
        try:
            domain = domain.encode("idna").decode("ascii")
        except (UnicodeError, ValueError):
            pass
    return local + "@" + domain.lower()


def python_addresses(message_bytes):
    """Distinct normalised visible addresses, or an error string."""
    try:
        msg = email.message_from_bytes(message_bytes, policy=email.policy.default)
        found = []
        for name in FIELDS:
            for header in msg.get_all(name) or []:
                for address in getattr(header, "addresses", ()):
                    n = normalise(address.addr_spec)
                    if n and n not in found:
                        found.append(n)
        return found
    except Exception as e:  # the header registry raises on some real mail
        return "%s: %s" % (type(e).__name__, e)


# Compressed data and zip files (fixtures/packed holds other fixtures so).
PACKED = (b"\x1f\x8b", b"BZh", b"\xfd7zXZ\0", b"\x28\xb5\x2f\xfd", b"LZIP", b"PK\x03\x04",
          b"\x04\x22\x4d\x18")


def strip_from_line(data):
    if data.startswith(b"From "):
        nl = data.find(b"\n")
        return data[nl + 1:] if nl >= 0 else b""
    return data


def mail_files(paths):
    for path in paths:
        if os.path.isfile(path):
            yield path
            continue
        for root, dirs, files in os.walk(path):
            dirs.sort()
            if os.path.basename(root) != "tmp" or not (
                os.path.isdir(os.path.join(root, "..", "cur"))
                or os.path.isdir(os.path.join(root, "..", "new"))
            ):
                for f in sorted(files):
                    yield os.path.join(root, f)


def explain(binary, path):
    out = subprocess.run(
        [binary, "explain", path, "--format", "jsonl", "--threshold", "1"],
        capture_output=True,
    )
    if out.returncode != 0:
        return None
    return [json.loads(line) for line in out.stdout.decode("utf-8").splitlines() if line]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--ccaudit", default="build/src/ccaudit")
    parser.add_argument("--show", type=int, default=20, help="disagreements to print")
    parser.add_argument("--expect", help="file of known disagreements")
    args = parser.parse_args()

    expected = set()
    if args.expect:
        with open(args.expect, encoding="utf-8") as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if line:
                    rel, offset = line.rsplit(None, 1)
                    expected.add((rel, int(offset)))

    compared = agreed = python_failed = 0
    disagreements = []
    for path in mail_files(args.paths):
        messages = explain(args.ccaudit, path)
        if not messages:
            continue
        with open(path, "rb") as f:
            data = f.read()
        if data.startswith(PACKED) or data[257:262] == b"ustar":
            continue  # compressed or archive: its offsets are in the unpacked bytes
        if data.startswith((b"!BDN", b"\xD0\xCF\x11\xE0")):
            continue  # PST or .msg: no header text to compare (tests/cli/test_outlook_cli.cpp)
        for m in messages:
            raw = strip_from_line(data[m["offset"]:m["end"]])
            ours = [a["address"] for a in m["addresses"]]
            theirs = python_addresses(raw)
            compared += 1
            if isinstance(theirs, str):
                python_failed += 1
                disagreements.append((path, m["offset"], len(ours), None, theirs, []))
                continue
            if sorted(ours) == sorted(theirs):
                agreed += 1
                continue
            only_ours = sorted(set(ours) - set(theirs))
            only_theirs = sorted(set(theirs) - set(ours))
            disagreements.append((path, m["offset"], len(ours), len(theirs), only_ours, only_theirs))

    unexpected = []
    for d in disagreements:
        rel = min((os.path.relpath(d[0], p) if os.path.isdir(p) else os.path.basename(d[0]))
                  for p in args.paths)
        if (rel, d[1]) not in expected:
            unexpected.append((rel,) + d[1:])
    rate = 100.0 * agreed / compared if compared else 100.0
    print("messages compared: %d, same addresses: %d (%.1f%%), Python failed: %d, "
          "disagreements: %d (%d not in --expect)"
          % (compared, agreed, rate, python_failed, len(disagreements), len(unexpected)))
    for rel, offset, n_ours, n_theirs, only_ours, only_theirs in unexpected[: args.show]:
        print("  %s @%d: ccaudit %d, python %s" % (rel, offset, n_ours, n_theirs))
        if isinstance(only_ours, str):
            print("    python: %s" % only_ours[:200])
        else:
            if only_ours:
                print("    only ccaudit: %s" % ", ".join(only_ours[:8]))
            if only_theirs:
                print("    only python:  %s" % ", ".join(only_theirs[:8]))
    return 0 if not unexpected else 1


if __name__ == "__main__":
    sys.exit(main())
