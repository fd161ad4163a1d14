#!/usr/bin/env python3
"""ccaudit's benchmark: a seeded corpus generator and a timing harness.

  bench.py generate DIR [--messages N] [--seed S]
      Writes the same messages as DIR/corpus.mbox and as the Maildir
      DIR/maildir (cur/ and new/). Deterministic for a given N and seed.
  bench.py run DIR... [--ccaudit BIN] [--repeat R] [--no-python] [--rss DIR4] [--hogs N] [--cold]
      Times ccaudit and the baselines on each DIR (page cache warm: every command
      runs once before it is timed) and prints times, ratios and peak RSS.
      With --rss DIR4, also ccaudit's peak RSS on a larger corpus; with
      --hogs N, N busy processes run meanwhile. With --cold (root), the page
      cache is dropped before every command, and ccaudit is compared with
      `head -c 4096` of every file 16 at a time (xargs -P 16) and mblaze.
  bench.py growth DIR... [--layout maildir|files|corpus.mbox] [--ccaudit BIN] [--repeat R]
      One scan of each corpus, smallest first: time per message, peak RSS and
      database size per finding, and whether time per message stays within
      15% and peak RSS under 64 MiB from the smallest to the largest.
  bench.py compressed DIR [--ccaudit BIN] [--repeat R]
      Writes DIR/corpus.mbox.gz (gzip -6) and DIR/corpus.mbox.zst (zstd -3)
      where missing or older than the mbox, then times ccaudit's scan of each
      against its decompression piped to `grep -c '^From '` (issue 17,
      point 7: at most 1.3x), with the plain mbox scan for reference. Fails
      unless the three scans count the same messages, findings and problems.
  bench.py pst [--source PATH...] [--copies N] [--ccaudit BIN] [--repeat R] [--hogs N]
      Copies the PSTs of --source (default fixtures/outlook) N times into one
      folder and times `ccaudit scan FOLDER` against `readpst -j 0 -D -q -o`
      of every file, one after another and --parallel at a time (xargs -P),
      with the peak RSS of a scan of one file, one set and the folder. Fails
      unless ccaudit and readpst count the same e-mail items.
  bench.py pst-check [--messages N] [--folders F] [--body-bytes B] [--ccaudit BIN]
      Writes a PST with make_pst.py and fails unless pffinfo opens it,
      pffexport and readpst -j 0 -D export every message, and ccaudit scans
      every message with the visible count, Message-ID and folder that
      make_pst.py wrote in its truth file.
  bench.py pst-large [--sizes 100M,1G,4G] [--folders F] [--ccaudit BIN] [--check]
      For each size, writes one PST with make_pst.py and times `ccaudit scan`
      against `readpst -j 0 -D` on it (peak RSS of both, and of pffinfo);
      deletes it after. Fails unless both count every message.
  bench.py identical (DIR | --messages N) [--ccaudit BIN] [--jobs N]
      Scans DIR (or a generated corpus of N messages, many of them wide or
      malformed) with --jobs 1 and --jobs N and fails unless the reports and
      problem lists are identical, order included.

Python 3 standard library only. Corpus shape (see README, Benchmark): headers
of 1-3 KB (Received chains, DKIM, folded To/Cc, encoded words), bodies with a
median near 8 KB and a mean near 60 KB, including multi-MB base64
attachments, about 0.5% of messages with 50-5,000 visible recipients, and a
few malformed ones. Reserved example domains only.
"""
import argparse
import base64
import contextlib
import json
import os
import random
import resource
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DOMAINS = ["example.com", "example.org", "example.net", "mail.example.com",
           "lists.example.org", "staff.example.net", "eu.example.com"]
FIRST = ["alba", "bertil", "corisande", "dagny", "evander", "fenwick", "greta",
         "halvard", "isolde", "jonas", "katrin", "leopold", "maren", "niall",
         "odile", "piers", "quilla", "rosamund", "soren", "tova", "ulla", "viggo"]
LAST = ["ashgrove", "bellwether", "cinderford", "dunmere", "elderby",
        "fallowmere", "glimmerton", "hartsbrook", "ivyholt", "juniperly",
        "kestrelwick", "larkspur", "mossbank", "nettlecombe", "oakhurst"]
WORDS = ("the of and to in is that for it as with was on be by this are from at "
         "or an but not have has which you were all their one there can we our "
         "report budget meeting quarter review figures schedule project office "
         "team please attached find below thanks regards update agenda notes "
         "minutes draft final version changes comments approval deadline").split()
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
          "Nov", "Dec"]


def person(r):
    first, last = r.choice(FIRST), r.choice(LAST)
    address = "%s.%s%d@%s" % (first, last, r.randrange(1000), r.choice(DOMAINS))
    name = "%s %s" % (first.capitalize(), last.capitalize())
    form = r.random()
    if form < 0.1:  # an RFC 2047 display name
        encoded = base64.b64encode(("%s Ü" % name).encode()).decode()
        return "=?UTF-8?B?%s?= <%s>" % (encoded, address)
    if form < 0.2:
        return '"%s, %s" <%s>' % (last.capitalize(), first.capitalize(), address)
    if form < 0.3:
        return address
    return "%s <%s>" % (name, address)


# The corporate profile (issue 22): most addresses are the company's own.
CORP_DOMAIN = "corp.example.com"
CORP_DEPARTMENTS = ["Finance", "Legal", "HR", "Sales EMEA", "IT Operations", "Procurement",
                    "Marketing", "Facilities"]


def corporate_person(r, junk_rate=0.0):
    """An address as a company's archive holds it: mostly internal, with
    "Last, First (Dept)" names, and at `junk_rate` junk: Exchange (X.400)
    DNs, double @, quoted local parts, brackets in a name."""
    first, last = r.choice(FIRST), r.choice(LAST)
    internal = r.random() < 0.8
    local = "%s.%s%d" % (first, last, r.randrange(100)) if internal else \
        "%s%d" % (first[0] + last, r.randrange(1000))
    domain = CORP_DOMAIN if internal else r.choice(DOMAINS)
    address = "%s@%s" % (local, domain)
    if r.random() < junk_rate:
        kind = r.randrange(4)
        if kind == 3:  # brackets outside quotes: GMime drops it, the lenient path reads it
            return "%s %s [%s] <%s>" % (first.capitalize(), last.capitalize(),
                                        r.choice(CORP_DEPARTMENTS), address)
        if kind == 0:
            return "%s, %s <%s>" % (last.capitalize(), first.capitalize(),
                                    "/O=CORP/OU=EXCHANGE ADMINISTRATIVE GROUP/CN=RECIPIENTS/CN="
                                    + (first + last).upper())
        if kind == 1:
            return '<"%s %s"@host.corp.example.com@%s>' % (first, last, domain)
        return "e-mail <'%s'@%s>" % (local, domain)
    form = r.random()
    if form < 0.5:
        return '"%s, %s (%s)" <%s>' % (last.capitalize(), first.capitalize(),
                                       r.choice(CORP_DEPARTMENTS), address)
    if form < 0.6:
        encoded = base64.b64encode(("%s %s Ä" % (first.capitalize(), last.capitalize()))
                                   .encode()).decode()
        return "=?utf-8?B?%s?= <%s>" % (encoded, address)
    if form < 0.75:
        return address
    return "%s %s <%s>" % (first.capitalize(), last.capitalize(), address)


def folded(items):
    out, line = [], ""
    for i, item in enumerate(items):
        piece = item + ("," if i + 1 < len(items) else "")
        if line and len(line) + len(piece) > 76:
            out.append(line)
            line = " " + piece
        else:
            line = (line + " " + piece) if line else piece
    out.append(line)
    return "\n".join(out)


