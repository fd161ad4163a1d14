#!/usr/bin/env python3
"""What a user would write with Python's standard library: the benchmark's
baseline. Reads an mbox file or a Maildir with `mailbox`, parses headers with
`email`, counts distinct To/Cc/Resent-To/Resent-Cc addresses with
`email.utils.getaddresses`, and prints how many messages reach 25."""
import email.parser
import email.policy
import email.utils
import mailbox
import os
import sys

FIELDS = ("to", "cc", "resent-to", "resent-cc")


def main(path):
    parser = email.parser.BytesHeaderParser(policy=email.policy.compat32)
    if os.path.isdir(path):
        box = mailbox.Maildir(path, factory=None, create=False)
        messages = (parser.parsebytes(box.get_bytes(key)) for key in box.iterkeys())
    else:
        box = mailbox.mbox(path, create=False)
        messages = (parser.parsebytes(box.get_bytes(key)) for key in box.iterkeys())
    total = flagged = 0
    for msg in messages:
        total += 1
        values = []
        for name in FIELDS:
            values += msg.get_all(name, [])
        addresses = {a.lower() for _, a in email.utils.getaddresses(values) if a}
        flagged += len(addresses) >= 25
    print("%d messages, %d flagged" % (total, flagged))


if __name__ == "__main__":
    main(sys.argv[1])
