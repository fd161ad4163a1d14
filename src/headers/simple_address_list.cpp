// A wide list of 5,000 recipients costs GMime about 8,000 instructions an
// address to parse and 3,000 more to free (GObjects), which made address
// parsing a third of a Maildir scan. Most lists use only a handful of shapes;
// this reads those, and declines everything else rather than guess.
#include "headers/simple_address_list.hpp"

#include "core/simd.hpp"
#include "core/text.hpp"
#include "headers/gmime_init.hpp"

#include <algorithm>
#include <array>

namespace ccaudit::headers::detail {

namespace {

// One table for the character classes read here: a wide list is 250 KB,
// and each byte of it is looked up once or twice, never tested in a chain
// of comparisons.
enum : unsigned char
{
  atext_dot = 1, // RFC 5322 atext, ASCII only, or '.': a dot-atom's bytes
  label_dot = 2, // a host name's: letters, digits, '-', '.'
  phrase = 4,    // an unquoted display name's: atext or ' '
  qtext = 8,     // a quoted display name's: ' ' to '~' but '"' '\\' '@'
};

constexpr auto classes = [] {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                       || (c >= '0' && c <= '9');
    const bool atext = alnum
                       || std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c))
                            != std::string_view::npos;
    if (atext || c == '.') {
      t[c] |= atext_dot;
    }
    if (alnum || c == '-' || c == '.') {
      t[c] |= label_dot;
    }
    if (atext || c == ' ') {
      t[c] |= phrase;
    }
    if (c >= ' ' && c <= '~' && c != '"' && c != '\\' && c != '@') {
      t[c] |= qtext;
    }
  }
  return t;
}();

unsigned char
class_of(char c)
{
  return classes[static_cast<unsigned char>(c)];
}

// Whether every byte of `s` is of class `what`: one AND a byte, no branch.
bool
all_of_class(std::string_view s, unsigned char what)
{
  unsigned char all = what;
  for (const char c : s) {
    all &= class_of(c);
  }
  return all == what;
}

// Bytes of `with_dot` (a class holding '.') where no '.' starts, ends or
// follows another: "a.b", not ".a", "a." or "a..b".
bool
is_dot_atom(std::string_view s, unsigned char with_dot)
{
  return !s.empty() && s.front() != '.' && s.back() != '.' && all_of_class(s, with_dot)
         && s.find("..") == std::string_view::npos;
}

// dot-atom "@" host name, ASCII only: "a.b+c@mail.example.com".
bool
is_simple_addr_spec(std::string_view s)
{
  const auto at = s.find('@');
  if (at == std::string_view::npos) {
    return false;
  }
  const auto domain = s.substr(at + 1);
  if (!is_dot_atom(s.substr(0, at), atext_dot) || !is_dot_atom(domain, label_dot)) {
    return false;
  }
  // An A-label ("xn--"): GMime decodes it, and the round trip through
  // IDNA2008 can give another one (the address-list fuzzer found
  // "xn--bcher-kvanexample"): left to GMime, so one address has one form.
  // "xn--" in any case, anywhere (no copy: this runs for every address).
  for (auto i = domain.find('-'); i != std::string_view::npos; i = domain.find('-', i + 1)) {
    if (i >= 2 && i + 1 < domain.size() && domain[i + 1] == '-'
        && text::iequals(domain.substr(i - 2, 2), "xn")) {
      return false;
    }
  }
  return true;
}

// The text of `phrase` where it is one encoded word "=?UTF-8?B?...?=" (any
// case) of plain base64: the padding, if any, at its end only, no bits left
// over. Nullopt for anything else, which GMime decodes. Most encoded names
// of a wide list are written so, and GMime's phrase decoder cost 3,000
// instructions a name (a tenth of what reading a corporate list costs).
std::optional<std::string>
decode_base64_word(std::string_view phrase)
{
  constexpr std::string_view k_prefix = "=?utf-8?b?";
  if (phrase.size() <= k_prefix.size() + 2 || !phrase.ends_with("?=")
      || !text::istarts_with(phrase, k_prefix)) {
    return std::nullopt;
  }
  const auto data = phrase.substr(k_prefix.size(), phrase.size() - k_prefix.size() - 2);
  if (data.size() % 4 != 0) {
    return std::nullopt;
  }
  const auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    return c == '+' ? 62 : c == '/' ? 63 : -1;
  };
  const std::size_t padding = data.ends_with("==") ? 2 : data.ends_with('=') ? 1 : 0;
  int last = 0;
  for (const char c : data.substr(0, data.size() - padding)) {
    if ((last = value(c)) < 0) {
      return std::nullopt;
    }
  }
  if ((padding == 1 && (last & 3) != 0) || (padding == 2 && (last & 15) != 0)) {
    return std::nullopt;
  }
  std::string out(data.size() / 4 * 3 + 3, '\0'); // what GLib asks of the buffer
  gint state = 0;
  guint save = 0;
  out.resize(gmime().g_base64_decode_step(data.data(), data.size(),
                                          reinterpret_cast<guchar*>(out.data()), &state, &save));
  return out;
}

