#pragma once

#include "headers/address_list.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ccaudit::detect {

// The distinct email addresses written in free text (a CSV export, a vCard,
// a body), normalised as header addresses are, in order of first
// appearance. An address is "local@domain" with a dotted domain whose last
// label is at least two letters (or an IDN A-label): "a@b" and
// "user@localhost" in prose are not counted.
std::vector<std::string> addresses_in_text(std::string_view text);

// The text a reader sees of an HTML body: tags become blanks (line breaks
// for block tags), entities are decoded, script and style are dropped; a
// tag holding an '@' (a mailto: link) is kept as text.
std::string html_to_text(std::string_view html);

// A header block quoted in a body above an earlier message, as Outlook
// ("From: / Sent: / To: / Cc: / Subject:") and Thunderbird ("Subject: /
// Date: / From: / To: / CC:") write it, '>' quoting allowed: the mailboxes
// of its To and Cc lines.
struct QuotedHeader
{
  std::size_t line = 0; // 1-based, of its first line in the text
  std::vector<headers::Mailbox> to, cc;
};
std::vector<QuotedHeader> quoted_headers(std::string_view text);

} // namespace ccaudit::detect
