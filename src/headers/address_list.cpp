// GMime parses address lists right where mimetic does
// not (comments, routes, groups without ';', RFC 2047 names; see
// ../shared/DEPENDENCIES.md), but two of its behaviours are handled first:
// it stops at a NUL byte (the header splitter has already replaced them), and
// with Outlook's ';' separators it returns only the first address, so those
// are turned into ',' here and recorded as an issue.
#include "headers/address_list.hpp"

#include "core/fatal_error.hpp"
#include "core/text.hpp"
#include "headers/address_text.hpp"
#include "headers/gmime_init.hpp"
#include "headers/simple_address_list.hpp"

#include <idn2.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <mutex>
#include <optional>
#include <span>
#include <cstdint>

namespace ccaudit::headers {

using detail::is_domain_char;
using detail::missing_from;
using detail::scan_structure;
using detail::scavenge;
using detail::Scavenged;

const Gmime&
gmime()
{
  static const auto loaded =
    CCAUDIT_LOAD_API(Gmime, CCAUDIT_GMIME_FUNCTIONS, "libgmime-3.0.so.0", "libgmime-3.0-0");
  return loaded.required();
}

void
load_gmime() noexcept
{
  try {
    detail::init_gmime();
  } catch (const std::exception&) {
    // not loaded: the first use throws again, saying why
  }
}

void
detail::init_gmime()
{
  static std::once_flag once;
  std::call_once(once, [] {
    gmime().g_mime_init();
    // GObject creates a class on its first instance. Create them here,
    // under call_once, so worker threads never race to do it.
    if (auto* list = gmime().internet_address_list_parse(
          nullptr, "A <a@example.com>, group: b@example.com;")) {
      gmime().g_object_unref(list);
    }
    gmime().g_free(gmime().g_mime_utils_header_decode_text(nullptr, "=?UTF-8?Q?a?="));
    if (GDateTime* date = gmime().g_mime_utils_header_decode_date("1 Jan 2024 00:00 +0000")) {
      gmime().g_date_time_unref(date);
    }
    if (GMimeReferences* refs = gmime().g_mime_references_parse(nullptr, "<a@example.com>")) {
      gmime().g_mime_references_free(refs);
    }
    if (GMimeContentType* ct =
          gmime().g_mime_content_type_parse(nullptr, "text/plain; charset=us-ascii")) {
      gmime().g_object_unref(ct);
    }
    if (GMimeContentDisposition* cd =
          gmime().g_mime_content_disposition_parse(nullptr, "attachment; filename=a.csv")) {
      gmime().g_object_unref(cd);
    }
  });
}

namespace {

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
  const int n = gmime().internet_address_list_length(list);
  for (int i = 0; i < n; ++i) {
    InternetAddress* item = gmime().internet_address_list_get_address(list, i);
    const char* name = gmime().internet_address_get_name(item);
    const std::string display = name ? text::to_valid_utf8(name) : "";
    // An InternetAddress is a group or a mailbox (GMime's two subclasses).
    if (gmime().g_type_check_instance_is_a(reinterpret_cast<GTypeInstance*>(item),
                                           gmime().internet_address_group_get_type())) {
      auto* members = gmime().internet_address_group_get_members(
        reinterpret_cast<InternetAddressGroup*>(item));
      collect(members, display, out, without_domain);
      continue;
    }
    // get_addr, not get_idn_addr: GMime would run IDNA on every address;
    // normalize_address() converts only non-ASCII domains (a third of the
    // parse time on wide lists).
    auto* mailbox = reinterpret_cast<InternetAddressMailbox*>(item);
    const char* raw = gmime().internet_address_mailbox_get_addr(mailbox);
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

// The length of the item `v` starts with: up to the first ',' or ';' where
// split_items() would cut (outside quoted strings, comments and <...>), or
// all of `v`.
std::size_t
item_length(std::string_view v)
{
  std::size_t end = v.size();
  scan_structure(v, [&](std::size_t i, char c, int angle) {
    if (angle == 0 && (c == ',' || c == ';')) {
      end = i;
      return false;
    }
    return true;
  });
  return end;
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
  InternetAddressList* list = gmime().internet_address_list_parse(nullptr, s.c_str());
  if (!list) {
    return false;
  }
  collect(list, "", out, without_domain);
  gmime().g_object_unref(list);
  return true;
}

// An item of a list GMime reads item by item, or a run of items the simple
// reader takes, and then where their mailboxes are in the plan's `taken`.
struct AloneItem
{
  std::string_view text;
  std::size_t begin = 0, end = 0;
  bool simple = false;
};

// An item that is a name only: words of letters, digits and . - ' (GMime
// joins it to the next item, see joined_name_length()).
bool
is_bare_name(std::string_view item)
{
  bool word = false;
  for (const char c : item) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '\'') {
      word = true;
    } else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
      return false;
    }
  }
  return word;
}

