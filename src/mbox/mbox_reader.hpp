#pragma once

#include "core/byte_source.hpp"
#include "core/issue.hpp"
#include "core/limits.hpp"
#include "core/line_reader.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ccaudit::mbox {

// One message of an mbox. Only the header block is kept: the body is read
// (to find the next separator) but not stored, so memory stays bounded.
struct MboxMessage
{
  std::uint64_t index = 0;  // 0-based position in the mbox
  std::uint64_t offset = 0; // of its "From " line (or of its first byte)
  std::uint64_t end = 0;    // offset just past its last byte
  std::uint64_t body_offset = 0; // of its body (= end when it has none)
  std::string header;       // header block after the "From " line
};

// Cuts an mbox into messages, one per call (pull style, so a test can step
// through a damaged file). Accepts mboxo and mboxrd, LF and CRLF, and
// mboxcl/mboxcl2 Content-Length framing when it checks out.
//
// A "From " line starts a message at the start of the input, after a blank
// line, or (reported) inside a header or with the full "From sender date"
// form, and only when the next line looks like a header field: prose such
// as "From the desk of..." stays body. Bad input never throws: oddities come back as Issues.
// Only a failing source throws (std::system_error).
class MboxReader
{
public:
  // `buffer_size`: of its LineReader (lines longer than that come in pieces,
  // and a "From " line in pieces separates nothing).
  explicit MboxReader(ByteSource& source, std::size_t buffer_size = std::size_t{1} << 20);
  // A reader whose body() can hand out a message's body without reading it
  // again (its buffers are left to the bodies handed out: see LineReader).
  struct SharingBodies {};
  MboxReader(ByteSource& source, SharingBodies, std::size_t buffer_size = std::size_t{1} << 20);

  // The next message, or std::nullopt at the end of the input.
  std::optional<Parsed<MboxMessage>> next();

  // The body of the message next() just returned, if it is still in the
  // reader's buffer and the reader shares it; else std::nullopt (read it from
  // the source).
  std::optional<Bytes> body(const MboxMessage& message)
  {
    return m_lines.share(message.body_offset, message.end - message.body_offset);
  }

  // Issues about the file rather than one message (text before the first
  // separator, no message at all); collected as they are seen.
  std::vector<Issue> take_file_issues() { return std::move(m_file_issues); }

private:
  void start();
  bool separator_at(const Line& line);
  bool header_block_after(const Line& line);
  bool read_header(Parsed<MboxMessage>& message); // false: no blank line
  bool frame_by_length(std::uint64_t body_start, std::uint64_t length,
                       Parsed<MboxMessage>& message);
  void scan_body(Parsed<MboxMessage>& message);

  ByteSource& m_source;
  LineReader m_lines;
  std::uint64_t m_next_index = 0;
  bool m_started = false;
  bool m_done = false;
  bool m_first_has_no_from_line = false;
  std::vector<Issue> m_file_issues;
};

// True if `line` (without its line ending) is a "From " line of the usual
// form "From sender weekday month day hh:mm:ss year".
bool is_standard_from_line(std::string_view line);

} // namespace ccaudit::mbox
