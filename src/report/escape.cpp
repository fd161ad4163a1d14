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
  const auto valid = text::to_valid_utf8(s);
  std::string out = "\"";
  if (!valid.empty()
      && (valid[0] == '=' || valid[0] == '+' || valid[0] == '-' || valid[0] == '@'
          || valid[0] == '\t' || valid[0] == '\r')) {
    out += '\'';
  }
  for (const char c : valid) {
    if (c == '"') {
      out += "\"\"";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == '\x7f') {
      out += ' '; // no line breaks or escapes inside a row
    } else {
      out += c;
    }
  }
  return out + "\"";
}

} // namespace ccaudit::report
