#pragma once

#include <string>
#include <string_view>

namespace ccaudit::report {

// Header text is hostile. These make it inert for each output.

// HTML text or attribute value: & < > " ' escaped; valid UTF-8; control
// characters other than tab and newline shown as U+FFFD.
std::string html_escape(std::string_view s);

// One CSV cell, always quoted. A cell a spreadsheet would run as a formula
// (it starts with = + - @, tab or CR) gets a leading apostrophe; line
// breaks and control characters inside are kept out of the row. Valid UTF-8.
std::string csv_cell(std::string_view s);

} // namespace ccaudit::report
