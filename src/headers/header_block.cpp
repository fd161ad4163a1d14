// Our own header splitter, not mimetic's: mimetic ends the header at the first
// malformed line (later Cc fields are lost), truncates at NUL and is
// quadratic on long lines (see README, "Input we tolerate").
#include "headers/header_block.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <cstring>
#include <string>

namespace ccaudit::headers {

namespace {

// RFC 5322 2.1.1: a line holds at most 998 characters besides CRLF.
constexpr std::size_t k_max_line = 998;

// Counts what can repeat many times in one message, reported as one issue
// each with a count and the first example, so one broken message is one row.
struct Tally
{
  std::size_t malformed = 0;
  std::size_t first_malformed_line = 0;
  std::string first_malformed;
  std::size_t nuls = 0;
  std::size_t long_lines = 0, first_long_line = 0, longest = 0;
  std::size_t bare_crs = 0;

  void line(std::string_view content, std::size_t line_no)
  {
    if (content.size() > k_max_line) {
      if (long_lines++ == 0) {
        first_long_line = line_no;
      }
      longest = std::max(longest, content.size());
    }
  }

  // NUL bytes, and CRs other than the one before each LF, in `block`.
  // Most blocks have neither: two scans, not two calls a line.
  void bytes(std::string_view block)
  {
    if (!std::memchr(block.data(), '\0', block.size())
        && !std::memchr(block.data(), '\r', block.size())) {
      return;
    }
    std::size_t pos = 0;
    while (pos < block.size()) {
      const auto nl = block.find('\n', pos);
      auto content = block.substr(pos, nl == std::string_view::npos ? std::string_view::npos
                                                                    : nl - pos);
      pos = nl == std::string_view::npos ? block.size() : nl + 1;
      if (!content.empty() && content.back() == '\r') {
        content.remove_suffix(1);
      }
      nuls += static_cast<std::size_t>(std::count(content.begin(), content.end(), '\0'));
      bare_crs += static_cast<std::size_t>(std::count(content.begin(), content.end(), '\r'));
    }
  }

  void issues(std::vector<Issue>& out) const;
};

void
Tally::issues(std::vector<Issue>& out) const
{
  if (malformed > 0) {
    out.push_back({IssueKind::malformed_header_line,
                   std::to_string(malformed) + " line(s) without a field name, first at line "
                     + std::to_string(first_malformed_line) + ": \"" + first_malformed + "\""});
  }
  if (long_lines > 0) {
    out.push_back({IssueKind::header_line_too_long,
                   std::to_string(long_lines) + " line(s) over 998 characters, first at line "
                     + std::to_string(first_long_line) + ", longest " + std::to_string(longest)});
  }
  if (bare_crs > 0) {
    out.push_back({IssueKind::bare_cr_in_header,
                   std::to_string(bare_crs) + " CR byte(s) not followed by LF, kept as text"});
  }
  if (nuls > 0) {
    out.push_back({IssueKind::nul_in_header,
                   std::to_string(nuls) + " NUL byte(s) replaced by spaces"});
  }
}

} // namespace

std::string
Field::value() const
{
  std::string out;
  out.reserve(raw.size());
  std::size_t pos = 0;
  while (pos < raw.size()) {
    const auto nl = raw.find('\n', pos);
    auto piece = raw.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (!piece.empty() && piece.back() == '\r') {
      piece.remove_suffix(1);
    }
    if (pos > 0 && !piece.empty() && piece.front() != ' ' && piece.front() != '\t') {
      out += ' '; // what a dropped malformed line left between two pieces
    }
    out.append(piece);
    if (nl == std::string_view::npos) {
      break;
    }
    pos = nl + 1;
  }
  if (out.find('\0') != std::string::npos) { // rare: the search is cheaper than the loop
    std::replace(out.begin(), out.end(), '\0', ' ');
  }
  // Trimmed in place: a wide list's value is kilobytes, copied once only.
  const auto trimmed = text::trim(out);
  const auto start = static_cast<std::size_t>(trimmed.data() - out.data());
  out.resize(start + trimmed.size());
  out.erase(0, start);
  return out;
}

Parsed<HeaderBlock>
split_header_block(std::string_view message)
{
  Parsed<HeaderBlock> out;
  out.value.fields.reserve(32);
  Tally tally;
  Field* current = nullptr;     // the field continuation lines extend
  bool in_dropped_line = false; // continuations of a malformed line
  std::size_t pos = 0;
  std::size_t line_no = 0;
  while (pos < message.size()) {
    const auto nl = message.find('\n', pos);
    const auto end = nl == std::string_view::npos ? message.size() : nl + 1;
    const auto start = pos;
    auto content = message.substr(pos, end - pos);
    pos = end;
    ++line_no;
    if (!content.empty() && content.back() == '\n') {
      content.remove_suffix(1);
    }
    if (!content.empty() && content.back() == '\r') {
      content.remove_suffix(1);
    }
    if (content.empty()) {
      out.value.has_blank_line = nl != std::string_view::npos;
      break;
    }
    tally.line(content, line_no);
    if (content.front() == ' ' || content.front() == '\t') {
      if (current && !in_dropped_line) {
        // Extend the field's raw value over this line.
        const auto* begin = current->raw.data();
        current->raw = std::string_view(begin, message.data() + start + content.size() - begin);
        continue;
      }
      if (in_dropped_line) {
        continue;
      }
      // A continuation with nothing to continue: fall through as malformed.
    } else if (const auto n = text::header_field_name_length(content); n > 0) {
      const auto colon = content.find(':', n);
      out.value.fields.push_back({content.substr(0, n), content.substr(colon + 1), line_no});
      current = &out.value.fields.back();
      in_dropped_line = false;
      continue;
    }
    if (tally.malformed++ == 0) {
      tally.first_malformed_line = line_no;
      tally.first_malformed = text::excerpt(content);
    }
    in_dropped_line = true;
  }
  out.value.text = message.substr(0, pos);
  tally.bytes(out.value.text);
  if (!out.value.has_blank_line) {
    out.issues.push_back({IssueKind::missing_header_separator,
                          "no blank line ends the header: all "
                            + std::to_string(line_no) + " line(s) read as header"});
  }
  tally.issues(out.issues);
  return out;
}

} // namespace ccaudit::headers
