#include "archive/classify.hpp"

#include "core/limits.hpp"
#include "core/line_reader.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace ccaudit::archive {

namespace {

// Fields that mail has and other "Name: value" text files do not.
bool
is_mail_field(std::string_view name)
{
  static constexpr std::array<std::string_view, 22> k_names = {
    "from", "to", "cc", "bcc", "subject", "date", "message-id", "received",
    "return-path", "delivered-to", "mime-version", "reply-to", "sender",
    "in-reply-to", "references", "resent-to", "resent-cc", "resent-from",
    "content-type", "dkim-signature", "x-mailer", "user-agent"};
  for (const auto n : k_names) {
    if (text::iequals(name, n)) {
      return true;
    }
  }
  return false;
}

std::string_view
first_line(std::string_view s)
{
  const auto nl = s.find('\n');
  auto line = s.substr(0, nl);
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  return line;
}

bool
is_separator(std::string_view at)
{
  if (!at.starts_with("From ")) {
    return false;
  }
  const auto nl = at.find('\n');
  return nl != std::string_view::npos
         && text::looks_like_header_field(first_line(at.substr(nl + 1)));
}

// How many distinct mail fields the header block at the start of `s` holds
// (up to its blank line, 200 lines at most).
std::size_t
mail_fields(std::string_view s)
{
  std::vector<std::string> seen;
  std::size_t pos = 0;
  for (int lines = 0; pos < s.size() && lines < 200; ++lines) {
    const auto line = first_line(s.substr(pos));
    if (line.empty()) {
      break;
    }
    if (const auto n = text::header_field_name_length(line);
        n > 0 && is_mail_field(line.substr(0, n))) {
      auto name = text::ascii_lower(line.substr(0, n));
      if (std::find(seen.begin(), seen.end(), name) == seen.end()) {
        seen.push_back(std::move(name));
      }
    }
    const auto nl = s.find('\n', pos);
    if (nl == std::string_view::npos) {
      break;
    }
    pos = nl + 1;
  }
  return seen.size();
}

// True if the header block at the start of `s` holds a mail field.
bool
first_mail_field(std::string_view s)
{
  std::size_t pos = 0;
  for (int lines = 0; pos < s.size() && lines < 200; ++lines) {
    const auto line = first_line(s.substr(pos));
    if (line.empty()) {
      return false;
    }
    if (const auto n = text::header_field_name_length(line);
        n > 0 && is_mail_field(line.substr(0, n))) {
      return true;
    }
    const auto nl = s.find('\n', pos);
    if (nl == std::string_view::npos) {
      return false;
    }
    pos = nl + 1;
  }
  return false;
}

// The compression format `head` starts with, if any.
std::string_view
compression(std::string_view head)
{
  struct Magic
  {
    std::string_view bytes, name;
  };
  static constexpr Magic k_magic[] = {
    {"\x1f\x8b", "gzip"},
    {"BZh", "bzip2"},
    {std::string_view("\xfd" "7zXZ\0", 6), "xz"},
    {"\x28\xb5\x2f\xfd", "zstd"},
    {"LZIP", "lzip"},
    {"PK\x03\x04", "zip"},
    {"PK\x05\x06", "zip"}, // an empty zip file
    {"\x04\x22\x4d\x18", "lz4"},
    {"\x1f\x9d", "compress"},
  };
  for (const auto& m : k_magic) {
    if (head.starts_with(m.bytes)) {
      return m.name;
    }
  }
  // POSIX and GNU tar: "ustar" at 257 in the first 512-byte block.
  if (head.size() >= 512 && head.substr(257, 5) == "ustar") {
    return "tar";
  }
  return {};
}

bool
looks_binary(std::string_view s)
{
  std::size_t controls = 0;
  const auto sample = s.substr(0, 4096);
  for (const char c : sample) {
    const auto u = static_cast<unsigned char>(c);
    controls += (u < 0x20 && c != '\n' && c != '\r' && c != '\t') ? 1 : 0;
  }
  return controls * 20 > sample.size(); // over 5% control bytes
}

} // namespace