// Whether the only quoted string of `item` is inside its <...>: two '"',
// both between its first '<' and the first '>' after it, and no '\\'.
bool
quoted_in_angle(std::string_view item)
{
  const auto open = item.find('<');
  const auto close = item.find('>', open == std::string_view::npos ? 0 : open);
  const auto first = item.find('"');
  const auto last = item.rfind('"');
  return open != std::string_view::npos && close != std::string_view::npos
         && text::count_byte(item, '"') == 2 && item.find('\\') == std::string_view::npos
         && open < first && last < close;
}

// Where a run of bare names that GMime reads as one mailbox ends in `v`
// (which starts with a bare name): the run's names, then an item that is a
// bare name and one <...> closed at its end ("Doe, Jane </O=ORG/CN=JDOE>"),
// commas included. 0 if the run ends otherwise (an empty item, a bare
// address, the end of the list): GMime's reading of those is not one this
// reader knows, and the whole list goes to GMime.
std::size_t
joined_name_length(std::string_view v)
{
  for (std::size_t at = 0; at <= v.size();) {
    const auto item = v.substr(at, item_length(v.substr(at)));
    if (is_bare_name(item)) {
      if (at + item.size() >= v.size()) {
        return 0; // the list ends with a name
      }
      at += item.size() + 1;
      continue;
    }
    const auto open = item.find('<');
    const auto close = item.find('>');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open
        || !is_bare_name(item.substr(0, open)) || !text::trim(item.substr(close + 1)).empty()) {
      return 0;
    }
    for (const char c : item.substr(open + 1, close - open - 1)) {
      if (c == '<' || c == '"' || c == '(' || c == ')' || c == ',' || c == '\\' || c == ':'
          || c == ';' || c == '[' || c == ']' || static_cast<unsigned char>(c) >= 0x80
          || (c < ' ' && c != '\t')) {
        return 0;
      }
    }
    return at + item.size();
  }
  return 0;
}

// The items recovery reads alone: split_items()'s, except that a run of
// bare names and the item GMime joins them to stays one item, as
// plan_items_alone() reads it ("O'Brien, Pat <pat@...>" keeps its name).
// In a list with groups, split_items()'s.
std::vector<std::string_view>
recovery_items(std::string_view v)
{
  auto items = split_items(v);
  if (group_depth(v) > 0) {
    return items;
  }
  std::vector<std::string_view> out;
  out.reserve(items.size());
  bool run_failed = false; // the bare names before this one join nothing:
                           // nor does this one (linear in a run of names)
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto from = static_cast<std::size_t>(items[i].data() - v.data());
    const bool bare = is_bare_name(items[i]);
    const auto joined = bare && !run_failed ? joined_name_length(v.substr(from)) : 0;
    run_failed = bare && joined == 0;
    if (joined == 0) {
      out.push_back(items[i]);
      continue;
    }
    out.push_back(v.substr(from, joined));
    while (i + 1 < items.size()
           && static_cast<std::size_t>(items[i + 1].data() - v.data()) < from + joined) {
      ++i;
    }
  }
  return out;
}

