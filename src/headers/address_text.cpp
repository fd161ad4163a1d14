#include "headers/address_text.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <random>
#include <unordered_map>
#include <unordered_set>

namespace ccaudit::headers::detail {

bool
is_domain_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
         || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'
         || static_cast<unsigned char>(c) >= 0x80;
}

namespace {

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
      m_whole(candidates.size(), false), m_first(candidates.size())
  {
    // Each distinct candidate once in the index: a list that repeats one
    // address 8,000 times must not make each lookup compare 8,000 strings
    // (the fuzzer's find: quadratic).
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      m_first[i] = m_distinct.emplace(candidates[i], i).first->second;
    }
    // Up to one length more than are probed (then every local part is
    // walked): many candidates of many lengths must not make this quadratic.
    for (const auto& [text, i] : m_distinct) {
      if (m_lengths.size() > k_probed_lengths) {
        break;
      }
      if (std::find(m_lengths.begin(), m_lengths.end(), text.size()) == m_lengths.end()) {
        m_lengths.push_back(text.size());
      }
    }
  }

  void cover_with_suffixes(std::string_view a)
  {
    m_length = a.size();
    const auto at = a.rfind('@');
    // A list with a broken item or two has a few candidates to cover and a
    // hundred addresses: only the suffixes of a candidate's length can
    // cover one, so each length is tried where it starts (a step per
    // length, against a walk of every local part).
    if (m_lengths.size() <= k_probed_lengths) {
      for (const auto length : m_lengths) {
        if (length <= a.size() && marks_suffix(a, a.size() - length, at)) {
          mark_text(a.substr(a.size() - length));
        }
      }
      return;
    }
    // Most local parts hold a dot or two: look each suffix up by its text
    // (one pass over it, against a step of the rolling hash per character,
    // which was a sixth of a wide list's recovery). Many dots take the
    // rolling hash, which stays linear.
    if (at != std::string_view::npos && count_marks(a.substr(0, at)) <= k_direct_marks) {
      mark_text(a);
      for (std::size_t i = 0; i < at; ++i) {
        if (a[i] == '.' || a[i] == '"') {
          mark_text(a.substr(i));
          mark_text(a.substr(i + 1));
        }
      }
      return;
    }
    if (m_index.empty()) { // the rolling hash's index, built on first need
      for (const auto& [text, i] : m_distinct) {
        m_index.emplace(hash(text), i);
      }
    }
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
  // Covered, but by no whole address: only by a suffix of one.
  bool by_suffix_only(std::size_t i) const
  {
    return m_covered[m_first[i]] && !m_whole[m_first[i]];
  }

private:
  static constexpr std::size_t k_direct_marks = 4;
  static constexpr std::size_t k_probed_lengths = 8;

  // Whether the suffix of `a` from `p` is one the walks below mark: all of
  // `a`, or one that starts at, or just after, a '.' or '"' before the '@'
  // (`at`, npos: none).
  static bool marks_suffix(std::string_view a, std::size_t p, std::size_t at)
  {
    const auto mark = [&](std::size_t i) { return i < at && (a[i] == '.' || a[i] == '"'); };
    return p == 0 || (p < a.size() && mark(p)) || mark(p - 1);
  }

  static std::size_t count_marks(std::string_view local)
  {
    return static_cast<std::size_t>(std::count_if(
      local.begin(), local.end(), [](char c) { return c == '.' || c == '"'; }));
  }

  void mark_text(std::string_view s)
  {
    if (const auto it = m_distinct.find(s); it != m_distinct.end()) {
      m_covered[it->second] = true;
      m_whole[it->second] = m_whole[it->second] || s.size() == m_length;
    }
  }

  void mark(std::uint64_t h, std::string_view s)
  {
    const auto [first, last] = m_index.equal_range(h);
    for (auto it = first; it != last; ++it) {
      if (m_candidates[it->second] == s) {
        m_covered[it->second] = true;
        m_whole[it->second] = m_whole[it->second] || s.size() == m_length;
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
  std::vector<bool> m_whole;            // covered by a whole address, not a suffix
  std::size_t m_length = 0;             // of the address being covered
  std::vector<std::size_t> m_first;     // candidate -> first index of the same text
  std::unordered_map<std::string_view, std::size_t> m_distinct; // text -> first index
  std::unordered_multimap<std::uint64_t, std::size_t> m_index; // distinct ones only
  std::vector<std::size_t> m_lengths; // of the distinct ones, each once
};

} // namespace

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

Scavenged
missing_from(std::string_view text, const std::vector<Mailbox>& mailboxes)
{
  return missing_from(scavenge(text), mailboxes);
}

Scavenged
missing_from(const Scavenged& found, const std::vector<Mailbox>& mailboxes, bool* by_suffix)
{
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
    if (by_suffix != nullptr && cover.by_suffix_only(i)) {
      *by_suffix = true;
    }
  }
  for (std::size_t k = 0; k < found.junk.size(); ++k) {
    const auto i = found.addresses.size() + k;
    if (candidates[i].empty() || !cover.covered(i)) {
      missing.junk.push_back(found.junk[k]);
    }
  }
  return missing;
}

} // namespace ccaudit::headers::detail
