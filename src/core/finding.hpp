#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ccaudit {

// One visible address of a flagged message, normalised (see
// headers/address_list.hpp for the rules).
struct ExposedAddress
{
  std::string address;      // local@domain, as compared
  std::string display_name; // decoded UTF-8; may be empty
  std::string field;        // first field it was seen in: "to", "cc", ...
  bool internal = false;    // in one of the --internal-domain domains
};

// What a detector flagged on one message copy.
struct Finding
{
  std::string kind; // stable detector id, e.g. "visible-recipients"
  std::string message_id, date, from_address, from_name, subject;
  std::size_t visible_count = 0;  // distinct visible addresses
  std::size_t external_count = 0; // of those, not internal (= exposed)
  std::size_t domain_count = 0;   // distinct domains of the exposed ones
  std::vector<ExposedAddress> addresses; // every visible address
};

} // namespace ccaudit