// Whether GMime reads each item of `v` alone (detail::items_read_alone);
// with `plan`, each non-empty item the simple reader declines and each run
// of items it takes, and in `taken` the mailboxes of those runs (one vector
// for all: a wide list has hundreds).
bool
plan_items_alone(std::string_view v, std::vector<AloneItem>* plan,
                 std::vector<Mailbox>& taken)
{
  // Nothing that can hold a ',' for GMime: quoted strings and comments
  // (a '"' is allowed only in an item the simple reader takes: it checks
  // its quotes), quoted pairs, groups, a '<' or '[' not closed within its
  // item, a ',' inside one; no item without '@', and none but the simple
  // reader's without a closing <...>. 8-bit bytes and '/' '=' are only text
  // to GMime's tokenizer.
  if (v.find('\0') != std::string_view::npos) {
    return false;
  }
  // ':' and ';' outside quoted strings (groups, routes) end items for
  // split_items(): they are not in any item, so they are looked for here.
  // (Without either byte, the usual case, there is nothing to look for.)
  if (v.find(':') != std::string_view::npos || v.find(';') != std::string_view::npos) {
    bool group = false;
    scan_structure(v, [&](std::size_t, char c, int) { group = group || c == ':' || c == ';'; });
    if (group) {
      return false;
    }
  }
  // The items as split_items() cuts them, read in one pass: the simple
  // reader takes the items up to the next one it declines (in one call: a
  // simple item ends at the ',' that split_items() ends it at, as it holds
  // no comment and no '<' not closed), and that one ends where
  // split_items() would end it.
  for (std::size_t at = 0; at <= v.size();) {
    const auto rest = v.substr(at);
    const auto first = taken.size();
    const auto declined = detail::append_simple_items(rest, taken);
    if (taken.size() > first) {
      if (plan) {
        plan->push_back({rest.substr(0, std::min(declined, rest.size())), first, taken.size(),
                         true});
      } else {
        taken.clear();
      }
    }
    if (declined == std::string_view::npos) {
      break;
    }
    auto item = rest.substr(declined, item_length(rest.substr(declined)));
    if (text::trim(item).empty()) {
      at += declined + item.size() + 1;
      continue; // GMime skips empty items: "a@x,,b@y"
    }
    // GMime joins a name without an address to the item after it when that
    // one is a name and <...>: "Doe, Jane </O=ORG/CN=JDOE>" (Exchange) is
    // one mailbox. Such a run is read alone, as one item.
    if (is_bare_name(item)) {
      const auto joined = joined_name_length(rest.substr(declined));
      if (joined == 0) {
        return false;
      }
      item = rest.substr(declined, joined);
      at += declined + item.size() + 1;
      if (plan) {
        plan->push_back({item});
      }
      continue;
    }
    at += declined + item.size() + 1;
    // A quoted string only in an item the simple reader takes, or as the
    // local part inside the item's <...> (Exchange's <"a b"@host@domain>).
    if (item.find('"') != std::string_view::npos && !quoted_in_angle(item)) {
      return false;
    }
    // GMime joins an item without '@' to the next one ("Doe, Jane <...>"
    // is one name), so every item must hold one.
    if (item.find('@') == std::string_view::npos) {
      return false;
    }
    int angle = 0, square = 0;
    bool closed = false; // its one <...> is done: only blanks may follow
    for (const char c : item) {
      if (closed && c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        return false;
      }
      if (c == ',' || c == '(' || c == ')' || c == '\\' || c == ':' || c == ';') {
        return false;
      }
      if (c == '<') {
        if (++angle > 1 || square > 0) {
          return false;
        }
      } else if (c == '>') {
        if (angle != 1 || square > 0) {
          return false;
        }
        angle = 0;
        closed = true;
      } else if (c == '[') {
        if (++square > 1) {
          return false;
        }
      } else if (c == ']') {
        if (square != 1) {
          return false;
        }
        square = 0;
      }
    }
    // A bare item the simple reader declines ("a@x.example y", "a@b@x"):
    // GMime may take its tail for the start of the next item.
    if (angle != 0 || square != 0 || !closed) {
      return false;
    }
    if (plan) {
      plan->push_back({item});
    }
  }
  return true;
}

// Where an item's mailboxes are in a list read item by item: recovery
// starts from them instead of reading every item again.
struct ItemSpan
{
  std::string_view text;
  std::size_t begin = 0, end = 0;
  bool simple = false; // the simple reader took it
  bool listed = false; // the simple reader took it, or GMime gave a list
};

