#pragma once

#include <string>
#include <string_view>

namespace ccaudit::headers {

// A Content-Type value: media type and the parameters the content reader
// uses, RFC 2231 continuations and charsets and RFC 2047 words decoded.
struct ContentType
{
  std::string type;    // "text/plain", lower case; "" if the value has none
  std::string charset; // as written, e.g. "ISO-8859-1"; "" if none
  std::string name;    // the name parameter, decoded UTF-8; "" if none
  std::string boundary;
};
ContentType parse_content_type(std::string_view value);

// The filename parameter of a Content-Disposition value, decoded UTF-8, and
// whether it says "attachment".
struct ContentDisposition
{
  bool attachment = false;
  std::string filename;
};
ContentDisposition parse_content_disposition(std::string_view value);

} // namespace ccaudit::headers
