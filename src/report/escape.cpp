#include "report/escape.hpp"

#include "core/text.hpp"

namespace ccaudit::report {

std::string
html_escape(std::string_view s)
{
  const auto valid = text::to_valid_utf8(s);
  std::string out;
  out.reserve(valid.size());
  for (const char c : valid) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&#39;"; break;
    default:
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n')
          || c == '\x7f') {
        out += "\xef\xbf\xbd"; // U+FFFD
      } else {
        out += c;
      }
    }
  }
  return out;
}

std::string
csv_cell(std::string_view s)
{
  // No line breaks, escapes, C1 or bidirectional controls inside a row.
  const auto text = text::without_controls(s, " ");
  std::string out = "\"";
  // A formula may follow blanks, including those that stood for controls.
  const auto first = text.find_first_not_of(' ');
  if (first != std::string::npos && std::string_view("=+-@").find(text[first]) != std::string_view::npos) {
    out += '\'';
  }
  for (const char c : text) {
    out += c;
    if (c == '"') {
      out += '"';
    }
  }
  return out + "\"";
}

} // namespace ccaudit::report
