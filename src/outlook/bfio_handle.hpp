#pragma once

// A libbfio handle over a ByteSource: libpff and libolecf read the scan's
// own read-only bytes and never open the file themselves.

#include "core/byte_source.hpp"
#include "outlook/libraries.hpp"

#include <cstdint>
#include <string>

namespace ccaudit::outlook {

struct Io
{
  ByteSource* bytes = nullptr;
  std::uint64_t size = 0;
  std::uint64_t position = 0;
  bool open = false;
  std::string error; // the last read error, for a problem's detail
};

// A handle reading `in` (which must outlive it; free it with
// libbfio_handle_free); null if libbfio cannot make one. It refuses to open
// for writing.
libbfio_handle_t* make_handle(Io& in);

} // namespace ccaudit::outlook
