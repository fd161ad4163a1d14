// mimetic walks the MIME structure, through the one use that was measured
// clean (../shared/DEPENDENCIES.md): MimeEntity::load over a buffer we own.
// Around it:
// - the top-level header handed to it is rebuilt from three fields ccaudit
//   parsed itself (mimetic ends a header at a malformed line, D7);
// - its header parser grows buffers 128 bytes at a time (quadratic, D3), so
//   a part header line over k_max_part_header_line is refused before it
//   gets there;
// - parameters (boundary, charset, RFC 2231 file names) are read by GMime
//   through headers/, transfer encodings by GLib and GMime (mime/decode),
//   never by mimetic's typed accessors or its Base64 decoder (D5, D9).
#include "mime/content.hpp"

#include "core/text.hpp"
#include "headers/header_block.hpp"
#include "headers/mime_fields.hpp"
#include "mime/decode.hpp"

#include <mimetic/mimetic.h>

#include <algorithm>
#include <array>
#include <exception>

namespace ccaudit::mime {

namespace {

constexpr std::size_t k_max_part_header_line = 256 * 1024;
// mimetic parses nested parts recursively: 100,000 levels overflow a
// thread's stack. Past this many multipart or message Content-Types a
// message is not handed to it (10,000 levels were measured safe under ASan).
constexpr std::size_t k_max_container_types = 5000;

std::string_view
extension_of(std::string_view filename)
{
  const auto dot = filename.rfind('.');
  return dot == std::string_view::npos ? std::string_view{} : filename.substr(dot);
}

bool
is_text_type(std::string_view type)
{
  static constexpr std::array<std::string_view, 7> k_types = {
    "text/plain", "text/html", "text/csv", "text/tab-separated-values",
    "text/vcard", "text/x-vcard", "text/directory"};
  for (const auto t : k_types) {
    if (type == t) {
      return true;
    }
  }
  return false;
}

bool
is_text_name(std::string_view filename)
{
  const auto ext = text::ascii_lower(extension_of(filename));
  return ext == ".csv" || ext == ".tsv" || ext == ".txt" || ext == ".vcf";
}

bool
is_message_name(std::string_view filename)
{
  return text::ascii_lower(extension_of(filename)) == ".eml";
}

// The first line of a part header (after a boundary, or of a message/rfc822
// part's message) longer than the bound, if any: where mimetic would spend
// quadratic time. A "--" line starts a part header; its blank line ends it,
// unless it said message/rfc822, whose own header follows.
// The number of lines declaring a multipart or message Content-Type: an
// upper bound on how deep mimetic would recurse.
std::size_t
container_types(std::string_view body)
{
  std::size_t n = 0, pos = 0;
  while (pos < body.size()) {
    auto nl = body.find('\n', pos);
    if (nl == std::string_view::npos) {
      nl = body.size();
    }
    const auto line = body.substr(pos, nl - pos);
    pos = nl + 1;
    if (text::istarts_with(line, "content-type:")) {
      const auto value = text::trim(line.substr(13));
      n += text::istarts_with(value, "multipart/") || text::istarts_with(value, "message/") ? 1 : 0;
    }
  }
  return n;
}

bool
has_long_part_header_line(std::string_view body, std::size_t limit)
{
  bool in_header = false, message_follows = false;
  std::size_t pos = 0;
  while (pos < body.size()) {
    auto nl = body.find('\n', pos);
    if (nl == std::string_view::npos) {
      nl = body.size();
    }
    auto line = body.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.ends_with('\r')) {
      line.remove_suffix(1);
    }
    if (line.starts_with("--")) {
      in_header = true;
      message_follows = false;
    } else if (in_header && line.empty()) {
      in_header = message_follows;
      message_follows = false;
    } else if (in_header) {
      if (line.size() > limit) {
        return true;
      }
      if (text::istarts_with(line, "content-type:")
          && text::ascii_lower(line).find("message/rfc822") != std::string::npos) {
        message_follows = true;
      }
    }
  }
  return false;
}

// A field of an entity's header, first occurrence, as mimetic unfolded it.
std::string
field_of(const mimetic::MimeEntity& e, std::string_view name)
{
  for (const auto& f : e.header()) {
    const auto& n = f.name();
    if (text::iequals(std::string_view(n.data(), n.size()), name)) {
      return f.value();
    }
  }
  return {};
}

std::string
header_of(const mimetic::MimeEntity& e)
{
  std::string out;
  for (const auto& f : e.header()) {
    out.append(f.name().data(), f.name().size()).append(": ").append(f.value()).append("\r\n");
  }
  return out;
}

bool
known_field_name(std::string_view line)
{
  const auto n = text::header_field_name_length(line);
  if (n == 0) {
    return false;
  }
  const auto name = text::ascii_lower(text::trim(line.substr(0, n)));
  static constexpr std::array<std::string_view, 14> k_names = {
    "to", "cc", "from", "subject", "date", "message-id", "reply-to", "sender",
    "received", "references", "in-reply-to", "mime-version", "content-type",
    "return-path"};
  for (const auto k : k_names) {
    if (name == k) {
      return true;
    }
  }
  return name.starts_with("x-") || name.starts_with("resent-");
}

// mimetic ends a header at its first malformed line and reads the rest as
// body (D7). If the body starts with a paragraph holding known header
// fields, that paragraph is the rest of the header: its length, else 0.
std::size_t
header_left_in_body(std::string_view body)
{
  std::size_t pos = 0;
  bool known = false;
  while (pos < body.size()) {
    auto nl = body.find('\n', pos);
    if (nl == std::string_view::npos) {
      return 0; // no blank line: a body, not a header
    }
    auto line = body.substr(pos, nl - pos);
    if (line.ends_with('\r')) {
      line.remove_suffix(1);
    }
    if (line.empty()) {
      return known ? pos : 0;
    }
    known = known || known_field_name(line);
    pos = nl + 1;
  }
  return 0;
}

class Walker
{
public:
  Walker(const ContentLimits& limits, Parsed<MessageContent>& out) : m_limits(limits), m_out(out) {}

