#pragma once

#include "core/issue.hpp"
#include "headers/address_list.hpp"
#include "headers/header_block.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ccaudit::headers {

// The fields whose addresses every recipient can read. Bcc is not here.
enum class AddressField { to, cc, resent_to, resent_cc };

std::string_view to_string(AddressField field); // "to", "cc", "resent-to", ...
// The visible field a header name denotes (any case), if any.
std::optional<AddressField> visible_field(std::string_view name);

struct Recipient
{
  AddressField field;
  Mailbox mailbox;
};

// One visible address field as written, and what was read from it.
struct AddressFieldValue
{
  AddressField field;
  std::string name;          // as written, e.g. "CC"
  std::string value;         // unfolded
  std::size_t line = 0;      // 1-based line in the header block
  std::size_t first = 0;     // its mailboxes: recipients[first, first+count)
  std::size_t count = 0;
  std::vector<Issue> issues; // what parsing this field noticed
};

// A field whose addresses the recipients do NOT see (Bcc, Resent-Bcc, or an
// Outlook item's Bcc rows), with how many mailboxes it holds: never counted,
// shown by `ccaudit explain` so a reviewer sees what was left out.
struct HiddenField
{
  std::string name;      // as written, e.g. "Bcc"
  std::size_t line = 0;  // 1-based line in the header block; 0: not a line
  std::size_t mailboxes = 0;
};

// What detectors see of one message.
struct MessageHeaders
{
  std::string message_id;                // without <>; see parse_message_id()
  std::string date, subject;             // subject RFC 2047 decoded
  std::optional<std::int64_t> sent_at;   // Date, UTC seconds; nullopt if unreadable
  std::vector<std::string> references;   // In-Reply-To, then References ids
  // The first field that marks list or bulk mail (List-Id, List-Post,
  // List-Unsubscribe, Mailing-List, Feedback-ID, Precedence: bulk, list or
  // junk, Auto-Submitted other than "no"), as "Name: value"; "" if none.
  std::string bulk_marker;
  std::int64_t file_mtime = 0; // of the file holding it (set by the scanner)
  std::string from_address, from_name;   // first mailbox of From
  std::vector<Recipient> recipients;     // every visible mailbox, in order,
                                         // duplicates kept
  std::vector<AddressFieldValue> address_fields; // for `ccaudit explain`
  // Bcc and Resent-Bcc: read only for `ccaudit explain` (hidden_fields()),
  // and by the Outlook reader (its Bcc rows); a scan never parses them.
  std::vector<HiddenField> hidden;
};

// Splits the header block at the start of `message` and parses what detectors
// need: every To/Cc/Resent-To/Resent-Cc field (repeats included), From,
// Subject, Date, Message-ID, In-Reply-To, References. Never throws for bad
// input.
Parsed<MessageHeaders> parse_headers(std::string_view message);
Parsed<MessageHeaders> parse_headers(const HeaderBlock& block);

// The issues parse_headers() finds without parsing any address (8-bit bytes
// that are not UTF-8, repeated To or Cc fields). Cheap: no GMime.
std::vector<Issue> block_issues(const HeaderBlock& block);

// The number of '@' in the visible address fields: an upper bound on the
// distinct addresses parse_headers() can count (every counted address has
// one), so a scan can skip parsing a message that cannot reach a threshold.
std::size_t visible_at_signs(const HeaderBlock& block);

// The Bcc and Resent-Bcc fields of a block, each with its mailboxes
// counted by the same parser as the visible fields.
std::vector<HiddenField> hidden_fields(const HeaderBlock& block);

// True if the block has an In-Reply-To or a References field.
bool is_reply(const HeaderBlock& block);

} // namespace ccaudit::headers
