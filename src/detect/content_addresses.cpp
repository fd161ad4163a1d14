#include "detect/content_addresses.hpp"

#include "core/text.hpp"

#include <array>
#include <unordered_set>

namespace ccaudit::detect {

namespace {

bool
is_alnum(unsigned char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

// Local-part characters in free text: the usual ones. RFC 5322 allows more
// ('|', '=', '/', quotes...), but in a CSV or a sentence those are
// delimiters far more often than parts of an address: "'a@example.com'" is
// a@example.com. An apostrophe inside a word (o'neil@) is kept.
bool
is_local_char(std::string_view text, std::size_t i)
{
  const auto c = static_cast<unsigned char>(text[i]);
  if (is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-') {
    return true;
  }
  return c == '\'' && i > 0 && i + 1 < text.size()
         && is_alnum(static_cast<unsigned char>(text[i - 1]))
         && is_alnum(static_cast<unsigned char>(text[i + 1]));
}

bool
is_domain_char(unsigned char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
         || c == '.' || c == '-' || c >= 0x80;
}

// The last label names a top-level domain: two letters or more, or an
// A-label, or non-ASCII (an IDN written as U-labels).
bool
plausible_domain(std::string_view domain)
{
  const auto dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0) {
    return false;
  }
  const auto tld = domain.substr(dot + 1);
  if (tld.starts_with("xn--") || tld.starts_with("XN--")) {
    return tld.size() > 4;
  }
  if (tld.size() < 2) {
    return false;
  }
  for (const char c : tld) {
    const auto u = static_cast<unsigned char>(c);
    if (!((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u >= 0x80)) {
      return false;
    }
  }
  return true;
}

std::string_view
strip_quoting(std::string_view line)
{
  while (!line.empty() && (line.front() == '>' || line.front() == ' ' || line.front() == '\t')) {
    line.remove_prefix(1);
  }
  if (line.ends_with('\r')) {
    line.remove_suffix(1);
  }
  return line;
}

enum class QuotedField { none, from, to, cc, other_header };

QuotedField
quoted_field(std::string_view line, std::string_view& value)
{
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 12) {
    return QuotedField::none;
  }
  const auto name = text::ascii_lower(text::trim(line.substr(0, colon)));
  value = line.substr(colon + 1);
  // "*From:*" in text rendered from bold HTML.
  const auto bare = name.size() > 1 && name.front() == '*' ? name.substr(1) : name;
  if (bare == "from") {
    return QuotedField::from;
  }
  if (bare == "to") {
    return QuotedField::to;
  }
  if (bare == "cc") {
    return QuotedField::cc;
  }
  if (bare == "sent" || bare == "date" || bare == "subject" || bare == "reply-to"
      || bare == "bcc" || bare == "organization" || bare == "importance"
      || bare == "attachments" || bare == "newsgroups" || bare == "message-id") {
    return QuotedField::other_header;
  }
  return QuotedField::none;
}

} // namespace

std::vector<std::string>
addresses_in_text(std::string_view text)
{
  std::vector<std::string> out;
  std::unordered_set<std::string> seen;
  std::size_t from = 0;
  while (true) {
    const auto at = text.find('@', from);
    if (at == std::string_view::npos) {
      break;
    }
    std::size_t start = at;
    while (start > 0 && is_local_char(text, start - 1)) {
      --start;
    }
    std::size_t end = at + 1;
    while (end < text.size() && is_domain_char(static_cast<unsigned char>(text[end]))) {
      ++end;
    }
    from = end > at + 1 ? end : at + 1;
    auto local = text.substr(start, at - start);
    auto domain = text.substr(at + 1, end - at - 1);
    while (!local.empty() && !is_alnum(static_cast<unsigned char>(local.front()))) {
      local.remove_prefix(1); // ".a@", "-a@", "+a@" in text: the address starts later
    }
    while (!domain.empty() && (domain.back() == '.' || domain.back() == '-')) {
      domain.remove_suffix(1);
    }
    if (local.empty() || !plausible_domain(domain)) {
      continue;
    }
    auto address = headers::normalize_address(std::string(local) + "@" + std::string(domain));
    if (!address.empty() && seen.insert(address).second) {
      out.push_back(std::move(address));
    }
  }
  return out;
}

std::string
html_to_text(std::string_view html)
{
  std::string out;
  out.reserve(html.size());
  std::size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '<') {
      auto close = html.find('>', i);
      if (close == std::string_view::npos) {
        close = html.size() - 1;
      }
      const auto tag = html.substr(i + 1, close - i - 1);
      auto name = text::ascii_lower(tag.substr(0, tag.find_first_of(" \t\r\n/>", 1)));
      if (!name.empty() && name.front() == '/') {
        name.erase(0, 1);
      }
      if ((name == "script" || name == "style") && !tag.starts_with("/")) {
        // Its end tag, in any case, found without copying the rest: a page
        // of many script tags stays linear.
        auto end = close;
        while ((end = html.find("</", end + 1)) != std::string_view::npos
               && !text::istarts_with(html.substr(end + 2), name)) {
        }
        close = end == std::string_view::npos ? html.size() - 1 : end;
        i = close + 1;
        continue;
      }
      if (tag.find('@') != std::string_view::npos) {
        out += ' ';
        out.append(tag);
        out += ' ';
      }
      static constexpr std::array<std::string_view, 13> k_blocks = {
        "br", "p", "div", "tr", "li", "table", "h1", "h2", "h3", "h4", "blockquote", "hr", "ul"};
      bool block = false;
      for (const auto b : k_blocks) {
        block = block || name == b;
      }
      out += block ? '\n' : ' ';
      i = close + 1;
      continue;
    }
    if (c == '&') {
      // An entity is short: look no further (a page of '&' stays linear).
      const auto semi = html.substr(i, 12).find(';');
      if (semi != std::string_view::npos) {
        const auto end = i + semi;
        const auto entity = html.substr(i + 1, end - i - 1);
        std::string decoded;
        if (entity == "amp") {
          decoded = "&";
        } else if (entity == "lt") {
          decoded = "<";
        } else if (entity == "gt") {
          decoded = ">";
        } else if (entity == "quot") {
          decoded = "\"";
        } else if (entity == "apos") {
          decoded = "'";
        } else if (entity == "nbsp") {
          decoded = " ";
        } else if (entity.starts_with("#")) {
          const bool hex = entity.size() > 1 && (entity[1] == 'x' || entity[1] == 'X');
          unsigned long code = 0;
          bool ok = entity.size() > (hex ? 2u : 1u);
          for (std::size_t k = hex ? 2 : 1; ok && k < entity.size(); ++k) {
            const char d = entity[k];
            int v = -1;
            if (d >= '0' && d <= '9') {
              v = d - '0';
            } else if (hex && d >= 'a' && d <= 'f') {
              v = d - 'a' + 10;
            } else if (hex && d >= 'A' && d <= 'F') {
              v = d - 'A' + 10;
            }
            ok = v >= 0 && code < 0x110000;
            code = code * (hex ? 16 : 10) + static_cast<unsigned long>(v);
          }
          if (ok && code > 0 && code < 0x80) {
            decoded = static_cast<char>(code);
          } else if (ok && code >= 0x80 && code < 0x110000) {
            decoded = " "; // letters outside ASCII do not make addresses here
          }
        }
        if (!decoded.empty()) {
          out += decoded;
          i = end + 1;
          continue;
        }
      }
    }
    out += c;
    ++i;
  }
  return out;
}

