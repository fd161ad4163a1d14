// A wide list of 5,000 recipients costs GMime about 8,000 instructions an
// address to parse and 3,000 more to free (GObjects), which made address
// parsing a third of a Maildir scan. Most lists use only a handful of shapes;
// this reads those, and declines everything else rather than guess.
#include "headers/simple_address_list.hpp"

#include "core/text.hpp"
#include "headers/gmime_init.hpp"

#include <algorithm>
#include <array>

namespace ccaudit::headers::detail {

namespace {

// One table for the character classes read here: a wide list is 250 KB.
enum : unsigned char
{
  wsp = 1,       // SP HT CR LF
  atext = 2,     // RFC 5322 atext, ASCII only
  label = 4,     // a host-name label: letters, digits, '-'
  declined = 8,  // never in a value this reader takes
};

constexpr auto classes = [] {
  std::array<unsigned char, 256> t{};
  for (const char c : std::string_view(" \t\r\n")) {
    t[static_cast<unsigned char>(c)] |= wsp;
  }
  for (int c = 0; c < 256; ++c) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                       || (c >= '0' && c <= '9');
    if (alnum || std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c))
                   != std::string_view::npos) {
      t[c] |= atext;
    }
    if (alnum || c == '-') {
      t[c] |= label;
    }
    if (c == 0 || c >= 0x80) {
      t[c] |= declined;
    }
  }
  for (const char c : std::string_view("():;\\[]")) {
    t[static_cast<unsigned char>(c)] |= declined;
  }
  return t;
}();

bool
is(char c, unsigned char what)
{
  return (classes[static_cast<unsigned char>(c)] & what) != 0;
}

bool
is_wsp(char c)
{
  return is(c, wsp);
}

bool
is_atext(char c)
{
  return is(c, atext);
}

bool
is_label_char(char c)
{
  return is(c, label);
}

std::string_view
trim_wsp(std::string_view s)
{
  while (!s.empty() && is_wsp(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_wsp(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

// dot-atom "@" host name, ASCII only: "a.b+c@mail.example.com".
bool
is_simple_addr_spec(std::string_view s)
{
  const auto at = s.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= s.size()) {
    return false;
  }
  const auto local = s.substr(0, at);
  const auto domain = s.substr(at + 1);
  char previous = '.';
  for (const char c : local) {
    if (c == '.' ? previous == '.' : !is_atext(c)) {
      return false;
    }
    previous = c;
  }
  if (previous == '.') {
    return false;
  }
  previous = '.';
  for (const char c : domain) {
    if (c == '.' ? previous == '.' : !is_label_char(c)) {
      return false;
    }
    previous = c;
  }
  // An A-label ("xn--"): GMime decodes it, and the round trip through
  // IDNA2008 can give another one (the address-list fuzzer found
  // "xn--bcher-kvanexample"): left to GMime, so one address has one form.
  if (previous == '.') {
    return false;
  }
  // "xn--" in any case, anywhere (no copy: this runs for every address).
  for (auto i = domain.find('-'); i != std::string_view::npos; i = domain.find('-', i + 1)) {
    if (i >= 2 && i + 1 < domain.size() && domain[i + 1] == '-'
        && text::iequals(domain.substr(i - 2, 2), "xn")) {
      return false;
    }
  }
  return true;
}

// The phrase before '<'. Words of atext separated by spaces (GMime keeps the
// phrase's own spacing, so tabs and folds, which it also keeps, are left to
// it), or one quoted string without quoted pairs, line breaks or '@' (a
// name that looks like an address is left to GMime and its recovery). Encoded
// words are decoded by GMime's own phrase decoder.
bool
read_display_name(std::string_view phrase, std::string& name)
{
  name.clear();
  if (phrase.empty()) {
    return true;
  }
  if (phrase.front() == '"') {
    if (phrase.size() < 2 || phrase.back() != '"') {
      return false;
    }
    auto inner = phrase.substr(1, phrase.size() - 2);
    for (const char c : inner) {
      if (c == '"' || c == '\\' || c == '@' || c < ' ' || c > '~') {
        return false;
      }
    }
    if (inner.find("=?") != std::string_view::npos) {
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
  bool encoded = false;
  char previous = ' ';
  for (std::size_t i = 0; i < phrase.size(); ++i) {
    const char c = phrase[i];
    if (c == ' ') {
      previous = c;
      continue;
    }
    if (!is_atext(c)) {
      return false;
    }
    if (previous == ' ' && c == '=' && i + 1 < phrase.size() && phrase[i + 1] == '?') {
      encoded = true;
    }
    previous = c;
  }
  encoded = encoded || phrase.find("=?") != std::string_view::npos;
  if (!encoded) {
    name.assign(phrase);
    return true;
  }
  init_gmime();
  const std::string raw(phrase);
  char* decoded = gmime().g_mime_utils_header_decode_phrase(nullptr, raw.c_str());
  if (decoded == nullptr) {
    return false;
  }
  // Control characters decoded from a damaged word: GMime's address parser
  // trims some of them ("\f") that text::trim keeps; left to GMime.
  for (const char* c = decoded; *c != '\0'; ++c) {
    if (static_cast<unsigned char>(*c) < 0x20 || *c == 0x7f) {
      gmime().g_free(decoded);
      return false;
    }
  }
  name = text::to_valid_utf8(text::trim(decoded));
  gmime().g_free(decoded);
  return true;
}

// The reading itself: appends the mailboxes of `value`'s items to `out`.
// False where it declines an item: `out` then ends with the mailboxes of the
// items before it, and `declined` says where it starts.
bool
read_simple(std::string_view value, std::vector<Mailbox>& out, std::size_t& declined)
{
  std::string name;
  std::size_t start = 0;
  std::size_t item_start = 0;
  const auto decline = [&] {
    declined = item_start;
    return false;
  };
  while (start <= value.size()) {
    item_start = start;
    // The item ends at the next ',' outside a quoted string. Characters of
    // the shapes GMime reads differently or that need its recovery decline
    // the whole value: comments, groups, routes, quoted pairs, literals,
    // 8-bit text. Inside quotes "()[]:;" are a name's text ("Doe, Jane
    // (Finance)", as Exchange writes names), which read_display_name checks.
    std::size_t end = start;
    bool quoted = false;
    for (; end < value.size(); ++end) {
      const char c = value[end];
      if (is(c, declined) && !(quoted && c != '\\' && static_cast<unsigned char>(c) < 0x80)) {
        return decline();
      }
      if (c == ',' && !quoted) {
        break;
      }
      quoted = c == '"' ? !quoted : quoted;
    }
    if (quoted) {
      return decline();
    }
    const auto item = trim_wsp(value.substr(start, end - start));
    start = end + 1;
    if (item.empty()) {
      continue; // GMime skips empty items: "a@x,,b@y"
    }
    std::string_view addr = item;
    name.clear();
    if (item.back() == '>') {
      const auto open = item.find('<');
      if (open == std::string_view::npos) {
        return decline();
      }
      addr = item.substr(open + 1, item.size() - open - 2);
      if (!read_display_name(trim_wsp(item.substr(0, open)), name)) {
        return decline();
      }
    }
    if (!is_simple_addr_spec(addr)) {
      return decline();
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
