#pragma once

#include <string>
#include <string_view>

namespace ccaudit::digest {

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

// Lower-case hex HMAC-SHA256 of `data` under `key`.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// Loads libcrypto now (else it is loaded at first use); what fails is said
// again at that use. Thread-safe.
void load() noexcept;

} // namespace ccaudit::digest
