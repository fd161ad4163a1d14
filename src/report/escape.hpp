#pragma once

#include <string>
#include <string_view>

namespace ccaudit::report {

// Header text is hostile. These make it inert for each output.

// HTML text or attribute value: & < > " ' escaped; valid UTF-8; control
// characters other than tab and newline shown as U+FFFD.
std::string html_escape(std::string_view s);

// One CSV cell, always quoted. A cell a spreadsheet would run as a formula
// (its first character other than a blank is = + - or @) gets a leading
// apostrophe; line breaks, C0 and C1 controls and bidirectional controls
// inside become blanks, so a row stays one line and reads as written. Valid
// UTF-8.
std::string csv_cell(std::string_view s);

} // namespace ccaudit::report
