// .msg files: an OLE compound file (libolecf) whose streams hold the MAPI
// properties ([MS-OXMSG] 2.4): "__properties_version1.0" lists each
// property (16 bytes: tag, flags, value or size), and a property of
// variable size is the stream "__substg1.0_IIIITTTT" (id, type in hex).
#include "outlook/msg_file.hpp"

#include "outlook/bfio_handle.hpp"
#include "outlook/libraries.hpp"
#include "outlook/owned.hpp"

#include <cstdio>
#include <cstring>
#include <map>

namespace ccaudit::outlook {

namespace {

// The property stream's header before its entries: 32 bytes in the
// message's own storage, 8 in a recipient's or an attachment's ([MS-OXMSG]
// 2.4.1).
constexpr std::size_t k_top_header = 32;
constexpr std::size_t k_row_header = 8;
constexpr std::size_t k_embedded_header = 24;
// More than this many property entries is damage.
constexpr std::size_t k_max_entries = 65536;

using OleError = LibraryError<libolecf_error_t, olecf, &Libolecf::libolecf_error_free,
                             &Libolecf::libolecf_error_sprint>;
using OleItem = Owned<libolecf_item_t, libolecf_error_t, olecf, &Libolecf::libolecf_item_free>;
using OleFile = Owned<libolecf_file_t, libolecf_error_t, olecf, &Libolecf::libolecf_file_free>;

std::string
name_of(libolecf_item_t* item)
{
  std::size_t size = 0;
  if (olecf().libolecf_item_get_utf8_name_size(item, &size, nullptr) != 1 || size == 0) {
    return {};
  }
  std::string name(size, '\0');
  if (olecf().libolecf_item_get_utf8_name(item, reinterpret_cast<std::uint8_t*>(name.data()),
                                          size, nullptr)
      != 1) {
    return {};
  }
  name.resize(std::strlen(name.c_str()));
  return name;
}

// A stream of `storage` by name, read up to `max` bytes; nullopt if absent
// or unreadable.
std::optional<std::string>
read_stream(libolecf_item_t* storage, const std::string& name, std::size_t max)
{
  OleItem stream;
  if (olecf().libolecf_item_get_sub_item_by_utf8_name(
        storage, reinterpret_cast<const std::uint8_t*>(name.data()), name.size(), &stream.p,
        nullptr)
      != 1) {
    return std::nullopt;
  }
  std::uint32_t size = 0;
  if (olecf().libolecf_item_get_size(stream.p, &size, nullptr) != 1) {
    return std::nullopt;
  }
  std::string out(std::min<std::size_t>(size, max), '\0');
  if (!out.empty()
      && olecf().libolecf_stream_read_buffer_at_offset(
           stream.p, reinterpret_cast<std::uint8_t*>(out.data()), out.size(), 0, nullptr)
           != static_cast<ssize_t>(out.size())) {
    return std::nullopt;
  }
  return out;
}

std::uint64_t
little_endian(const char* p, int bytes)
{
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) {
    v = (v << 8) | static_cast<unsigned char>(p[i]);
  }
  return v;
}

// The properties of one storage (the message, or a recipient row).
class MsgProperties final : public PropertyBag
{
public:
  MsgProperties(libolecf_item_t* storage, std::size_t header, std::size_t max_string_bytes)
    : m_storage(storage), m_max(max_string_bytes)
  {
    const auto stream =
      read_stream(storage, "__properties_version1.0", header + 16 * k_max_entries);
    m_found = stream.has_value();
    if (!stream || stream->size() < header) {
      return;
    }
    for (std::size_t at = header; at + 16 <= stream->size(); at += 16) {
      const auto tag = static_cast<std::uint32_t>(little_endian(stream->data() + at, 4));
      m_entries[static_cast<std::uint16_t>(tag >> 16)] = {
        static_cast<std::uint16_t>(tag & 0xFFFF), little_endian(stream->data() + at + 8, 8)};
    }
  }

  bool found() const { return m_found; }
  void use_charset(std::string charset) { m_charset = std::move(charset); }

  std::optional<std::string> text(std::uint32_t tag) const override
  {
    if (auto raw = substream(tag, k_unicode_type, 2 * m_max)) {
      return string_value(std::move(*raw), k_unicode_type, m_charset);
    }
    for (const auto type : {k_string8_type, k_binary_type}) {
      if (auto raw = substream(tag, type, m_max)) {
        return string_value(std::move(*raw), type, m_charset);
      }
    }
    return std::nullopt;
  }