// Reads one item alone into `out`: the simple reader's list of it (moved
// from `simple`) where it takes the item (`taken`), else GMime's when it may
// see the item.
ItemSpan
read_item(std::string_view item, std::span<Mailbox> simple, bool taken,
          Parsed<std::vector<Mailbox>>& out, std::size_t& without_domain)
{
  ItemSpan span{item, out.value.size(), 0, taken, taken};
  if (taken) {
    std::move(simple.begin(), simple.end(), std::back_inserter(out.value));
  } else if (safe_for_gmime(item)) {
    span.listed = gmime_mailboxes(std::string(item), out, without_domain);
  }
  span.end = out.value.size();
  return span;
}

// GMime's mailboxes of a list whose items it reads alone, item by item: the
// simple reader's for the items it takes, GMime's for the rest, and where
// each item's are. Nullopt if GMime would not read the items alone; false
// if no item gave GMime a list (as GMime gives none for the whole).
// `prefix`: the items before prefix.end are the simple reader's already (its
// items hold no ':' or ';' outside quotes, and end where split_items() ends
// them), so only the rest is planned.
std::optional<bool>
mailboxes_item_by_item(std::string_view v, Parsed<std::vector<Mailbox>>& out,
                       std::size_t& without_domain, std::vector<ItemSpan>& spans,
                       detail::SimplePrefix& prefix)
{
  std::vector<AloneItem> plan;
  std::vector<Mailbox> taken;
  if (!plan_items_alone(v.substr(prefix.end), &plan, taken)) {
    return std::nullopt;
  }
  bool any = false;
  if (!prefix.mailboxes.empty()) {
    ItemSpan first{v.substr(0, prefix.end), out.value.size(), 0, true, true};
    std::move(prefix.mailboxes.begin(), prefix.mailboxes.end(), std::back_inserter(out.value));
    first.end = out.value.size();
    spans.push_back(first);
    any = true;
  }
  for (const auto& item : plan) {
    const auto simple = std::span(taken).subspan(item.begin, item.end - item.begin);
    spans.push_back(read_item(item.text, simple, item.simple, out, without_domain));
    any = any || spans.back().listed;
  }
  return any;
}

