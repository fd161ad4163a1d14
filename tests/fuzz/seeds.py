#!/usr/bin/env python3
"""Hostile seeds for a fuzz target: deep nesting and long repeated structures.

tests/fuzz/seeds.py TARGET DIR writes them into DIR (run.sh calls it). The
fixtures seed what mail looks like; these seed what breaks parsers: each one
once crashed or stalled a mail parser (GMime's group recursion overflowed the
stack at 40,000 levels; a References dedupe and a suffix set went quadratic),
so the fuzzer starts from the edges and mutates outward. Every seed is under
the 256 KiB run.sh passes as -max_len.
"""
import os
import sys

ADDRESSES = ", ".join(f"u{i}@example.com" for i in range(30))


def fields():
    """Address-list values (the address_list target reads one value)."""
    n = 20000
    return {
        "groups_nested": "g: " * n + ADDRESSES + ";" * n,
        "groups_unclosed": "g:" * n + ADDRESSES,
        "groups_sequential": "g: a@example.com; " * n,
        "comments_nested": "a@example.com " + "(" * n + ")" * n + ", " + ADDRESSES,
        "comments_unclosed": ADDRESSES + " " + "(" * n,
        "angles_nested": "<" * n + "a@example.com" + ">" * n + ", " + ADDRESSES,
        "angles_unclosed": "<" * n + ADDRESSES,
        "quoted_escapes": '"' + '\\"' * n + '" <a@example.com>, ' + ADDRESSES,
        "quoted_unclosed": ADDRESSES + ', "' + "x" * n,
        "encoded_words": "=?utf-8?q?a?= " * (n // 2) + "<a@example.com>, " + ADDRESSES,
        "route_long": "<" + "@a.example.com," * (n // 2) + "@b.example.com:a@example.com>, " + ADDRESSES,
        "colons": ":" * n + ADDRESSES,
        "dotted_local": "a" + ".a" * (n * 3) + "@example.com, @, " + ADDRESSES,
        "literal_token": "x " + "a." * (n * 3) + "a@[ @, " + ADDRESSES,
        "at_signs": "@" * n + ", " + ADDRESSES,
        "semicolons": ADDRESSES.replace(",", ";") + ";" * n,
        "display_name_addresses": ", ".join(f"u{i}@example.org <v{i}@example.com>" for i in range(3000)),
        # Lists read item by item (items_read_alone): broken items among
        # simple ones, whose reading GMime must not carry past a ','.
        "items_alone": ", ".join(
            [f'"Doe{i}, Jane (Dept)" <j{i}@example.com>' for i in range(200)]
            + ["Ann Lee [Sales] <ann@example.com>", "e-mail <'bo'@example.com>",
               "x@[192.0.2.1]", "a@b@example.com", "=?utf-8?q?Zo=C3=AB?= <z@example.com>",
               "=?UTF-8?B?RG9lLCAgSsO8cmc=?= <d@example.com>", "=?utf-8?b?QR==?= <q@example.com>",
               "Lee [ <l@example.com>", "[x] y@example.com <w@example.com>",
               "<a@example.com> b@example.com", "Doe, Jane <jd@example.com>"]),
    }


def message(to, extra=""):
    return ("From: a@example.com\nSubject: s\nMessage-ID: <s@example.com>\n"
            "Date: Mon, 04 Mar 2019 10:15:00 +0000\n" + extra + "To: " + to + "\n\nbody\n")


def messages():
    """Whole messages (header_block, mime) and mboxes (mbox)."""
    n = 20000
    out = {f"to_{k}": message(v) for k, v in fields().items()}
    refs = " ".join(f"<r{i}@example.com>" for i in range(10000))
    out["references"] = message(ADDRESSES, "In-Reply-To: " + refs + "\nReferences: " + refs + "\n")
    out["many_fields"] = message(ADDRESSES, "X-A: b\n" * n)
    out["folded_lines"] = message(ADDRESSES, "X-Long: a\n" + " b\n" * n)
    out["many_to_fields"] = "".join(f"To: u{i}@example.com\n" for i in range(n // 2)) + "\nbody\n"
    out["blank_lines_first"] = "\n" * 100 + message(ADDRESSES)
    boundary = "b"
    nested = ""
    for depth in range(2000):
        nested += f"Content-Type: multipart/mixed; boundary=\"{boundary * (depth + 1)}\"\n\n--{boundary * (depth + 1)}\n"
    out["multipart_nested"] = message(ADDRESSES, "MIME-Version: 1.0\n").replace("\n\nbody\n", "\n" + nested)
    out["rfc822_nested"] = message(ADDRESSES, "MIME-Version: 1.0\n").replace(
        "\n\nbody\n", "\n" + "Content-Type: message/rfc822\n\n" * 3000)
    out["ct_parameters"] = message(ADDRESSES, "Content-Type: text/plain" + "; a=b" * (n // 4) + "\n")
    out["ct_rfc2231"] = message(ADDRESSES, "Content-Type: text/plain; " + "; ".join(
        f"name*{i}*=utf-8''a" for i in range(n // 8)) + "\n")
    out["netscape_mbox"] = "".join("From - \nX-Mozilla-Status: 0001\nFrom: a@example.org\nTo: "
                                   + ADDRESSES + "\n\nbody\n" for _ in range(200))
    out["undated_from_lines"] = "From a@example.org Mon Mar  4 10:15:00 2019\n" + message(ADDRESSES) \
        + "From - x\nTo: a@example.org\n" * (n // 4)
    return out


def main():
    target, folder = sys.argv[1], sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    seeds = fields() if target == "address_list" else messages()
    for name, text in seeds.items():
        data = text.encode()[: 256 * 1024]
        with open(os.path.join(folder, "hostile_" + name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