  std::optional<std::uint32_t> integer(std::uint32_t tag) const override
  {
    const auto it = m_entries.find(static_cast<std::uint16_t>(tag));
    if (it == m_entries.end()) {
      return std::nullopt;
    }
    switch (it->second.first) {
    case k_int32_type: return static_cast<std::uint32_t>(it->second.second);
    case k_int16_type: return static_cast<std::uint32_t>(it->second.second & 0xFFFF);
    case k_boolean_type: return static_cast<std::uint32_t>(it->second.second & 0xFF);
    default: return std::nullopt;
    }
  }

  std::optional<std::uint64_t> filetime(std::uint32_t tag) const override
  {
    const auto it = m_entries.find(static_cast<std::uint16_t>(tag));
    if (it == m_entries.end() || it->second.first != k_filetime_type) {
      return std::nullopt;
    }
    return it->second.second;
  }

private:
  std::optional<std::string> substream(std::uint32_t tag, std::uint16_t type,
                                       std::size_t max) const
  {
    char name[32];
    std::snprintf(name, sizeof name, "__substg1.0_%04X%04X", tag & 0xFFFFu,
                  static_cast<unsigned>(type));
    return read_stream(m_storage, name, max);
  }

  libolecf_item_t* m_storage;
  std::size_t m_max;
  std::string m_charset;
  bool m_found = false;
  std::map<std::uint16_t, std::pair<std::uint16_t, std::uint64_t>> m_entries;
};

std::string
storage_error(const std::string& what, const OleError& error)
{
  return what + " (" + error.text() + ")";
}

// An item stored in `storage` (the file's root, or an attached item's
// storage): nullopt when it holds no property stream.
std::optional<Item>
read_storage(libolecf_item_t* storage, std::size_t header, const StoreLimits& limits, int depth,
             std::size_t& budget)
{
  MsgProperties props(storage, header, limits.max_string_bytes);
  if (!props.found()) {
    return std::nullopt;
  }
  const auto charset = item_charset(props);
  props.use_charset(charset);
  Item item = read_item(props);
  int count = 0;
  OleError error;
  if (olecf().libolecf_item_get_number_of_sub_items(storage, &count, error.out()) != 1) {
    item.recipients_read = false;
    item.issues.push_back({IssueKind::outlook_item_unreadable,
                           storage_error("its storages could not be listed: recipients not read",
                                         error)});
  }
  if (limits.content) {
    MsgProperties bodies(storage, header, std::min(limits.content_bounds.max_part_bytes, budget));
    bodies.use_charset(charset);
    read_bodies(bodies, item, limits.content_bounds);
    budget -= std::min(budget, item.body_text.size() + item.body_html.size());
  }
  for (int i = 0; i < count; ++i) {
    OleItem sub;
    if (olecf().libolecf_item_get_sub_item(storage, i, &sub.p, error.out()) != 1) {
      item.recipients_read = false;
      item.issues.push_back({IssueKind::outlook_item_unreadable,
                             storage_error("storage " + std::to_string(i + 1) + " of "
                                             + std::to_string(count) + " could not be read",
                                           error)});
      continue;
    }
    const auto name = name_of(sub.p);
    if (name.starts_with("__recip_version1.0_#")) {
      MsgProperties row(sub.p, k_row_header, limits.max_string_bytes);
      row.use_charset(charset);
      if (!row.found()) {
        item.recipients_read = false;
        item.issues.push_back({IssueKind::outlook_item_unreadable,
                               "recipient storage '" + name + "' has no property stream: not read"});
        continue;
      }
      item.recipients.push_back(read_recipient(row));
    } else if (limits.content && name.starts_with("__attach_version1.0_#")) {
      MsgProperties attached(sub.p, k_row_header, limits.max_string_bytes);
      attached.use_charset(charset);
      auto a = read_attachment(attached);
      const auto method = attached.integer(tag::attach_method).value_or(1);
      if (method == 5) { // an attached item, in a storage of its own
        OleItem inner;
        const std::string inner_name = "__substg1.0_3701000D";
        if (depth + 1 > limits.content_bounds.max_depth) {
          item.issues.push_back({IssueKind::content_limit,
                                 "an attached item " + std::to_string(depth + 1)
                                   + " levels deep: not read"});
        } else if (olecf().libolecf_item_get_sub_item_by_utf8_name(
                     sub.p, reinterpret_cast<const std::uint8_t*>(inner_name.data()),
                     inner_name.size(), &inner.p, nullptr)
                   == 1) {
          if (auto inner_item = read_storage(inner.p, k_embedded_header, limits, depth + 1,
                                             budget)) {
            a.item = std::make_shared<Item>(std::move(*inner_item));
          }
        }
        if (!a.item && depth + 1 <= limits.content_bounds.max_depth) {
          item.issues.push_back({IssueKind::content_unreadable,
                                 "attached item '" + a.filename + "' could not be read"});
        }
      } else {
        const auto wanted = std::min(limits.content_bounds.max_part_bytes, budget);
        if (auto data = read_stream(sub.p, "__substg1.0_37010102", wanted + 1)) {
          a.truncated = data->size() > wanted;
          data->resize(std::min(data->size(), wanted));
          budget -= std::min(budget, data->size());
          a.data = std::move(*data);
        }
      }
      item.attachments.push_back(std::move(a));
    }
  }
  return item;
}

// libolecf 20181231 believes the header: it allocates and reads by its
// sector size and its sector counts before it looks at the file's size (a
// 16 KB file: 42 s and 2 GB; a 1.4 KB one: a 1 GiB sector buffer, which a
// damaged file then leaks). [MS-CFB] 2.2: sectors of 512 (version 3) or
// 4,096 bytes (version 4), mini sectors of 64; and no file holds more
// sectors than fit in it. Why the header is damage, or "".
std::string
header_damage(ByteSource& bytes, std::uint64_t size)
{
  char h[0x4C];
  std::size_t got = 0;
  try {
    while (got < sizeof h) {
      const auto n = bytes.read_at(got, h + got, sizeof h - got);
      if (n == 0) {
        break;
      }
      got += n;
    }
  } catch (const std::exception& e) {
    return std::string("its header could not be read: ") + e.what();
  }
  if (got < sizeof h || size < 512) {
    return "shorter than an OLE header";
  }
  const auto shift = little_endian(h + 0x1E, 2);
  const auto mini_shift = little_endian(h + 0x20, 2);
  if ((shift != 9 && shift != 12) || mini_shift != 6) {
    return "sectors of 2^" + std::to_string(shift) + " bytes, mini sectors of 2^"
           + std::to_string(mini_shift) + " (not an OLE compound file's)";
  }
  const std::uint64_t sectors = size >> shift;
  const std::pair<int, const char*> counts[] = {{0x2C, "FAT"}, {0x40, "mini FAT"}, {0x48, "DIFAT"}};
  for (const auto& [at, what] : counts) {
    if (const auto n = little_endian(h + at, 4); n > sectors) {
      return std::to_string(n) + " " + what + " sectors in a file of " + std::to_string(sectors);
    }
  }
  return {};
}

} // namespace