  // One message: `header` holds at least its MIME fields.
  void message(std::string_view header, std::string_view body, const std::string& prefix,
               std::size_t depth)
  {
    if (depth > m_limits.max_depth) {
      limit("nesting deeper than " + std::to_string(m_limits.max_depth) + " at part "
            + prefix);
      return;
    }
    auto block = headers::split_header_block(header);
    std::string type_value, encoding, version;
    for (const auto& f : block.value.fields) {
      if (text::iequals(f.name, "Content-Type") && type_value.empty()) {
        type_value = f.value();
      } else if (text::iequals(f.name, "Content-Transfer-Encoding") && encoding.empty()) {
        encoding = f.value();
      }
    }
    const auto type = headers::parse_content_type(type_value);
    const std::string first = prefix.empty() ? "1" : prefix + ".1";
    if (!type.type.starts_with("multipart/") && type.type != "message/rfc822") {
      // One part: no structure for mimetic to find.
      leaf(first, type_value, "", encoding, body);
      return;
    }
    if (const auto n = container_types(body); n > k_max_container_types) {
      unreadable(std::to_string(n) + " multipart or message parts (over "
                 + std::to_string(k_max_container_types) + ")"
                 + (prefix.empty() ? "" : " in part " + prefix));
      return;
    }
    if (has_long_part_header_line(body, k_max_part_header_line)) {
      unreadable("a part header line over " + std::to_string(k_max_part_header_line / 1024)
                 + " KiB" + (prefix.empty() ? "" : " in part " + prefix));
      return;
    }
    std::string buffer = "MIME-Version: 1.0\r\nContent-Type: " + type_value + "\r\n";
    if (!encoding.empty()) {
      buffer += "Content-Transfer-Encoding: " + encoding + "\r\n";
    }
    buffer += "\r\n";
    buffer.append(body);
    try {
      mimetic::MimeEntity root;
      root.load(buffer.data(), buffer.data() + buffer.size(),
                mimetic::imPreamble | mimetic::imEpilogue);
      entity(root, prefix, depth, true);
    } catch (const std::exception& e) {
      unreadable(std::string("mimetic: ") + e.what());
    }
  }

private:
  // An entity whose path is `path` ("" for a top-level message).
  void entity(const mimetic::MimeEntity& e, const std::string& path, std::size_t depth,
              bool is_message)
  {
    if (depth > m_limits.max_depth) {
      limit("nesting deeper than " + std::to_string(m_limits.max_depth) + " at part " + path);
      return;
    }
    if (++m_parts > m_limits.max_parts) {
      if (m_parts == m_limits.max_parts + 1) {
        limit("more than " + std::to_string(m_limits.max_parts) + " parts");
      }
      return;
    }
    const auto type_value = field_of(e, "Content-Type");
    const auto type = headers::parse_content_type(type_value);
    const auto& children = e.body().parts();
    if (type.type.starts_with("multipart/") && !children.empty()) {
      std::size_t n = 0;
      for (const mimetic::MimeEntity* child : children) {
        ++n;
        const auto child_path = path.empty() ? std::to_string(n) : path + "." + std::to_string(n);
        // A part of multipart/digest is a message by default.
        const bool digest = type.type == "multipart/digest"
                            && field_of(*child, "Content-Type").empty();
        if (digest && !child->body().parts().empty()) {
          embedded(*child->body().parts().front(), child_path, "", depth + 1);
        } else {
          entity(*child, child_path, depth + 1, false);
        }
      }
      return;
    }
    if (type.type == "message/rfc822" && !children.empty()) {
      const auto disposition = headers::parse_content_disposition(field_of(e, "Content-Disposition"));
      embedded(*children.front(), path.empty() ? "1" : path,
               disposition.filename.empty() ? type.name : disposition.filename, depth + 1);
      return;
    }
    // A message's own single-part body is its part 1 (IMAP numbering: the
    // body of message/rfc822 part "3" is "3.1").
    leaf(path.empty() ? "1" : (is_message ? path + ".1" : path), type_value, field_of(e, "Content-Disposition"),
         field_of(e, "Content-Transfer-Encoding"), e.body());
  }

