// Base64 through GLib and quoted-printable through GMime: never mimetic's
// Base64 decoder, which reads past its table on '|' (../shared, D5).
#include "mime/decode.hpp"

#include "core/text.hpp"
#include "headers/gmime_api.hpp"

#include <cerrno>
#include <vector>

namespace ccaudit::mime {

using headers::gmime;

namespace {

// Feeds `data` to a step decoder in slices, stopping once `limit` bytes are
// out: memory stays bounded whatever the input size.
template <typename Step>
std::string
decode_steps(std::string_view data, std::size_t limit, bool& truncated, Step step)
{
  constexpr std::size_t k_slice = 64 * 1024;
  std::string out;
  std::vector<unsigned char> buffer(k_slice + 16);
  for (std::size_t at = 0; at < data.size(); at += k_slice) {
    const auto slice = data.substr(at, k_slice);
    const std::size_t n = step(slice, buffer.data());
    if (out.size() + n > limit) {
      out.append(reinterpret_cast<const char*>(buffer.data()), limit - out.size());
      truncated = true;
      return out;
    }
    out.append(reinterpret_cast<const char*>(buffer.data()), n);
  }
  return out;
}

} // namespace

std::string
decode_transfer(std::string_view data, std::string_view encoding, std::size_t limit,
                bool& truncated)
{
  truncated = false;
  const auto e = text::ascii_lower(text::trim(encoding));
  if (e == "base64") {
    gint state = 0;
    guint save = 0;
    return decode_steps(data, limit, truncated, [&](std::string_view in, unsigned char* out) {
      return gmime().g_base64_decode_step(in.data(), in.size(), out, &state, &save);
    });
  }
  if (e == "quoted-printable") {
    int state = 0;
    guint32 save = 0;
    return decode_steps(data, limit, truncated, [&](std::string_view in, unsigned char* out) {
      return gmime().g_mime_encoding_quoted_decode_step(
        reinterpret_cast<const unsigned char*>(in.data()), in.size(), out, &state, &save);
    });
  }
  truncated = data.size() > limit;
  return std::string(data.substr(0, limit));
}


} // namespace ccaudit::mime
