#pragma once

#include "core/byte_source.hpp"

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <vector>

namespace ccaudit {

// A ByteSource over bytes that arrive once, front to back (a decompressed
// file, a member of a zip or tar file, standard input), for readers written
// for files: they look ahead (an mbox reader checks what follows a "From "
// line, or where a Content-Length points) and step back (to a message's
// body) within a window, as they do in a file.
//
// Guarantees, with W the window given:
// - a read at or before the furthest byte read so far, and no more than W
//   before it, returns what a file would;
// - a read that skips ahead of the furthest byte read is served if it ends
//   within W of it; further ahead it returns 0, as at the end of a file
//   (readers treat that as "no such byte": a Content-Length that points
//   further than W is not trusted, as if it pointed past the end);
// - a read more than W back throws std::logic_error: a bug in the caller.
// Memory: at most 2 W, whatever the length of the stream (a ring: the
// bytes are copied once in and once out, never moved).
class StreamSource final : public ByteSource
{
public:
  // Fills `out` with up to `size` next bytes; 0 at the end of the stream.
  // Throws std::system_error when the stream is damaged.
  using Pull = std::function<std::size_t(char* out, std::size_t size)>;

  StreamSource(Pull pull, std::size_t window);

  std::size_t read_at(std::uint64_t offset, char* out, std::size_t size) override;

  // The first offset still readable.
  std::uint64_t earliest() const { return m_begin; }
  // How many bytes came from the stream so far, and whether it ended.
  std::uint64_t pulled() const { return m_end; }
  bool ended() const { return m_eof; }
  // A stream that failed (Pull threw) reads as if it ended there, so that
  // what came before is read whole; the failure is kept for the caller to
  // raise once done: null if none.
  std::exception_ptr error() const { return m_error; }

private:
  void pull_until(std::uint64_t wanted, std::uint64_t keep_from);

  Pull m_pull;
  std::size_t m_window;
  std::vector<char> m_buffer; // bytes [m_begin, m_end) of the stream
  std::uint64_t m_begin = 0, m_end = 0;
  bool m_eof = false;
  std::exception_ptr m_error;
};

} // namespace ccaudit
