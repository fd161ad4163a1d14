// Base64 through GLib and quoted-printable through GMime: never mimetic's
// Base64 decoder, which reads past its table on '|' (../shared, D5).
#include "mime/decode.hpp"

#include "core/text.hpp"

#include <gmime/gmime.h>
#include <iconv.h>

#include <cerrno>
#include <vector>

namespace ccaudit::mime {

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
      return g_base64_decode_step(in.data(), in.size(), out, &state, &save);
    });
  }
  if (e == "quoted-printable") {
    int state = 0;
    guint32 save = 0;
    return decode_steps(data, limit, truncated, [&](std::string_view in, unsigned char* out) {
      return g_mime_encoding_quoted_decode_step(
        reinterpret_cast<const unsigned char*>(in.data()), in.size(), out, &state, &save);
    });
  }
  truncated = data.size() > limit;
  return std::string(data.substr(0, limit));
}

std::string
to_utf8(std::string_view data, std::string_view charset, bool& unknown)
{
  unknown = false;
  auto c = text::ascii_lower(text::trim(charset));
  // A byte order mark says more than a missing or generic charset: Excel's
  // "Unicode text" exports are UTF-16 with one.
  if (c.empty() || c == "us-ascii" || c == "ascii" || c == "utf-8" || c == "utf8"
      || c == "utf-16" || c == "utf16") {
    if (data.starts_with("\xFF\xFE")) {
      c = "utf-16le";
      data.remove_prefix(2);
    } else if (data.starts_with("\xFE\xFF")) {
      c = "utf-16be";
      data.remove_prefix(2);
    } else if (data.starts_with("\xEF\xBB\xBF")) {
      data.remove_prefix(3);
    }
  }
  if (c.empty() || c == "utf-8" || c == "utf8" || c == "us-ascii" || c == "ascii") {
    return text::to_valid_utf8(data);
  }
  iconv_t cd = iconv_open("UTF-8", c.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    unknown = true;
    return text::to_valid_utf8(data);
  }
  std::string out;
  out.reserve(data.size() + data.size() / 2);
  char buffer[16 * 1024];
  char* in = const_cast<char*>(data.data());
  std::size_t in_left = data.size();
  while (in_left > 0) {
    char* o = buffer;
    std::size_t o_left = sizeof buffer;
    const auto rc = iconv(cd, &in, &in_left, &o, &o_left);
    out.append(buffer, static_cast<std::size_t>(o - buffer));
    if (rc == static_cast<std::size_t>(-1)) {
      if (errno == E2BIG) {
        continue;
      }
      // An invalid or cut sequence: one replacement character, go on.
      out += "\xEF\xBF\xBD";
      ++in;
      --in_left;
      iconv(cd, nullptr, nullptr, nullptr, nullptr);
    }
  }
  iconv_close(cd);
  return text::to_valid_utf8(out);
}

} // namespace ccaudit::mime
