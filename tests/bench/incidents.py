#!/usr/bin/env python3
"""An archive with many incidents, to time `ccaudit report` (see README.md).

  incidents.py DIR --incidents N [--seed S]
      Writes DIR/inbox.mbox and DIR/sent.mbox: N sends of 34-49 visible
      addresses each (distinct Message-IDs), with what a review groups:
      copies in both mailboxes (some with a different recipient set),
      campaigns (one sender and subject, a day apart), reply-alls to earlier
      sends, list mail (List-Id: suppressed unless --include-suppressed),
      sends without a Message-ID, and addresses in example.net (use
      --internal-domain example.net). Deterministic for a given N and seed.
  incidents.py DIR --small N
      Plus N messages of 1-3 recipients each: findings at --threshold 1
      (the issue's "45,000 findings" archive), a third of them list mail.

Python 3 standard library only; reserved example domains only.
"""
import argparse
import os
import random
import time

DOMAINS = ["example.com", "example.org", "example.net", "eu.example.com"]
FIRST = ["alba", "bertil", "corisande", "dagny", "evander", "fenwick", "greta",
         "halvard", "isolde", "jonas", "katrin", "leopold", "maren", "niall"]
LAST = ["ashgrove", "bellwether", "cinderford", "dunmere", "elderby",
        "fallowmere", "glimmerton", "hartsbrook", "ivyholt", "juniperly"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
          "Nov", "Dec"]


def rfc2822(t):
    tm = time.gmtime(t)
    return "%s, %02d %s %d %02d:%02d:%02d +0000" % (
        DAYS[tm.tm_wday], tm.tm_mday, MONTHS[tm.tm_mon - 1], tm.tm_year,
        tm.tm_hour, tm.tm_min, tm.tm_sec)


class Corpus:
    def __init__(self, seed):
        self.r = random.Random(seed)
        # A population the sends draw from: a reply-all and a campaign share
        # addresses, and so do unrelated sends, as in a real archive.
        self.people = []
        for i in range(20000):
            first, last = self.r.choice(FIRST), self.r.choice(LAST)
            address = "%s.%s%d@%s" % (first, last, i, self.r.choice(DOMAINS))
            name = "%s %s" % (first.capitalize(), last.capitalize())
            self.people.append("%s <%s>" % (name, address) if i % 3 else address)
        self.senders = ["sender%d@example.com" % i for i in range(800)]

    def recipients(self, n):
        return self.r.sample(self.people, n)


def message(sender, to, subject, t, message_id, headers=()):
    h = ["From: " + sender, "To: " + ",\n ".join(to), "Subject: " + subject,
         "Date: " + rfc2822(t)]
    if message_id:
        h.append("Message-ID: <%s>" % message_id)
    h.extend(headers)
    return "\n".join(h) + "\n\nPlease see the attached figures.\n"


def mbox_entry(sender, t, text):
    return "From %s %s\n%s\n" % (sender, time.asctime(time.gmtime(t)), text)


def generate(args):
    os.makedirs(args.dir, exist_ok=True)
    c, r = Corpus(args.seed), None
    r = c.r
    t0 = 1577836800  # 2020-01-01
    inbox, sent = [], []
    sends = []  # (message_id, to, t) of earlier sends, for reply-alls
    campaign = None
    for i in range(args.incidents):
        t = t0 + i * 3600 + r.randrange(3600)
        u = r.random()
        headers = []
        message_id = "%d.%08x@incidents.example.org" % (i, r.getrandbits(32))
        if campaign and campaign[2] > 0:  # the next batch of a campaign
            sender, subject, left = campaign
            campaign = (sender, subject, left - 1)
            t = campaign_t + 86400 * (campaign[2] + 1)
            to = c.recipients(34 + r.randrange(16))
        elif u < 0.05 and sends:  # a reply-all that shows the list again
            mid, to, _ = sends[r.randrange(max(0, len(sends) - 50), len(sends))]
            sender = r.choice(c.senders)
            subject = "Re: figures %d" % r.randrange(1000)
            headers.append("In-Reply-To: <%s>" % mid)
            to = to[:]
        else:
            sender = r.choice(c.senders)
            subject = "figures %d" % r.randrange(100000)
            to = c.recipients(34 + r.randrange(16))
            if u < 0.10:
                campaign = (sender, subject, 2 + r.randrange(3))
                campaign_t = t
        if r.random() < 0.10:
            headers.append("List-Id: Team list <team.lists.example.org>")
        if r.random() < 0.03:
            message_id = ""
        text = message(sender, to, subject, t, message_id, headers)
        inbox.append(mbox_entry(sender, t, text))
        if r.random() < 0.3:  # a copy in the sender's Sent folder
            copy_to = to if r.random() < 0.9 else to[:-1]  # some diverge
            sent.append(mbox_entry(sender, t, message(sender, copy_to, subject, t,
                                                      message_id, headers)))
        if message_id:
            sends.append((message_id, to, t))
    for i in range(args.small):
        t = t0 + i * 600
        sender = r.choice(c.senders)
        headers = ["List-Id: News <news.lists.example.org>"] if i % 3 == 0 else []
        text = message(sender, c.recipients(1 + r.randrange(3)), "note %d" % i, t,
                       "s%d.%08x@incidents.example.org" % (i, r.getrandbits(32)), headers)
        inbox.append(mbox_entry(sender, t, text))
    with open(os.path.join(args.dir, "inbox.mbox"), "w") as f:
        f.write("".join(inbox))
    with open(os.path.join(args.dir, "sent.mbox"), "w") as f:
        f.write("".join(sent))
    print("%s: %d messages in inbox.mbox, %d in sent.mbox"
          % (args.dir, len(inbox), len(sent)))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("dir")
    p.add_argument("--incidents", type=int, default=4000)
    p.add_argument("--small", type=int, default=0)
    p.add_argument("--seed", type=int, default=20260516)
    generate(p.parse_args())


if __name__ == "__main__":
    main()
