#pragma once

#include <cstddef>

namespace ccaudit {

// The largest header block kept for one message; the rest is skipped and
// reported as header_too_large. Bounds memory whatever the input.
inline constexpr std::size_t k_max_header_bytes = std::size_t{16} << 20;

} // namespace ccaudit
