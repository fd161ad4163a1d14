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

// UTF-16 (little-endian unless `big_endian`, no byte order mark) as UTF-8,
// decoded here: it is the text of every Outlook property, and iconv plus a
// check of its output were a tenth of a PST scan. A lone surrogate or a cut
// last byte becomes U+FFFD, as invalid UTF-8 does in to_valid_utf8.
std::string from_utf16(std::string_view data, bool big_endian = false);

// Text in `charset` (any name iconv knows: "iso-8859-1", "CP932") as valid
// UTF-8. An empty, ASCII or unknown charset reads the bytes as UTF-8,
// invalid sequences replaced (`unknown` is set for an unknown one).
std::string to_utf8(std::string_view data, std::string_view charset, bool& unknown);

// For a terminal: valid UTF-8 with C0/C1 controls, DEL and bidirectional
// overrides replaced by '?', and line breaks and tabs by a space. Header text
// is hostile: it must not move the cursor or recolour a reviewer's terminal.
std::string for_terminal(std::string_view s);

// What for_terminal() replaces: C0 and C1 controls, DEL, and the
// bidirectional controls that reorder text (U+202A-U+202E, U+2066-U+2069,
// LRM, RLM, ALM).
bool is_control_or_bidi(char32_t cp);

// Valid UTF-8 with every is_control_or_bidi() code point replaced by
// `replacement` (line breaks and tabs too), the rest kept.
std::string without_controls(std::string_view s, std::string_view replacement);

// Valid UTF-8 with each C1 control and bidirectional control written as a
// JSON escape ("\u202e"), for the output of a JSON serialiser that escapes
// only C0 controls: they may stand only inside strings there, so the JSON
// stays valid and its values unchanged, but no raw control reaches a log or
// terminal that shows the line.
std::string json_escape_c1_and_bidi(std::string_view json);

// The first 60 bytes of `s` for a problem's detail, terminal-safe, with
// "..." when cut.
std::string excerpt(std::string_view s);

} // namespace ccaudit::text