class Generator:
    """Messages of the default profile (tidy: 0.5% wide lists of 50 to
    5,000) or of the corporate one (the shape of a held-out company archive,
    issue 22): 9% of messages with 25 to 900 visible recipients, most under
    200; a tenth of those with Exchange, X.400 or double-@ junk; To/Cc
    unfolded onto one line over 998 characters in 11% of messages (exports
    do that); internal addresses the majority."""

    def __init__(self, seed, wide_rate=0.005, malformed_rate=0.002, profile="default"):
        self.profile = profile
        self.r = random.Random(seed)
        self.wide_rate = wide_rate
        self.malformed_rate = malformed_rate
        words = [self.r.choice(WORDS) for _ in range(200000)]
        lines, line = [], []
        for w in words:
            line.append(w)
            if len(" ".join(line)) > 60 + self.r.randrange(15):
                lines.append(" ".join(line))
                line = []
        self.text = "\n".join(lines) + "\n"

    def body_text(self, size):
        start = self.r.randrange(len(self.text) - size - 1) if size < len(self.text) - 2 else 0
        chunk = self.text[start:start + size]
        return chunk[chunk.find("\n") + 1:] if "\n" in chunk else chunk

    def message(self, i):
        r = self.r
        t = 1546300800 + i * 1800 + r.randrange(1800)
        tm = time.gmtime(t)
        date = "%s, %02d %s %d %02d:%02d:%02d +0000" % (
            DAYS[tm.tm_wday], tm.tm_mday, MONTHS[tm.tm_mon - 1], tm.tm_year,
            tm.tm_hour, tm.tm_min, tm.tm_sec)
        unfold = False
        if self.profile == "corporate":
            sender = corporate_person(r)
            u = r.random()
            if u < 0.09:  # 25 .. 900 as in the held-out archive: 23% 100-199, 1.3% 500+
                v = r.random()
                lo, hi = ((25, 100) if v < 0.68 else (100, 200) if v < 0.91
                          else (200, 500) if v < 0.987 else (500, 900))
                n = int(lo * (hi / lo) ** r.random())
                junk = 0.03 if r.random() < 0.1 else 0.0
                unfold = r.random() < 0.85
            elif u < 0.16:  # a department's list: 20 .. 24, long names
                n, junk = 20 + r.randrange(5), 0.0
                unfold = True
            else:
                n, junk = 1 + int(r.expovariate(0.6)), 0.0
            people = [corporate_person(r, junk) for _ in range(n)]
            if n >= 25 and r.random() < 0.9:
                # The held-out archive had a lenient_address_recovery problem
                # for nearly every wide list (4,108 in 44,755 messages).
                first, last = r.choice(FIRST), r.choice(LAST)
                people[r.randrange(n)] = "%s %s [%s] <%s.%s@%s>" % (
                    first.capitalize(), last.capitalize(), r.choice(CORP_DEPARTMENTS),
                    first, last, CORP_DOMAIN)
            split = max(1, n * 3 // 4)
            to, cc = people[:split], people[split:]
        else:
            sender = person(r)
            wide = r.random() < self.wide_rate
            if wide:
                n = min(5000, int(50 * (100 ** r.random())))  # 50 .. 5000
                to = [person(r) for _ in range(n * 2 // 3)]
                cc = [person(r) for _ in range(n - len(to))]
            else:
                to = [person(r) for _ in range(1 + int(r.expovariate(1.0)))]
                cc = [person(r) for _ in range(int(r.expovariate(1.5)))]
        fold = (lambda items: ", ".join(items)) if unfold else folded
        h = ["Return-Path: <bounce-%d@bounces.example.com>" % i]
        for hop in range(3 + r.randrange(6)):
            h.append("Received: from relay%d.example.net (relay%d.example.net [192.0.2.%d])\n"
                     "\tby mx%d.example.com (Postfix) with ESMTPS id %08X\n"
                     "\tfor <inbox@example.com>; %s" % (hop, hop, r.randrange(255), hop,
                                                        r.getrandbits(32), date))
        h.append("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com;\n"
                 "\ts=selector1; h=from:to:cc:subject:date:message-id;\n"
                 "\tbh=%s;\n\tb=%s\n\t %s" % (
                     base64.b64encode(r.randbytes(32)).decode(),
                     base64.b64encode(r.randbytes(96)).decode(),
                     base64.b64encode(r.randbytes(96)).decode()))
        h.append("From: " + sender)
        if to:
            h.append("To: " + fold(to))
        if cc:
            h.append("Cc: " + fold(cc))
        subject = " ".join(r.choice(WORDS) for _ in range(3 + r.randrange(6)))
        if r.random() < 0.1:
            subject = "=?UTF-8?Q?%s_=C3=A9t=C3=A9?=" % subject.replace(" ", "_")
        h.append("Subject: " + subject)
        h.append("Date: " + date)
        h.append("Message-ID: <%d.%08x@bench.example.com>" % (i, r.getrandbits(32)))
        h.append("MIME-Version: 1.0")
        h.append("X-Mailer: Bench Mailer 4.%d" % r.randrange(10))
        if self.profile == "corporate":
            h.append("Thread-Topic: " + subject)
            h.append("Thread-Index: " + base64.b64encode(r.randbytes(22)).decode())
            h.append("X-MS-Exchange-Organization-AuthAs: Internal")
            h.append("X-MS-Has-Attach: ")
            if r.random() < 0.03:
                h.append("List-Id: Team list <team.lists.example.org>")
        elif r.random() < 0.3:
            h.append("List-Id: Team list <team.lists.example.org>")
        malformed = r.random() < self.malformed_rate
        if malformed:
            kind = r.randrange(3)
            if kind == 0:
                h.insert(len(h) - 2, "X-Broken header line without a colon")
            elif kind == 1:
                h[h.index("To: " + fold(to)) if to else -1] += ";  extra@example.org"
            else:
                h.append("Cc: a@example.org,\x00 b@example.org")
        # Body: mostly text; some messages carry base64 attachments.
        u = r.random()
        body_size = int(r.lognormvariate(8.7, 0.9))  # median ~6 KB
        if self.profile == "corporate":
            # The held-out archive: 5.7 KB a message on average, headers included.
            body_size = int(r.lognormvariate(7.3, 0.8))  # median ~1.5 KB
            u = 0.134 + r.random() * 0.866 if r.random() < 0.98 else u
        elif self.profile == "small":
            # A million-message store: short notes, no attachments.
            body_size, u = 100 + r.randrange(400), 1.0
        if u < 0.004:
            attachment = 2_000_000 + r.randrange(2_000_000)
        elif u < 0.034:
            attachment = 200_000 + r.randrange(400_000)
        elif u < 0.134:
            attachment = 20_000 + r.randrange(130_000)
        else:
            attachment = 0
        text = self.body_text(min(body_size, len(self.text) // 2))
        if r.random() < 0.01:
            text = "As quoted below:\n\nFrom the archives of the committee\n" + text
        if attachment:
            boundary = "b%08x" % r.getrandbits(32)
            h.append('Content-Type: multipart/mixed; boundary="%s"' % boundary)
            data = base64.encodebytes(r.randbytes(attachment)).decode()
            body = ("--%s\nContent-Type: text/plain; charset=utf-8\n\n%s\n--%s\n"
                    "Content-Type: application/octet-stream; name=\"data.bin\"\n"
                    "Content-Transfer-Encoding: base64\n\n%s--%s--\n"
                    % (boundary, text, boundary, data, boundary))
        else:
            h.append("Content-Type: text/plain; charset=utf-8")
            body = text
        return "\n".join(h) + "\n\n" + body, date, t


def mboxrd_quote(body):
    out = []
    for line in body.split("\n"):
        stripped = line.lstrip(">")
        out.append(">" + line if stripped.startswith("From ") else line)
    return "\n".join(out)


def generate(args):
    os.makedirs(args.dir, exist_ok=True)
    maildir = os.path.join(args.dir, "maildir")
    if os.path.exists(maildir):
        shutil.rmtree(maildir)
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(maildir, sub))
    profile = getattr(args, "profile", "default")
    # The small profile is for a million messages: its Maildir alone.
    only_maildir = profile == "small"
    g = Generator(args.seed, args.wide_rate, args.malformed_rate, profile)
    # One file per message outside any Maildir (an export's folder tree):
    # the layout of the held-out company archive.
    files = os.path.join(args.dir, "files")
    if os.path.exists(files):
        shutil.rmtree(files)
    total = wide = 0
    with open(os.devnull if only_maildir else os.path.join(args.dir, "corpus.mbox"), "wb") as mbox:
        for i in range(args.messages):
            text, date, t = g.message(i)
            data = text.encode("utf-8", "surrogateescape")
            sub = "new" if i % 5 == 4 else "cur"
            name = "%d.M%dP4242.bench.example%s" % (t, i, ":2,S" if sub == "cur" else "")
            with open(os.path.join(maildir, sub, name), "wb") as f:
                f.write(data)
            total += len(data)
            if only_maildir:
                continue
            tm = time.gmtime(t)
            mbox.write(("From bench@example.com %s %s %2d %02d:%02d:%02d %d\n" % (
                DAYS[tm.tm_wday], MONTHS[tm.tm_mon - 1], tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, tm.tm_year)).encode())
            mbox.write(mboxrd_quote(text).encode("utf-8", "surrogateescape"))
            mbox.write(b"\n" if text.endswith("\n") else b"\n\n")
            folder = os.path.join(files, "custodian%02d" % (i % 40))
            if i < 40:
                os.makedirs(folder)
            with open(os.path.join(folder, "%06d.eml" % i), "wb") as f:
                f.write(data)
    with open(os.path.join(args.dir, "profile"), "w") as f:
        f.write(profile + "\n")
    what = "Maildir only" if only_maildir else "%.0f MB mbox" % (
        os.path.getsize(os.path.join(args.dir, "corpus.mbox")) / 1e6)
    print("generated %d messages (%s profile), %s, mean %.1f KB per message, in %s"
          % (args.messages, profile, what, total / args.messages / 1e3, args.dir))


GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def timed(command, to_file=False):
    """Wall time, peak RSS (KiB), exit code and CPU time (user + system, the
    command's children included) of one run of `command`.

    Output goes to /dev/null, or with `to_file` to a file: GNU grep stops at
    the first match when its output is /dev/null. Peak RSS comes from GNU time where it is
    installed: a child forked from this Python process would otherwise
    report Python's own size as its peak (Linux counts the pre-exec image).
    """
    argv = ["sh", "-c", command] if isinstance(command, str) else list(command)
    with open(os.devnull, "wb") as null, tempfile.NamedTemporaryFile() as file, \
            tempfile.NamedTemporaryFile("r") as rss:
        out = file if to_file else null
        if GNU_TIME:
            argv = [GNU_TIME, "-q", "-f", "%M", "-o", rss.name] + argv
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        peak = usage.ru_maxrss
        if GNU_TIME:
            text = rss.read().strip().splitlines()
            peak = int(text[-1]) if text and text[-1].isdigit() else 0
    return elapsed, peak, code, usage.ru_utime + usage.ru_stime


class Command:
    """One timed command: `prepare` runs before each timing, untimed (a scan
    starts from no database: deleting the last one is not part of it)."""

    def __init__(self, name, command, ok_codes=(0,), to_file=False, prepare=None):
        self.name, self.command, self.ok_codes = name, command, ok_codes
        self.to_file, self.prepare = to_file, prepare


def measure_group(commands, repeat, results, cpu=None):
    """Times `commands` in turn, `repeat` rounds (after one to warm the
    page cache and the binaries): each round runs every command once, so a
    machine that gets busier or quieter meanwhile weighs on all of them
    alike, and their ratios hold. Records the median time and peak RSS,
    and with a dict `cpu` the median CPU time (printed too)."""
    runs = {c.name: [] for c in commands}
    for round_ in range(repeat + 1):
        for c in commands:
            if c.prepare:
                c.prepare()
            r = timed(c.command, c.to_file)
            if round_ > 0:
                runs[c.name].append(r)
    for c in commands:
        codes = {r[2] for r in runs[c.name]}
        if not codes <= set(c.ok_codes):
            # A failed command timed as fast would read as a target met.
            sys.exit("bench: %s failed with exit code %s: %s"
                     % (c.name, sorted(codes),
                        c.command if isinstance(c.command, str) else " ".join(c.command)))
        t = statistics.median(r[0] for r in runs[c.name])
        rss = max(r[1] for r in runs[c.name])
        results[c.name] = (t, rss)
        if cpu is None:
            print("  %-40s %8.3f s   %8.1f MiB" % (c.name, t, rss / 1024), flush=True)
        else:
            cpu[c.name] = statistics.median(r[3] for r in runs[c.name])
            print("  %-40s %8.3f s   CPU %8.3f s   %8.1f MiB"
                  % (c.name, t, cpu[c.name], rss / 1024), flush=True)
    return [results[c.name][0] for c in commands]


def remover(path):
    """A prepare step: deletes the database at `path` and its companions."""
    def remove():
        for suffix in ("", "-wal", "-shm", "-journal", ".lock"):
            try:
                os.remove(path + suffix)
            except FileNotFoundError:
                pass
    return remove


@contextlib.contextmanager
def busy_processes(n):
    """Other work on the machine, the same for every command: n processes,
    each taking a core while it can, from the first timing to the last."""
    hogs = [subprocess.Popen(["sh", "-c", "while :; do :; done"]) for _ in range(n)]
    if hogs:
        print("with %d busy process(es) running" % len(hogs), flush=True)
    try:
        yield
    finally:
        for h in hogs:
            h.kill()
            h.wait()


def profile_of(corpus):
    """The profile a corpus was generated with (older corpora: default)."""
    try:
        with open(os.path.join(corpus, "profile")) as f:
            return f.read().strip()
    except FileNotFoundError:
        return "default"


def run(args):
    """Each corpus given in turn (the default and the corporate profile)."""
    if args.cold and not os.access(DROP_CACHES, os.W_OK):
        sys.exit("bench: --cold drops the page cache through %s: run as root" % DROP_CACHES)
    if args.cold and args.reference:
        sys.exit("bench: --reference is timed in warm runs only; leave out --cold")
    if args.reference and not os.access(args.reference, os.X_OK):
        sys.exit("bench: --reference %s: not an executable" % args.reference)
    with busy_processes(args.hogs):
        for corpus in args.dir:
            if args.cold:
                run_cold(args, corpus)
            else:
                run_one(args, corpus)


DROP_CACHES = "/proc/sys/vm/drop_caches"


def drop_caches():
    """Empties the page cache (root only): the next read comes from the disk."""
    subprocess.run(["sync"], check=True)
    with open(DROP_CACHES, "w") as f:
        f.write("3\n")


def run_cold(args, corpus):
    """A nightly scan of a big archive reads it from the disk: every command
    here starts with the page cache dropped (the binaries and libraries
    included, for all alike). The floor reads each file's head 16 at a time,
    as a disk with a queue is best read; mblaze reads the headers one file
    at a time. ccaudit must not be slower than either."""
    profile = profile_of(corpus)
    binary = os.path.abspath(args.ccaudit)
    db = tempfile.mkdtemp(prefix="ccaudit-bench-")
    path = os.path.join(db, "b.db")
    remove = remover(path)
    def cold_then(also=None):
        def prepare():
            if also:
                also()
            drop_caches()
        return prepare
    print("corpus: %s (%s profile); %d cores; median of %d runs, page cache dropped before each"
          % (corpus, profile, os.cpu_count(), args.repeat))
    res = {}
    layouts = [("Maildir", os.path.join(corpus, "maildir"))]
    if os.path.isdir(os.path.join(corpus, "files")):
        layouts.append(("files", os.path.join(corpus, "files")))
    for name, target in layouts:
        print("%s, cold:" % name)
        group = [Command("head -c 4096, 16 at a time (%s)" % name,
                         "find %s -type f -print0 | xargs -0 -P 16 -n 64 head -q -c 4096" % target,
                         prepare=cold_then())]
        if shutil.which("mhdr"):
            group.append(Command("mblaze mhdr -h to:cc (%s)" % name,
                                 "find %s -type f | mhdr -h to:cc" % target,
                                 prepare=cold_then()))
        group.append(Command("ccaudit scan (%s)" % name,
                             [binary, "scan", target, "--db", path, "--quiet"], (0, 1),
                             prepare=cold_then(remove)))
        measure_group(group, args.repeat, res)
    shutil.rmtree(db)
    print("ratios and targets (cold):")
    for name, _ in layouts:
        c = res["ccaudit scan (%s)" % name][0]
        for base in ("head -c 4096, 16 at a time (%s)" % name, "mblaze mhdr -h to:cc (%s)" % name):
            if base in res:
                r = c / res[base][0]
                print("  %-52s %7.2f   target <= 1    %s"
                      % ("%s: ccaudit / %s" % (name, base.split(" (")[0]), r,
                         "met" if r <= 1 else "NOT met"))


def run_one(args, corpus):
    profile = profile_of(corpus)
    mbox = os.path.join(corpus, "corpus.mbox")
    maildir = os.path.join(corpus, "maildir")
    files = os.path.join(corpus, "files")
    binary = os.path.abspath(args.ccaudit)
    db = tempfile.mkdtemp(prefix="ccaudit-bench-")
    n_files = sum(len(f) for _, _, f in os.walk(maildir))
    print("corpus: %s (%s profile, %.0f MB mbox, %d Maildir files); %d cores; median of %d "
          "runs, cache warm" % (corpus, profile, os.path.getsize(mbox) / 1e6, n_files,
                                os.cpu_count(), args.repeat))
    res = {}
    # A first scan each time: a fresh database, deleted before the timing (a
    # rescan reads only what changed: see the rescan command).
    path = os.path.join(db, "b.db")
    scan = lambda name, target, extra=(): Command(
        name, [binary, "scan", target, "--db", path, "--quiet"] + list(extra), (0, 1),
        prepare=remover(path))
    # --reference: another build timed in the same rounds, so that "no
    # slower than before" does not depend on how fast the host is today.
    ref_path = os.path.join(db, "r.db")
    reference = lambda name, target: (
        [Command(name, [os.path.abspath(args.reference), "scan", target, "--db", ref_path,
                        "--quiet"], (0, 1), prepare=remover(ref_path))]
        if args.reference else [])
    print("mbox:")
    measure_group([Command("cat (read every byte)", "cat %s" % mbox),
                   Command("grep -c '^From '", ["grep", "-c", "^From ", mbox], (0, 1), True),
                   scan("ccaudit scan", mbox),
                   scan("ccaudit scan --jobs 1", mbox, ["--jobs", "1"])]
                  + reference("reference scan", mbox), args.repeat, res)
    if not args.no_python:
        res["python mbox"] = timed([sys.executable, os.path.join(HERE, "python_baseline.py"), mbox])[:2]
        print("  %-40s %8.3f s" % ("python mailbox+email (1 run)", res["python mbox"][0]))
    print("Maildir:")
    group = [Command("cat every file", "find %s -type f -exec cat {} +" % maildir),
             Command("head -c 4096 of every file",
                     "find %s -type f -exec head -q -c 4096 {} +" % maildir)]
    if shutil.which("mlist") and shutil.which("mhdr"):
        group.append(Command("mblaze mlist | mhdr -h to:cc", "mlist %s | mhdr -h to:cc" % maildir))
    group += [scan("ccaudit scan (Maildir)", maildir),
              scan("ccaudit scan --jobs 1 (Maildir)", maildir, ["--jobs", "1"])]
    group += reference("reference scan (Maildir)", maildir)
    measure_group(group, args.repeat, res)
    if os.path.isdir(files):
        print("one file per message (an export's folders):")
        group = [Command("head -c 4096 of every file (files)",
                         "find %s -type f -exec head -q -c 4096 {} +" % files)]
        if shutil.which("mhdr"):
            group.append(Command("mblaze mhdr -h to:cc (files)",
                                 "find %s -type f | mhdr -h to:cc" % files))
        group += [scan("ccaudit scan (files)", files),
                  scan("ccaudit scan --jobs 1 (files)", files, ["--jobs", "1"])]
        group += reference("reference scan (files)", files)
        measure_group(group, args.repeat, res)
    if not args.no_python:
        res["python maildir"] = timed([sys.executable, os.path.join(HERE, "python_baseline.py"), maildir])[:2]
        print("  %-40s %8.3f s" % ("python mailbox+email (1 run)", res["python maildir"][0]))
    if args.rss:
        print("larger corpus (%s):" % args.rss)
        measure_group([scan("ccaudit scan, larger mbox", os.path.join(args.rss, "corpus.mbox")),
                       scan("ccaudit scan, larger Maildir", os.path.join(args.rss, "maildir"))],
                      1, res)
    shutil.rmtree(db)

    print("ratios and targets:")
    def line(label, value, target, good):
        print("  %-52s %7.2f   target %-8s %s" % (label, value, target, "met" if good else "NOT met"))
    # The corporate profile's targets are issue 22's: 1.5x the floors.
    floor = 1.5 if profile == "corporate" else 2
    c_mbox, c_md = res["ccaudit scan"][0], res["ccaudit scan (Maildir)"][0]
    r = c_mbox / res["grep -c '^From '"][0]
    line("mbox: ccaudit / grep -c '^From '", r, "<= %g" % floor, r <= floor)
    r = c_md / res["head -c 4096 of every file"][0]
    line("Maildir: ccaudit / head -c 4096 floor", r, "<= %g" % floor, r <= floor)
    if "mblaze mlist | mhdr -h to:cc" in res:
        r = res["mblaze mlist | mhdr -h to:cc"][0] / c_md
        line("Maildir: mblaze / ccaudit", r, "> 1", r > 1)
    if "ccaudit scan (files)" in res:
        c_files = res["ccaudit scan (files)"][0]
        r = c_files / res["head -c 4096 of every file (files)"][0]
        line("files: ccaudit / head -c 4096 floor", r, "<= %g" % floor, r <= floor)
        if "mblaze mhdr -h to:cc (files)" in res:
            r = res["mblaze mhdr -h to:cc (files)"][0] / c_files
            line("files: mblaze / ccaudit", r, "> 1", r > 1)
        r = res["ccaudit scan --jobs 1 (files)"][0] / c_files
        line("files: --jobs 1 / --jobs %d" % os.cpu_count(), r, ">= 1.6", r >= 1.6)
    if not args.no_python:
        r = res["python mbox"][0] / c_mbox
        line("mbox: python / ccaudit", r, ">= 50", r >= 50)
        r = res["python maildir"][0] / c_md
        line("Maildir: python / ccaudit", r, ">= 50", r >= 50)
    peak = max(v[1] for k, v in res.items() if k.startswith("ccaudit")) / 1024
    line("ccaudit peak RSS, MiB (all runs)", peak, "<= 64", peak <= 64)
    for layout, suffix in (("mbox", ""), ("Maildir", " (Maildir)"), ("files", " (files)")):
        if "reference scan" + suffix in res:
            r = res["ccaudit scan" + suffix][0] / res["reference scan" + suffix][0]
            print("  %-52s %7.2f   (under 1: this build is the faster)"
                  % ("%s: ccaudit / reference build" % layout, r))


def rescan(args):
    """First scan against a rescan of the unchanged corpus, on one database."""
    binary = os.path.abspath(args.ccaudit)
    db = tempfile.mkdtemp(prefix="ccaudit-rescan-")
    path = os.path.join(db, "r.db")
    print("corpus: %s; %d cores; median of %d runs, cache warm" % (args.dir, os.cpu_count(), args.repeat))
    worst = None
    for name, target in (("mbox", os.path.join(args.dir, "corpus.mbox")),
                         ("Maildir", os.path.join(args.dir, "maildir"))):
        base = [binary, "scan", target, "--db", path, "--quiet"]
        res = {}
        # In turn: each rescan reads the database the first scan before it
        # wrote.
        # `true` timed the same way: what the timing itself costs (GNU
        # time's fork and exec), a large share of a rescan's few ms.
        t1, t2, t0 = measure_group([Command("%s: first scan" % name, base, (0, 1),
                                            prepare=remover(path)),
                                    Command("%s: rescan, nothing changed" % name, base),
                                    Command("%s: true (the timing's own cost)" % name, ["true"])],
                                   args.repeat, res)
        ratio = t1 / t2
        worst = ratio if worst is None else min(worst, ratio)
        print("  %-40s %8.1fx   target >= 20  %s" % (name + ": first / rescan", ratio,
                                                      "met" if ratio >= 20 else "NOT met"))
        print("  %-40s %8.1fx   (the timing's own cost taken off both)"
              % (name + ": first / rescan, net", (t1 - t0) / max(t2 - t0, 1e-6)))
    shutil.rmtree(db)
    return 0


def growth(args):
    """One scan of each corpus, smallest first: time per message, peak RSS and
    database bytes per finding, and whether they hold as the store grows
    (issue 22, point 5: time per message within 15% from the smallest to the
    largest, peak RSS at most 64 MiB)."""
    binary = os.path.abspath(args.ccaudit)
    tmp = tempfile.mkdtemp(prefix="ccaudit-growth-")
    path = os.path.join(tmp, "g.db")
    rows = []
    print("%d cores; %s layout; median of %d runs each, cache warm" % (os.cpu_count(), args.layout, args.repeat))
    try:
        for corpus in args.dir:
            target = os.path.join(corpus, args.layout)
            if not os.path.exists(target):
                target = os.path.join(corpus, "maildir")
            res = {}
            measure_group([Command("scan %s (%s)" % (os.path.basename(corpus.rstrip("/")), profile_of(corpus)),
                                   [binary, "scan", target, "--db", path, "--quiet"], (0, 1),
                                   prepare=remover(path))], args.repeat, res)
            (t, rss), = res.values()
            counts = subprocess.run(["sqlite3", path, "SELECT messages, findings FROM scan"],
                                    capture_output=True, text=True, check=True).stdout.split("|")
            messages, findings = int(counts[0]), int(counts[1])
            size = os.path.getsize(path)
            rows.append((corpus, messages, t, rss, findings, size))
            remover(path)()
    finally:
        shutil.rmtree(tmp)
    print("  %-22s %10s %9s %11s %9s %9s %15s %13s"
          % ("corpus", "messages", "time", "us/message", "peak MiB", "findings", "DB KiB/finding",
             "DB B/message"))
    for corpus, messages, t, rss, findings, size in rows:
        print("  %-22s %10d %8.2fs %11.1f %9.1f %9d %15.1f %13.0f"
              % (os.path.basename(corpus.rstrip("/")), messages, t, t / messages * 1e6, rss / 1024,
                 findings, size / 1024 / findings if findings else 0, size / messages))
    first, last = rows[0], rows[-1]
    per = lambda row: row[2] / row[1]
    drift = per(last) / per(first)
    peak = max(r[3] for r in rows) / 1024
    print("  time per message, largest / smallest: %.2f   target <= 1.15   %s"
          % (drift, "met" if drift <= 1.15 else "NOT met"))
    print("  peak RSS, MiB: %.1f   target <= 64   %s" % (peak, "met" if peak <= 64 else "NOT met"))
    return 0


def content(args):
    """What --content costs: a first scan with and without it, one corpus."""
    binary = os.path.abspath(args.ccaudit)
    db = tempfile.mkdtemp(prefix="ccaudit-content-")
    path = os.path.join(db, "c.db")
    print("corpus: %s; %d cores; median of %d runs, cache warm" % (args.dir, os.cpu_count(), args.repeat))
    # Issue 22, point 7: --content at most 4x `cat` for an mbox, 2x for a Maildir.
    for name, target, cat, limit in (
            ("mbox", os.path.join(args.dir, "corpus.mbox"), "cat %s" % os.path.join(args.dir, "corpus.mbox"), 4),
            ("Maildir", os.path.join(args.dir, "maildir"),
             "find %s -type f -exec cat {} +" % os.path.join(args.dir, "maildir"), 2)):
        base = [binary, "scan", target, "--db", path, "--quiet"]
        res = {}
        t0, t1, t2 = measure_group([Command("%s: cat" % name, cat),
                                    Command("%s: ccaudit scan" % name, base, (0, 1), prepare=remover(path)),
                                    Command("%s: ccaudit scan --content" % name, base + ["--content"],
                                            (0, 1), prepare=remover(path))],
                                   args.repeat, res)
        kinds = subprocess.run(["sqlite3", path, "SELECT kind || ' ' || count(*) FROM finding "
                                "GROUP BY kind ORDER BY kind"], capture_output=True, text=True).stdout
        print("  %-40s %8.1fx   peak RSS %.1f MiB" % (name + ": --content / headers only", t2 / t1,
                                                      max(v[1] for v in res.values()) / 1024))
        print("  %-40s %8.1fx   target <= %d   %s" % (name + ": --content / cat", t2 / t0, limit,
                                                     "met" if t2 / t0 <= limit else "NOT met"))
        print("  findings with --content: %s" % ", ".join(kinds.split("\n")[:-1]))
    shutil.rmtree(db)
    return 0


def compressed(args):
    """A compressed mbox against its decompression (issue 17, point 7): the
    scan of corpus.mbox.gz at most 1.3x `gzip -dc | grep -c '^From '`, and of
    corpus.mbox.zst at most 1.3x `zstd -dc | grep -c '^From '`, timed in the
    same rounds. The decompressors alone (output to /dev/null) are shown for
    reference: ccaudit does not run them (it inflates gzip with zlib, and
    reads zstd and the rest through libarchive)."""
    mbox = os.path.join(args.dir, "corpus.mbox")
    binary = os.path.abspath(args.ccaudit)
    forms = (("gz", "gzip", ["gzip", "-6", "-c", mbox]),
             ("zst", "zstd", ["zstd", "-3", "-q", "-c", mbox]))
    for ext, _, argv in forms:
        path = mbox + "." + ext
        if not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(mbox):
            print("writing %s (%s)" % (path, " ".join(argv[:2])), flush=True)
            with open(path + ".tmp", "wb") as out:  # renamed once whole
                subprocess.run(argv, stdout=out, check=True)
            os.replace(path + ".tmp", path)
    db = tempfile.mkdtemp(prefix="ccaudit-compressed-")
    print("corpus: %s (%.0f MB mbox, %.0f MB .gz, %.0f MB .zst); %d cores; median of %d runs, cache warm"
          % (args.dir, os.path.getsize(mbox) / 1e6, os.path.getsize(mbox + ".gz") / 1e6,
             os.path.getsize(mbox + ".zst") / 1e6, os.cpu_count(), args.repeat))
    # Each scan a first scan: its own database, deleted before each timing,
    # and kept after the last one to check what it read.
    dbs = {}
    def scan(name, target, short):
        dbs[short] = os.path.join(db, "%s.db" % short)
        return Command(name, [binary, "scan", "--db", dbs[short], "-q", target], (0, 1),
                       prepare=remover(dbs[short]))
    group = []
    for ext, tool, _ in forms:
        path = mbox + "." + ext
        group += [Command("%s -dc > /dev/null" % tool, [tool, "-dc", path]),
                  # grep's output to a file: to /dev/null it stops at the first match.
                  Command("%s -dc | grep -c '^From '" % tool,
                          "%s -dc %s | grep -c '^From '" % (tool, path), to_file=True),
                  scan("ccaudit scan ." + ext, path, "." + ext)]
    group.append(scan("ccaudit scan (plain mbox)", mbox, "mbox"))
    res = {}
    counts = {}
    try:  # measure_group exits on a failed command
        with busy_processes(args.hogs):
            measure_group(group, args.repeat, res)
        # A scan that stopped early would read as fast: the three must agree.
        for short, path in dbs.items():
            counts[short] = subprocess.run(
                ["sqlite3", path, "SELECT messages, findings, problems, not_scanned FROM scan"],
                capture_output=True, text=True, check=True).stdout.strip()
    finally:
        shutil.rmtree(db)
    grep = subprocess.run(["grep", "-c", "^From ", mbox], capture_output=True, text=True).stdout.strip()
    print("messages|findings|problems|not scanned: %s (grep -c '^From ' of the mbox: %s)"
          % (", ".join("%s %s" % (n, c) for n, c in counts.items()), grep))
    if len(set(counts.values())) != 1:
        sys.exit("bench: the compressed scans did not read what the plain scan read")

    print("ratios and targets:")
    def line(label, value, target, good):
        print("  %-52s %7.2f   target %-8s %s" % (label, value, target, "met" if good else "NOT met"))
    for ext, tool, _ in forms:
        r = res["ccaudit scan ." + ext][0] / res["%s -dc | grep -c '^From '" % tool][0]
        line(".%s: ccaudit / (%s -dc | grep -c '^From ')" % (ext, tool), r, "<= 1.3", r <= 1.3)
    for ext, tool, _ in forms:
        print("  %-52s %7.2f   (no target)" % (".%s: ccaudit / %s -dc alone" % (ext, tool),
                                              res["ccaudit scan ." + ext][0]
                                              / res["%s -dc > /dev/null" % tool][0]))
    peak = max(v[1] for k, v in res.items() if k.startswith("ccaudit")) / 1024
    line("ccaudit peak RSS, MiB (all runs)", peak, "<= 64", peak <= 64)
    return 0


def pst_sources(paths):
    """The PST and OST files named, or found directly in the folders named."""
    files = []
    for path in paths:
        if os.path.isdir(path):
            files += sorted(os.path.join(path, n) for n in os.listdir(path)
                            if n.lower().endswith((".pst", ".ost"))
                            and os.path.isfile(os.path.join(path, n)))
        elif os.path.isfile(path):
            files.append(path)
        else:
            sys.exit("bench: no such file or folder: %s" % path)
    if not files:
        sys.exit("bench: no .pst or .ost file in %s" % " ".join(paths))
    return files


def mbox_messages(folder):
    """Messages readpst wrote under `folder`: the `From ` lines of its .mbox
    files (readpst writes `>From ` for such lines in a body; contacts and
    calendar items go to .contacts and .calendar files)."""
    n = 0
    for root, _, names in os.walk(folder):
        for name in names:
            if name.endswith(".mbox"):
                with open(os.path.join(root, name), "rb") as f:
                    n += sum(1 for line in f if line.startswith(b"From "))
    return n


def pst(args):
    """Outlook files against readpst: the scan of a folder of PSTs takes less
    time than `readpst` takes to convert every file of it, timed in the same
    rounds, and its peak RSS does not grow with what it reads. The folder
    holds --copies copies of the source files (setNNNN/NAME), as an
    eDiscovery export of many custodians does; readpst runs once a file, in
    turn (one shell loop) and --parallel at a time (xargs -P)."""
    if not shutil.which("readpst"):
        sys.exit("bench: readpst not found (apt-get install pst-utils)")
    sources = pst_sources(args.source)
    binary = os.path.abspath(args.ccaudit)
    work = tempfile.mkdtemp(prefix="ccaudit-pst-", dir=args.work)
    try:
        copies = os.path.join(work, "copies")
        names = [os.path.basename(f) for f in sources]
        if len(set(names)) != len(names):
            sys.exit("bench: two source files have the same name")
        for i in range(args.copies):
            d = os.path.join(copies, "set%04d" % i)
            os.makedirs(d)
            for f in sources:
                shutil.copyfile(f, os.path.join(d, os.path.basename(f)))
        set_bytes = sum(os.path.getsize(f) for f in sources)
        files = ["set%04d/%s" % (i, n) for i in range(args.copies) for n in names]
        largest = max(sources, key=os.path.getsize)
        one_file = os.path.join(copies, "set0000", os.path.basename(largest))
        print("source: %s (%d file(s), %.2f MB; one file: %s)"
              % (", ".join(os.path.normpath(f) for f in sources), len(sources), set_bytes / 1e6,
                 os.path.basename(largest)))
        print("folder: %d copies, %d files, %.0f MB; %d cores; load %.1f; median of %d runs, cache warm"
              % (args.copies, len(files), set_bytes * args.copies / 1e6, os.cpu_count(),
                 os.getloadavg()[0], args.repeat))

        dbs = {}
        def scan(name, short, target):
            dbs[short] = os.path.join(work, "%s.db" % short)
            # 3: some item not scanned (contacts whose properties libpff
            # cannot read, in Test_part1.pst); the counts below show them.
            return Command(name, [binary, "scan", target, "--db", dbs[short], "-q"], (0, 1, 3),
                           prepare=remover(dbs[short]))
        outs = {}
        def readpst(name, short, command):
            out = outs[short] = os.path.join(work, short)
            def prepare():  # untimed: the last run's output goes, a folder for each file
                shutil.rmtree(out, ignore_errors=True)
                for f in files:
                    os.makedirs(os.path.join(out, f))
            # -j 0: no forking (the corpus README: its forking mode once lost
            # a message); -D: Deleted Items too, which readpst skips by
            # default and the scan reads; -q: errors only.
            return Command(name, "cd %s && %s" % (shlex.quote(copies), command.replace("OUT", shlex.quote(out))),
                           prepare=prepare)
        rp = "readpst -j 0 -D -q -o"
        group = [scan("ccaudit scan FOLDER", "folder", copies),
                 readpst("readpst, one file after another", "seq",
                         'for f in */*; do %s OUT/"$f" "$f" || exit 1; done' % rp),
                 readpst("readpst, xargs -P%d" % args.parallel, "par",
                         "printf '%%s\\0' */* | xargs -0 -P%d -I{} %s OUT/{} {}" % (args.parallel, rp)),
                 scan("ccaudit scan, one set", "set", os.path.join(copies, "set0000")),
                 scan("ccaudit scan, one file", "file", one_file)]
        res, cpu = {}, {}
        with busy_processes(args.hogs):
            measure_group(group, args.repeat, res, cpu)

        # A scan or a conversion that stopped early would read as fast: the
        # last run's messages, counted by each.
        def query(short, sql):
            return subprocess.run(["sqlite3", dbs[short], sql], capture_output=True, text=True,
                                  check=True).stdout.strip()
        scanned = {s: int(query(s, "SELECT coalesce(sum(messages), 0) FROM source WHERE kind='outlook'"))
                   for s in dbs}
        rows = {s: query(s, "SELECT messages, findings, problems, not_scanned FROM scan") for s in dbs}
        converted = {s: mbox_messages(o) for s, o in outs.items()}
        print("e-mail items: ccaudit %d (one set %d, one file %d); readpst %d (xargs -P%d: %d)"
              % (scanned["folder"], scanned["set"], scanned["file"], converted["seq"],
                 args.parallel, converted["par"]))
        print("ccaudit scan rows, messages|findings|problems|not scanned: folder %s, one set %s, one file %s"
              % (rows["folder"], rows["set"], rows["file"]))
        agree = (scanned["folder"] == converted["seq"] == converted["par"]
                 == scanned["set"] * args.copies and scanned["folder"] > 0)

        print("ratios and targets:")
        t_scan = res["ccaudit scan FOLDER"][0]
        for name in ("readpst, one file after another", "readpst, xargs -P%d" % args.parallel):
            r = t_scan / res[name][0]
            print("  %-52s %7.3f   target < 1        %s"
                  % ("time: ccaudit / %s" % name, r, "met" if r < 1 else "NOT met"))
        for name in ("readpst, one file after another", "readpst, xargs -P%d" % args.parallel):
            print("  %-52s %7.2f   (no target)" % ("CPU: ccaudit / %s" % name,
                                                  cpu["ccaudit scan FOLDER"] / cpu[name]))
        mib = {s: res[c.name][1] / 1024 for s, c in zip(("folder", "seq", "par", "set", "file"), group)}
        print("  %-52s %7.1f / %.1f / %.1f MiB (%.1f / %.1f / %.0f MB read)"
              % ("ccaudit peak RSS: one file / one set / folder", mib["file"], mib["set"], mib["folder"],
                 os.path.getsize(largest) / 1e6, set_bytes / 1e6, set_bytes * args.copies / 1e6))
        if not agree:
            print("bench: the message counts differ (see above)")
            return 1
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)



MAKE_PST = os.path.join(HERE, "make_pst.py")


def make_pst(path, truth, messages, folders, body_bytes, seed, quiet=True):
    """Runs make_pst.py (niced: other work shares the machine); returns its
    wall time and peak RSS (KiB)."""
    argv = ["nice", "-n", "10", sys.executable, MAKE_PST, path, "--messages", str(messages),
            "--folders", str(folders), "--body-bytes", str(body_bytes), "--seed", str(seed)]
    if truth:
        argv += ["--truth", truth]
    if quiet:
        argv.append("--quiet")
    elapsed, peak, code, _ = timed(argv)
    if code != 0:
        sys.exit("bench: make_pst.py failed (exit %d): %s" % (code, " ".join(argv)))
    return elapsed, peak


def check_pst(pst_path, truth_path, binary, work, explain=True):
    """What make_pst.py wrote, read back by pffinfo, pffexport, readpst and
    ccaudit: every message found by each, and ccaudit's visible count and
    Message-ID of each message equal to the truth file's. Returns a list of
    failures (empty: all agree)."""
    truth = {}
    with open(truth_path) as f:
        for line in f:
            t = json.loads(line)
            truth[t["subject"]] = t
    n = len(truth)
    failures = []
    rc = subprocess.run(["pffinfo", pst_path], capture_output=True, text=True)
    if rc.returncode != 0:
        failures.append("pffinfo: exit %d: %s" % (rc.returncode, rc.stderr.strip()[-300:]))
    target = os.path.join(work, "pffexport")
    rc = subprocess.run(["nice", "-n", "10", "pffexport", "-q", "-t", target, pst_path],
                        capture_output=True, text=True)
    exported = sum(1 for _, _, names in os.walk(target + ".export") if "Message.txt" in names)
    shutil.rmtree(target + ".export", ignore_errors=True)
    print("pffexport: exit %d, %d messages exported of %d" % (rc.returncode, exported, n))
    if rc.returncode != 0 or exported != n:
        failures.append("pffexport: exit %d, %d of %d messages" % (rc.returncode, exported, n))
    out = os.path.join(work, "readpst")
    os.makedirs(out)
    rc = subprocess.run(["nice", "-n", "10", "readpst", "-o", out, "-j", "0", "-D", "-q", pst_path],
                        capture_output=True, text=True)
    converted = mbox_messages(out)
    shutil.rmtree(out)
    print("readpst: exit %d, %d messages converted of %d" % (rc.returncode, converted, n))
    if rc.returncode != 0 or converted != n:
        failures.append("readpst: exit %d, %d of %d messages" % (rc.returncode, converted, n))
    db = os.path.join(work, "check.db")
    rc = subprocess.run(["nice", "-n", "10", binary, "scan", pst_path, "--db", db, "-q"],
                        capture_output=True, text=True)
    row = subprocess.run(["sqlite3", db, "SELECT messages, findings, problems, not_scanned FROM scan"],
                         capture_output=True, text=True).stdout.strip()
    wide = sum(1 for t in truth.values() if t["visible"] >= 25)
    print("ccaudit scan: exit %d, messages|findings|problems|not scanned %s (truth: %d messages, "
          "%d with 25 or more visible)" % (rc.returncode, row, n, wide))
    if rc.returncode not in (0, 1) or row.split("|")[0] != str(n) or row.split("|")[2:] != ["0", "0"]:
        failures.append("ccaudit scan: exit %d, row %s" % (rc.returncode, row))
    if explain:
        seen, wrong = 0, 0
        proc = subprocess.Popen(["nice", "-n", "10", binary, "explain", pst_path, "--format", "jsonl"],
                                stdout=subprocess.PIPE, text=True)
        for line in proc.stdout:
            e = json.loads(line)
            t = truth.pop(e["subject"], None)
            seen += 1
            folder = e["path"].split("!", 1)[1].rsplit("#", 1)[0]
            if t is None or e["visible_count"] != t["visible"] or e["problems"] \
                    or e["message_id"] != t["message_id"].strip("<>") \
                    or folder != "/Top of Personal Folders/" + t["folder"]:
                wrong += 1
                if wrong <= 5:
                    print("  differs: %s: ccaudit %d visible, %s; truth %s"
                          % (e["subject"], e["visible_count"], folder, t))
        proc.wait()
        print("ccaudit explain: %d messages, %d differ from the truth, %d not found"
              % (seen, wrong, len(truth)))
        if proc.returncode != 0 or wrong or truth:
            failures.append("ccaudit explain: %d differ, %d missing" % (wrong, len(truth)))
    # Every message with 25 or more visible addresses is a finding of the scan
    # (the default threshold; the generated mail has no list headers).
    recorded = subprocess.run(["sqlite3", db, "SELECT count(*) FROM finding"],
                              capture_output=True, text=True).stdout.strip()
    print("ccaudit scan: %s finding(s) recorded, %d message(s) with 25 or more visible"
          % (recorded, wide))
    if recorded != str(wide):
        failures.append("ccaudit scan: %s finding(s) recorded for %d flagged messages"
                        % (recorded, wide))
    return failures


def pst_check(args):
    """make_pst.py's output against four readers (see check_pst)."""
    binary = os.path.abspath(args.ccaudit)
    work = tempfile.mkdtemp(prefix="ccaudit-pstcheck-", dir=args.work)
    try:
        path, truth = os.path.join(work, "check.pst"), os.path.join(work, "truth.jsonl")
        t, peak = make_pst(path, truth, args.messages, args.folders, args.body_bytes, args.seed)
        print("make_pst.py: %d messages, %d folders, %.1f MB in %.1f s, peak RSS %.1f MiB"
              % (args.messages, args.folders, os.path.getsize(path) / 1e6, t, peak / 1024))
        failures = check_pst(path, truth, binary, work)
        for f in failures:
            print("FAILED: " + f)
        print("pst-check: %s" % ("every reader read every message as written" if not failures
                                 else "%d failure(s)" % len(failures)))
        return 1 if failures else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def parse_size(text):
    units = {"K": 1e3, "M": 1e6, "G": 1e9}
    return int(float(text[:-1]) * units[text[-1].upper()]) if text[-1].upper() in units else int(text)


def pst_large(args):
    """One PST of each --sizes, written by make_pst.py, then `ccaudit scan`
    (wall time, CPU, peak RSS) against `readpst -o DIR -j 0 -D -q` on the
    same file in the same rounds, with `pffinfo` (libpff opening the file
    and nothing more) for the peak RSS of libpff's own indexes. The file is
    deleted after its row."""
    binary = os.path.abspath(args.ccaudit)
    work = tempfile.mkdtemp(prefix="ccaudit-pstlarge-", dir=args.work)
    rows = []
    try:
        if args.messages:
            plan = [(n, int(n)) for n in args.messages.split(",")]
        else:
            # about the body plus 2.5 KB of properties, tables and indexes a message
            plan = [(size, max(10, int(parse_size(size) / (args.body_bytes + 2500))))
                    for size in args.sizes.split(",")]
        for size, messages in plan:
            # libpff finds each message of a folder by a linear search of the
            # folder's items (see README): --per-folder keeps folders to about
            # that many messages, so time and memory show the file's size.
            folders = max(args.folders, messages // args.per_folder) if args.per_folder else args.folders
            path = os.path.join(work, "large.pst")
            truth = os.path.join(work, "truth.jsonl")
            gen, gen_rss = make_pst(path, truth, messages, folders, args.body_bytes, args.seed)
            mb = os.path.getsize(path) / 1e6
            print("%s: %d messages, %d folders, %.0f MB, written in %.0f s (make_pst.py peak RSS "
                  "%.1f MiB); load %.1f" % (size, messages, folders, mb, gen, gen_rss / 1024,
                                           os.getloadavg()[0]), flush=True)
            db = os.path.join(work, "large.db")
            out = os.path.join(work, "readpst")

            def prepare_readpst():
                shutil.rmtree(out, ignore_errors=True)
                os.makedirs(out)
            group = [Command("ccaudit scan", ["nice", "-n", "10", binary, "scan", path, "--db", db, "-q"],
                             (0, 1), prepare=remover(db))]
            if not args.scan_only:
                group.append(Command("readpst -j 0 -D", ["nice", "-n", "10", "readpst", "-o", out, "-j",
                                                         "0", "-D", "-q", path], prepare=prepare_readpst))
            group += ([Command("pffinfo (open only)", ["nice", "-n", "10", "pffinfo", path])]
                          if args.pffinfo else [])
            res, cpu = {}, {}
            measure_group(group, args.repeat, res, cpu)
            scanned = subprocess.run(["sqlite3", db, "SELECT messages, findings, problems, not_scanned FROM scan"],
                                     capture_output=True, text=True).stdout.strip()
            converted = messages if args.scan_only else mbox_messages(out)
            shutil.rmtree(out, ignore_errors=True)
            ok = scanned.split("|")[0] == str(messages) and converted == messages
            nan = (float("nan"), 0)
            readpst = res.get("readpst -j 0 -D", nan)
            rows.append(("%s, %d folders" % (size, folders), messages, mb, res["ccaudit scan"][0], cpu["ccaudit scan"],
                         readpst[0], cpu.get("readpst -j 0 -D", float("nan")),
                         res["ccaudit scan"][1] / 1024, readpst[1] / 1024,
                         res["pffinfo (open only)"][1] / 1024 if args.pffinfo else float("nan"),
                         scanned, converted, ok))
            print("  scan row %s; readpst %d messages; %s" % (scanned, converted,
                                                               "counts agree" if ok else "COUNTS DIFFER"),
                  flush=True)
            if args.check:
                for f in check_pst(path, truth, binary, work, explain=messages <= 200000):
                    print("  FAILED: " + f)
            os.remove(path)
            os.remove(truth)
            remover(db)()
        print("| size | messages | MB | scan s (CPU) | readpst s (CPU) | scan / readpst | "
              "scan peak RSS MiB | readpst peak RSS MiB | pffinfo peak RSS MiB | counts |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for (size, n, mb, ts, cs, tr, cr, rss, rrss, irss, scanned, converted, ok) in rows:
            print("| %s | %d | %.0f | %.2f (%.2f) | %.2f (%.2f) | %.2f | %.1f | %.1f | %.1f | %s |"
                  % (size, n, mb, ts, cs, tr, cr, ts / tr, rss, rrss, irss,
                     "agree" if ok else "DIFFER: %s / %d" % (scanned, converted)))
        return 0 if all(r[-1] for r in rows) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


def identical(args):
    binary = os.path.abspath(args.ccaudit)
    tmp = tempfile.mkdtemp(prefix="ccaudit-jobs-")
    try:
        if args.messages:  # a small corpus with many findings and problems
            args.dir = os.path.join(tmp, "corpus")
            generate(argparse.Namespace(dir=args.dir, messages=args.messages, seed=7,
                                        wide_rate=0.05, malformed_rate=0.05,
                                        profile=args.profile))
        outputs = []
        for jobs in ("1", str(args.jobs)):
            db = os.path.join(tmp, "j%s.db" % jobs)
            for target in ("corpus.mbox", "maildir"):
                subprocess.run([binary, "scan", os.path.join(args.dir, target), "--db", db,
                                "--quiet", "--jobs", jobs], stderr=subprocess.DEVNULL)
            report = []
            for scan_id in ("1", "2"):
                report.append(subprocess.run(
                    [binary, "report", "--db", db, "--format", "jsonl", "--scan", scan_id],
                    capture_output=True, check=True).stdout)
            problems = subprocess.run(
                ["sqlite3", db, "SELECT scan_id, path, offset, mbox_index, kind, detail "
                                "FROM problem ORDER BY id"], capture_output=True, check=True).stdout
            counts = subprocess.run(
                ["sqlite3", db, "SELECT sources, messages, findings, problems, not_scanned "
                                "FROM scan ORDER BY id"], capture_output=True, check=True).stdout
            outputs.append((report, problems, counts))
        same = outputs[0] == outputs[1]
        findings = sum(len(r.splitlines()) for r in outputs[0][0])
        print("--jobs 1 and --jobs %d: %s (%d findings, %d problem rows, scans %s)"
              % (args.jobs, "identical" if same else "DIFFERENT", findings,
                 len(outputs[0][1].splitlines()), outputs[0][2].decode().split()))
        return 0 if same and findings > 0 else 1
    finally:
        shutil.rmtree(tmp)


def shards(args):
    """One scan of the corpus's Maildir against 4 shards of it run at once
    and then merged (total wall time), in the same rounds; the two reviews
    must be identical (report --format csv, and the text but its first line)."""
    binary = os.path.abspath(args.ccaudit)
    maildir = os.path.join(args.dir, "maildir")
    work = tempfile.mkdtemp(prefix="ccaudit-shards-")
    try:
        single = os.path.join(work, "single.db")
        parts = [os.path.join(work, "shard%d.db" % i) for i in range(args.shards)]
        merged = os.path.join(work, "merged.db")

        def clean():
            for db in [single, merged] + parts:
                remover(db)()
        scan_shards = " ".join(
            "'%s' scan '%s' --shard %d/%d --db '%s' -q --fail-on none &"
            % (binary, maildir, i, args.shards, parts[i]) for i in range(args.shards))
        merge = "'%s' merge %s --db '%s'" % (binary, " ".join("'%s'" % d for d in parts), merged)
        group = [Command("ccaudit scan (one)", [binary, "scan", maildir, "--db", single, "-q",
                                                "--fail-on", "none"], prepare=clean),
                 Command("%d shards at once, then merge" % args.shards,
                         "%s wait; %s" % (scan_shards, merge))]
        print("corpus: %s; %d cores; median of %d runs" % (maildir, os.cpu_count(), args.repeat))
        res = {}
        measure_group(group, args.repeat, res)
        one, sharded = res["ccaudit scan (one)"][0], res[group[1].name][0]
        clean()
        for i in range(args.shards):
            subprocess.run([binary, "scan", maildir, "--shard", "%d/%d" % (i, args.shards), "--db",
                            parts[i], "-q"], stderr=subprocess.DEVNULL)
        subprocess.run([binary, "scan", maildir, "--db", single, "-q"], stderr=subprocess.DEVNULL)
        t0 = time.perf_counter()
        subprocess.run(["sh", "-c", merge], stderr=subprocess.DEVNULL, check=True)
        merge_time = time.perf_counter() - t0
        reviews = []
        for db in (single, merged):
            csv = subprocess.run([binary, "report", "--db", db, "--format", "csv"],
                                 capture_output=True, check=True).stdout
            text = subprocess.run([binary, "report", "--db", db], capture_output=True,
                                  check=True).stdout.split(b"\n", 1)[1]
            reviews.append((csv, text))
        same = reviews[0] == reviews[1]
        print("shards + merge / one scan: %.2f (merge alone %.2f s); reviews %s"
              % (sharded / one, merge_time, "identical" if same else "DIFFERENT"))
        return 0 if same else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


def grow_findings(db, wanted, per_finding=0):
    """Doubles the findings of `db` (and their address rows) until there are
    at least `wanted`: each copy at a path of its own, so none is one copy
    twice. For timing merge, whose work is per row."""
    con = sqlite3.connect(db)
    if per_finding:
        # At most `per_finding` addresses each: the rows past it go.
        for first, count in con.execute("SELECT address_first, address_count FROM finding "
                                        "WHERE address_count > ?", (per_finding,)).fetchall():
            con.execute("DELETE FROM finding_address_row WHERE id >= ? AND id < ?",
                        (first + per_finding, first + count))
        con.execute("UPDATE finding SET address_count = min(address_count, ?)", (per_finding,))
        con.commit()
    cols = [r[1] for r in con.execute("PRAGMA table_info(finding)")]
    rows = [r[1] for r in con.execute("PRAGMA table_info(finding_address_row)")]
    while con.execute("SELECT count(*) FROM finding").fetchone()[0] < wanted:
        f = con.execute("SELECT max(id) FROM finding").fetchone()[0]
        a = con.execute("SELECT coalesce(max(id), 0) FROM finding_address_row").fetchone()[0]
        con.execute("INSERT INTO finding_address_row (%s) SELECT %s FROM finding_address_row"
                    % (", ".join(rows), ", ".join("id + %d" % a if c == "id" else c for c in rows)))
        shifted = {"id": "id + %d" % f, "address_first": "address_first + %d" % a,
                   "path": "path || '#copy' || (id + %d)" % f}
        con.execute("INSERT INTO finding (%s) SELECT %s FROM finding"
                    % (", ".join(cols), ", ".join(shifted.get(c, c) for c in cols)))
        con.commit()
    n = con.execute("SELECT count(*) FROM finding").fetchone()[0]
    m = con.execute("SELECT count(*) FROM finding_address_row").fetchone()[0]
    con.close()
    return n, m


def merge_scale(args):
    """ccaudit merge of one database of each size in --findings (grown from a
    scan of a generated corpus by grow_findings): time, and time per finding,
    which must not grow with the size."""
    binary = os.path.abspath(args.ccaudit)
    work = tempfile.mkdtemp(prefix="ccaudit-merge-")
    try:
        corpus = os.path.join(work, "corpus")
        generate(argparse.Namespace(dir=corpus, messages=args.messages, seed=11,
                                    wide_rate=0.2, malformed_rate=0.0))
        base = os.path.join(work, "base.db")
        subprocess.run([binary, "scan", os.path.join(corpus, "maildir"), "--db", base, "-q"],
                       stderr=subprocess.DEVNULL)
        print("| findings | address rows | source MB | merge s | µs per finding | µs per address row |")
        print("|---|---|---|---|---|---|")
        for wanted in [int(x) for x in args.findings.split(",")]:
            src = os.path.join(work, "src.db")
            remover(src)()
            shutil.copyfile(base, src)
            n, m = grow_findings(src, wanted, args.addresses)
            target = os.path.join(work, "target.db")
            res = {}
            measure_group([Command("merge", [binary, "merge", src, "--db", target],
                                   prepare=remover(target))], args.repeat, res)
            t = res["merge"][0]
            print("| %d | %d | %.0f | %.2f | %.1f | %.2f |"
                  % (n, m, os.path.getsize(src) / 1e6, t, t / n * 1e6, t / m * 1e6), flush=True)
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate")
    g.add_argument("dir")
    g.add_argument("--messages", type=int, default=12000)
    g.add_argument("--seed", type=int, default=20261126)
    g.add_argument("--wide-rate", type=float, default=0.005,
                   help="share of messages with 50-5,000 visible recipients")
    g.add_argument("--malformed-rate", type=float, default=0.002)
    g.add_argument("--profile", choices=["default", "corporate", "small"], default="default",
                   help="corporate: the shape of a company's archive (wide lists on 9%% of "
                        "messages, unfolded To/Cc, Exchange junk); --wide-rate is then unused. "
                        "small: short messages without attachments, Maildir only (for a "
                        "million messages)")
    r = sub.add_parser("run")
    r.add_argument("dir", nargs="+", help="corpora made by generate (e.g. one of each profile)")
    r.add_argument("--ccaudit", default="build/src/ccaudit")
    r.add_argument("--repeat", type=int, default=3)
    r.add_argument("--no-python", action="store_true")
    r.add_argument("--rss", help="a larger corpus, for peak RSS")
    r.add_argument("--reference", metavar="CCAUDIT",
                   help="another build (an earlier commit's) timed in the same rounds, "
                        "compared with --ccaudit (warm runs only)")
    r.add_argument("--cold", action="store_true",
                   help="drop the page cache before every command (root) and compare with "
                        "head -c 4096 run 16 at a time and mblaze")
    r.add_argument("--hogs", type=int, default=0,
                   help="run this many busy processes meanwhile (other work on the machine)")
    rs = sub.add_parser("rescan")
    rs.add_argument("dir")
    rs.add_argument("--ccaudit", default="build/src/ccaudit")
    rs.add_argument("--repeat", type=int, default=5)
    gr = sub.add_parser("growth")
    gr.add_argument("dir", nargs="+", help="corpora made by generate, smallest first")
    gr.add_argument("--ccaudit", default="build/src/ccaudit")
    gr.add_argument("--repeat", type=int, default=3)
    gr.add_argument("--layout", default="maildir", choices=["maildir", "files", "corpus.mbox"],
                    help="what of each corpus to scan (maildir where it has no other)")
    c = sub.add_parser("content")
    c.add_argument("dir")
    c.add_argument("--ccaudit", default="build/src/ccaudit")
    c.add_argument("--repeat", type=int, default=3)
    z = sub.add_parser("compressed")
    z.add_argument("dir")
    z.add_argument("--ccaudit", default="build/src/ccaudit")
    z.add_argument("--repeat", type=int, default=5)
    z.add_argument("--hogs", type=int, default=0,
                   help="run this many busy processes meanwhile (other work on the machine)")
    o = sub.add_parser("pst")
    o.add_argument("--source", nargs="+",
                   default=[os.path.join(HERE, "..", "..", "fixtures", "outlook")],
                   help="PST/OST files, or folders holding them (default: fixtures/outlook)")
    o.add_argument("--copies", type=int, default=300, help="copies of the source files in the folder")
    o.add_argument("--ccaudit", default="build/src/ccaudit")
    o.add_argument("--repeat", type=int, default=5)
    o.add_argument("--parallel", type=int, default=os.cpu_count(),
                   help="readpst processes at a time in the second baseline (xargs -P)")
    o.add_argument("--hogs", type=int, default=0,
                   help="run this many busy processes meanwhile (other work on the machine)")
    o.add_argument("--work", help="where to write the folder and readpst's output (default: TMPDIR)")
    for name in ("pst-check", "pst-large"):
        q = sub.add_parser(name)
        q.add_argument("--ccaudit", default="build/src/ccaudit")
        q.add_argument("--folders", type=int, default=8)
        q.add_argument("--body-bytes", type=int, default=6000)
        q.add_argument("--seed", type=int, default=20261205)
        q.add_argument("--work", help="where to write the PSTs (default: TMPDIR)")
        if name == "pst-check":
            q.add_argument("--messages", type=int, default=3000)
        else:
            q.add_argument("--sizes", default="100M,1G,4G",
                           help="approximate file sizes, comma-separated (K, M, G)")
            q.add_argument("--repeat", type=int, default=1)
            q.add_argument("--messages", help="message counts, comma-separated (instead of --sizes)")
            q.add_argument("--per-folder", type=int, default=4000,
                           help="at least messages / this many folders (0: --folders as given)")
            q.add_argument("--check", action="store_true",
                           help="also run pst-check's four readers on each file")
            q.add_argument("--pffinfo", action="store_true",
                           help="also time pffinfo: libpff opening the file (slow past 1 GB)")
            q.add_argument("--scan-only", action="store_true",
                           help="time the scan alone (readpst takes hours past a few GB)")
    sh = sub.add_parser("shards")
    sh.add_argument("dir", help="a corpus written by generate")
    sh.add_argument("--ccaudit", default="build/src/ccaudit")
    sh.add_argument("--shards", type=int, default=4)
    sh.add_argument("--repeat", type=int, default=3)
    ms = sub.add_parser("merge-scale")
    ms.add_argument("--ccaudit", default="build/src/ccaudit")
    ms.add_argument("--findings", default="10000,100000")
    ms.add_argument("--messages", type=int, default=2000, help="of the corpus grown from")
    ms.add_argument("--repeat", type=int, default=3)
    ms.add_argument("--addresses", type=int, default=50,
                    help="addresses per finding at most (0: as scanned, 50 to 5,000)")
    i = sub.add_parser("identical")
    i.add_argument("dir", nargs="?")
    i.add_argument("--messages", type=int,
                   help="generate a corpus of this many messages instead of DIR")
    i.add_argument("--ccaudit", default="build/src/ccaudit")
    i.add_argument("--jobs", type=int, default=4)
    i.add_argument("--profile", choices=["default", "corporate"], default="default",
                   help="of the generated corpus")
    args = p.parse_args()
    if args.command == "generate":
        generate(args)
    elif args.command == "run":
        run(args)
    elif args.command == "rescan":
        sys.exit(rescan(args))
    elif args.command == "growth":
        sys.exit(growth(args))
    elif args.command == "content":
        sys.exit(content(args))
    elif args.command == "compressed":
        sys.exit(compressed(args))
    elif args.command == "pst":
        sys.exit(pst(args))
    elif args.command == "pst-check":
        sys.exit(pst_check(args))
    elif args.command == "pst-large":
        sys.exit(pst_large(args))
    elif args.command == "shards":
        sys.exit(shards(args))
    elif args.command == "merge-scale":
        sys.exit(merge_scale(args))
    else:
        sys.exit(identical(args))


if __name__ == "__main__":
    main()