MsgRead
read_msg(ByteSource& bytes, std::uint64_t size, const StoreLimits& limits)
{
  MsgRead out;
  std::size_t budget = limits.content_bounds.max_item_bytes;
  if (auto damage = header_damage(bytes, size); !damage.empty()) {
    out.detail = "an OLE compound file whose header is damaged: " + damage;
    return out;
  }
  Io in{&bytes, size};
  const auto handle = make_handle(in);
  if (!handle.p) {
    out.detail = "libbfio: no handle";
    return out;
  }
  OleFile file;
  OleError error;
  olecf().libolecf_file_initialize(&file.p, error.out());
  if (olecf().libolecf_file_open_file_io_handle(file.p, handle.p, LIBOLECF_OPEN_READ,
                                                error.out())
      != 1) {
    out.detail = "an OLE compound file libolecf cannot open (damaged or truncated): "
                 + error.text() + (in.error.empty() ? "" : "; read error: " + in.error);
    return out;
  }
  {
    OleItem root;
    if (olecf().libolecf_file_get_root_item(file.p, &root.p, error.out()) != 1) {
      out.detail = "its root storage could not be read (" + error.text() + ")";
    } else {
      auto item = read_storage(root.p, k_top_header, limits, 0, budget);
      if (!item) {
        out.result = MsgRead::Result::not_an_item;
        out.detail = "an OLE compound file without Outlook item properties "
                     "(a Word or Excel document?)";
      } else {
        out.item = std::move(*item);
        out.result = MsgRead::Result::item;
      }
    }
  }
  olecf().libolecf_file_close(file.p, nullptr);
  return out;
}

} // namespace ccaudit::outlook
