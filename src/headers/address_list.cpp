// The only user of GMime. GMime parses address lists right where mimetic does
// not (comments, routes, groups without ';', RFC 2047 names; see
// ../shared/DEPENDENCIES.md), but two of its behaviours are handled first:
// it stops at a NUL byte (the header splitter has already replaced them), and
// with Outlook's ';' separators it returns only the first address, so those
// are turned into ',' here and recorded as an issue.
#include "headers/address_list.hpp"

#include "core/text.hpp"

#include <gmime/gmime.h>
#include <idn2.h>

#include <mutex>

namespace ccaudit::headers {

namespace {

void
init_gmime()
{
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

// Scans an address list outside quoted strings, comments and angle brackets.
// Calls on_char(i, c, angle_depth) for every other character.
template <typename F>
void
scan_structure(std::string_view v, F&& on_char)
{
  bool quoted = false;
  int comment = 0;
  int angle = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if ((quoted || comment > 0) && c == '\\') {
      ++i; // quoted-pair
      continue;
    }
    if (quoted) {
      quoted = c != '"';
      continue;
    }
    if (c == '(') {
      ++comment;
      continue;
    }
    if (comment > 0) {
      comment -= c == ')';
      continue;
    }
    if (c == '"') {
      quoted = true;
      continue;
    }
    if (c == '<') {
      ++angle;
    } else if (c == '>' && angle > 0) {
      --angle;
    }
    on_char(i, c, angle);
  }
}

// Outlook writes "a@x; b@y". RFC 5322 ';' only ends a group, so a ';' outside
// a group is a separator. Returns how many were replaced.
std::size_t
replace_semicolon_separators(std::string& v)
{
  bool in_group = false;
  std::size_t replaced = 0;
  scan_structure(v, [&](std::size_t i, char c, int angle) {
    if (angle > 0) {
      return;
    }
    if (c == ':') {
      in_group = true;
    } else if (c == ';') {
      if (in_group) {
        in_group = false;
      } else {
        v[i] = ',';
        ++replaced;
      }
    }
  });
  return replaced;
}

// How many addr-specs the text seems to hold: each '@' outside angle
// brackets, and one per <...> holding an '@' (an obsolete route has several).
std::size_t
count_at_signs(std::string_view v)
{
  std::size_t count = 0;
  bool angle_has_at = false;
  scan_structure(v, [&](std::size_t, char c, int angle) {
    if (c == '<') {
      angle_has_at = false;
    } else if (c == '@') {
      if (angle > 0) {
        angle_has_at = true;
      } else {
        ++count;
      }
    } else if (c == '>' && angle == 0 && angle_has_at) {
      ++count;
      angle_has_at = false;
    }
  });
  return count;
}

bool
is_atext(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
         || (c >= '0' && c <= '9')
         || std::string_view("!#$%&'*+-/=?^_`{|}~").find(c)
              != std::string_view::npos
         || static_cast<unsigned char>(c) >= 0x80; // RFC 6532 UTF-8
}

bool
is_dot_atom(std::string_view s)
{
  if (s.empty() || s.front() == '.' || s.back() == '.') {
    return false;
  }
  char previous = 0;
  for (const char c : s) {
    if (c == '.' ? previous == '.' : !is_atext(c)) {
      return false;
    }
    previous = c;
  }
  return true;
}

std::string
normalize_local_part(std::string_view local)
{
  if (local.size() >= 2 && local.front() == '"' && local.back() == '"') {
    std::string inner;
    for (std::size_t i = 1; i + 1 < local.size(); ++i) {
      if (local[i] == '\\' && i + 2 < local.size()) {
        ++i;
      }
      inner += local[i];
    }
    if (is_dot_atom(inner)) {
      return text::ascii_lower(inner);
    }
  }
  return text::ascii_lower(local);
}

void
collect(InternetAddressList* list, const std::string& group,
        Parsed<std::vector<Mailbox>>& out, std::size_t& without_domain)
{
  const int n = internet_address_list_length(list);
  for (int i = 0; i < n; ++i) {
    InternetAddress* item = internet_address_list_get_address(list, i);
    const char* name = internet_address_get_name(item);
    const std::string display = name ? text::to_valid_utf8(name) : "";
    if (INTERNET_ADDRESS_IS_GROUP(item)) {
      auto* members = internet_address_group_get_members(
        INTERNET_ADDRESS_GROUP(item));
      collect(members, display, out, without_domain);
      continue;
    }
    auto* mailbox = INTERNET_ADDRESS_MAILBOX(item);
    const char* raw = internet_address_mailbox_get_idn_addr(mailbox);
    auto address = normalize_address(raw ? raw : "", &out.issues);
    if (address.empty()) {
      ++without_domain;
      if (without_domain == 1) {
        out.issues.push_back(
          {IssueKind::address_without_domain,
           "\"" + text::for_terminal(raw ? raw : "")
             + "\" has no domain and is not counted"});
      }
      continue;
    }
    out.value.push_back({std::move(address), display, group});
  }
}

} // namespace

std::string
normalize_domain(std::string_view domain)
{
  std::string d(domain);
  while (!d.empty() && d.back() == '.') {
    d.pop_back();
  }
  if (d.empty()) {
    return {};
  }
  if (d.front() == '[') {
    return text::ascii_lower(d); // domain literal
  }
  bool ascii = true;
  for (const char c : d) {
    ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  }
  if (ascii) {
    return text::ascii_lower(d);
  }
  char* out = nullptr;
  int rc = idn2_to_ascii_8z(d.c_str(), &out, IDN2_NONTRANSITIONAL);
  if (rc != IDN2_OK) {
    rc = idn2_to_ascii_8z(d.c_str(), &out, IDN2_TRANSITIONAL);
  }
  if (rc != IDN2_OK) {
    return {};
  }
  std::string result = text::ascii_lower(out);
  idn2_free(out);
  return result;
}

std::string
normalize_address(std::string_view address, std::vector<Issue>* issues)
{
  const auto at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= address.size()) {
    return {};
  }
  const auto raw_domain = address.substr(at + 1);
  auto domain = normalize_domain(raw_domain);
  if (domain.empty()) {
    if (issues) {
      issues->push_back({IssueKind::invalid_idn_domain,
                         "\"" + text::for_terminal(raw_domain)
                           + "\" has no A-label form; compared as written"});
    }
    domain = text::ascii_lower(raw_domain);
  }
  return normalize_local_part(address.substr(0, at)) + "@" + domain;
}

