#include "core/byte_source.hpp"

#include <algorithm>
#include <cstring>

namespace ccaudit {

std::size_t
MemorySource::read_at(std::uint64_t offset, char* out, std::size_t size)
{
  if (offset >= m_bytes.size()) {
    return 0;
  }
  const auto n = std::min<std::size_t>(size, m_bytes.size() - offset);
  std::memcpy(out, m_bytes.data() + offset, n);
  return n;
}

} // namespace ccaudit
