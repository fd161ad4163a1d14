#pragma once

#include "core/byte_source.hpp"

#include <cstdint>
#include <string>

namespace ccaudit::scan {

// A cheap fingerprint of the first `length` bytes of a file, to tell whether
// an mbox that grew kept its old content (a mail client rewrites the file
// when it expunges or sets flags; a delivery only appends). SHA-256 of the
// length and of 16 blocks of 4 KiB: the first, the last before `length`,
// and 14 spread evenly between (all of it when it is shorter than that).
// A change confined to unsampled bytes that keeps the length is missed:
// an append-only delivery cannot make one.
std::string prefix_fingerprint(ByteSource& file, std::uint64_t length);

} // namespace ccaudit::scan
