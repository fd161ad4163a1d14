#pragma once

#include "core/byte_source.hpp"
#include "core/bytes.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

namespace ccaudit {

// One line, or a piece of a line longer than the reader's buffer.
struct Line
{
  std::uint64_t offset = 0; // of the first byte, in the source
  std::string_view text;    // including its "\n" when it has one
  bool at_line_start = true; // false for the 2nd and later pieces of a line

  bool has_newline() const { return !text.empty() && text.back() == '\n'; }
  // The text without its line ending ("\n" or "\r\n").
  std::string_view content() const;
  // An empty line: "\n" or "\r\n".
  bool blank() const { return at_line_start && content().empty() && has_newline(); }
};

// Reads a ByteSource line by line through a fixed buffer, so memory stays
// bounded whatever the line or file length: a line longer than the buffer
// comes back in pieces. Views stay valid until the next call to next(),
// peek() or seek().
class LineReader
{
public:
  explicit LineReader(ByteSource& source,
                      std::size_t buffer_size = std::size_t{1} << 20);
  // A reader whose share() hands out bytes of its buffer: the buffer is
  // then left to them, and the reader goes on in another one (up to
  // k_max_shared_buffers of them, taken back once their bytes are freed).
  struct Sharing {};
  LineReader(ByteSource& source, Sharing, std::size_t buffer_size = std::size_t{1} << 20);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Past this many, share() refuses (the bytes are read again by whoever
  // wanted them) until one comes back: memory stays bounded whatever the
  // holders do.
  static constexpr std::size_t k_max_shared_buffers = 32;

  // The next line; false at the end of the source.
  bool next(Line& out);
  // The line next() would return, without consuming it.
  bool peek(Line& out);
  // Consumes the line peek() just returned (nothing read in between): what
  // next() would do, without finding the line again. `line.text` stays valid
  // until the next call.
  void take(const Line& peeked) { consume(peeked.text.size()); }
  // Continue reading at `offset`.
  void seek(std::uint64_t offset);
  // Offset of the next byte next() would return.
  std::uint64_t tell() const { return m_base + m_pos; }

  // Skips to the start of the next line that begins with `prefix` (the
  // current position counts if it is a line start); false, with everything
  // consumed, if there is none. `previous_blank` says whether the line
  // before it is empty (the start of the source counts as one). Searches
  // whole buffers with memmem instead of going line by line: this is how an
  // mbox body is crossed at the speed of the disk.
  bool skip_to_line_starting(std::string_view prefix, bool& previous_blank);

  // The `length` bytes at `offset`, without a copy, if they are all still in
  // the buffer and the reader shares it (else std::nullopt: read them from
  // the source). They stay valid and unchanged however far the reader goes.
  std::optional<Bytes> share(std::uint64_t offset, std::size_t length);
  // The bytes from `offset` on that are in the buffer now (none if it is
  // outside), without reading; `to_end` says whether they go to the end of
  // the source.
  std::string_view buffered(std::uint64_t offset, bool& to_end) const
  {
    if (offset < m_base || offset - m_base > m_end) {
      to_end = false;
      return {};
    }
    to_end = m_eof;
    const auto at = static_cast<std::size_t>(offset - m_base);
    return {m_buffer.get() + at, m_end - at};
  }

  // A sharing reader keeps the bytes from `offset` on (the start of an mbox
  // body being crossed) when it refills its buffer, if they take at most
  // half of it: a body that straddles two reads can still be shared.
  void keep_from(std::uint64_t offset) { m_keep_from = offset; }

private:
  class Pool;

  bool find_line(Line& out, std::size_t& length);
  void fill();
  void consume(std::size_t n);

  ByteSource& m_source;
  std::shared_ptr<Pool> m_pool; // null: share() hands out nothing
  std::shared_ptr<char[]> m_buffer;
  std::size_t m_size = 0;   // of m_buffer
  bool m_shared = false;    // share() handed out some of m_buffer
  std::uint64_t m_keep_from = UINT64_MAX;
  std::uint64_t m_base = 0; // source offset of m_buffer[0]
  std::size_t m_pos = 0;    // next unread byte in m_buffer
  std::size_t m_end = 0;    // valid bytes in m_buffer
  bool m_eof = false;
  bool m_mid_line = false;  // the last piece returned had no newline
  char m_history[3] = {'\n', '\n', '\n'}; // last bytes consumed
};

} // namespace ccaudit
