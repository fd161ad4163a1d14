// The node database of a PST or OST file: see ndb.hpp.
#include "outlook/ndb.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace ccaudit::outlook::ndb {

namespace {

constexpr unsigned char k_ptype_bbt = 0x80;
constexpr unsigned char k_ptype_nbt = 0x81;
constexpr int k_max_levels = 8;        // a B-tree of 8 levels indexes more than any disk holds
constexpr std::size_t k_max_block = 8192;
constexpr std::size_t k_max_leaves = std::size_t{1} << 21; // an XXBLOCK: 1,021 x 1,021
constexpr std::size_t k_window = 64 * 1024;
constexpr std::size_t k_windows = 4;

// [MS-PST] 5.1, mpbbI: the inverse of the permutation NDB_CRYPT_PERMUTE
// encodes data blocks with (mpbbR).
constexpr unsigned char k_permute_decode[256] = {
   71, 241, 180, 230,  11, 106, 114,  72, 133,  78, 158, 235, 226, 248, 148,  83,
  224, 187, 160,   2, 232,  90,   9, 171, 219, 227, 186, 198, 124, 195,  16, 221,
   57,   5, 150,  48, 245,  55,  96, 130, 140, 201,  19,  74, 107,  29, 243, 251,
  143,  38, 151, 202, 145,  23,   1, 196,  50,  45, 110,  49, 149, 255, 217,  35,
  209,   0,  94, 121, 220,  68,  59,  26,  40, 197,  97,  87,  32, 144,  61, 131,
  185,  67, 190, 103, 210,  70,  66, 118, 192, 109,  91, 126, 178,  15,  22,  41,
   60, 169,   3,  84,  13, 218,  93, 223, 246, 183, 199,  98, 205, 141,   6, 211,
  105,  92, 134, 214,  20, 247, 165, 102, 117, 172, 177, 233,  69,  33, 112,  12,
  135, 159, 116, 164,  34,  76, 111, 191,  31,  86, 170,  46, 179, 120,  51,  80,
  176, 163, 146, 188, 207,  25,  28, 167,  99, 203,  30,  77,  62,  75,  27, 155,
   79, 231, 240, 238, 173,  58, 181,  89,   4, 234,  64,  85,  37,  81, 229, 122,
  137,  56, 104,  82, 123, 252,  39, 174, 215, 189, 250,   7, 244, 204, 142,  95,
  239,  53, 156, 132,  43,  21, 213, 119,  52,  73, 182,  18,  10, 127, 113, 136,
  253, 157,  24,  65, 125, 147, 216,  88,  44, 206, 254,  36, 175, 222, 184,  54,
  200, 161, 128, 166, 153, 152, 168,  47,  14, 129, 101, 115, 228, 194, 162, 138,
  212, 225,  17, 208,   8, 139,  42, 242, 237, 154, 100,  63, 193, 108, 249, 236,
};

std::uint16_t
u16(const unsigned char* p)
{
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}

std::uint32_t
u32(const unsigned char* p)
{
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8)
         | (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

std::uint64_t
u64(const unsigned char* p)
{
  return u32(p) | (static_cast<std::uint64_t>(u32(p + 4)) << 32);
}

const unsigned char*
bytes_of(const std::string& s)
{
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string
hex(std::uint64_t v)
{
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// [MS-PST] 5.3: CRC-32 with no initial or final inversion.
std::uint32_t
pst_crc(const unsigned char* p, std::size_t n)
{
  return static_cast<std::uint32_t>(crc32(0xFFFFFFFFul, p, static_cast<uInt>(n)) ^ 0xFFFFFFFFul);
}

} // namespace

void
decode_permute(std::string& data)
{
  for (auto& c : data) {
    c = static_cast<char>(k_permute_decode[static_cast<unsigned char>(c)]);
  }
}

File::Header
File::read_header(ByteSource& bytes)
{
  Header h;
  unsigned char b[564] = {};
  std::size_t got = 0;
  while (got < sizeof b) {
    const auto n = bytes.read_at(got, reinterpret_cast<char*>(b) + got, sizeof b - got);
    if (n == 0) {
      break;
    }
    got += n;
  }
  if (got < 512 || std::memcmp(b, "!BDN", 4) != 0) {
    h.detail = "no PST header ('!BDN')";
    return h;
  }
  const auto version = u16(b + 10);
  h.ost = b[8] == 'S' && b[9] == 'O';
  if (version == 14 || version == 15) {
    h.unicode = false;
  } else if (version >= 23 && version < 36) {
    h.unicode = true;
    if (got < sizeof b) {
      h.detail = "a Unicode PST header cut short";
      return h;
    }
  } else {
    h.result = Open::unsupported;
    h.detail = "file format version " + std::to_string(version)
               + (version == 36 ? " (4 KB pages)" : "");
    return h;
  }
  h.crypt = h.unicode ? b[513] : b[461];
  if (h.crypt != 0 && h.crypt != 1) {
    h.result = Open::unsupported;
    h.detail = "encryption method " + std::to_string(h.crypt);
    return h;
  }
  h.result = Open::ok;
  if (pst_crc(b + 8, 471) != u32(b + 4)) {
    h.detail = "the header's checksum does not match";
  }
  return h;
}

File::File(ByteSource& bytes, std::uint64_t size, const Header& header)
  : m_bytes(bytes), m_size(size), m_unicode(header.unicode), m_crypt(header.crypt),
    m_cache(256), m_windows(k_windows)
{
  unsigned char b[248] = {};
  read_exact(0, reinterpret_cast<char*>(b), sizeof b);
  if (m_unicode) {
    m_nbt_root = u64(b + 224);
    m_bbt_root = u64(b + 240);
  } else {
    m_nbt_root = u32(b + 188);
    m_bbt_root = u32(b + 196);
  }
}

void
File::read_exact(std::uint64_t offset, char* out, std::size_t size)
{
  if (offset > m_size || size > m_size - offset) {
    throw Damage("a structure at " + hex(offset) + " past the end of the file");
  }
  std::size_t got = 0;
  while (got < size) {
    const auto n = m_bytes.read_at(offset + got, out + got, size - got);
    if (n == 0) {
      throw Damage("the file ends at " + hex(offset + got) + ", inside a structure");
    }
    got += n;
  }
}

const unsigned char*
File::block_bytes(std::uint64_t offset, std::size_t size)
{
  if (offset > m_size || size > m_size - offset) {
    throw Damage("a structure at " + hex(offset) + " past the end of the file");
  }
  const auto start = offset / k_window * k_window;
  auto& w = m_windows[(offset / k_window) % m_windows.size()];
  if (offset + size > start + k_window) { // across two windows: read on its own
    w.start = ~std::uint64_t{0};
    w.bytes.resize(size);
    read_exact(offset, reinterpret_cast<char*>(w.bytes.data()), size);
    return w.bytes.data();
  }
  if (w.start != start) {
    w.start = ~std::uint64_t{0};
    w.bytes.resize(std::min<std::uint64_t>(k_window, m_size - start));
    read_exact(start, reinterpret_cast<char*>(w.bytes.data()), w.bytes.size());
    w.start = start;
  }
  return w.bytes.data() + (offset - start);
}

const File::Page&
File::page(std::uint64_t ib, unsigned char ptype)
{
  if (ib % 512 != 0) {
    throw Damage("a B-tree page at " + hex(ib) + ", not on a page boundary");
  }
  auto& slot = m_cache[(ib / 512) % m_cache.size()];
  if (slot.ib != ib) {
    slot.ib = ~std::uint64_t{0};
    read_exact(ib, reinterpret_cast<char*>(slot.bytes.data()), slot.bytes.size());
    slot.ib = ib;
  }
  const auto trailer = m_unicode ? 496 : 500;
  if (slot.bytes[trailer] != ptype || slot.bytes[trailer + 1] != ptype) {
    const auto found = slot.bytes[trailer];
    slot.ib = ~std::uint64_t{0};
    throw Damage("the page at " + hex(ib) + " is not a " + (ptype == k_ptype_nbt ? "node" : "block")
                 + " B-tree page (type " + hex(found) + ")");
  }
  return slot;
}

File::Entries
File::entries(const Page& pg, int min_size) const
{
  const int area = m_unicode ? 488 : 496;
  const unsigned char* meta = pg.bytes.data() + area;
  Entries e;
  e.p = pg.bytes.data();
  e.count = meta[0];
  e.size = meta[2];
  e.level = meta[3];
  if (e.level > k_max_levels) {
    throw Damage("a B-tree page at " + hex(pg.ib) + " of level " + std::to_string(e.level));
  }
  const int need = e.level > 0 ? (m_unicode ? 24 : 12) : min_size;
  if (e.size < need || e.count * e.size > area) {
    throw Damage("a B-tree page at " + hex(pg.ib) + " with " + std::to_string(e.count)
                 + " entries of " + std::to_string(e.size) + " bytes");
  }
  return e;
}

std::uint64_t
File::key(const unsigned char* entry) const
{
  return m_unicode ? u64(entry) : u32(entry);
}

std::uint64_t
File::child_ib(const unsigned char* entry) const
{
  return m_unicode ? u64(entry + 16) : u32(entry + 8);
}

const unsigned char*
File::lookup(std::uint64_t root_ib, unsigned char ptype, std::uint64_t wanted, int leaf_size)
{
  // BIDs are compared without their reserved low bit, NIDs on 32 bits.
  const auto norm = [&](std::uint64_t k) {
    return ptype == k_ptype_bbt ? (k & ~std::uint64_t{1}) : (k & 0xFFFFFFFFu);
  };
  wanted = norm(wanted);
  std::uint64_t ib = root_ib;
  int expected = -1;
  for (;;) {
    const auto& pg = page(ib, ptype);
    const auto e = entries(pg, leaf_size);
    if (expected >= 0 && e.level != expected) {
      throw Damage("a B-tree page at " + hex(ib) + " of level " + std::to_string(e.level)
                   + " under one of level " + std::to_string(expected + 1));
    }
    // Entries are in key order: a binary search for the last key <= wanted.
    int lo = 0, hi = e.count; // first entry with key > wanted
    while (lo < hi) {
      const int mid = (lo + hi) / 2;
      if (norm(key(e.p + mid * e.size)) <= wanted) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (lo == 0) {
      return nullptr;
    }
    const unsigned char* entry = e.p + (lo - 1) * e.size;
    if (e.level == 0) {
      return norm(key(entry)) == wanted ? entry : nullptr;
    }
    ib = child_ib(entry);
    expected = e.level - 1;
  }
}

Node
File::node_entry(const unsigned char* e) const
{
  Node n;
  if (m_unicode) {
    n.nid = u32(e);
    n.data = u64(e + 8);
    n.sub = u64(e + 16);
    n.parent = u32(e + 24);
  } else {
    n.nid = u32(e);
    n.data = u32(e + 4);
    n.sub = u32(e + 8);
    n.parent = u32(e + 12);
  }
  return n;
}

void
File::walk(std::uint64_t ib, unsigned char ptype, int level, std::uint64_t& last_key,
           std::uint64_t& budget, bool& stop, const std::function<bool(const Node&)>& visit,
           const std::function<void(const std::string&)>& damaged)
{
  if (budget == 0) {
    throw Damage("the node B-tree has more pages than the file");
  }
  --budget;
  const Page copy = page(ib, ptype); // the cache may reuse its slot below
  const auto e = entries(copy, m_unicode ? 32 : 16);
  if (level >= 0 && e.level != level) {
    throw Damage("a B-tree page at " + hex(ib) + " of level " + std::to_string(e.level)
                 + " under one of level " + std::to_string(level + 1));
  }
  for (int i = 0; i < e.count && !stop; ++i) {
    const unsigned char* entry = e.p + i * e.size;
    if (e.level == 0) {
      const auto node = node_entry(entry);
      if (last_key != ~std::uint64_t{0} && node.nid <= last_key) {
        throw Damage("node " + hex(node.nid) + " out of order in the page at " + hex(ib));
      }
      last_key = node.nid;
      stop = !visit(node);
      continue;
    }
    try {
      walk(child_ib(entry), ptype, e.level - 1, last_key, budget, stop, visit, damaged);
    } catch (const Damage& d) {
      damaged(std::string(d.what()) + ": the nodes from " + hex(key(entry) & 0xFFFFFFFFu)
              + " in that part of the node B-tree were not read");
    }
  }
}

void
File::for_each_node(const std::function<bool(const Node&)>& visit,
                    const std::function<void(const std::string&)>& damaged)
{
  std::uint64_t last = ~std::uint64_t{0};
  std::uint64_t budget = m_size / 512 + 16;
  bool stop = false;
  try {
    walk(m_nbt_root, k_ptype_nbt, -1, last, budget, stop, visit, damaged);
  } catch (const Damage& d) {
    damaged(std::string(d.what()) + ": the node B-tree could not be read from there");
  }
}

std::optional<Node>
File::find_node(std::uint32_t nid)
{
  const auto* e = lookup(m_nbt_root, k_ptype_nbt, nid, m_unicode ? 32 : 16);
  if (!e) {
    return std::nullopt;
  }
  return node_entry(e);
}

std::string
File::read_block(std::uint64_t bid)
{
  const auto* e = lookup(m_bbt_root, k_ptype_bbt, bid, m_unicode ? 24 : 12);
  if (!e) {
    throw Damage("block " + hex(bid) + " is not in the block B-tree");
  }
  const std::uint64_t ib = m_unicode ? u64(e + 8) : u32(e + 4);
  const std::size_t cb = m_unicode ? u16(e + 16) : u16(e + 8);
  if (cb > k_max_block) {
    throw Damage("block " + hex(bid) + " of " + std::to_string(cb) + " bytes");
  }
  // The block with its trailer ([MS-PST] 2.2.2.8.1), 64-byte aligned:
  // the trailer names the block and holds the CRC of its data.
  const std::size_t trailer = m_unicode ? 16 : 12;
  const std::size_t total = (cb + trailer + 63) / 64 * 64;
  const auto* at = block_bytes(ib, total);
  const auto* t = at + total - trailer;
  const std::uint64_t named = m_unicode ? u64(t + 8) : u32(t + 4);
  const std::uint32_t crc = m_unicode ? u32(t + 4) : u32(t + 8);
  if (u16(t) != cb || (named & ~std::uint64_t{1}) != (bid & ~std::uint64_t{1})) {
    throw Damage("the block at " + hex(ib) + " is not block " + hex(bid));
  }
  std::string out(reinterpret_cast<const char*>(at), cb);
  if (pst_crc(at, cb) != crc) {
    ++m_checksum_failures;
  }
  if ((bid & 2) == 0 && m_crypt == 1) {
    decode_permute(out);
  }
  return out;
}

void
File::data_blocks(std::uint64_t bid, int depth, std::vector<std::uint64_t>& out)
{
  if ((bid & 2) == 0) {
    if (out.size() >= k_max_leaves) {
      throw Damage("a data tree of more than " + std::to_string(k_max_leaves) + " blocks");
    }
    out.push_back(bid);
    return;
  }
  const auto block = read_block(bid);
  const auto* b = bytes_of(block);
  const int level = block.size() >= 8 ? b[1] : -1;
  // An XXBLOCK (level 2) only at the top, over XBLOCKs (level 1) of data.
  if (block.size() < 8 || b[0] != 1 || !(level == 1 || (level == 2 && depth == 0))) {
    throw Damage("block " + hex(bid) + " is not a data tree block (XBLOCK)");
  }
  const std::size_t count = u16(b + 2);
  const std::size_t width = m_unicode ? 8 : 4;
  if (8 + count * width > block.size()) {
    throw Damage("the data tree block " + hex(bid) + " lists more blocks than it holds");
  }
  for (std::size_t i = 0; i < count; ++i) {
    const auto child = m_unicode ? u64(b + 8 + i * 8) : u32(b + 8 + i * 4);
    if (level == 1 && (child & 2) != 0) {
      throw Damage("the data tree block " + hex(bid) + " names another tree block as data");
    }
    data_blocks(child, depth + 1, out);
  }
}

std::vector<std::uint64_t>
File::data_blocks(std::uint64_t bid)
{
  std::vector<std::uint64_t> out;
  data_blocks(bid, 0, out);
  return out;
}

std::string
File::read_data(std::uint64_t bid, std::size_t max, bool* truncated)
{
  std::string out;
  if (truncated) {
    *truncated = false;
  }
  for (const auto block : data_blocks(bid)) {
    if (out.size() >= max) {
      if (truncated) {
        *truncated = true;
      }
      break;
    }
    auto part = read_block(block);
    if (part.size() > max - out.size()) {
      part.resize(max - out.size());
      if (truncated) {
        *truncated = true;
      }
    }
    out += part;
  }
  return out;
}

std::optional<Node>
File::find_subnode(std::uint64_t sub, std::uint32_t nid)
{
  for (int depth = 0; sub != 0; ++depth) {
    if ((sub & 2) == 0 || depth > 2) {
      throw Damage("the subnode tree " + hex(sub) + " is not a subnode block");
    }
    const auto block = read_block(sub);
    const auto* b = bytes_of(block);
    const std::size_t head = m_unicode ? 8 : 4;
    if (block.size() < head || b[0] != 2 || b[1] > 1) {
      throw Damage("block " + hex(sub) + " is not a subnode block (SLBLOCK, SIBLOCK)");
    }
    const bool leaf = b[1] == 0;
    const std::size_t width = (leaf ? 3 : 2) * (m_unicode ? 8 : 4);
    const std::size_t count = u16(b + 2);
    if (head + count * width > block.size()) {
      throw Damage("the subnode block " + hex(sub) + " lists more entries than it holds");
    }
    const auto field = [&](std::size_t i, int k) {
      const auto* p = b + head + i * width + k * (m_unicode ? 8 : 4);
      return m_unicode ? u64(p) : u32(p);
    };
    std::uint64_t next = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const auto key = field(i, 0) & 0xFFFFFFFFu;
      if (leaf && key == nid) {
        return Node{nid, field(i, 1), field(i, 2), 0};
      }
      if (!leaf && key <= nid) {
        next = field(i, 1);
      }
    }
    if (leaf) {
      return std::nullopt;
    }
    sub = next;
  }
  return std::nullopt;
}

} // namespace ccaudit::outlook::ndb
