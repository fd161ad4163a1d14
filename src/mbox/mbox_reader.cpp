// mbox splitting. The rules, and why:
// - A "From " line separates messages only at the start of the input or after
//   a blank line (mboxo and mboxrd writers guarantee that blank line), and
//   only when a header field follows: unquoted "From " prose in bodies of
//   mboxo files must not invent messages.
// - Content-Length (mboxcl, mboxcl2) is honoured only when the bytes it points
//   at are the end of the input or a valid separator; writers disagree on
//   what it counts and many files carry stale values.
// - A "From " line followed by a header field inside a header block is taken
//   as a separator (the previous message lost its blank line) and reported;
//   so is one in a body without a blank line before it when it has the full
//   "From sender date" form (mailing-list archives drop the blank line).
#include "mbox/mbox_reader.hpp"

#include "core/text.hpp"

#include <array>
#include <charconv>
#include <vector>

namespace ccaudit::mbox {

namespace {

bool
starts_with_from(const Line& line)
{
  return line.at_line_start && line.text.starts_with("From ");
}

// The value of a Content-Length field in `header`, if there is exactly one
// well-formed one.
std::optional<std::uint64_t>
content_length(std::string_view header)
{
  std::optional<std::uint64_t> found;
  std::size_t pos = 0;
  while (pos < header.size()) {
    auto nl = header.find('\n', pos);
    if (nl == std::string_view::npos) {
      nl = header.size();
    }
    const auto line = header.substr(pos, nl - pos);
    pos = nl + 1;
    if (!text::istarts_with(line, "content-length:")) {
      continue;
    }
    const auto value = text::trim(line.substr(15));
    std::uint64_t n = 0;
    const auto [end, ec] =
      std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc{} || end != value.data() + value.size() || found) {
      return std::nullopt;
    }
    found = n;
  }
  return found;
}

} // namespace

bool
is_standard_from_line(std::string_view line)
{
  if (!line.starts_with("From ")) {
    return false;
  }
  auto rest = line.substr(5);
  const auto space = rest.find(' ');
  if (space == 0 || space == std::string_view::npos) {
    return false;
  }
  rest = rest.substr(space);
  // A time of day "hh:mm" somewhere in the date part is what all writers have.
  for (std::size_t i = 0; i + 2 < rest.size(); ++i) {
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (rest[i] == ':' && i > 0 && digit(rest[i - 1]) && digit(rest[i + 1])
        && digit(rest[i + 2])) {
      return true;
    }
  }
  return false;
}

MboxReader::MboxReader(ByteSource& source, std::size_t buffer_size)
  : m_source(source), m_lines(source, buffer_size)
{
}

MboxReader::MboxReader(ByteSource& source, SharingBodies, std::size_t buffer_size)
  : m_source(source), m_lines(source, LineReader::Sharing{}, buffer_size)
{
}

// True if `line` starts with "From " and the line after it looks like a
// header field (judged on its first 1 KiB). The line is most often in the
// reader's buffer already; else it is read straight from the source, so
// the LineReader's views stay valid.
bool
MboxReader::separator_at(const Line& line)
{
  if (!starts_with_from(line) || !line.has_newline()) {
    return false;
  }
  constexpr std::size_t k_judged = 1024;
  const auto offset = line.offset + line.text.size();
  bool to_end = false;
  auto following = m_lines.buffered(offset, to_end).substr(0, k_judged);
  std::array<char, k_judged> next;
  if (following.size() < k_judged && !to_end
      && following.find('\n') == std::string_view::npos) {
    following = {next.data(), m_source.read_at(offset, next.data(), next.size())};
  }
  return text::looks_like_header_field(following.substr(0, following.find('\n')));
}

// True if a whole header block follows `line`: at least two fields, then a
// blank line, within 64 KiB. Netscape's undated "From - " separators, with
// no blank line before them, each start a message with a full header; prose
// that begins "From " and is followed by one "To:" line does not.
bool
MboxReader::header_block_after(const Line& line)
{
  thread_local std::vector<char> buffer(64 * 1024);
  const auto n = m_source.read_at(line.offset + line.text.size(), buffer.data(), buffer.size());
  std::string_view rest(buffer.data(), n);
  std::size_t fields = 0;
  while (!rest.empty()) {
    const auto nl = rest.find('\n');
    if (nl == std::string_view::npos) {
      return false; // the block goes on past the window, or the input ends in it
    }
    auto text = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
    if (!text.empty() && text.back() == '\r') {
      text.remove_suffix(1);
    }
    if (text.empty()) {
      return fields >= 2;
    }
    if (text.front() == ' ' || text.front() == '\t') {
      continue; // a folded line
    }
    if (!text::looks_like_header_field(text)) {
      return false;
    }
    ++fields;
  }
  return false;
}

void
MboxReader::start()
{
  m_started = true;
  Line line;
  if (!m_lines.peek(line)) {
    m_done = true;
    return;
  }
  if (starts_with_from(line)) {
    return;
  }
  if (text::looks_like_header_field(line.content())) {
    // A message without its "From " line: keep it, it may hold recipients.
    m_first_has_no_from_line = true;
    m_file_issues.push_back({IssueKind::text_before_first_separator,
                             "the message at offset 0 has no \"From \" line"});
    return;
  }
  bool previous_blank = false;
  while (m_lines.peek(line)) {
    if (previous_blank && separator_at(line)) {
      break;
    }
    m_lines.next(line);
    previous_blank = line.blank();
  }
  m_file_issues.push_back(
    {IssueKind::text_before_first_separator,
     std::to_string(m_lines.tell()) + " byte(s) before the first \"From \" line"});
  if (!m_lines.peek(line)) {
    m_done = true;
  }
}

