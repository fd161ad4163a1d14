#pragma once

#include "core/issue.hpp"
#include "headers/message_headers.hpp"
#include "mime/content.hpp"
#include "outlook/item.hpp"

#include <memory>
#include <string>
#include <vector>

namespace ccaudit::scan {

// What a scan reads of one Outlook item (a PST/OST message, a .msg file).
//
// Received mail keeps the Internet header it arrived with (transport
// headers): that is what its recipients saw, so `header` is that block and
// it is parsed like any other message; the recipient table is only compared
// with it (recipients_disagree). Mail written in Outlook (a Sent Items copy,
// a draft) has no header: `built` holds the fields read from its properties
// and its recipient table, To (type 1) and Cc (type 2) rows only, never Bcc
// (3). A row's address is its SMTP address (PidTagSmtpAddress, else the
// e-mail address of an "SMTP" row); an Exchange row with none is counted by
// its legacy DN, compared without regard to case (exchange_address).
//
// With --content (the item's content was read), `content` holds what the
// content rules read, as a MIME walk would give it: the plain text body
// (part "1"), the HTML body ("2"), then each attachment ("3", "4", ...)
// whose type or name mime::part_use() keeps; an attached item (or .eml) is
// an embedded message, and its own parts are numbered below it ("3.1").
struct OutlookMessage
{
  std::string header;                                     // "" when built
  std::shared_ptr<const headers::MessageHeaders> built;   // null: parse `header`
  std::shared_ptr<const mime::MessageContent> content;    // null: not read
  std::vector<Issue> issues;
};

OutlookMessage read_outlook_item(outlook::Item&& item);

} // namespace ccaudit::scan
