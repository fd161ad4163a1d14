#pragma once

#include "core/finding.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ccaudit::detect {

// Identity of a send, the same wherever a copy of it lives (the sender's Sent
// folder, each recipient's inbox, a journal), so copies group into incidents.

// A subject as batches and replies of one send share it: reply and forward
// prefixes ("Re:", "Fwd:", "AW:", "Re[2]:" ...) removed, white space
// collapsed, ASCII lower-cased.
std::string subject_key(std::string_view subject);

// SHA-256 (hex) of the sorted distinct addresses: equal for copies that
// show the same recipient set, whatever the order or display names.
std::string recipient_hash(const std::vector<ExposedAddress>& addresses);

// "mid:<Message-ID>" when the message has one; otherwise "sha256:" of the
// Date (UTC seconds when readable, else as written), From, Subject and the
// recipient hash.
std::string incident_key(std::string_view message_id,
                         std::optional<std::int64_t> sent_at,
                         std::string_view date, std::string_view from,
                         std::string_view subject,
                         std::string_view recipient_hash);

// The short, stable id people quote: "I-" and 12 hex digits of the key's
// SHA-256.
std::string incident_id(std::string_view incident_key);

// The incident of a list found inside a message (scan --content): the
// message's incident id, '/', the MIME part, and "/quoted" for a quoted
// header block ("I-04af67484e40/2", "I-04af67484e40/1/quoted"). Every copy
// of the message gives the same id; the message's own header incident
// (its To/Cc) stays apart. A forwarded message is not one of these: it
// carries its original's Message-ID, so it is the original's incident.
std::string content_incident_id(std::string_view message_incident_id, std::string_view kind,
                                std::string_view part_path);

// A finding's fingerprint: SHA-256 (hex) of its kind, incident key and
// recipient hash. The same for every copy of a send; it holds no address.
std::string finding_fingerprint(std::string_view kind, std::string_view incident_key,
                                std::string_view recipient_hash);

// True if an address identifies a person by name: a display name of two or
// more words, or a local part shaped like first.last (two or more runs of
// letters joined by '.', '_' or '-').
bool personal_name(std::string_view display_name, std::string_view address);

} // namespace ccaudit::detect
