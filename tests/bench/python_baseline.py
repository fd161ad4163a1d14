#!/usr/bin/env python3
"""What a user would write with Python's standard library: the benchmark's
baseline. Iterates an mbox file or a Maildir with `mailbox` (which parses
each message with `email`), counts distinct To/Cc/Resent-To/Resent-Cc
addresses with `email.utils.getaddresses`, and prints how many messages
reach 25."""
import email.utils
import mailbox
import os
import sys

FIELDS = ("to", "cc", "resent-to", "resent-cc")


def main(path):
    if os.path.isdir(path):
        box = mailbox.Maildir(path, factory=None, create=False)
    else:
        box = mailbox.mbox(path, create=False)
    total = flagged = 0
    for msg in box:
        total += 1
        values = []
        for name in FIELDS:
            values += msg.get_all(name, [])
        addresses = {a.lower() for _, a in email.utils.getaddresses(values) if a}
        flagged += len(addresses) >= 25
    print("%d messages, %d flagged" % (total, flagged))


if __name__ == "__main__":
    main(sys.argv[1])
