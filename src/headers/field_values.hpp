#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ccaudit::headers {

// A Date field value (RFC 5322, with the obsolete forms mail still uses) as
// seconds since the Unix epoch, UTC. nullopt if it cannot be read.
std::optional<std::int64_t> parse_date(std::string_view value);

// A Message-ID (or In-Reply-To) value as its id without the angle brackets,
// comments or folding; "" if there is none. Case is kept: ids compare exactly.
std::string parse_message_id(std::string_view value);

// The message ids of a References or In-Reply-To value, in order.
std::vector<std::string> parse_references(std::string_view value);

} // namespace ccaudit::headers
