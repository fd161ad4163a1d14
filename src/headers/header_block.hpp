#pragma once

#include "core/issue.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ccaudit::headers {

struct Field
{
  std::string name;  // as written, e.g. "Cc" or "cc"
  std::string value; // unfolded (line break + WSP becomes the WSP), trimmed;
                     // NUL bytes replaced by spaces
  std::size_t line = 0; // 1-based line number of the field's first line
};

struct HeaderBlock
{
  std::vector<Field> fields; // in order, repeated fields included
  std::size_t length = 0;    // bytes used, the blank line included
  bool has_blank_line = false;
};

// Splits the header block at the start of `message` into fields, stopping at
// the first blank line. Linear in the input. Never throws for bad input: a
// line that is neither "Name:" nor a continuation is reported as an Issue
// and does NOT end the header (a lost Cc line would be a wrong count); NUL
// bytes become spaces; a message without a blank line is all header.
Parsed<HeaderBlock> split_header_block(std::string_view message);

} // namespace ccaudit::headers