bool
MboxReader::read_header(Parsed<MboxMessage>& message)
{
  Line line;
  bool cut = false;
  message.value.header.reserve(4096); // most headers: one allocation, not eight
  while (m_lines.peek(line)) {
    if (!message.value.header.empty() && separator_at(line)) {
      message.issues.push_back(
        {IssueKind::missing_blank_line_before_separator,
         "a \"From \" line at offset " + std::to_string(line.offset)
           + " inside the header starts the next message"});
      return false;
    }
    m_lines.take(line);
    if (message.value.header.size() + line.text.size() <= k_max_header_bytes) {
      message.value.header.append(line.text);
    } else if (!cut) {
      cut = true;
      message.issues.push_back(
        {IssueKind::header_too_large,
         "header block over " + std::to_string(k_max_header_bytes >> 20)
           + " MiB; the rest of it was not read"});
    }
    if (line.blank()) {
      return true;
    }
  }
  message.issues.push_back(
    {IssueKind::truncated_message, "the input ends inside the header"});
  m_done = true;
  return false;
}

bool
MboxReader::frame_by_length(std::uint64_t body_start, std::uint64_t length,
                            Parsed<MboxMessage>& message)
{
  const auto end = body_start + length;
  std::array<char, 1024> probe{};
  char last = 0;
  if (end < body_start || (end > 0 && m_source.read_at(end - 1, &last, 1) != 1)) {
    return false; // past the end of the input
  }
  const auto n = m_source.read_at(end, probe.data(), probe.size());
  std::string_view after(probe.data(), n);
  std::uint64_t skip = 0;
  for (const std::string_view blank : {"\r\n", "\n"}) {
    if (after.starts_with(blank)) {
      skip = blank.size();
      after.remove_prefix(blank.size());
      break;
    }
  }
  bool valid = after.empty();
  if (!valid && after.starts_with("From ")) {
    const auto nl = after.find('\n');
    valid = nl != std::string_view::npos
            && text::looks_like_header_field(after.substr(nl + 1));
  }
  if (!valid) {
    return false;
  }
  message.value.end = end + skip;
  m_lines.seek(message.value.end);
  Line line;
  m_done = !m_lines.peek(line);
  return true;
}

void
MboxReader::scan_body(Parsed<MboxMessage>& message)
{
  Line line;
  bool previous_blank = true;
  std::size_t ambiguous = 0;
  std::string first_ambiguous;
  const auto report_ambiguous = [&] {
    if (ambiguous > 0) {
      message.issues.push_back(
        {IssueKind::ambiguous_separator,
         std::to_string(ambiguous) + " \"From \" line(s) followed by a header field but with "
                                     "no blank line before them, no date and no whole header "
                                     "block after them, read as body; first "
           + first_ambiguous});
    }
  };
  while (m_lines.skip_to_line_starting("From ", previous_blank)) {
    m_lines.peek(line);
    if (separator_at(line)) {
      if (previous_blank) {
        message.value.end = line.offset;
        report_ambiguous();
        return;
      }
      // No blank line before it: mailing-list archives often drop it, and
      // Netscape wrote undated "From - " lines. A "From " line with sender
      // and date followed by a header field, or any "From " line followed
      // by a whole header block, is a separator; anything less stays body,
      // but is reported.
      if (is_standard_from_line(line.content()) || header_block_after(line)) {
        message.issues.push_back(
          {IssueKind::missing_blank_line_before_separator,
           "no blank line before the \"From \" line at offset "
             + std::to_string(line.offset)});
        message.value.end = line.offset;
        report_ambiguous();
        return;
      }
      if (ambiguous++ == 0) {
        first_ambiguous = "\"" + text::excerpt(line.content()) + "\" at offset "
                          + std::to_string(line.offset);
      }
    }
    m_lines.next(line);
  }
  message.value.end = m_lines.tell();
  m_done = true;
  report_ambiguous();
}

std::optional<Parsed<MboxMessage>>
MboxReader::next()
{
  if (!m_started) {
    start();
  }
  if (m_done) {
    return std::nullopt;
  }
  Parsed<MboxMessage> message;
  message.value.index = m_next_index++;
  message.value.offset = m_lines.tell();
  Line line;
  if (m_first_has_no_from_line) {
    m_first_has_no_from_line = false;
  } else if (m_lines.next(line)) {
    if (!is_standard_from_line(line.content())) {
      message.issues.push_back({IssueKind::nonstandard_mbox_separator,
                                "\"" + text::excerpt(line.content()) + "\""});
    }
  }
  if (!read_header(message)) {
    message.value.end = m_lines.tell(); // the input ended, or a separator
    message.value.body_offset = message.value.end;
    return message;
  }
  const auto body_start = m_lines.tell();
  message.value.body_offset = body_start;
  m_lines.keep_from(body_start); // for body(), if the reader shares
  if (const auto length = content_length(message.value.header)) {
    if (frame_by_length(body_start, *length, message)) {
      return message;
    }
    message.issues.push_back(
      {IssueKind::content_length_mismatch,
       "Content-Length: " + std::to_string(*length)
         + " does not end at a separator or the end of the input; "
           "separators used instead"});
  }
  scan_body(message);
  return message;
}

} // namespace ccaudit::mbox
