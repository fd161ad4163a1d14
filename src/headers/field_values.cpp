// GMime reads dates and message ids; headers/ is the only module using it.
#include "headers/field_values.hpp"

#include "core/text.hpp"
#include "headers/gmime_init.hpp"

#include <mutex>

namespace ccaudit::headers {

namespace {

std::string
without_nul(std::string_view value)
{
  std::string v(value);
  for (auto& c : v) {
    c = c == '\0' ? ' ' : c;
  }
  return v;
}

} // namespace

std::optional<std::int64_t>
parse_date(std::string_view value)
{
  detail::init_gmime();
  const auto v = without_nul(value);
  // GLib keeps a process-wide cache of time zones behind its own locks,
  // which ThreadSanitizer cannot see: one date at a time keeps its reports
  // meaningful, and costs little (only messages parsed in full get here).
  static std::mutex lock;
  const std::lock_guard guard(lock);
  GDateTime* date = gmime().g_mime_utils_header_decode_date(v.c_str());
  if (date == nullptr) {
    return std::nullopt;
  }
  const std::int64_t seconds = gmime().g_date_time_to_unix(date);
  gmime().g_date_time_unref(date);
  return seconds;
}

std::string
parse_message_id(std::string_view value)
{
  detail::init_gmime();
  const auto v = without_nul(value);
  char* id = gmime().g_mime_utils_decode_message_id(v.c_str());
  std::string out = id ? text::to_valid_utf8(text::trim(id)) : std::string();
  gmime().g_free(id);
  return out;
}

std::vector<std::string>
parse_references(std::string_view value)
{
  detail::init_gmime();
  const auto v = without_nul(value);
  std::vector<std::string> out;
  if (GMimeReferences* refs = gmime().g_mime_references_parse(nullptr, v.c_str())) {
    for (int i = 0; i < gmime().g_mime_references_length(refs); ++i) {
      if (const char* id = gmime().g_mime_references_get_message_id(refs, i)) {
        out.push_back(text::to_valid_utf8(id));
      }
    }
    gmime().g_mime_references_free(refs);
  }
  return out;
}

} // namespace ccaudit::headers
