#pragma once

// The node database of a PST or OST file ([MS-PST] 2.2): its header, the
// node and block B-trees (NBT, BBT), blocks and their trees, subnodes.
// Read-only, through the scan's ByteSource, in bounded memory: B-tree pages
// are looked up from the root each time (a small cache keeps the upper
// levels), nothing is kept per node or per block.
//
// Hostile input: every offset and count is checked against the file and the
// structure it sits in, B-tree levels must fall by one per step, a walk
// visits no more pages than the file holds. What breaks a rule throws
// Damage; the caller records it and goes on with the next node.

#include "core/byte_source.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ccaudit::outlook::ndb {

// A structure of the file that breaks [MS-PST]: the message says which.
class Damage : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

// One entry of the node B-tree.
struct Node
{
  std::uint32_t nid = 0;
  std::uint64_t data = 0;   // BID of its data (a block or a data tree)
  std::uint64_t sub = 0;    // BID of its subnode tree, 0 for none
  std::uint32_t parent = 0; // nidParent (the folder of a message)
};

// NID types ([MS-PST] 2.2.2.1): the low 5 bits of a NID.
inline constexpr std::uint32_t k_nid_type_mask = 0x1F;
inline constexpr std::uint32_t k_nid_normal_folder = 0x02;
inline constexpr std::uint32_t k_nid_normal_message = 0x04;
inline constexpr std::uint32_t k_nid_attachment = 0x05;
inline constexpr std::uint32_t k_nid_message_store = 0x21;
inline constexpr std::uint32_t k_nid_root_folder = 0x122;
inline constexpr std::uint32_t k_nid_recipient_table = 0x692;
inline constexpr std::uint32_t k_nid_attachment_table = 0x671;

class File
{
public:
  enum class Open { ok, not_pst, unsupported };
  struct Header
  {
    Open result = Open::not_pst;
    std::string detail;  // why not (not_pst, unsupported); a warning when ok
    bool unicode = true; // false: ANSI (32-bit)
    bool ost = false;
    int crypt = 0; // bCryptMethod: 0 none, 1 permute (the two read here)
  };

  // Reads the header at the start of `bytes`. Only a File whose header said
  // ok may be used.
  static Header read_header(ByteSource& bytes);
  File(ByteSource& bytes, std::uint64_t size, const Header& header);

  bool unicode() const { return m_unicode; }
  // The largest data block ([MS-PST] 2.2.2.8.3: 8,176 and 8,180 bytes).
  std::size_t max_block_data() const { return m_unicode ? 8176 : 8180; }

  // Every node of the NBT in NID order. A page that cannot be read is
  // reported to `damaged` (with what was lost) and the walk goes on with
  // the next subtree. `visit` returns false to stop.
  void for_each_node(const std::function<bool(const Node&)>& visit,
                     const std::function<void(const std::string&)>& damaged);
  // The node `nid`, if the NBT holds it. Throws Damage.
  std::optional<Node> find_node(std::uint32_t nid);

  // The data blocks of a node's data, in order: `bid` itself, or the leaves
  // of the XBLOCK / XXBLOCK it names. Throws Damage.
  std::vector<std::uint64_t> data_blocks(std::uint64_t bid);
  // One block's bytes, decrypted when it is a data block. Throws Damage
  // when the block is not where the index says; a block whose data fails
  // its CRC is read, and counted here.
  std::string read_block(std::uint64_t bid);
  std::uint64_t checksum_failures() const { return m_checksum_failures; }
  // A node's whole data, at most `max` bytes (`truncated` says when cut).
  std::string read_data(std::uint64_t bid, std::size_t max, bool* truncated = nullptr);

  // The subnode `nid` in the subnode tree `sub` (an SLBLOCK or SIBLOCK).
  // A node with subnodes has data and subnodes of its own: a Node, with
  // parent 0. Throws Damage.
  std::optional<Node> find_subnode(std::uint64_t sub, std::uint32_t nid);

private:
  struct Page
  {
    std::array<unsigned char, 512> bytes{};
    std::uint64_t ib = ~std::uint64_t{0};
  };
  struct Entries
  {
    const unsigned char* p = nullptr;
    int count = 0;
    int size = 0;
    int level = 0;
  };
  const Page& page(std::uint64_t ib, unsigned char ptype);
  Entries entries(const Page& page, int min_size) const;
  std::uint64_t key(const unsigned char* entry) const;
  std::uint64_t child_ib(const unsigned char* entry) const;
  // The leaf entry of `key` in the tree at `root_ib`, or nullptr.
  const unsigned char* lookup(std::uint64_t root_ib, unsigned char ptype, std::uint64_t key,
                              int leaf_size);
  void walk(std::uint64_t ib, unsigned char ptype, int level, std::uint64_t& last_key,
            std::uint64_t& budget, bool& stop, const std::function<bool(const Node&)>& visit,
            const std::function<void(const std::string&)>& damaged);
  Node node_entry(const unsigned char* e) const;
  void read_exact(std::uint64_t offset, char* out, std::size_t size);
  // `size` bytes at `offset`, valid until the next call: blocks are read
  // through a few aligned windows of the file (a message's blocks sit close
  // together, so one read serves several).
  const unsigned char* block_bytes(std::uint64_t offset, std::size_t size);
  void data_blocks(std::uint64_t bid, int depth, std::vector<std::uint64_t>& out);

  ByteSource& m_bytes;
  std::uint64_t m_size;
  bool m_unicode;
  int m_crypt;
  std::uint64_t m_nbt_root = 0;
  std::uint64_t m_bbt_root = 0;
  std::vector<Page> m_cache; // direct-mapped by page offset
  struct Window
  {
    std::vector<unsigned char> bytes;
    std::uint64_t start = ~std::uint64_t{0};
  };
  std::vector<Window> m_windows; // direct-mapped by window offset
  std::uint64_t m_checksum_failures = 0;
};

// Undoes NDB_CRYPT_PERMUTE ([MS-PST] 5.1) on a data block.
void decode_permute(std::string& data);

} // namespace ccaudit::outlook::ndb
