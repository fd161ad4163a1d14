#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
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
  bool personal_name = false; // names a person (see detect/incident.hpp)
};

// What a detector flagged on one message copy.
struct Finding
{
  std::string kind; // stable detector id, e.g. "visible-recipients"
  bool context_only = false; // under the threshold, kept to link to others
                             // (a reply-all): not counted as a finding
  // Why it is recorded but not reported by default: list or bulk mail
  // ("List-Id: <x.example.org>", "bulk sender news@example.org"); "" if not.
  std::string suppressed;
  std::string message_id, date, from_address, from_name, subject;
  std::optional<std::int64_t> sent_at;  // Date as UTC seconds, if readable
  std::vector<std::string> references;  // message ids it replies to
  std::string subject_key;              // see detect/incident.hpp
  std::string recipient_hash, incident_key, incident_id;
  // Where the copy lives does not change it: SHA-256 of the kind, the
  // incident key and the recipient hash. Baselines hold fingerprints only.
  std::string fingerprint;
  std::size_t visible_count = 0;  // distinct visible addresses
  std::size_t external_count = 0; // of those, not internal (= exposed)
  std::size_t domain_count = 0;   // distinct domains of the exposed ones
  std::vector<ExposedAddress> addresses; // every visible address
  // Content findings (--content): where in the message, e.g. part "2.1",
  // its file name and media type; "" for a finding on the header.
  std::string part_path, part_filename, part_type;
};

} // namespace ccaudit