  // The message inside a message/rfc822 part.
  void embedded(const mimetic::MimeEntity& m, const std::string& path, const std::string& filename,
                std::size_t depth)
  {
    auto header = header_of(m);
    std::string_view body = m.body();
    if (const auto rest = header_left_in_body(body); rest > 0 && m.body().parts().empty()) {
      // mimetic stopped at a malformed line: read this message again with
      // the whole header, as an attached .eml is.
      header.append(body.substr(0, rest));
      body.remove_prefix(rest);
      while (!body.empty() && (body.front() == '\r' || body.front() == '\n')) {
        body.remove_prefix(1);
      }
      m_out.value.messages.push_back({path, filename, header});
      message(header, body, path, depth);
      return;
    }
    m_out.value.messages.push_back({path, filename, header});
    entity(m, path, depth, true);
  }

  void leaf(const std::string& path, const std::string& type_value,
            const std::string& disposition_value, const std::string& encoding,
            std::string_view raw)
  {
    auto type = headers::parse_content_type(type_value);
    if (type.type.empty()) {
      type.type = "text/plain"; // RFC 2045 5.2: no (readable) Content-Type
    }
    const auto disposition = headers::parse_content_disposition(disposition_value);
    const auto& filename = disposition.filename.empty() ? type.name : disposition.filename;
    const bool as_message = is_message_name(filename);
    if (!as_message && !is_text_type(type.type) && !is_text_name(filename)) {
      return;
    }
    if (m_decoded >= m_limits.max_message_bytes) {
      if (!m_message_limit_told) {
        m_message_limit_told = true;
        limit("over " + std::to_string(m_limits.max_message_bytes >> 20)
              + " MiB decoded in one message: part " + path + " and after not read");
      }
      return;
    }
    bool truncated = false;
    const auto room = std::min(m_limits.max_part_bytes, m_limits.max_message_bytes - m_decoded);
    auto bytes = decode_transfer(raw, encoding, room, truncated);
    m_decoded += bytes.size();
    if (truncated) {
      limit("part " + path + " over " + std::to_string(room >> 20)
            + " MiB decoded: the rest not read");
    }
    if (as_message) {
      const auto block = headers::split_header_block(bytes);
      const auto header_length = std::min(block.value.length, bytes.size());
      std::string header = bytes.substr(0, header_length);
      m_out.value.messages.push_back({path, filename, header});
      message(header, std::string_view(bytes).substr(header_length), path, path_depth(path) + 1);
      return;
    }
    bool unknown = false;
    auto utf8 = to_utf8(bytes, type.charset, unknown);
    if (unknown) {
      m_out.issues.push_back({IssueKind::unknown_charset,
                              "part " + path + ": charset \"" + text::for_terminal(type.charset)
                                + "\" read as UTF-8"});
    }
    m_out.value.parts.push_back({path, type.type, filename, std::move(utf8)});
  }

  static std::size_t path_depth(const std::string& path)
  {
    return static_cast<std::size_t>(std::count(path.begin(), path.end(), '.')) + 1;
  }

  void limit(std::string detail)
  {
    m_out.issues.push_back({IssueKind::content_limit, std::move(detail)});
  }
  void unreadable(std::string detail)
  {
    m_out.issues.push_back({IssueKind::content_unreadable, std::move(detail)});
  }

  const ContentLimits& m_limits;
  Parsed<MessageContent>& m_out;
  std::size_t m_decoded = 0;
  std::size_t m_parts = 0;
  bool m_message_limit_told = false;
};

} // namespace

Parsed<MessageContent>
read_content(std::string_view header_block, std::string_view body, const ContentLimits& limits)
{
  Parsed<MessageContent> out;
  Walker walker(limits, out);
  walker.message(header_block, body, "", 0);
  return out;
}

} // namespace ccaudit::mime
