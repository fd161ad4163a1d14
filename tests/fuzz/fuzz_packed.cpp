// libFuzzer target: compressed data and archive files (zlib, libarchive)
// read as a stream, as `ccaudit scan -` reads them. Invariants: messages come
// from inside what was decompressed, members are named, and only a damaged
// input throws (std::system_error); never a crash, a hang or unbounded memory.
#include "scan/message_source.hpp"

#include <cstdint>
#include <cstdlib>
#include <system_error>

#include <sys/mman.h>
#include <unistd.h>

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const int fd = ::memfd_create("fuzz_packed", 0);
  if (fd < 0) {
    return 0;
  }
  if (::write(fd, data, size) != static_cast<ssize_t>(size) || ::lseek(fd, 0, SEEK_SET) != 0) {
    ::close(fd);
    return 0;
  }
  ccaudit::scan::FileCallbacks callbacks;
  callbacks.on_message = [](ccaudit::scan::RawMessage&& raw) {
    if (raw.where.byte_offset > raw.end) {
      std::abort();
    }
    return true;
  };
  callbacks.on_issue = [](const ccaudit::MessageLocator&, const ccaudit::Issue&) {};
  callbacks.on_member = [](ccaudit::SourceInfo&&) {};
  ccaudit::scan::UnpackLimits limits;
  limits.max_expansion = 100; // bombs end early here too
  const ccaudit::scan::BodyRead body{std::size_t{1} << 20};
  try {
    ccaudit::scan::read_stream(fd, "fuzz", callbacks, size > 0 && data[0] % 2 ? &body : nullptr,
                               limits);
  } catch (const std::system_error&) {
    // damaged input: recorded by the scanner as unreadable_input
  }
  ::close(fd);
  return 0;
}
