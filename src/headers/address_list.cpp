// GMime parses address lists right where mimetic does
// not (comments, routes, groups without ';', RFC 2047 names; see
// ../shared/DEPENDENCIES.md), but two of its behaviours are handled first:
// it stops at a NUL byte (the header splitter has already replaced them), and
// with Outlook's ';' separators it returns only the first address, so those
// are turned into ',' here and recorded as an issue.
#include "headers/address_list.hpp"

#include "core/text.hpp"
#include "headers/gmime_init.hpp"
#include "headers/simple_address_list.hpp"

#include <gmime/gmime.h>
#include <idn2.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <random>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>

namespace ccaudit::headers {

void
detail::init_gmime()
{
  static std::once_flag once;
  std::call_once(once, [] {
    g_mime_init();
    // GObject creates a class on its first instance. Create them here,
    // under call_once, so worker threads never race to do it.
    if (auto* list = internet_address_list_parse(
          nullptr, "A <a@example.com>, group: b@example.com;")) {
      g_object_unref(list);
    }
    g_free(g_mime_utils_header_decode_text(nullptr, "=?UTF-8?Q?a?="));
    if (GDateTime* date = g_mime_utils_header_decode_date("1 Jan 2024 00:00 +0000")) {
      g_date_time_unref(date);
    }
    if (GMimeReferences* refs = g_mime_references_parse(nullptr, "<a@example.com>")) {
      g_mime_references_free(refs);
    }
    if (GMimeContentType* ct = g_mime_content_type_parse(nullptr, "text/plain; charset=us-ascii")) {
      g_object_unref(ct);
    }
    if (GMimeContentDisposition* cd =
          g_mime_content_disposition_parse(nullptr, "attachment; filename=a.csv")) {
      g_object_unref(cd);
    }
  });
}

namespace {

// Scans an address list, skipping comments. Calls on_char(i, c, angle_depth)
// for every character outside quoted strings and comments, and
// on_quoted(text) for each quoted string (quotes included; an unclosed one
// runs to the end).
template <typename F, typename Q>
void
scan_structure(std::string_view v, F&& on_char, Q&& on_quoted)
{
  int comment = 0;
  int angle = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (comment > 0) {
      if (c == '\\') {
        ++i; // quoted-pair
      } else if (c == '(' || c == ')') {
        comment += c == '(' ? 1 : -1;
      }
      continue;
    }
    if (c == '(') {
      ++comment;
      continue;
    }
    if (c == '"') {
      const auto start = i;
      for (++i; i < v.size() && v[i] != '"'; ++i) {
        i += v[i] == '\\' ? 1 : 0;
      }
      on_quoted(v.substr(start, std::min(i + 1, v.size()) - start));
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

template <typename F>
void
scan_structure(std::string_view v, F&& on_char)
{
  scan_structure(v, std::forward<F>(on_char), [](std::string_view) {});
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

bool
is_domain_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
         || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'
         || static_cast<unsigned char>(c) >= 0x80;
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

// Quotes that change nothing are dropped: '"john"', '"john"."doe"' and
// 'munn"."mary' are john, john.doe and munn.mary once unquoted, and a
// mailbox written both ways must count once.
std::string
normalize_local_part(std::string_view local)
{
  if (local.find('"') == std::string_view::npos) {
    return text::ascii_lower(local);
  }
  std::string plain;
  bool quoted = false;
  for (std::size_t i = 0; i < local.size(); ++i) {
    const char c = local[i];
    if (c == '"') {
      quoted = !quoted;
    } else if (quoted && c == '\\' && i + 1 < local.size()) {
      plain += local[++i];
    } else {
      plain += c;
    }
  }
  return text::ascii_lower(!quoted && is_dot_atom(plain) ? std::string_view(plain) : local);
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
    // get_addr, not get_idn_addr: GMime would run IDNA on every address;
    // normalize_address() converts only non-ASCII domains (a third of the
    // parse time on wide lists).
    auto* mailbox = INTERNET_ADDRESS_MAILBOX(item);
    const char* raw = internet_address_mailbox_get_addr(mailbox);
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


// Characters that end a bare address token in free text.
bool
ends_token(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ','
         || c == ';' || c == '<' || c == '>' || c == '(' || c == ')'
         || c == '"' || c == ':';
}

// "local@domain" with the domain cut at the first character no domain has
// (a mailto: URL's "?subject=..." for instance); "" if nothing is left.
std::string
address_from_token(std::string_view token)
{
  // Up to the first '@': "a@example.org@" and "a@example.org@example.net"
  // are read as a@example.org (an unquoted local part has no '@').
  const auto at = token.find('@');
  if (at == std::string_view::npos) {
    return {};
  }
  auto domain = token.substr(at + 1);
  if (domain.starts_with('[')) {
    if (const auto close = domain.find(']'); close != std::string_view::npos) {
      domain = domain.substr(0, close + 1);
    }
  } else {
    std::size_t n = 0;
    while (n < domain.size() && is_domain_char(domain[n])) {
      ++n;
    }
    domain = domain.substr(0, n);
    while (domain.ends_with('.')) {
      domain.remove_suffix(1);
    }
    if (domain.find('.') == std::string_view::npos) {
      return {}; // "a@b" in broken text is more likely noise than a mailbox
    }
  }
  const auto local = token.substr(0, at);
  if (std::none_of(local.begin(), local.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80;
      })) {
    return {};
  }
  return normalize_address(std::string(local) + "@" + std::string(domain));
}

// What a reader sees as addresses in broken text.
struct Scavenged
{
  std::vector<std::string> addresses; // normalised
  std::vector<std::string> junk;      // <...> holding an '@' but no address,
                                      // as written ("<.~@example.com>")
};

// Lenient last resort for one list item the parser rejected: the content of
// every <...> holding an '@' (comments, blanks and a route removed), then
// every bare token holding an '@' outside quotes, comments and brackets,
// unless an <...> follows it in the same item: then it is display-name text
// ("eve@example.com <frank@example.com>" is Frank's mailbox only, as every
// mail client shows it). It reads what a person would read as addresses.
Scavenged
scavenge(std::string_view item)
{
  Scavenged out;
  std::vector<std::string> pending; // bare tokens of the item so far
  std::string angle, bare;
  bool in_literal = false; // inside "...@[" before its "]"
  const auto flush_bare = [&] {
    if (bare.find('@') != std::string::npos) {
      if (auto a = address_from_token(bare); !a.empty()) {
        pending.push_back(std::move(a));
      }
    }
    bare.clear();
    in_literal = false;
  };
  const auto end_item = [&] {
    flush_bare();
    for (auto& a : pending) {
      out.addresses.push_back(std::move(a));
    }
    pending.clear();
  };
  int depth = 0;
  const auto on_char = [&](std::size_t, char c, int) {
    if (c == '<') {
      flush_bare();
      pending.clear(); // a display name
      depth = 1; // "<<a@b>" and "< x <a@b>": the innermost one counts
      angle.clear();
    } else if (c == '>' && depth > 0) {
      if (--depth == 0 && angle.find('@') != std::string::npos) {
        const auto colon = angle.rfind(':'); // obsolete route or "mailto:"
        const auto token = colon == std::string::npos ? angle : angle.substr(colon + 1);
        if (auto a = address_from_token(token); !a.empty()) {
          out.addresses.push_back(std::move(a));
        } else if (token.find('@') != std::string::npos) {
          out.junk.push_back("<" + angle + ">");
        }
      }
    } else if (depth > 0) {
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        angle += c;
      }
    } else if (in_literal) {
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        bare += c; // "[IPv6:2001:db8::1]" and "[RFC 5322 literal]" are one
        in_literal = c != ']';
      }
    } else if (c == ',' || c == ';') {
      end_item();
    } else if (ends_token(c)) {
      flush_bare();
    } else {
      in_literal = c == '[' && bare.ends_with('@');
      bare += c;
    }
  };
  const auto on_quoted = [&](std::string_view quoted) {
    if (depth > 0) {
      angle += quoted; // <"john doe"@example.com>
    } else {
      flush_bare(); // a display name
    }
  };
  scan_structure(item, on_char, on_quoted);
  if (depth > 0) {
    // An unclosed '<' ran to the end ("<a@x, b@y, ..."): what it holds is
    // still what a reader sees, item by item.
    std::size_t start = 0;
    for (std::size_t i = 0; i <= angle.size(); ++i) {
      if (i == angle.size() || angle[i] == ',' || angle[i] == ';' || angle[i] == '<') {
        const auto piece = std::string_view(angle).substr(start, i - start);
        if (auto a = address_from_token(piece.substr(piece.rfind(':') + 1)); !a.empty()) {
          out.addresses.push_back(std::move(a));
        } else if (piece.find('@') != std::string_view::npos) {
          out.junk.push_back("<" + std::string(piece));
        }
        start = i + 1;
      }
    }
  }
  end_item();
  return out;
}

// Splits a list at top-level ',' and ';', dropping group names ("team:").
std::vector<std::string_view>
split_items(std::string_view v)
{
  std::vector<std::string_view> items;
  std::size_t start = 0;
  scan_structure(v, [&](std::size_t i, char c, int angle) {
    if (angle > 0) {
      return;
    }
    if (c == ',' || c == ';') {
      items.push_back(v.substr(start, i - start));
      start = i + 1;
    } else if (c == ':') {
      start = i + 1; // a group name ends here
    }
  });
  items.push_back(v.substr(start));
  return items;
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

namespace {

// GMime's group parser recurses once per "name:" before the ';' that closes
// it: 40,000 of them overflowed a thread's stack (about 3,000 fill 256 KiB).
// What counts as a name is decided by GMime's tokenizer, not ours (a '\"'
// or '\(' outside quotes, an unclosed '<', read differently), so the only
// bound that holds is the raw count: GMime never sees a string with more
// ':' than this. RFC 5322 has no nested groups; routes and "mailto:" hold
// one ':' each.
constexpr std::size_t k_max_colons = 16;

bool
safe_for_gmime(std::string_view s)
{
  return text::count_byte(s, ':') <= k_max_colons;
}

// The deepest group nesting of a list as our tokenizer reads it: ':' opens
// a group, ';' closes one (angle brackets, quotes and comments aside).
int
group_depth(std::string_view v)
{
  int depth = 0, deepest = 0;
  scan_structure(v, [&](std::size_t, char c, int angle) {
    if (angle > 0) {
      return;
    }
    if (c == ':') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ';' && depth > 0) {
      --depth;
    }
  });
  return deepest;
}

// GMime's mailboxes of one string it may see; false if it read no list.
bool
gmime_mailboxes(const std::string& s, Parsed<std::vector<Mailbox>>& out,
                std::size_t& without_domain)
{
  InternetAddressList* list = internet_address_list_parse(nullptr, s.c_str());
  if (!list) {
    return false;
  }
  collect(list, "", out, without_domain);
  g_object_unref(list);
  return true;
}

// Parses with GMime: the whole list, or, when it holds too many ':', each
// item that does not (an item that does is left to the lenient reader). An
// unparsable non-empty list is recorded.
void
parse_with_gmime(const std::string& v, Parsed<std::vector<Mailbox>>& out,
                 std::size_t& without_domain)
{
  if (safe_for_gmime(v)) {
    if (!gmime_mailboxes(v, out, without_domain)) {
      out.issues.push_back({IssueKind::address_unparsable,
                            "no address in \"" + text::for_terminal(v.substr(0, 60)) + "\""});
    }
  } else {
    std::size_t unsafe = 0;
    for (const auto item : split_items(v)) {
      if (safe_for_gmime(item)) {
        gmime_mailboxes(std::string(item), out, without_domain);
      } else {
        ++unsafe;
      }
    }
    if (const int depth = group_depth(v); unsafe > 0 || depth > static_cast<int>(k_max_colons)) {
      out.issues.push_back(
        {IssueKind::nesting_too_deep,
         "groups nested " + std::to_string(depth) + " deep, "
           + std::to_string(text::count_byte(v, ':')) + " ':' in all: read item by item, "
           + std::to_string(unsafe) + " item(s) without the parser"});
    }
  }
}

// Marks which of a few candidate addresses a parsed address covers. A
// parsed address also covers what a reader's eye may stop at inside an
// obsolete local part: "test . test@x" is parsed as test.test@x, and the
// text shows test@x; '"test".test@x' shows .test@x. So every suffix of a
// parsed address that starts at, or just after, a '.' or '"' of its local
// part covers a candidate. Only the candidates are held (a local part may
// hold 100,000 dots, a list 50,000 addresses): each suffix's hash is
// computed from the next one's in constant time, right to left, and
// strings are compared only on a hash match.
class Cover
{
public:
  explicit Cover(const std::vector<std::string>& candidates)
    : m_candidates(candidates), m_covered(candidates.size(), false),
      m_first(candidates.size())
  {
    // Each distinct candidate once in the index: a list that repeats one
    // address 8,000 times must not make each lookup compare 8,000 strings
    // (the fuzzer's find: quadratic).
    std::unordered_map<std::string_view, std::size_t> first;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      const auto [it, added] = first.emplace(candidates[i], i);
      m_first[i] = it->second;
      if (added) {
        m_index.emplace(hash(candidates[i]), i);
      }
    }
  }

  void cover_with_suffixes(std::string_view a)
  {
    const auto at = a.rfind('@');
    std::uint64_t h = 0;
    for (std::size_t i = a.size(); i-- > 0;) {
      const auto after = h; // the hash of a.substr(i + 1)
      h = step(h, a[i]);
      if (i < at && (a[i] == '.' || a[i] == '"')) {
        mark(h, a.substr(i));
        mark(after, a.substr(i + 1));
      } else if (i == 0) {
        mark(h, a);
      }
    }
  }

  bool covered(std::size_t i) const { return m_covered[m_first[i]]; }

private:
  void mark(std::uint64_t h, std::string_view s)
  {
    const auto [first, last] = m_index.equal_range(h);
    for (auto it = first; it != last; ++it) {
      if (m_candidates[it->second] == s) {
        m_covered[it->second] = true;
      }
    }
  }

  // A polynomial hash modulo the prime 2^61 - 1 with a base drawn once per
  // process: modulo 2^64 any base has known colliding strings (Thue-Morse),
  // and hostile mail would fill one bucket.
  static std::uint64_t step(std::uint64_t h, char c)
  {
    constexpr std::uint64_t p = (std::uint64_t{1} << 61) - 1;
    static const std::uint64_t base = std::random_device{}() % (p - 256) + 256;
    __extension__ typedef unsigned __int128 u128;
    const u128 x = static_cast<u128>(h) * base + static_cast<unsigned char>(c) + 1;
    const std::uint64_t folded = static_cast<std::uint64_t>(x & p)
                                 + static_cast<std::uint64_t>(x >> 61);
    return folded >= p ? folded - p : folded;
  }

  static std::uint64_t hash(std::string_view s)
  {
    std::uint64_t h = 0;
    for (std::size_t i = s.size(); i-- > 0;) {
      h = step(h, s[i]);
    }
    return h;
  }

  const std::vector<std::string>& m_candidates;
  std::vector<bool> m_covered;          // by the first index of each candidate
  std::vector<std::size_t> m_first;     // candidate -> first index of the same text
  std::unordered_multimap<std::uint64_t, std::size_t> m_index; // distinct ones only
};

// Addresses a reader sees in `text` that no mailbox covers (each once), and
// the <...> items that hold an '@' but no address and were not parsed
// either.
Scavenged
missing_from(std::string_view text, const std::vector<Mailbox>& mailboxes)
{
  auto found = scavenge(text);
  // The junk's address as a parser would have read it, after the rest.
  std::vector<std::string> candidates = found.addresses;
  for (const auto& junk : found.junk) {
    auto inner = std::string_view(junk).substr(1);
    if (inner.ends_with('>')) {
      inner.remove_suffix(1);
    }
    candidates.push_back(normalize_address(inner.substr(inner.rfind(':') + 1)));
  }
  Cover cover(candidates);
  for (const auto& m : mailboxes) {
    cover.cover_with_suffixes(m.address);
  }
  Scavenged missing;
  std::unordered_set<std::string_view> listed;
  for (std::size_t i = 0; i < found.addresses.size(); ++i) {
    if (!cover.covered(i) && listed.insert(found.addresses[i]).second) {
      missing.addresses.push_back(found.addresses[i]);
    }
  }
  for (std::size_t k = 0; k < found.junk.size(); ++k) {
    const auto i = found.addresses.size() + k;
    if (candidates[i].empty() || !cover.covered(i)) {
      missing.junk.push_back(std::move(found.junk[k]));
    }
  }
  return missing;
}

// GMime missed addresses a reader sees in the text: read the list again
// item by item (one broken item must not hide the others), and add what
// GMime still misses in an item from the item's text.
void
recover(const std::string& v, Parsed<std::vector<Mailbox>>& out,
        std::size_t& without_domain)
{
  std::vector<Mailbox> mailboxes;
  std::size_t items_without_domain = 0;
  for (const auto item : split_items(v)) {
    const std::string text(item);
    if (text::trim(text).empty()) {
      continue;
    }
    Parsed<std::vector<Mailbox>> one;
    if (safe_for_gmime(text)) {
      gmime_mailboxes(text, one, items_without_domain);
    }
    for (auto& a : missing_from(item, one.value).addresses) {
      one.value.push_back({std::move(a), "", ""});
    }
    mailboxes.insert(mailboxes.end(), one.value.begin(), one.value.end());
  }
  const auto added = mailboxes.size() > out.value.size()
                       ? mailboxes.size() - out.value.size()
                       : 0;
  if (added == 0) {
    return;
  }
  out.issues.push_back(
    {IssueKind::lenient_address_recovery,
     std::to_string(added) + " more address(es) read from text the parser "
                             "rejected: \""
       + text::for_terminal(std::string_view(v).substr(0, 60)) + "\""});
  out.value = std::move(mailboxes);
  without_domain = items_without_domain;
  std::erase_if(out.issues, [](const Issue& i) {
    return i.kind == IssueKind::address_unparsable;
  });
}

} // namespace

namespace {

// What both readers need first: NUL bytes (GMime stops at one) and Outlook's
// ';' separators. Returns the value to read.
std::string
prepare(std::string_view value, Parsed<std::vector<Mailbox>>& out)
{
  std::string v(value);
  if (v.find('\0') != std::string::npos) { // rare: the search is cheaper than the loop
    std::replace(v.begin(), v.end(), '\0', ' ');
  }
  if (v.find(';') == std::string::npos) {
    return v; // the usual case: no need to read the structure
  }
  if (const auto n = replace_semicolon_separators(v); n > 0) {
    out.issues.push_back({IssueKind::semicolon_address_separator,
                          std::to_string(n) + " ';' read as ','"});
  }
  return v;
}

void
read_with_gmime(const std::string& v, Parsed<std::vector<Mailbox>>& out)
{
  std::size_t without_domain = 0;
  parse_with_gmime(v, out, without_domain);
  // Every '@' of the text in a parsed address: nothing can be missing (the
  // usual case, and the cheap check: recovery scans the text again).
  if (text::count_byte(v, '@') <= out.value.size()) {
    return;
  }
  auto missing = missing_from(v, out.value);
  if (!missing.addresses.empty()) {
    recover(v, out, without_domain);
    missing = missing_from(v, out.value);
  }
  // What a reader sees and no count holds: addresses the lenient reader
  // could not place, and <...> items too broken to be an address.
  auto& dropped = missing.addresses;
  dropped.insert(dropped.end(), missing.junk.begin(), missing.junk.end());
  if (!dropped.empty()) {
    out.issues.push_back({IssueKind::addresses_dropped,
                          std::to_string(dropped.size())
                            + " address(es) seen in the text could not be "
                              "read, first \""
                            + text::for_terminal(dropped.front()) + "\""});
  }
}

} // namespace

Parsed<std::vector<Mailbox>>
parse_address_list(std::string_view value)
{
  detail::init_gmime();
  Parsed<std::vector<Mailbox>> out;
  const std::string v = prepare(value, out);
  if (text::trim(v).empty()) {
    return out;
  }
  if (auto simple = detail::parse_simple_address_list(v)) {
    out.value = std::move(*simple);
    return out;
  }
  read_with_gmime(v, out);
  return out;
}

Parsed<std::vector<Mailbox>>
detail::parse_address_list_with_gmime(std::string_view value)
{
  detail::init_gmime();
  Parsed<std::vector<Mailbox>> out;
  const std::string v = prepare(value, out);
  if (!text::trim(v).empty()) {
    read_with_gmime(v, out);
  }
  return out;
}

std::string
decode_text(std::string_view value)
{
  detail::init_gmime();
  std::string v(value);
  char* decoded = g_mime_utils_header_decode_text(nullptr, v.c_str());
  std::string out = decoded ? text::to_valid_utf8(decoded) : text::to_valid_utf8(v);
  g_free(decoded);
  return out;
}

} // namespace ccaudit::headers