std::size_t
leading_blank_bytes(std::string_view head)
{
  std::size_t n = 0;
  while (n < head.size()) {
    if (head[n] == '\n') {
      n += 1;
    } else if (head.substr(n).starts_with("\r\n")) {
      n += 2;
    } else {
      break;
    }
  }
  return n;
}

Classification
classify(std::string_view head)
{
  if (head.empty()) {
    return {FileKind::not_mail, "empty file"};
  }
  const auto s = head.substr(leading_blank_bytes(head));
  if (is_separator(s)) {
    return {FileKind::mbox, ""};
  }
  if (const auto format = compression(head); !format.empty()) {
    return {FileKind::compressed, std::string(format)};
  }
  // [MS-PST] 2.2.2.6: "!BDN", a CRC, then "SM" (PST) or "SO" (OST).
  if (head.size() >= 10 && head.starts_with("!BDN")
      && (head.substr(8, 2) == "SM" || head.substr(8, 2) == "SO")) {
    return {FileKind::outlook_store, head.substr(8, 2) == "SM" ? "PST" : "OST"};
  }
  // An OLE compound file: a .msg item, or a Word or Excel document (the
  // reader looks for the item's property stream).
  if (head.starts_with("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) {
    return {FileKind::compound_file, "OLE"};
  }
  if (head.starts_with("7z\xbc\xaf\x27\x1c")) {
    return {FileKind::unsupported_archive, "7z"};
  }
  if (head.starts_with("Rar!\x1a\x07")) {
    return {FileKind::unsupported_archive, "rar"};
  }
  // The common case first: a header block that starts at once and holds a
  // mail field.
  if (text::looks_like_header_field(first_line(s)) && first_mail_field(s)) {
    return {FileKind::message, ""};
  }
  if (looks_binary(head)) {
    return {FileKind::not_mail, "binary data"};
  }
  // One damaged first line is tolerated when a mail field follows it at
  // once: a damaged message must not pass for "not mail" (a false clean).
  const auto second = s.substr(std::min(s.size(), s.find('\n') + 1));
  const auto second_line = first_line(second);
  if (is_mail_field(second_line.substr(0, text::header_field_name_length(second_line)))
      && mail_fields(s) >= 2) {
    return {FileKind::message, ""};
  }
  for (auto pos = head.find("\nFrom "); pos != std::string_view::npos;
       pos = head.find("\nFrom ", pos + 1)) {
    const bool after_blank =
      (pos >= 1 && head[pos - 1] == '\n')
      || (pos >= 2 && head[pos - 1] == '\r' && head[pos - 2] == '\n');
    if (after_blank && is_separator(head.substr(pos + 1))) {
      return {FileKind::mbox, ""};
    }
  }
  return {FileKind::not_mail, "no mail header"};
}

std::optional<Parsed<std::string>>
header_block_in(std::string_view head)
{
  std::size_t end = std::string_view::npos;
  if (head.starts_with("\n")) {
    end = 1;
  } else if (head.starts_with("\r\n")) {
    end = 2;
  } else {
    // One pass over the line ends: the first followed by an empty line
    // (searching for "\n\n" and "\n\r\n" apart read a message without
    // CRs to its end twice).
    for (auto nl = head.find('\n'); nl != std::string_view::npos; nl = head.find('\n', nl + 1)) {
      const auto next = head.substr(nl + 1);
      if (next.starts_with('\n')) {
        end = nl + 2;
        break;
      }
      if (next.starts_with("\r\n")) {
        end = nl + 3;
        break;
      }
    }
  }
  if (end == std::string_view::npos) {
    return std::nullopt;
  }
  return Parsed<std::string>{std::string(head.substr(0, end)), {}};
}

Parsed<std::string>
read_header_block(ByteSource& source)
{
  Parsed<std::string> out;
  LineReader lines(source, 256 * 1024);
  Line line;
  while (lines.next(line)) {
    if (out.value.size() + line.text.size() > k_max_header_bytes) {
      out.issues.push_back({IssueKind::header_too_large,
                            "header block over 16 MiB; the rest of it was "
                            "not read"});
      break;
    }
    out.value.append(line.text);
    if (line.blank()) {
      break;
    }
  }
  return out;
}

} // namespace ccaudit::archive
