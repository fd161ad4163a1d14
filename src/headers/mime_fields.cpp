// GMime reads MIME parameters (RFC 2045 quoting, RFC 2231 continuations and
// charsets, the RFC 2047 words some mailers put in file names).
#include "headers/mime_fields.hpp"

#include "core/text.hpp"
#include "headers/gmime_init.hpp"

namespace ccaudit::headers {

namespace {

std::string
without_nul(std::string_view value)
{
  std::string v(text::trim(value));
  for (auto& c : v) {
    c = c == '\0' ? ' ' : c;
  }
  return v;
}

std::string
utf8(const char* s)
{
  return s ? text::to_valid_utf8(s) : std::string();
}

} // namespace

ContentType
parse_content_type(std::string_view value)
{
  detail::init_gmime();
  ContentType out;
  const auto v = without_nul(value);
  if (v.empty()) {
    return out;
  }
  GMimeContentType* ct = gmime().g_mime_content_type_parse(nullptr, v.c_str());
  if (ct == nullptr) {
    return out;
  }
  const char* type = gmime().g_mime_content_type_get_media_type(ct);
  const char* subtype = gmime().g_mime_content_type_get_media_subtype(ct);
  // GMime answers application/octet-stream for a value it cannot read:
  // that is only the type when it is what the value says.
  if (type && subtype) {
    out.type = text::ascii_lower(std::string(type) + "/" + subtype);
    if (out.type == "application/octet-stream"
        && !text::istarts_with(v, "application/octet-stream")) {
      out.type.clear();
    }
  }
  out.charset = utf8(gmime().g_mime_content_type_get_parameter(ct, "charset"));
  out.name = utf8(gmime().g_mime_content_type_get_parameter(ct, "name"));
  out.boundary = utf8(gmime().g_mime_content_type_get_parameter(ct, "boundary"));
  gmime().g_object_unref(ct);
  return out;
}

ContentDisposition
parse_content_disposition(std::string_view value)
{
  detail::init_gmime();
  ContentDisposition out;
  const auto v = without_nul(value);
  if (v.empty()) {
    return out;
  }
  GMimeContentDisposition* cd = gmime().g_mime_content_disposition_parse(nullptr, v.c_str());
  if (cd == nullptr) {
    return out;
  }
  const char* disposition = gmime().g_mime_content_disposition_get_disposition(cd);
  out.attachment = disposition && text::iequals(disposition, "attachment");
  out.filename = utf8(gmime().g_mime_content_disposition_get_parameter(cd, "filename"));
  gmime().g_object_unref(cd);
  return out;
}

} // namespace ccaudit::headers
