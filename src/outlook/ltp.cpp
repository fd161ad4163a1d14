// The lists, tables and properties layer of a PST or OST file: see ltp.hpp.
#include "outlook/ltp.hpp"

#include <algorithm>

namespace ccaudit::outlook::ltp {

using ndb::Damage;

namespace {

constexpr int k_max_bth_levels = 8;

std::uint16_t
u16(const char* p)
{
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return static_cast<std::uint16_t>(b[0] | (b[1] << 8));
}

std::uint32_t
u32(const char* p)
{
  return u16(p) | (static_cast<std::uint32_t>(u16(p + 2)) << 16);
}

std::uint64_t
u64(const char* p)
{
  return u32(p) | (static_cast<std::uint64_t>(u32(p + 4)) << 32);
}

bool
is_hid(std::uint32_t hnid)
{
  return (hnid & ndb::k_nid_type_mask) == 0;
}

} // namespace

Heap::Heap(ndb::File& file, const ndb::Node& node, unsigned char client_sig)
  : m_file(file), m_node(node), m_blocks(file.data_blocks(node.data))
{
  m_pages.resize(m_blocks.size());
  const auto& first = page(0);
  if (first.size() < 12 || static_cast<unsigned char>(first[2]) != 0xEC) {
    throw Damage("the node's data is not a heap");
  }
  if (static_cast<unsigned char>(first[3]) != client_sig) {
    throw Damage("the node's heap holds a structure of type "
                 + std::to_string(static_cast<unsigned char>(first[3])) + ", not "
                 + std::to_string(client_sig));
  }
  m_root = u32(first.data() + 4);
}

const std::string&
Heap::page(std::size_t index)
{
  auto& slot = m_pages.at(index);
  if (!slot) {
    slot = m_file.read_block(m_blocks[index]);
  }
  return *slot;
}

std::string_view
Heap::item(std::uint32_t hid)
{
  if (hid == 0) {
    return {};
  }
  const std::size_t index = (hid >> 5) & 0x7FF;
  const std::size_t block = hid >> 16;
  if (!is_hid(hid) || block >= m_blocks.size()) {
    throw Damage("heap id " + std::to_string(hid) + " names no heap page");
  }
  const auto& p = page(block);
  const std::size_t map = p.size() >= 2 ? u16(p.data()) : p.size();
  if (map + 4 > p.size()) {
    throw Damage("a heap page without its allocation map");
  }
  const std::size_t count = u16(p.data() + map);
  if (index == 0 || index > count || map + 4 + 2 * (count + 1) > p.size()) {
    throw Damage("heap id " + std::to_string(hid) + " names no allocation of its page");
  }
  const std::size_t start = u16(p.data() + map + 4 + 2 * (index - 1));
  const std::size_t end = u16(p.data() + map + 4 + 2 * index);
  if (start > end || end > map) {
    throw Damage("heap allocation " + std::to_string(hid) + " outside its page");
  }
  return std::string_view(p).substr(start, end - start);
}

ndb::Node
Heap::subnode(std::uint32_t nid)
{
  const auto sub = m_file.find_subnode(m_node.sub, nid);
  if (!sub) {
    throw Damage("subnode " + std::to_string(nid) + " is missing");
  }
  return *sub;
}

std::string
Heap::value(std::uint32_t hnid, std::size_t max, bool* truncated)
{
  if (truncated) {
    *truncated = false;
  }
  if (is_hid(hnid)) {
    const auto v = item(hnid);
    if (v.size() > max && truncated) {
      *truncated = true;
    }
    return std::string(v.substr(0, max));
  }
  return m_file.read_data(subnode(hnid).data, max, truncated);
}

namespace {

struct BthWalk
{
  Heap& heap;
  int key_size;
  int width;
  std::size_t budget;
  const std::function<void(std::string_view, std::string_view)>& visit;