std::vector<QuotedHeader>
quoted_headers(std::string_view text)
{
  std::vector<QuotedHeader> out;
  // The lines of one paragraph (quoting stripped), read field by field.
  struct Block
  {
    std::size_t line = 0;
    std::size_t known = 0; // From/Sent/Date/Subject/To/Cc lines
    std::string to, cc;
    std::string* open = nullptr; // the To or Cc value continuing
  } block;
  const auto finish = [&] {
    if (block.known >= 2 && (!block.to.empty() || !block.cc.empty())) {
      QuotedHeader h;
      h.line = block.line;
      h.to = headers::parse_address_list(block.to).value;
      h.cc = headers::parse_address_list(block.cc).value;
      if (!h.to.empty() || !h.cc.empty()) {
        out.push_back(std::move(h));
      }
    }
    block = Block{};
  };
  std::size_t pos = 0, number = 0;
  while (pos <= text.size()) {
    auto nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      nl = text.size();
    }
    const auto line = strip_quoting(text.substr(pos, nl - pos));
    pos = nl + 1;
    ++number;
    if (text::trim(line).empty()) {
      finish();
      continue;
    }
    std::string_view value;
    const auto field = quoted_field(line, value);
    if (field == QuotedField::none) {
      if (block.open) {
        block.open->append(" ").append(line); // a long To: wrapped
      } else if (block.known > 0) {
        finish();
      }
      continue;
    }
    if (block.known == 0) {
      block.line = number;
    }
    ++block.known;
    block.open = nullptr;
    if (field == QuotedField::to || field == QuotedField::cc) {
      auto& target = field == QuotedField::to ? block.to : block.cc;
      target.append(target.empty() ? "" : ", ").append(value);
      block.open = &target;
    }
  }
  finish();
  return out;
}

} // namespace ccaudit::detect
