#pragma once

// The lists, tables and properties layer of a PST or OST file ([MS-PST]
// 2.3) over ndb::File: a node's heap, the B-trees in it (BTH), property
// contexts (an item's properties) and table contexts (a recipient table, an
// attachment table). Everything is read from the node when asked and kept
// only while the object lives (one item). Bad structures throw ndb::Damage.

#include "outlook/item.hpp"
#include "outlook/ndb.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ccaudit::outlook::ltp {

// A heap on a node ([MS-PST] 2.3.1): items named by HID.
class Heap
{
public:
  // Throws Damage when the node's data is no heap of this client
  // (0xBC property context, 0x7C table context).
  Heap(ndb::File& file, const ndb::Node& node, unsigned char client_sig);

  std::uint32_t root() const { return m_root; }
  // The item `hid` ("" for 0). Valid while the heap lives.
  std::string_view item(std::uint32_t hid);
  // What an HNID names: a heap item, or the data of one of the node's
  // subnodes (at most `max` bytes of it; `truncated` says when cut).
  std::string value(std::uint32_t hnid, std::size_t max, bool* truncated = nullptr);
  // The node's subnode `nid` (an attached item, an attachment). Throws.
  ndb::Node subnode(std::uint32_t nid);
  ndb::File& file() { return m_file; }
  std::size_t pages() const { return m_blocks.size(); }

private:
  const std::string& page(std::size_t index);

  ndb::File& m_file;
  ndb::Node m_node;
  std::vector<std::uint64_t> m_blocks;
  std::vector<std::optional<std::string>> m_pages;
  std::uint32_t m_root = 0;
};

// Visits the records of the BTH whose header is `header_hid`, in key order:
// `key_size` must be its key's size, its data's at most `max_data` bytes.
void for_each_record(Heap& heap, std::uint32_t header_hid, int key_size, int max_data,
                     const std::function<void(std::string_view key, std::string_view data)>& visit);

// An item's properties ([MS-PST] 2.3.3): a message, a folder, an attachment.
class PropertyContext final : public PropertyBag
{
public:
  // Strings over `max_string` bytes are cut; 8-bit ones are read in
  // `charset` ("": Windows-1252).
  PropertyContext(ndb::File& file, const ndb::Node& node, std::size_t max_string,
                  std::string charset = {});
  void use_charset(std::string charset) { m_charset = std::move(charset); }
  void limit_strings(std::size_t max) { m_max = max; }

  std::optional<std::string> text(std::uint32_t tag) const override;
  std::optional<std::uint32_t> integer(std::uint32_t tag) const override;
  std::optional<std::uint64_t> filetime(std::uint32_t tag) const override;
  // A binary value's bytes (an attachment's data), at most `max`.
  std::optional<std::string> binary(std::uint32_t tag, std::size_t max, bool& truncated) const;
  // The subnode an object value names (an attached item), with its size.
  std::optional<ndb::Node> object(std::uint32_t tag) const;

private:
  struct Property
  {
    std::uint16_t id;
    std::uint16_t type;
    std::uint32_t value; // the value (4 bytes or less), else its HNID
  };
  const Property* find(std::uint32_t tag) const;

  mutable Heap m_heap;
  std::vector<Property> m_props; // by id
  std::size_t m_max;
  std::string m_charset;
};

// A table ([MS-PST] 2.3.4): rows of columns, each row a PropertyBag.
class Table
{
public:
  Table(ndb::File& file, const ndb::Node& node);
  // Visits each row in the table's order; `visit` returns false to stop.
  // Strings as for a PropertyContext.
  void for_each_row(std::size_t max_string, const std::string& charset,
                    const std::function<bool(const PropertyBag& row)>& visit);
  std::size_t rows() const { return m_rows; }

  struct Column
  {
    std::uint16_t id;
    std::uint16_t type;
    std::uint16_t offset;
    std::uint8_t size;
    std::uint8_t bit;
  };

private:
  Heap m_heap;
  std::vector<Column> m_columns;
  std::size_t m_row_size = 0;
  std::size_t m_bitmap = 0; // where the cell existence bitmap starts
  std::size_t m_rows = 0;
  std::uint32_t m_matrix = 0; // hnidRows
};

} // namespace ccaudit::outlook::ltp
