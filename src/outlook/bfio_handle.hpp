#pragma once

// A libbfio handle over a ByteSource: libpff and libolecf read the scan's
// own read-only bytes and never open the file themselves.

#include "core/byte_source.hpp"
#include "outlook/libraries.hpp"
#include "outlook/owned.hpp"

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

using HandleRef = Owned<libbfio_handle_t, libbfio_error_t, bfio, &Libbfio::libbfio_handle_free>;

// A handle reading `in` (which must outlive it), freed when it leaves the
// scope; its `p` is null if libbfio cannot make one. It refuses to open for
// writing. Declare the file that reads through it after it, so that the file
// is freed first.
HandleRef make_handle(Io& in);

} // namespace ccaudit::outlook
