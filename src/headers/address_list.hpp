#pragma once

#include "core/issue.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ccaudit::headers {

struct Mailbox
{
  std::string address;      // normalised: see normalize_address()
  std::string display_name; // RFC 2047 decoded, valid UTF-8; may be empty
  std::string group;        // RFC 5322 group name; empty outside a group
};

// Parses one address-list field value (To, Cc, Resent-To, ...). An empty
// group ("undisclosed-recipients:;", also without the ';') yields no mailbox.
// Outlook-style ';' separators are read as ','. Items without a domain are
// reported and left out. Never throws for bad input. headers/ is the only
// module that includes GMime: no GMime type crosses this interface.
Parsed<std::vector<Mailbox>> parse_address_list(std::string_view value);

// The comparison key of an address: domain lower-cased with IDNs as A-labels
// (a trailing root dot removed); local part lower-cased (ASCII only) and
// unquoted when the quotes are not needed. Nothing else is changed: dots and
// "+tags" are kept, since they may be different mailboxes. Returns "" when
// the address has no '@', an empty local part or an empty domain.
std::string normalize_address(std::string_view address,
                              std::vector<Issue>* issues = nullptr);

// A domain lower-cased and in A-label form; "" if it cannot be converted.
std::string normalize_domain(std::string_view domain);

// RFC 2047 decoding of unstructured text (Subject), to valid UTF-8.
std::string decode_text(std::string_view value);

// Loads and initialises GMime now (else it is loaded at first use); what
// fails is said again at that use. Thread-safe.
void load_gmime() noexcept;

} // namespace ccaudit::headers