  void node(std::uint32_t hid, int level)
  {
    if (budget == 0) {
      throw Damage("a B-tree on heap with more nodes than its heap");
    }
    --budget;
    const auto records = heap.item(hid);
    const std::size_t step = level > 0 ? key_size + 4 : width;
    if (records.size() % step != 0) {
      throw Damage("a B-tree on heap node of " + std::to_string(records.size()) + " bytes");
    }
    for (std::size_t at = 0; at < records.size(); at += step) {
      const auto record = records.substr(at, step);
      if (level > 0) {
        node(u32(record.data() + key_size), level - 1);
      } else {
        visit(record.substr(0, key_size), record.substr(key_size));
      }
    }
  }
};

} // namespace

void
for_each_record(Heap& heap, std::uint32_t header_hid, int key_size, int max_data,
                const std::function<void(std::string_view, std::string_view)>& visit)
{
  const auto header = heap.item(header_hid);
  if (header.size() < 8 || static_cast<unsigned char>(header[0]) != 0xB5) {
    throw Damage("no B-tree on heap where one should be");
  }
  const int keys = static_cast<unsigned char>(header[1]);
  const int data = static_cast<unsigned char>(header[2]);
  const int levels = static_cast<unsigned char>(header[3]);
  if (keys != key_size || data < 1 || data > max_data || levels > k_max_bth_levels) {
    throw Damage("a B-tree on heap of keys of " + std::to_string(keys) + " bytes, data of "
                 + std::to_string(data) + " and " + std::to_string(levels) + " levels");
  }
  const auto root = u32(header.data() + 4);
  if (root == 0) {
    return;
  }
  BthWalk walk{heap, keys, keys + data, heap.pages() * 2048 + 1, visit};
  walk.node(root, levels);
}

// -------------------------------------------------------------- properties

PropertyContext::PropertyContext(ndb::File& file, const ndb::Node& node, std::size_t max_string,
                                 std::string charset)
  : m_heap(file, node, 0xBC), m_max(max_string), m_charset(std::move(charset))
{
  for_each_record(m_heap, m_heap.root(), 2, 6, [&](std::string_view key, std::string_view data) {
    if (data.size() == 6) {
      m_props.push_back({u16(key.data()), u16(data.data()), u32(data.data() + 2)});
    }
  });
  std::stable_sort(m_props.begin(), m_props.end(),
                   [](const Property& a, const Property& b) { return a.id < b.id; });
}

const PropertyContext::Property*
PropertyContext::find(std::uint32_t tag) const
{
  const auto id = static_cast<std::uint16_t>(tag);
  const auto it = std::lower_bound(m_props.begin(), m_props.end(), id,
                                   [](const Property& p, std::uint16_t v) { return p.id < v; });
  return it != m_props.end() && it->id == id ? &*it : nullptr;
}

std::optional<std::string>
PropertyContext::text(std::uint32_t tag) const
{
  const auto* p = find(tag);
  if (!p || !is_string_type(p->type)) {
    return std::nullopt;
  }
  const auto max = p->type == k_unicode_type ? 2 * m_max : m_max;
  return string_value(m_heap.value(p->value, max), p->type, m_charset);
}

std::optional<std::uint32_t>
PropertyContext::integer(std::uint32_t tag) const
{
  const auto* p = find(tag);
  if (!p) {
    return std::nullopt;
  }
  switch (p->type) {
  case k_int32_type: return p->value;
  case k_int16_type: return p->value & 0xFFFF;
  case k_boolean_type: return p->value & 0xFF;
  default: return std::nullopt;
  }
}

std::optional<std::uint64_t>
PropertyContext::filetime(std::uint32_t tag) const
{
  const auto* p = find(tag);
  if (!p || (p->type != k_filetime_type && p->type != k_int64_type)) {
    return std::nullopt;
  }
  const auto raw = m_heap.value(p->value, 8);
  if (raw.size() != 8) {
    return std::nullopt;
  }
  return u64(raw.data());
}

std::optional<std::string>
PropertyContext::binary(std::uint32_t tag, std::size_t max, bool& truncated) const
{
  const auto* p = find(tag);
  if (!p || p->type != k_binary_type) {
    return std::nullopt;
  }
  return m_heap.value(p->value, max, &truncated);
}

std::optional<ndb::Node>
PropertyContext::object(std::uint32_t tag) const
{
  const auto* p = find(tag);
  if (!p || p->type != k_object_type) {
    return std::nullopt;
  }
  // [MS-PST] 2.3.3.5: the heap holds the object's subnode NID and size.
  const auto raw = m_heap.value(p->value, 8);
  if (raw.size() < 4) {
    throw Damage("an object property without its subnode");
  }
  return m_heap.subnode(u32(raw.data()));
}

// ------------------------------------------------------------------ tables

namespace {

class Row final : public PropertyBag
{
public:
  Row(Heap& heap, const std::vector<Table::Column>& columns, std::size_t bitmap,
      std::string_view bytes, std::size_t max, const std::string& charset)
    : m_heap(heap), m_columns(columns), m_bitmap(bitmap), m_bytes(bytes), m_max(max),
      m_charset(charset)
  {
  }

  std::optional<std::string> text(std::uint32_t tag) const override
  {
    const auto* c = cell(tag);
    if (!c || !is_string_type(c->type) || c->size != 4) {
      return std::nullopt;
    }
    const auto max = c->type == k_unicode_type ? 2 * m_max : m_max;
    return string_value(m_heap.value(u32(m_bytes.data() + c->offset), max), c->type, m_charset);
  }