Parsed<std::vector<Mailbox>>
parse_address_list(std::string_view value)
{
  init_gmime();
  Parsed<std::vector<Mailbox>> out;
  std::string v(value);
  for (auto& c : v) {
    c = c == '\0' ? ' ' : c; // GMime stops at NUL
  }
  if (const auto n = replace_semicolon_separators(v); n > 0) {
    out.issues.push_back({IssueKind::semicolon_address_separator,
                          std::to_string(n) + " ';' read as ','"});
  }
  if (text::trim(v).empty()) {
    return out;
  }
  InternetAddressList* list = internet_address_list_parse(nullptr, v.c_str());
  std::size_t without_domain = 0;
  if (list) {
    collect(list, "", out, without_domain);
    g_object_unref(list);
  } else {
    out.issues.push_back({IssueKind::address_unparsable,
                          "no address in \"" + text::for_terminal(v.substr(0, 60))
                            + "\""});
  }
  const auto expected = count_at_signs(v);
  const auto found = out.value.size() + without_domain;
  if (found < expected) {
    out.issues.push_back({IssueKind::addresses_dropped,
                          std::to_string(expected - found) + " of "
                            + std::to_string(expected)
                            + " address(es) could not be read"});
  }
  return out;
}

std::string
decode_text(std::string_view value)
{
  init_gmime();
  std::string v(value);
  char* decoded = g_mime_utils_header_decode_text(nullptr, v.c_str());
  std::string out = decoded ? text::to_valid_utf8(decoded) : text::to_valid_utf8(v);
  g_free(decoded);
  return out;
}

} // namespace ccaudit::headers
