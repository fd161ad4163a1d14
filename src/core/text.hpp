#pragma once

#include <string>
#include <string_view>

namespace ccaudit::text {

// ASCII-only case folding; bytes >= 0x80 are left alone.
std::string ascii_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
std::string_view trim(std::string_view s); // SP, HT, CR, LF at both ends

// The domain of a normalised address (after its last '@'); "" without one.
std::string_view domain_part(std::string_view address);

// Length of the field name if `line` starts like a header field (a name of
// printable ASCII without ':', optional blanks, then ':'), else 0. Readers
// use it to tell a message start from prose.
std::size_t header_field_name_length(std::string_view line);
inline bool looks_like_header_field(std::string_view line)
{
  return header_field_name_length(line) > 0;
}

// How many bytes of `s` are `c` (16 at a time with SSE2: it runs over every
// address list).
std::size_t count_byte(std::string_view s, char c);

bool is_valid_utf8(std::string_view s);
// Invalid UTF-8 sequences become U+FFFD, so JSON and terminals get valid text.
std::string to_valid_utf8(std::string_view s);

// For a terminal: valid UTF-8 with C0/C1 controls, DEL and bidirectional
// overrides replaced by '?', and line breaks and tabs by a space. Header text
// is hostile: it must not move the cursor or recolour a reviewer's terminal.
std::string for_terminal(std::string_view s);

// The first 60 bytes of `s` for a problem's detail, terminal-safe, with
// "..." when cut.
std::string excerpt(std::string_view s);

} // namespace ccaudit::text
