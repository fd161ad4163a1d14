#include "core/text.hpp"

#include "core/simd.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <iconv.h>
#include <utility>
#include <vector>


namespace ccaudit::text {

std::string
ascii_lower(std::string_view s)
{
  std::string out(s);
  // Without a branch, so the compiler does 16 or 32 bytes a step: every
  // address of a wide list goes through here.
  for (auto& c : out) {
    const auto u = static_cast<unsigned char>(c);
    c = static_cast<char>(u | (static_cast<unsigned char>(u - 'A') < 26 ? 0x20 : 0));
  }
  return out;
}

bool
iequals(std::string_view a, std::string_view b)
{
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') {
      x = static_cast<char>(x - 'A' + 'a');
    }
    if (y >= 'A' && y <= 'Z') {
      y = static_cast<char>(y - 'A' + 'a');
    }
    if (x != y) {
      return false;
    }
  }
  return true;
}

bool
istarts_with(std::string_view s, std::string_view prefix)
{
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::string_view
domain_part(std::string_view address)
{
  // memrchr (glibc): rfind() steps back a byte at a time, and this runs
  // three times for each address of a finding.
  const auto* at = address.empty() ? nullptr
                                   : static_cast<const char*>(
                                       memrchr(address.data(), '@', address.size()));
  return at == nullptr ? std::string_view{} : address.substr(at - address.data() + 1);
}

std::string_view
trim(std::string_view s)
{
  const auto ws = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  };
  while (!s.empty() && ws(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && ws(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

std::size_t
header_field_name_length(std::string_view line)
{
  std::size_t i = 0;
#if defined(__SSE2__)
  // 16 bytes at a time (it runs for every header line): a name's bytes are
  // 33 to 126 (signed, so 8-bit bytes are below 33) but ':'.
  const auto low = _mm_set1_epi8(32), high = _mm_set1_epi8(127), colon = _mm_set1_epi8(':');
  for (; line.size() - i >= 16; i += 16) {
    const auto chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(line.data() + i));
    const auto name = _mm_andnot_si128(
      _mm_cmpeq_epi8(chunk, colon),
      _mm_and_si128(_mm_cmpgt_epi8(chunk, low), _mm_cmplt_epi8(chunk, high)));
    if (const auto other = ~static_cast<unsigned>(_mm_movemask_epi8(name)) & 0xFFFFu) {
      i += static_cast<std::size_t>(__builtin_ctz(other));
      break;
    }
  }
#endif
  while (i < line.size() && line[i] >= 33 && line[i] <= 126 && line[i] != ':') {
    ++i;
  }
  const auto name_length = i;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) {
    ++i;
  }
  if (name_length == 0 || i >= line.size() || line[i] != ':') {
    return 0;
  }
  return name_length;
}

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 if it is not valid.
std::size_t
utf8_sequence(std::string_view s, std::size_t i, std::uint32_t& cp)
{
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  std::size_t n = 0;
  std::uint32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2, cp = b0 & 0x1Fu, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, cp = b0 & 0x0Fu, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, cp = b0 & 0x07u, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      return 0;
    }
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

} // namespace

bool
is_valid_utf8(std::string_view s)
{
  std::uint32_t cp = 0;
  for (std::size_t i = 0; i < s.size();) {
    // ASCII fast path, 16 or 8 bytes at a time: most header text is ASCII
    // (every header block is checked).
#if defined(__SSE2__)
    if (i + 16 <= s.size()) {
      const auto chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
      if (_mm_movemask_epi8(chunk) == 0) {
        i += 16;
        continue;
      }
    }
#endif
    if (i + 8 <= s.size()) {
      std::uint64_t word = 0;
      std::memcpy(&word, s.data() + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const auto n = utf8_sequence(s, i, cp);
    if (n == 0) {
      return false;
    }
    i += n;
  }
  return true;
}

std::size_t
count_byte(std::string_view s, char c)
{
  std::size_t n = 0;
  std::size_t i = 0;
#if defined(__SSE2__)
  // Each of 16 byte lanes counts its matches (a match compares as -1: it is
  // subtracted) over at most 255 blocks, then the lanes are summed. No
  // population count: without -mpopcnt that is a call per block.
  const auto wanted = _mm_set1_epi8(c);
  while (s.size() - i >= 16) {
    const auto blocks = std::min<std::size_t>((s.size() - i) / 16, 255);
    auto lanes = _mm_setzero_si128();
    for (std::size_t b = 0; b < blocks; ++b, i += 16) {
      const auto chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
      lanes = _mm_sub_epi8(lanes, _mm_cmpeq_epi8(chunk, wanted));
    }
    const auto sums = _mm_sad_epu8(lanes, _mm_setzero_si128()); // two 64-bit halves
    n += static_cast<std::size_t>(_mm_cvtsi128_si32(sums))
         + static_cast<std::size_t>(_mm_extract_epi16(sums, 4));
  }
#endif
  for (; i < s.size(); ++i) {
    n += s[i] == c ? 1 : 0;
  }
  return n;
}

std::string
to_valid_utf8(std::string_view s)
{
  std::string out;
  out.reserve(s.size());
  std::uint32_t cp = 0;
  for (std::size_t i = 0; i < s.size();) {
    // Runs of ASCII (most of any text, all of base64) are copied whole,
    // found 8 bytes at a time: byte by byte this was a seventh of a
    // --content scan.
    std::size_t ascii = i;
    for (std::uint64_t word = 0; ascii + 8 <= s.size(); ascii += 8) {
      std::memcpy(&word, s.data() + ascii, 8);
      if ((word & 0x8080808080808080ull) != 0) {
        break;
      }
    }
    while (ascii < s.size() && static_cast<unsigned char>(s[ascii]) < 0x80) {
      ++ascii;
    }
    out.append(s.data() + i, ascii - i);
    i = ascii;
    if (i == s.size()) {
      break;
    }
    const auto n = utf8_sequence(s, i, cp);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

bool
is_control_or_bidi(char32_t cp)
{
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || (cp >= 0x202A && cp <= 0x202E)
         || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F || cp == 0x061C;
}

namespace {

// Calls emit(bytes, cp) for each code point of `s`, cp = 0xFFFFFFFF for a
// byte that starts no valid sequence.
template <typename F>
void
for_each_code_point(std::string_view s, F&& emit)
{
  std::uint32_t cp = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto n = utf8_sequence(s, i, cp);
    if (n == 0) {
      emit(s.substr(i, 1), 0xFFFFFFFFu);
      ++i;
      continue;
    }
    emit(s.substr(i, n), cp);
    i += n;
  }
}

} // namespace

std::string
for_terminal(std::string_view s)
{
  std::string out;
  out.reserve(s.size());
  for_each_code_point(s, [&](std::string_view bytes, std::uint32_t cp) {
    if (cp == '\n' || cp == '\r' || cp == '\t') {
      out += ' ';
    } else if (cp == 0xFFFFFFFFu || is_control_or_bidi(cp)) {
      out += '?';
    } else {
      out.append(bytes);
    }
  });
  return out;
}

std::string
without_controls(std::string_view s, std::string_view replacement)
{
  std::string out;
  out.reserve(s.size());
  for_each_code_point(s, [&](std::string_view bytes, std::uint32_t cp) {
    if (cp == 0xFFFFFFFFu) {
      out += "\xef\xbf\xbd"; // U+FFFD
    } else if (is_control_or_bidi(cp)) {
      out.append(replacement);
    } else {
      out.append(bytes);
    }
  });
  return out;
}

std::string
json_escape_c1_and_bidi(std::string_view json)
{
  std::string out;
  out.reserve(json.size());
  for_each_code_point(json, [&](std::string_view bytes, std::uint32_t cp) {
    if (cp == 0xFFFFFFFFu) {
      out += "\xef\xbf\xbd"; // U+FFFD
    } else if (cp >= 0x80 && is_control_or_bidi(cp)) {
      constexpr char hex[] = "0123456789abcdef";
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) {
        out += hex[(cp >> shift) & 0xF];
      }
    } else {
      out.append(bytes);
    }
  });
  return out;
}

std::string
excerpt(std::string_view s)
{
  constexpr std::size_t k_max = 60;
  auto out = for_terminal(s.substr(0, k_max));
  return s.size() > k_max ? out + "..." : out;
}

namespace {

// iconv_open costs more than converting a subject: each thread keeps the
// converters of the charsets it met (a mailbox has few; past k_kept, the
// oldest one is closed). A charset iconv does not know is kept as such.
class Converters
{
public:
  Converters() = default;
  Converters(const Converters&) = delete;
  Converters& operator=(const Converters&) = delete;
  ~Converters()
  {
    for (auto& [name, cd] : m_kept) {
      close(cd);
    }
  }

  iconv_t get(const std::string& charset)
  {
    for (auto& [name, cd] : m_kept) {
      if (name == charset) {
        return cd;
      }
    }
    if (m_kept.size() == k_kept) {
      close(m_kept.front().second);
      m_kept.erase(m_kept.begin());
    }
    m_kept.emplace_back(charset, iconv_open("UTF-8", charset.c_str()));
    return m_kept.back().second;
  }

private:
  static constexpr std::size_t k_kept = 16;
  static void close(iconv_t cd)
  {
    if (cd != reinterpret_cast<iconv_t>(-1)) {
      iconv_close(cd);
    }
  }
  std::vector<std::pair<std::string, iconv_t>> m_kept;
};

iconv_t
converter(const std::string& charset)
{
  thread_local Converters converters;
  return converters.get(charset);
}

} // namespace

std::string
from_utf16(std::string_view data, bool big_endian)
{
  const auto unit = [&](std::size_t i) {
    const auto a = static_cast<unsigned char>(data[i]);
    const auto b = static_cast<unsigned char>(data[i + 1]);
    return big_endian ? static_cast<std::uint32_t>((a << 8) | b)
                      : static_cast<std::uint32_t>((b << 8) | a);
  };
  // At most 3 bytes of UTF-8 per 2 bytes of UTF-16 (4 per surrogate pair).
  std::string out(data.size() / 2 * 3 + 3, '\0');
  auto* o = out.data();
  const auto put_replacement = [&] {
    *o++ = '\xEF', *o++ = '\xBF', *o++ = '\xBD';
  };
  std::size_t i = 0;
  for (; i + 1 < data.size(); i += 2) {
    std::uint32_t cp = unit(i);
    if (cp < 0x80) {
      *o++ = static_cast<char>(cp);
      continue;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) {
      const auto low = i + 3 < data.size() ? unit(i + 2) : 0;
      if (cp >= 0xDC00 || low < 0xDC00 || low > 0xDFFF) {
        put_replacement();
        continue;
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      i += 2;
      *o++ = static_cast<char>(0xF0 | (cp >> 18));
      *o++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      *o++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *o++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x800) {
      *o++ = static_cast<char>(0xC0 | (cp >> 6));
      *o++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *o++ = static_cast<char>(0xE0 | (cp >> 12));
      *o++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *o++ = static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  if (i < data.size()) {
    put_replacement();
  }
  out.resize(static_cast<std::size_t>(o - out.data()));
  return out;
}

std::string
to_utf8(std::string_view data, std::string_view charset, bool& unknown)
{
  unknown = false;
  auto c = ascii_lower(trim(charset));
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
    return to_valid_utf8(data);
  }
  if (c == "utf-16le" || c == "utf-16be") {
    return from_utf16(data, c == "utf-16be");
  }
  iconv_t cd = converter(c);
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    unknown = true;
    return to_valid_utf8(data);
  }
  iconv(cd, nullptr, nullptr, nullptr, nullptr); // its initial state
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
  return to_valid_utf8(out);
}

} // namespace ccaudit::text