// Parses with GMime: the whole list, or, when it holds too many ':', each
// item that does not (an item that does is left to the lenient reader). An
// unparsable non-empty list is recorded. With `spans`, a list whose items
// GMime reads alone is read item by item (from where the simple reader left
// it, `prefix`), and `spans` says where each item's mailboxes are: GMime's
// list, with the simple reader's speed on all but its broken items.
void
parse_with_gmime(const std::string& v, Parsed<std::vector<Mailbox>>& out,
                 std::size_t& without_domain, std::vector<ItemSpan>* spans,
                 detail::SimplePrefix* prefix)
{
  if (spans) {
    if (const auto any = mailboxes_item_by_item(v, out, without_domain, *spans, *prefix)) {
      if (!*any) {
        out.issues.push_back({IssueKind::address_unparsable,
                              "no address in \"" + text::for_terminal(v.substr(0, 60)) + "\""});
      }
      return;
    }
  }
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

// GMime missed addresses a reader sees in the text: read the list again
// item by item (one broken item must not hide the others), and add what
// GMime still misses in an item from the item's text. An item the simple
// reader takes needs neither GMime nor the text check: its list is GMime's
// (the address-list fuzzer holds both readers to that), and its one '@' is
// in its one address, so a reader sees nothing more in it (the fuzzer checks
// that too). In a wide list only the broken items are left.
void
recover(const std::string& v, Parsed<std::vector<Mailbox>>& out,
        std::size_t& without_domain, const std::vector<ItemSpan>& spans)
{
  // The items read alone: already, when the list was read item by item;
  // else now, aside (what GMime says of them here is not the list's).
  std::vector<Mailbox>* read = &out.value;
  std::size_t items_without_domain = without_domain;
  Parsed<std::vector<Mailbox>> aside;
  std::vector<ItemSpan> own;
  if (spans.empty()) {
    items_without_domain = 0;
    std::vector<Mailbox> taken;
    for (const auto item : recovery_items(v)) {
      if (!text::trim(item).empty()) {
        taken.clear();
        const bool simple = detail::append_simple_address_list(item, taken);
        own.push_back(read_item(item, taken, simple, aside, items_without_domain));
      }
    }
    read = &aside.value;
  }
  // What the text of each broken item shows that its mailboxes lack: first
  // counted, so that a list with nothing to add is left as it is.
  const auto& items = spans.empty() ? own : spans;
  std::vector<std::vector<std::string>> lacking(items.size());
  std::size_t total = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& span = items[i];
    total += span.end - span.begin;
    if (!span.simple) {
      const auto first = read->begin() + static_cast<std::ptrdiff_t>(span.begin);
      const auto last = read->begin() + static_cast<std::ptrdiff_t>(span.end);
      lacking[i] = missing_from(span.text, std::vector<Mailbox>(first, last)).addresses;
      total += lacking[i].size();
    }
  }
  const auto added = total > out.value.size() ? total - out.value.size() : 0;
  if (added == 0) {
    return;
  }
  // Each item's mailboxes (moved: the list read is replaced), and after
  // those of a broken item what it lacks.
  std::vector<Mailbox> mailboxes;
  mailboxes.reserve(total);
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto first = read->begin() + static_cast<std::ptrdiff_t>(items[i].begin);
    const auto last = read->begin() + static_cast<std::ptrdiff_t>(items[i].end);
    std::move(first, last, std::back_inserter(mailboxes));
    for (auto& a : lacking[i]) {
      mailboxes.push_back({std::move(a), "", ""});
    }
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

// `prefix`: null to read the whole list with GMime, else what the simple
// reader took of it (see mailboxes_item_by_item()).
void
read_with_gmime(const std::string& v, Parsed<std::vector<Mailbox>>& out,
                detail::SimplePrefix* prefix)
{
  std::size_t without_domain = 0;
  std::vector<ItemSpan> spans;
  parse_with_gmime(v, out, without_domain, prefix ? &spans : nullptr, prefix);
  // Every '@' of the text in a parsed address: nothing can be missing (the
  // usual case, and the cheap check: recovery scans the text again).
  if (text::count_byte(v, '@') <= out.value.size()) {
    return;
  }
  // What a reader sees in the text: in a list read item by item, only in
  // the items the simple reader did not take (its items' one '@' is in
  // their one address, as recover() relies on), which in a wide list are a
  // few of hundreds.
  Scavenged seen;
  if (spans.empty()) {
    seen = detail::scavenge(v);
  } else {
    for (const auto& span : spans) {
      if (!span.simple) {
        auto found = detail::scavenge(span.text);
        std::move(found.addresses.begin(), found.addresses.end(),
                  std::back_inserter(seen.addresses));
        std::move(found.junk.begin(), found.junk.end(), std::back_inserter(seen.junk));
      }
    }
  }
  // Whole-list coverage is a shortcut: only a whole address stands for an
  // address of another item; a suffix covers one in its own item only, which
  // recovery checks item by item ("j.smith@x, Smith [Sales] <smith@x>" holds
  // two mailboxes).
  bool by_suffix = false;
  auto missing = missing_from(seen, out.value, &by_suffix);
  if (!missing.addresses.empty() || by_suffix) {
    recover(v, out, without_domain, spans);
    missing = missing_from(seen, out.value);
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
  detail::SimplePrefix prefix;
  if (auto simple = detail::parse_simple_address_list(v, &prefix)) {
    out.value = std::move(*simple);
    return out;
  }
  read_with_gmime(v, out, &prefix);
  return out;
}

Parsed<std::vector<Mailbox>>
detail::parse_address_list_with_gmime(std::string_view value)
{
  detail::init_gmime();
  Parsed<std::vector<Mailbox>> out;
  const std::string v = prepare(value, out);
  if (!text::trim(v).empty()) {
    read_with_gmime(v, out, nullptr);
  }
  return out;
}

bool
detail::items_read_alone(std::string_view v)
{
  std::vector<Mailbox> taken;
  return plan_items_alone(v, nullptr, taken);
}

std::string
decode_text(std::string_view value)
{
  detail::init_gmime();
  std::string v(value);
  char* decoded = gmime().g_mime_utils_header_decode_text(nullptr, v.c_str());
  std::string out = decoded ? text::to_valid_utf8(decoded) : text::to_valid_utf8(v);
  gmime().g_free(decoded);
  return out;
}

} // namespace ccaudit::headers
