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
//   never by mimetic's typed accessors or its Base64 decoder (D5, D9);
// - the bodies of attachments no detector reads are cut before it searches
//   and copies them, where its parse shows that changed nothing else
//   (hollow(); its own Content-Type reading is asked there only what it
//   does itself: the boundary it searches for, which parts it opens).
#include "mime/content.hpp"

#include "core/search.hpp"
#include "core/text.hpp"
#include "headers/header_block.hpp"
#include "headers/mime_fields.hpp"
#include "mime/decode.hpp"

#include <mimetic/mimetic.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <exception>
#include <memory>
#include <random>

namespace ccaudit::mime {

namespace {

// Longest header field (folds included) handed to mimetic: 16 KiB costs it
// 128 allocations and about 1 MB of copying.
constexpr std::size_t k_max_part_header_field = 16 * 1024;
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

} // namespace

PartUse
part_use(std::string_view type, std::string_view filename)
{
  if (is_message_name(filename)) {
    return PartUse::message;
  }
  return is_text_type(type) || is_text_name(filename) ? PartUse::text : PartUse::skip;
}

namespace {

// What leaf() makes of a part with these Content-Type and
// Content-Disposition values: its type, its file name, and whether it is
// read. The one decision, for leaf() and for the cut of skipped parts.
struct PartKind
{
  headers::ContentType type;
  std::string filename;
  PartUse use = PartUse::skip;
};

PartKind
part_kind(std::string_view type_value, std::string_view disposition_value)
{
  PartKind out;
  out.type = headers::parse_content_type(type_value);
  if (out.type.type.empty()) {
    out.type.type = "text/plain"; // RFC 2045 5.2: no (readable) Content-Type
  }
  auto disposition = headers::parse_content_disposition(disposition_value);
  out.filename = disposition.filename.empty() ? out.type.name : std::move(disposition.filename);
  out.use = part_use(out.type.type, out.filename);
  return out;
}

// The first non-empty value of a field named `name` (unfolded).
std::string
first_value(const headers::HeaderBlock& block, std::string_view name)
{
  for (const auto& f : block.fields) {
    if (text::iequals(f.name, name)) {
      if (auto value = f.value(); !value.empty()) {
        return value;
      }
    }
  }
  return {};
}

// What mimetic would make of a body, read before it does: mimetic parses
// nested parts recursively (100,000 levels overflow a thread's stack),
// builds every part before any bound can be checked, and grows a header
// field 128 bytes at a time (quadratic). Lines end at LF (bare CRs were
// made LFs: mimetic ends lines at them too).
struct Shape
{
  std::size_t dash_lines = 0; // lines starting "--": at least every part
  std::size_t containers = 0; // multipart/message Content-Type fields
  std::size_t longest_field = 0; // of a header mimetic would parse, folds included
};

Shape
shape_of(std::string_view body, bool starts_in_header)
{
  Shape out;
  // In a header: after any "--" line (a boundary, perhaps), at the start of
  // a message/* body, and after a part header that said message/*. A line
  // that is neither a field nor a fold ends a header, as it does in mimetic.
  bool in_header = starts_in_header, message_follows = false;
  std::size_t field = 0;
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
    // Only a header line, or one that may declare a Content-Type, is
    // looked at closer (most lines are base64 or text).
    const bool maybe_type = !line.empty() && (line.front() == 'C' || line.front() == 'c');
    const auto name_length = in_header || maybe_type ? text::header_field_name_length(line) : 0;
    if (name_length > 0) {
      const auto name = line.substr(0, name_length);
      const auto value = text::trim(line.substr(line.find(':', name_length) + 1));
      if (text::iequals(name, "content-type")
          && (text::istarts_with(value, "multipart/") || text::istarts_with(value, "message/"))) {
        ++out.containers;
        message_follows = message_follows || (in_header && text::istarts_with(value, "message/"));
      }
    }
    // mimetic ends a part at "--boundary" anywhere, even mid-line, and reads
    // the rest of that line as the next part's header: a line holding "--"
    // counts as a part, and what follows its first "--" as a header field
    // (8 MB of "--bx" on one line took it minutes).
    if (const auto dash = line.find("--"); dash != std::string_view::npos) {
      ++out.dash_lines;
      in_header = true;
      message_follows = false;
      field = line.size() - dash + 1;
    } else if (!in_header) {
      continue;
    } else if (line.empty()) {
      in_header = message_follows;
      message_follows = false;
      field = 0;
    } else if ((line.front() == ' ' || line.front() == '\t') && field > 0) {
      field += line.size() + 1;
    } else if (name_length > 0 || line.front() == ':') {
      // mimetic skips a line that starts with ':' and reads on in the
      // header, so the field after it must be measured too.
      field = line.size() + 1;
    } else {
      in_header = false; // mimetic ends the header here (D7)
      field = 0;
    }
    out.longest_field = std::max(out.longest_field, field);
  }
  return out;
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
// In a preamble (`to_end`), the rest of the header may run to its end: the
// blank line before the first boundary belongs to the boundary.
std::size_t
header_left_in_body(std::string_view body, bool to_end = false)
{
  std::size_t pos = 0;
  bool known = false;
  while (pos < body.size()) {
    auto nl = body.find('\n', pos);
    if (nl == std::string_view::npos) {
      if (!to_end) {
        return 0; // no blank line: a body, not a header
      }
      known = known || known_field_name(body.substr(pos));
      return known ? body.size() : 0;
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
  return to_end && known ? body.size() : 0;
}

// What leaf() makes of a part, from its header as mimetic read it: true if
// the part is skipped (an attachment whose bytes no detector reads).
bool
skipped_part(const mimetic::MimeEntity& e)
{
  return part_kind(field_of(e, "Content-Type"), field_of(e, "Content-Disposition")).use
         == PartUse::skip;
}

// Whether mimetic parses `e`'s body as parts (a multipart, or the message of
// a message/rfc822): its own test, through its own Content-Type reading.
bool
mimetic_container(const mimetic::MimeEntity& e)
{
  const auto& type = e.header().contentType();
  return type.isMultipart() || (type.type() == "message" && type.subtype() == "rfc822");
}

// Attachments (PDFs, images, archives) are most of a message's bytes, and
// mimetic searches every byte of a part for the boundary and copies it, to
// then be skipped by leaf(). A multipart body is handed to mimetic with the
// bodies of such parts replaced by a marker (headers kept), where mimetic's
// parse then shows that nothing but those bodies changed.
//
// mimetic ends a part at the next occurrence of "--boundary" anywhere, not
// only at a line start, and one followed by "--" closes the multipart; a
// part's header ends at its first empty line or before. Replaced: in a part
// of the multipart (between an occurrence and the next, before the closing
// one) whose own header says skip, the bytes after its first empty line up
// to the next occurrence. Checked after the parse (hollowed_as_whole()): the
// body of the multipart's part with that number is exactly its marker. Then
// that part is a part of this multipart starting at that occurrence, and
// every search mimetic made before it stopped short of it (else it would
// have swallowed the occurrence), so the whole body parses the same up to
// there, and from there too: what was replaced holds no occurrence.
struct Hollowed
{
  std::vector<std::size_t> cut; // 1-based numbers of the parts replaced
};

// A marker no message can hold: random per process, and no "--". Without a
// random source (std::random_device throws), the clock's ticks. Part `n`'s
// is this and `n`.
const std::string&
marker_stem()
{
  static const std::string stem = [] {
    std::string out = "ccauditcut";
    try {
      std::random_device random;
      for (int i = 0; i < 4; ++i) {
        out += std::to_string(random());
      }
    } catch (const std::exception&) {
      out += std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
    }
    return out + "p";
  }();
  return stem;
}

// `out`: `head` (the header handed to mimetic) and `body` with the bodies
// of the parts replaced (none: `out` is left empty).
Hollowed
hollow(std::string_view head, std::string_view body, std::string_view delimiter,
       std::size_t min_cut, std::string& out)
{
  Hollowed h;
  std::size_t parts = 0;       // occurrences before the closing one
  std::vector<std::size_t> at; // and the closing one
  for (std::size_t from = 0; from < body.size();) {
    const auto pos = find_bytes(body, delimiter, from);
    if (pos == std::string_view::npos) {
      break;
    }
    const auto end = pos + delimiter.size();
    at.push_back(pos);
    if (end + 1 < body.size() && body[end] == '-' && body[end + 1] == '-') {
      break; // the closing one: the last part ends there
    }
    ++parts;
    from = end;
  }
  out.clear();
  std::size_t kept = 0; // body up to here is in `out` or replaced
  for (std::size_t i = 0; i < parts; ++i) {
    const auto region = at[i] + delimiter.size();
    const auto next = i + 1 < at.size() ? at[i + 1] : body.size();
    // The first empty line of the region ("\n\n" or "\n\r\n"): mimetic's
    // header ends there or before. Searched within the region only (regions
    // without a line break must not each search to the end).
    std::size_t header_end = std::string_view::npos;
    const auto part = body.substr(0, next);
    for (auto nl = part.find('\n', region); nl != std::string_view::npos && nl + 1 < next;
         nl = part.find('\n', nl + 1)) {
      if (body[nl + 1] == '\n') {
        header_end = nl + 2;
        break;
      }
      if (body[nl + 1] == '\r' && nl + 2 < next && body[nl + 2] == '\n') {
        header_end = nl + 3;
        break;
      }
    }
    if (header_end == std::string_view::npos || next - header_end < min_cut) {
      continue;
    }
    // Its header as ccaudit reads it: only a guess, checked on mimetic's
    // reading once it has parsed the body replaced.
    auto header = body.substr(region, header_end - region);
    while (!header.empty() && (header.front() == '\r' || header.front() == '\n')) {
      header.remove_prefix(1);
    }
    const auto block = headers::split_header_block(header);
    const auto kind = part_kind(first_value(block.value, "Content-Type"),
                                first_value(block.value, "Content-Disposition"));
    if (kind.use != PartUse::skip || kind.type.type.starts_with("multipart/")
        || kind.type.type.starts_with("message/")) {
      continue; // read, or parsed as parts: never cut
    }
    if (out.empty()) {
      out.reserve(head.size() + body.size() / 4);
      out.assign(head);
    }
    out.append(body.substr(kept, header_end - kept));
    out.append(marker_stem()).append(std::to_string(i + 1));
    if (next < body.size()) {
      out.append("\r\n"); // the line break before a boundary is the boundary's
    }
    kept = next;
    h.cut.push_back(i + 1);
  }
  if (!h.cut.empty()) {
    out.append(body.substr(kept));
  }
  return h;
}

// Whether mimetic's parse of a body hollow() replaced parts of is its parse
// of the whole body but for those: it read the same multipart (the same
// boundary), and each part replaced is a leaf whose body is its marker, and
// one leaf() skips.
bool
hollowed_as_whole(const mimetic::MimeEntity& root, std::string_view delimiter, const Hollowed& h)
{
  const auto& type = root.header().contentType();
  if (!type.isMultipart() || "--" + type.param("boundary") != delimiter) {
    return false;
  }
  const auto& parts = root.body().parts();
  if (parts.size() < h.cut.back()) {
    return false;
  }
  auto part = parts.begin();
  std::size_t n = 1;
  for (std::size_t i = 0; i < h.cut.size(); ++i) {
    std::advance(part, static_cast<std::ptrdiff_t>(h.cut[i] - n));
    n = h.cut[i];
    const mimetic::MimeEntity& e = **part;
    if (e.body() != marker_stem() + std::to_string(h.cut[i]) || !e.body().parts().empty()
        || mimetic_container(e)
        || !skipped_part(e)) {
      return false;
    }
  }
  return true;
}

// A top-level body up to this size is copied for mimetic into its thread's
// buffer, reused from message to message (which then holds at most about
// twice this).
constexpr std::size_t k_reused_buffer = std::size_t{8} << 20;

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
    const auto block = headers::split_header_block(header);
    const auto type_value = first_value(block.value, "Content-Type");
    const auto encoding = first_value(block.value, "Content-Transfer-Encoding");
    const auto disposition = first_value(block.value, "Content-Disposition");
    // The fields handed to mimetic (and GMime) are bounded as a part's are:
    // mimetic grows its buffer 128 bytes at a time, and a 1.5 MB
    // Content-Type took 73 s.
    if (type_value.size() > k_max_part_header_field || encoding.size() > k_max_part_header_field) {
      unreadable("a Content-Type or Content-Transfer-Encoding field over "
                 + std::to_string(k_max_part_header_field / 1024) + " KiB"
                 + (prefix.empty() ? std::string() : " in part " + prefix));
      return;
    }
    const auto type = headers::parse_content_type(type_value);
    const std::string first = prefix.empty() ? "1" : prefix + ".1";
    const bool is_container = type.type.starts_with("multipart/") || type.type.starts_with("message/");
    if (!is_container) {
      // One part: no structure for mimetic to find.
      leaf(first, type_value, disposition, encoding, body);
      return;
    }
    // Every copy of a body handed to mimetic counts: a chain of damaged
    // forwards read again level by level must not multiply the memory.
    m_copied += depth > 0 ? body.size() : 0; // the message itself is bounded when read
    if (m_copied > m_limits.max_message_bytes) {
      limit("over " + std::to_string(m_limits.max_message_bytes >> 20)
            + " MiB of structure read in one message: part " + first + " and after not read");
      return;
    }
    // What mimetic is handed: this header, then the body. A bare CR ends a
    // line for mimetic: the body is copied with each made one that every
    // check here sees too (the usual body has none, and is not copied).
    std::string head = "MIME-Version: 1.0\r\nContent-Type: " + type_value + "\r\n";
    if (!encoding.empty()) {
      head.append("Content-Transfer-Encoding: ").append(encoding).append("\r\n");
    }
    head += "\r\n";
    std::string fixed;
    for (auto cr = body.find('\r'); cr != std::string_view::npos; cr = body.find('\r', cr + 1)) {
      if (cr + 1 == body.size() || body[cr + 1] != '\n') {
        if (fixed.empty()) {
          fixed.assign(body);
        }
        fixed[cr] = '\n';
      }
    }
    if (!fixed.empty()) {
      body = fixed;
    }
    try {
      // The bounds below protect mimetic from what it parses: a body with
      // its attachments cut is checked alone (what they hold is never
      // parsed), the whole body where it is parsed whole.
      auto root = load_hollowed(head, body, type_value, type.type, depth);
      if (!root) {
        const auto where = prefix.empty() ? std::string() : " in part " + prefix;
        const auto shape = shape_of(body, type.type.starts_with("message/"));
        if (shape.containers > k_max_container_types) {
          unreadable(std::to_string(shape.containers) + " multipart or message parts (over "
                     + std::to_string(k_max_container_types) + ")" + where);
          return;
        }
        if (shape.dash_lines > m_limits.max_parts) {
          limit("more than " + std::to_string(m_limits.max_parts) + " parts" + where
                + ": its parts were not read");
          return;
        }
        if (shape.longest_field > k_max_part_header_field) {
          unreadable("a part header field over " + std::to_string(k_max_part_header_field / 1024)
                     + " KiB" + where);
          return;
        }
        // The top level's copy reuses this thread's buffer: a fresh one of
        // a body's size took fresh pages from the kernel for every message
        // (two thirds of --content's page faults). A larger body, or a
        // nested level (a message inside this one, read while this level's
        // walk goes on), has its own.
        thread_local std::string t_buffer;
        std::string own;
        std::string& buffer = depth == 0 && body.size() <= k_reused_buffer ? t_buffer : own;
        buffer.assign(head).append(body);
        root = std::make_unique<mimetic::MimeEntity>();
        root->load(buffer.data(), buffer.data() + buffer.size(), mimetic::imEpilogue);
      }
      entity(*root, prefix, depth, true);
    } catch (const std::exception& e) {
      unreadable(std::string("mimetic: ") + e.what());
    }
  }

private:
  // mimetic's parse of a multipart body with the bodies of its skipped parts
  // cut out (hollow()), where it is provably the parse of the whole body but
  // for those; else null, and the whole body is parsed.
  std::unique_ptr<mimetic::MimeEntity> load_hollowed(std::string_view head, std::string_view body,
                                                     const std::string& type_value,
                                                     const std::string& type, std::size_t depth)
  {
    if (m_limits.cut_parts_from == 0 || !type.starts_with("multipart/")
        || type == "multipart/digest") {
      return nullptr;
    }
    // The delimiter as mimetic reads it from the header it is handed.
    const auto delimiter = "--" + mimetic::ContentType(type_value).param("boundary");
    if (delimiter.size() == 2) {
      return nullptr;
    }
    thread_local std::string t_cut;
    std::string own;
    std::string& out = depth == 0 && body.size() <= k_reused_buffer ? t_cut : own;
    const auto h = hollow(head, body, delimiter, m_limits.cut_parts_from, out);
    if (h.cut.empty()) {
      return nullptr;
    }
    // Over a bound, the whole body is checked and the bound said on it.
    const auto shape = shape_of(std::string_view(out).substr(head.size()), false);
    if (shape.containers > k_max_container_types || shape.dash_lines > m_limits.max_parts
        || shape.longest_field > k_max_part_header_field) {
      return nullptr;
    }
    auto root = std::make_unique<mimetic::MimeEntity>();
    try {
      root->load(out.data(), out.data() + out.size(), mimetic::imEpilogue);
    } catch (const std::exception&) {
      return nullptr; // the whole body decides
    }
    if (!hollowed_as_whole(*root, delimiter, h)) {
      return nullptr;
    }
    m_out.value.bytes_cut += head.size() + body.size() - out.size();
    return root;
  }

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
        // A part of multipart/digest without a Content-Type is a message:
        // mimetic read its header as the part's.
        if (type.type == "multipart/digest" && field_of(*child, "Content-Type").empty()) {
          embedded(*child, child_path, "", depth + 1);
        } else {
          entity(*child, child_path, depth + 1, false);
        }
      }
      return;
    }
    // A message's own body is its part 1 (IMAP numbering: the body of
    // message/rfc822 part "3" is "3.1"), a part is itself.
    const auto self = path.empty() ? std::string("1") : (is_message ? path + ".1" : path);
    if (type.type == "message/rfc822" && !children.empty()) {
      const auto disposition = headers::parse_content_disposition(field_of(e, "Content-Disposition"));
      const auto& filename = disposition.filename.empty() ? type.name : disposition.filename;
      const auto& child = *children.front();
      const auto encoding = text::ascii_lower(text::trim(field_of(e, "Content-Transfer-Encoding")));
      if ((encoding == "base64" || encoding == "quoted-printable") && child.header().empty()) {
        // Encoded: mimetic read the encoded text as a message with no header.
        attached_message(self, filename, encoding, child.body(), depth);
        return;
      }
      embedded(child, self, filename, depth + 1);
      return;
    }
    leaf(self, type_value, field_of(e, "Content-Disposition"),
         field_of(e, "Content-Transfer-Encoding"), e.body());
  }

  // The message inside a message/rfc822 part.
  void embedded(const mimetic::MimeEntity& m, const std::string& path, const std::string& filename,
                std::size_t depth)
  {
    auto header = header_of(m);
    std::string_view body = m.body();
    if (m.body().parts().empty()) {
      if (const auto rest = header_left_in_body(body); rest > 0) {
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
    } else if (const auto rest = header_left_in_body(m.body().preamble(), true); rest > 0) {
      // Its parts were found, and the rest of its header went to the
      // preamble: counted with it.
      header.append(std::string_view(m.body().preamble()).substr(0, rest));
    }
    m_out.value.messages.push_back({path, filename, header});
    entity(m, path, depth, true);
  }

  // A message sent as an attachment (.eml) or as an encoded message/rfc822:
  // decoded, then read as a message of its own.
  void attached_message(const std::string& path, const std::string& filename,
                        const std::string& encoding, std::string_view raw, std::size_t depth)
  {
    if (over_message_budget(path)) {
      return;
    }
    bool truncated = false;
    const auto room = std::min(m_limits.max_part_bytes, m_limits.max_message_bytes - m_decoded);
    const auto bytes = decode_transfer(raw, encoding, room, truncated);
    m_decoded += bytes.size();
    if (truncated) {
      limit("part " + path + " over " + std::to_string(room >> 20)
            + " MiB decoded: the rest not read");
    }
    const auto block = headers::split_header_block(bytes);
    const auto header_length = std::min(block.value.text.size(), bytes.size());
    std::string header = bytes.substr(0, header_length);
    m_out.value.messages.push_back({path, filename, header});
    message(header, std::string_view(bytes).substr(header_length), path, depth + 1);
  }

  void leaf(const std::string& path, const std::string& type_value,
            const std::string& disposition_value, const std::string& encoding,
            std::string_view raw)
  {
    const auto kind = part_kind(type_value, disposition_value);
    const auto& type = kind.type;
    const auto& filename = kind.filename;
    const auto use = kind.use;
    if (use == PartUse::message) {
      attached_message(path, filename, encoding, raw, path_depth(path));
      return;
    }
    if (use == PartUse::skip) {
      return;
    }
    if (over_message_budget(path)) {
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
    bool unknown = false;
    auto utf8 = text::to_utf8(bytes, type.charset, unknown);
    if (unknown) {
      m_out.issues.push_back({IssueKind::unknown_charset,
                              "part " + path + ": charset \"" + text::for_terminal(type.charset)
                                + "\" read as UTF-8"});
    }
    m_out.value.parts.push_back({path, type.type, filename, std::move(utf8)});
  }

  // True (and said once) when the message's decoded bytes are spent.
  bool over_message_budget(const std::string& path)
  {
    if (m_decoded < m_limits.max_message_bytes) {
      return false;
    }
    if (!m_message_limit_told) {
      m_message_limit_told = true;
      limit("over " + std::to_string(m_limits.max_message_bytes >> 20)
            + " MiB decoded in one message: part " + path + " and after not read");
    }
    return true;
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
  std::size_t m_copied = 0; // body bytes handed to mimetic, over every level
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
