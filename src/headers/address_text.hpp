#pragma once

// What a person reading the raw text of an address list takes for
// addresses, for the lenient reader and for the check that the parser missed
// none (address_list.cpp). Internal to headers/.

#include "headers/address_list.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ccaudit::headers::detail {

// Scans an address list, skipping comments. Calls on_char(i, c, angle_depth)
// for every character outside quoted strings and comments, and
// on_quoted(text) for each quoted string (quotes included; an unclosed one
// runs to the end). An on_char that returns a bool stops the scan with false.
template <typename F, typename Q>
inline void
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
    if constexpr (std::is_void_v<std::invoke_result_t<F&, std::size_t, char, int>>) {
      on_char(i, c, angle);
    } else if (!on_char(i, c, angle)) {
      return;
    }
  }
}

template <typename F>
inline void
scan_structure(std::string_view v, F&& on_char)
{
  scan_structure(v, std::forward<F>(on_char), [](std::string_view) {});
}

// A character a domain may hold (letters, digits, '-', '.', '_', and the
// 8-bit bytes of a U-label).
bool is_domain_char(char c);

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
Scavenged scavenge(std::string_view item);

// Addresses a reader sees in `text` that no mailbox covers (each once), and
// the <...> items that hold an '@' but no address and were not parsed
// either. Linear in the text and the mailboxes, however often an address
// repeats.
Scavenged missing_from(std::string_view text, const std::vector<Mailbox>& mailboxes);

// The same, from what scavenge() already found in the text (a list checked
// before and after recovery is scanned once). `by_suffix`, if given, is set
// when an address is covered only by a suffix of a mailbox's: right within
// one item ("test . test@x"), a miss across items ("j.smith@x" does not
// cover another item's "smith@x").
Scavenged missing_from(const Scavenged& found, const std::vector<Mailbox>& mailboxes,
                       bool* by_suffix = nullptr);

} // namespace ccaudit::headers::detail