  std::optional<std::uint32_t> integer(std::uint32_t tag) const override
  {
    const auto* c = cell(tag);
    if (!c) {
      return std::nullopt;
    }
    const auto* p = m_bytes.data() + c->offset;
    if (c->type == k_int32_type && c->size == 4) {
      return u32(p);
    }
    if (c->type == k_int16_type && c->size == 2) {
      return u16(p);
    }
    if (c->type == k_boolean_type && c->size == 1) {
      return static_cast<unsigned char>(*p);
    }
    return std::nullopt;
  }

  std::optional<std::uint64_t> filetime(std::uint32_t tag) const override
  {
    const auto* c = cell(tag);
    if (!c || (c->type != k_filetime_type && c->type != k_int64_type) || c->size != 8) {
      return std::nullopt;
    }
    return u64(m_bytes.data() + c->offset);
  }

private:
  // The column of `tag` when this row has a value in it.
  const Table::Column* cell(std::uint32_t tag) const
  {
    for (const auto& c : m_columns) {
      if (c.id == static_cast<std::uint16_t>(tag)) {
        const auto byte = static_cast<unsigned char>(m_bytes[m_bitmap + c.bit / 8]);
        return (byte & (0x80 >> (c.bit % 8))) != 0 ? &c : nullptr;
      }
    }
    return nullptr;
  }

  Heap& m_heap;
  const std::vector<Table::Column>& m_columns;
  std::size_t m_bitmap;
  std::string_view m_bytes;
  std::size_t m_max;
  const std::string& m_charset;
};

} // namespace

Table::Table(ndb::File& file, const ndb::Node& node) : m_heap(file, node, 0x7C)
{
  const auto info = m_heap.item(m_heap.root());
  if (info.size() < 22 || static_cast<unsigned char>(info[0]) != 0x7C) {
    throw Damage("a table without its TCINFO");
  }
  const std::size_t count = static_cast<unsigned char>(info[1]);
  if (info.size() < 22 + 8 * count) {
    throw Damage("a table's TCINFO shorter than its columns");
  }
  const std::size_t ends[4] = {u16(info.data() + 2), u16(info.data() + 4), u16(info.data() + 6),
                               u16(info.data() + 8)};
  m_bitmap = ends[2];
  m_row_size = ends[3];
  if (!(ends[0] <= ends[1] && ends[1] <= ends[2] && ends[2] < ends[3])
      || m_row_size > file.max_block_data()) {
    throw Damage("a table's rows of " + std::to_string(m_row_size) + " bytes");
  }
  for (std::size_t i = 0; i < count; ++i) {
    const char* d = info.data() + 22 + 8 * i;
    Column c{u16(d + 2), u16(d), u16(d + 4), static_cast<std::uint8_t>(d[6]),
             static_cast<std::uint8_t>(d[7])};
    if (c.offset + c.size > m_bitmap || c.bit / 8 >= m_row_size - m_bitmap) {
      throw Damage("a table column outside its row");
    }
    m_columns.push_back(c);
  }
  const auto row_index = u32(info.data() + 10);
  m_matrix = u32(info.data() + 14);
  for_each_record(m_heap, row_index, 4, 8, [&](std::string_view, std::string_view) { ++m_rows; });
}

void
Table::for_each_row(std::size_t max_string, const std::string& charset,
                    const std::function<bool(const PropertyBag& row)>& visit)
{
  if (m_rows == 0 || m_matrix == 0) {
    return;
  }
  std::size_t done = 0;
  bool stopped = false;
  // Rows never span blocks: each block of the matrix holds whole rows.
  const auto rows_of = [&](std::string_view block) {
    for (std::size_t at = 0; at + m_row_size <= block.size() && done < m_rows; at += m_row_size) {
      ++done;
      if (!visit(Row(m_heap, m_columns, m_bitmap, block.substr(at, m_row_size), max_string,
                     charset))) {
        stopped = true;
        return false;
      }
    }
    return true;
  };
  if (is_hid(m_matrix)) {
    rows_of(m_heap.item(m_matrix));
  } else {
    auto& file = m_heap.file();
    for (const auto bid : file.data_blocks(m_heap.subnode(m_matrix).data)) {
      if (done >= m_rows || !rows_of(file.read_block(bid))) {
        break;
      }
    }
  }
  if (!stopped && done < m_rows) {
    throw Damage("a table of " + std::to_string(m_rows) + " rows holds "
                 + std::to_string(done));
  }
}

} // namespace ccaudit::outlook::ltp
