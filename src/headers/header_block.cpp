// Our own header splitter, not mimetic's: mimetic ends the header at the first
// malformed line (later Cc fields are lost), truncates at NUL and is
// quadratic on long lines (see README, "Input we tolerate").
#include "headers/header_block.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <string>

namespace ccaudit::headers {

namespace {

std::string
excerpt(std::string_view line)
{
  constexpr std::size_t k_max = 60;
  auto s = text::for_terminal(line.substr(0, k_max));
  return line.size() > k_max ? s + "..." : s;
}

void
append_value(std::string& value, std::string_view part, std::size_t& nuls)
{
  for (const char c : part) {
    if (c == '\0') {
      ++nuls;
      value += ' ';
    } else {
      value += c;
    }
  }
}

// Collects issues that can repeat many times per message as one issue each,
// with a count and the first example, so one broken message is one row.
struct Tally
{
  std::size_t malformed = 0;
  std::size_t first_malformed_line = 0;
  std::string first_malformed;
  std::size_t nuls = 0;
  std::size_t long_lines = 0, first_long_line = 0, longest = 0;
  std::size_t bare_crs = 0;
};

// RFC 5322 2.1.1: a line holds at most 998 characters besides CRLF.
constexpr std::size_t k_max_line = 998;

} // namespace

Parsed<HeaderBlock>
split_header_block(std::string_view message)
{
  Parsed<HeaderBlock> out;
  Tally tally;
  bool in_dropped_line = false; // continuations of a malformed line
  std::size_t pos = 0;
  std::size_t line_no = 0;
  while (pos < message.size()) {
    const auto nl = message.find('\n', pos);
    const auto end = nl == std::string_view::npos ? message.size() : nl + 1;
    auto line = message.substr(pos, end - pos);
    pos = end;
    ++line_no;
    auto content = line;
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
    if (content.size() > k_max_line) {
      if (tally.long_lines++ == 0) {
        tally.first_long_line = line_no;
      }
      tally.longest = std::max(tally.longest, content.size());
    }
    for (const char c : content) {
      tally.bare_crs += c == '\r' ? 1 : 0;
    }
    if (content.front() == ' ' || content.front() == '\t') {
      if (!out.value.fields.empty() && !in_dropped_line) {
        append_value(out.value.fields.back().value, content, tally.nuls);
        continue;
      }
      if (in_dropped_line) {
        continue;
      }
      // A continuation with nothing to continue: fall through as malformed.
    } else if (const auto n = text::header_field_name_length(content); n > 0) {
      Field field;
      field.name = std::string(content.substr(0, n));
      field.line = line_no;
      const auto colon = content.find(':', n);
      append_value(field.value, content.substr(colon + 1), tally.nuls);
      out.value.fields.push_back(std::move(field));
      in_dropped_line = false;
      continue;
    }
    if (tally.malformed++ == 0) {
      tally.first_malformed_line = line_no;
      tally.first_malformed = excerpt(content);
    }
    in_dropped_line = true;
  }
  out.value.length = pos;
  for (auto& field : out.value.fields) {
    field.value = std::string(text::trim(field.value));
  }
  if (!out.value.has_blank_line) {
    out.issues.push_back({IssueKind::missing_header_separator,
                          "no blank line ends the header: all "
                            + std::to_string(line_no)
                            + " line(s) read as header"});
  }
  if (tally.malformed > 0) {
    out.issues.push_back(
      {IssueKind::malformed_header_line,
       std::to_string(tally.malformed) + " line(s) without a field name, first at line "
         + std::to_string(tally.first_malformed_line) + ": \""
         + tally.first_malformed + "\""});
  }
  if (tally.long_lines > 0) {
    out.issues.push_back(
      {IssueKind::header_line_too_long,
       std::to_string(tally.long_lines) + " line(s) over 998 characters, first at line "
         + std::to_string(tally.first_long_line) + ", longest "
         + std::to_string(tally.longest)});
  }
  if (tally.bare_crs > 0) {
    out.issues.push_back({IssueKind::bare_cr_in_header,
                          std::to_string(tally.bare_crs)
                            + " CR byte(s) not followed by LF, kept as text"});
  }
  if (tally.nuls > 0) {
    out.issues.push_back({IssueKind::nul_in_header,
                          std::to_string(tally.nuls)
                            + " NUL byte(s) replaced by spaces"});
  }
  return out;
}

} // namespace ccaudit::headers
