#pragma once

#include "core/issue.hpp"
#include "headers/message_headers.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ccaudit::mime {

// Bounds on what one message's content may cost. Going over is an issue
// (content_limit), never a crash: what is over a bound is not read.
struct ContentLimits
{
  std::size_t max_depth = 32;                      // multipart and message nesting
  std::size_t max_part_bytes = std::size_t{16} << 20;    // decoded, per part
  std::size_t max_message_bytes = std::size_t{64} << 20; // decoded, per message
  std::size_t max_parts = 10000;                   // parts walked per message
  // A multipart body is handed to mimetic without the bodies of the parts
  // it skips (attachments) of at least this many bytes, where that changes
  // nothing else (0: never; to check that).
  std::size_t cut_parts_from = 4096;
};

// A part whose text detectors read: decoded and converted to UTF-8.
struct TextPart
{
  std::string path;     // MIME part number, e.g. "2.1" ("1" for a one-part body)
  std::string type;     // lower-case media type, e.g. "text/csv"
  std::string filename; // decoded; "" if none
  std::string text;     // UTF-8
};

// A message inside the message: a message/rfc822 part or an attached .eml.
struct EmbeddedMessage
{
  std::string path;
  std::string filename;
  std::string header; // its header block
  // An attached Outlook item written without an Internet header: its
  // fields, read from its properties (`header` is then empty).
  std::shared_ptr<const headers::MessageHeaders> built;
};

struct MessageContent
{
  std::vector<TextPart> parts;
  std::vector<EmbeddedMessage> messages;
  std::size_t bytes_cut = 0; // of skipped parts, never handed to mimetic
};

// Walks the MIME structure of one message (mimetic), given its header block
// (only Content-Type, Content-Transfer-Encoding and MIME-Version are taken
// from it: mimetic's own header parser loses fields after a malformed line)
// and its body. Keeps the parts whose text may hold addresses: text/plain,
// text/html, text/csv, text/tab-separated-values, text/vcard (and
// text/x-vcard, text/directory), and any part named .csv, .tsv, .txt or
// .vcf; and every embedded message, whose own parts are walked too. Never
// throws for bad input.
// What read_content() does with a part of this media type (lower case) and
// file name: read its text, read it as an attached message (.eml), or skip
// it. Other readers of attachments (Outlook items) keep the same parts.
enum class PartUse { text, message, skip };
PartUse part_use(std::string_view type, std::string_view filename);

Parsed<MessageContent> read_content(std::string_view header_block, std::string_view body,
                                    const ContentLimits& limits = {});

} // namespace ccaudit::mime
