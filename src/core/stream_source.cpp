#include "core/stream_source.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace ccaudit {

StreamSource::StreamSource(Pull pull, std::size_t window)
  : m_pull(std::move(pull)), m_window(std::max<std::size_t>(window, 64 * 1024))
{
}

// Pulls until the buffer holds byte `wanted - 1` (or the stream ends),
// dropping bytes before `keep_from` when the buffer is full.
void
StreamSource::pull_until(std::uint64_t wanted, std::uint64_t keep_from)
{
  const std::size_t capacity = 2 * m_window;
  while (!m_eof && m_end < wanted) {
    if (m_buffer.size() == m_end - m_begin) {
      // Full: drop what is no longer kept, or grow up to the capacity.
      if (m_buffer.size() < capacity) {
        m_buffer.resize(std::min(capacity, std::max<std::size_t>(m_buffer.size() * 2, 1 << 16)));
      } else {
        const auto drop = static_cast<std::size_t>(std::min(keep_from, m_end) - m_begin);
        if (drop == 0) {
          throw std::logic_error("stream: a read needs more than its window");
        }
        std::memmove(m_buffer.data(), m_buffer.data() + drop, m_buffer.size() - drop);
        m_begin += drop;
      }
      continue;
    }
    const auto held = static_cast<std::size_t>(m_end - m_begin);
    std::size_t n = 0;
    try {
      n = m_pull(m_buffer.data() + held, m_buffer.size() - held);
    } catch (const std::system_error&) {
      m_error = std::current_exception(); // ends here: see error()
    }
    if (n == 0) {
      m_eof = true;
    }
    m_end += n;
  }
}

std::size_t
StreamSource::read_at(std::uint64_t offset, char* out, std::size_t size)
{
  if (offset < m_begin) {
    throw std::logic_error("stream: a read before its window");
  }
  size = std::min(size, m_window);
  // What must stay: the window behind the furthest byte, and the bytes
  // asked for.
  const std::uint64_t behind = m_end > m_window ? m_end - m_window : 0;
  if (offset > m_end && offset + size > behind + 2 * m_window) {
    return 0; // too far ahead: as if past the end
  }
  pull_until(offset + size, std::min(offset, std::max(behind, m_begin)));
  if (offset >= m_end) {
    return 0;
  }
  const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(size, m_end - offset));
  std::memcpy(out, m_buffer.data() + (offset - m_begin), n);
  return n;
}

} // namespace ccaudit
