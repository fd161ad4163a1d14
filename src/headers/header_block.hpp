#pragma once

#include "core/issue.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ccaudit::headers {

// One header field. Views into the message given to split_header_block(),
// which must outlive the field: splitting copies nothing, and only the
// fields a caller reads are unfolded.
struct Field
{
  std::string_view name; // as written, e.g. "Cc" or "cc"
  std::string_view raw;  // after the colon, up to the field's last line
                         // break: folding and line endings included
  std::size_t line = 0;  // 1-based line number of the field's first line

  // The value unfolded (line break + WSP becomes the WSP; a line break
  // without WSP, left by a dropped malformed line, becomes a space), NUL
  // bytes replaced by spaces, trimmed.
  std::string value() const;
};

struct HeaderBlock
{
  std::vector<Field> fields; // in order, repeated fields included
  std::string_view text;     // the block's bytes, the blank line included
                             // (a view, like the fields)
  bool has_blank_line = false;
};

// Splits the header block at the start of `message` into fields, stopping at
// the first blank line. Linear in the input. Never throws for bad input: a
// line that is neither "Name:" nor a continuation is reported as an Issue
// and does NOT end the header (a lost Cc line would be a wrong count); NUL
// bytes become spaces; a message without a blank line is all header.
Parsed<HeaderBlock> split_header_block(std::string_view message);

} // namespace ccaudit::headers
