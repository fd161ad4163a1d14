#include "detect/incident.hpp"

#include "core/digest.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace ccaudit::detect {

namespace {

bool
is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Length of a reply or forward prefix at the start of `s` ("re:", "fwd:",
// "re[2]:", "aw :"), 0 if there is none. `s` is lower-case.
std::size_t
reply_prefix(std::string_view s)
{
  static constexpr std::string_view k_prefixes[] = {
    "re", "fw", "fwd", "aw", "wg", "sv", "vs", "antw", "tr", "rif", "enc"};
  for (const auto p : k_prefixes) {
    if (!s.starts_with(p)) {
      continue;
    }
    auto i = p.size();
    if (i < s.size() && s[i] == '[') { // Re[2]:
      const auto close = s.find(']', i);
      if (close == std::string_view::npos) {
        continue;
      }
      i = close + 1;
    }
    while (i < s.size() && is_space(s[i])) {
      ++i;
    }
    if (i < s.size() && s[i] == ':') {
      return i + 1;
    }
  }
  return 0;
}

bool
letters_only(std::string_view s)
{
  // ASCII letters (the program keeps the "C" locale), and the bytes of
  // UTF-8 letters of a name.
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return static_cast<unsigned char>((c | 0x20) - 'a') < 26 || c >= 0x80;
  });
}

} // namespace

std::string
subject_key(std::string_view subject)
{
  std::string s;
  s.reserve(subject.size());
  for (const char c : subject) {
    if (is_space(c)) {
      if (!s.empty() && s.back() != ' ') {
        s += ' ';
      }
    } else {
      s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  std::string_view v = s;
  for (;;) {
    v = text::trim(v);
    const auto n = reply_prefix(v);
    if (n == 0) {
      break;
    }
    v.remove_prefix(n);
  }
  return std::string(text::trim(v));
}

std::string
recipient_hash(const std::vector<ExposedAddress>& addresses)
{
  // SHA-256 of the distinct addresses in byte order, one per line. Sorted by
  // their first eight bytes read as one number, then by the rest: the same
  // order as comparing the texts (unsigned bytes, a prefix first), with far
  // fewer string comparisons (a wide list has thousands of addresses).
  struct Key
  {
    std::uint64_t head;
    std::string_view text;
  };
  std::vector<Key> sorted;
  sorted.reserve(addresses.size());
  std::size_t bytes = 0;
  for (const auto& a : addresses) {
    std::uint64_t head = 0;
    for (std::size_t i = 0; i < 8; ++i) {
      head = head << 8 | (i < a.address.size() ? static_cast<unsigned char>(a.address[i]) : 0u);
    }
    sorted.push_back({head, a.address});
    bytes += a.address.size() + 1;
  }
  std::sort(sorted.begin(), sorted.end(), [](const Key& x, const Key& y) {
    return x.head != y.head ? x.head < y.head : x.text < y.text;
  });
  std::string joined;
  joined.reserve(bytes);
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i == 0 || sorted[i].text != sorted[i - 1].text) {
      joined.append(sorted[i].text).push_back('\n');
    }
  }
  return digest::sha256_hex(joined);
}

std::string
incident_key(std::string_view message_id, std::optional<std::int64_t> sent_at,
             std::string_view date, std::string_view from,
             std::string_view subject, std::string_view recipient_hash)
{
  if (!message_id.empty()) {
    return "mid:" + std::string(message_id);
  }
  std::string fields = sent_at ? std::to_string(*sent_at) : std::string(date);
  for (const auto part : {from, subject, recipient_hash}) {
    fields.push_back('\n');
    fields.append(part);
  }
  return "sha256:" + digest::sha256_hex(fields);
}

std::string
incident_id(std::string_view incident_key)
{
  return "I-" + digest::sha256_hex(incident_key).substr(0, 12);
}

std::string
content_incident_id(std::string_view message_incident_id, std::string_view kind,
                    std::string_view part_path)
{
  std::string id(message_incident_id);
  id.append("/").append(part_path);
  if (kind == "quoted-recipients") {
    id.append("/quoted");
  }
  return id;
}

std::string
finding_fingerprint(std::string_view kind, std::string_view incident_key,
                    std::string_view recipient_hash)
{
  std::string fields(kind);
  for (const auto part : {incident_key, recipient_hash}) {
    fields.push_back('\n');
    fields.append(part);
  }
  return digest::sha256_hex(fields);
}

bool
personal_name(std::string_view display_name, std::string_view address)
{
  // A blank inside the trimmed name: a word on each side. (A plain loop:
  // find_first_of() searched the two blanks for each byte, and every
  // address of a wide list comes here.)
  const auto name = text::trim(display_name);
  if (std::any_of(name.begin(), name.end(), [](char c) { return c == ' ' || c == '\t'; })) {
    return true;
  }
  const auto at = address.rfind('@');
  const auto local = address.substr(0, at == std::string_view::npos ? 0 : at);
  std::size_t parts = 0, start = 0;
  for (std::size_t i = 0; i <= local.size(); ++i) {
    if (i == local.size() || local[i] == '.' || local[i] == '_' || local[i] == '-') {
      if (!letters_only(local.substr(start, i - start))) {
        return false;
      }
      ++parts;
      start = i + 1;
    }
  }
  return parts >= 2;
}

} // namespace ccaudit::detect