// Whether `s` holds a control character (GMime's address parser trims some
// of them, "\f", that text::trim keeps).
bool
has_control(std::string_view s)
{
  return std::any_of(s.begin(), s.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
}

// The phrase before '<'. Words of atext separated by spaces (GMime keeps the
// phrase's own spacing, so tabs and folds, which it also keeps, are left to
// it), or one quoted string without quoted pairs, line breaks or '@' (a
// name that looks like an address is left to GMime and its recovery). Encoded
// words are decoded by GMime's own phrase decoder, but for one plain UTF-8
// base64 word (decode_base64_word()).
bool
read_display_name(std::string_view phrase_text, std::string& name)
{
  name.clear();
  if (phrase_text.empty()) {
    return true;
  }
  if (phrase_text.front() == '"') {
    if (phrase_text.size() < 2 || phrase_text.back() != '"') {
      return false;
    }
    auto inner = phrase_text.substr(1, phrase_text.size() - 2);
    if (!all_of_class(inner, qtext) || inner.find("=?") != std::string_view::npos) {
      return false; // GMime decodes encoded words inside quotes too
    }
    while (!inner.empty() && inner.front() == ' ') {
      inner.remove_prefix(1);
    }
    while (!inner.empty() && inner.back() == ' ') {
      inner.remove_suffix(1);
    }
    name.assign(inner);
    return true;
  }
  if (!all_of_class(phrase_text, phrase)) {
    return false;
  }
  if (phrase_text.find("=?") == std::string_view::npos) {
    name.assign(phrase_text);
    return true;
  }
  init_gmime();
  auto decoded = decode_base64_word(phrase_text);
  if (!decoded || !text::is_valid_utf8(*decoded) || has_control(*decoded)) {
    const std::string raw(phrase_text);
    char* by_gmime = gmime().g_mime_utils_header_decode_phrase(nullptr, raw.c_str());
    if (by_gmime == nullptr) {
      return false;
    }
    decoded = std::string(by_gmime);
    gmime().g_free(by_gmime);
  }
  // Control characters decoded from a damaged word: left to GMime.
  if (has_control(*decoded)) {
    return false;
  }
  name = text::to_valid_utf8(text::trim(*decoded));
  return true;
}

// The first `a` or `b` in `value` from `i` on, or its size. Items run 30
// to 60 bytes: with SSE2, 16 bytes are compared at a time.
std::size_t
find_either(std::string_view value, std::size_t i, char a, char b)
{
#if defined(__SSE2__)
  const auto wanted_a = _mm_set1_epi8(a);
  const auto wanted_b = _mm_set1_epi8(b);
  for (; value.size() - i >= 16; i += 16) {
    const auto chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(value.data() + i));
    const auto hit = _mm_or_si128(_mm_cmpeq_epi8(chunk, wanted_a), _mm_cmpeq_epi8(chunk, wanted_b));
    if (const auto mask = static_cast<unsigned>(_mm_movemask_epi8(hit))) {
      return i + static_cast<std::size_t>(__builtin_ctz(mask));
    }
  }
#endif
  while (i < value.size() && value[i] != a && value[i] != b) {
    ++i;
  }
  return i;
}

// Where the item starting at `start` ends: the next ',' outside a quoted
// string (inside one, "()[]:;," are a name's text: "Doe, Jane (Finance)",
// as Exchange writes names). Npos for a quoted string not closed or one
// with a quoted pair, which GMime reads differently. Other bytes that make
// the item one the reader declines (comments, groups, routes, literals,
// 8-bit text) are in no class the checks of its parts take.
std::size_t
item_end(std::string_view value, std::size_t start)
{
  auto end = start;
  for (;;) {
    end = find_either(value, end, ',', '"');
    if (end == value.size() || value[end] == ',') {
      return end;
    }
    end = find_either(value, end + 1, '"', '\\');
    if (end == value.size() || value[end] != '"') {
      return std::string_view::npos;
    }
    ++end;
  }
}

// The reading itself: appends the mailboxes of `value`'s items to `out`.
// False where it declines an item: `out` then ends with the mailboxes of the
// items before it, and `declined` says where it starts.
bool
read_simple(std::string_view value, std::vector<Mailbox>& out, std::size_t& declined)
{
  std::string name;
  for (std::size_t start = 0; start <= value.size();) {
    const auto end = item_end(value, start);
    if (end == std::string_view::npos) {
      declined = start;
      return false;
    }
    const auto item = text::trim(value.substr(start, end - start));
    const auto item_start = start;
    start = end + 1;
    if (item.empty()) {
      continue; // GMime skips empty items: "a@x,,b@y"
    }
    std::string_view addr = item;
    name.clear();
    if (item.back() == '>') {
      const auto open = item.find('<');
      if (open == std::string_view::npos
          || !read_display_name(text::trim(item.substr(0, open)), name)) {
        declined = item_start;
        return false;
      }
      addr = item.substr(open + 1, item.size() - open - 2);
    }
    if (!is_simple_addr_spec(addr)) {
      declined = item_start;
      return false;
    }
    out.push_back({text::ascii_lower(addr), std::move(name), {}});
    name = std::string();
  }
  return true;
}

} // namespace

std::optional<std::vector<Mailbox>>
parse_simple_address_list(std::string_view value, SimplePrefix* prefix)
{
  std::vector<Mailbox> out;
  out.reserve(text::count_byte(value, ',') + 1);
  std::size_t declined = 0;
  if (!read_simple(value, out, declined)) {
    if (prefix != nullptr) {
      prefix->mailboxes = std::move(out);
      prefix->end = declined;
    }
    return std::nullopt;
  }
  if (out.empty()) {
    return std::nullopt; // ",," : GMime finds no address and says so
  }
  return out;
}

bool
append_simple_address_list(std::string_view value, std::vector<Mailbox>& out)
{
  const auto before = out.size();
  std::size_t declined = 0;
  if (read_simple(value, out, declined) && out.size() > before) {
    return true;
  }
  out.erase(out.begin() + static_cast<std::ptrdiff_t>(before), out.end());
  return false;
}

std::size_t
append_simple_items(std::string_view value, std::vector<Mailbox>& out)
{
  std::size_t declined = 0;
  return read_simple(value, out, declined) ? std::string_view::npos : declined;
}

} // namespace ccaudit::headers::detail
