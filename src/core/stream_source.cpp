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

// The buffer is a ring: byte `offset` of the stream is at
// `offset % m_buffer.size()`. It grows (doubling, up to 2 W) only while it
// holds the stream from its first byte, so growing moves nothing; once full,
// dropping bytes moves nothing either: a stream is copied once into the
// buffer and once out of it.
void
StreamSource::pull_until(std::uint64_t wanted, std::uint64_t keep_from)
{
  const std::size_t capacity = 2 * m_window;
  while (!m_eof && m_end < wanted) {
    if (m_buffer.size() == m_end - m_begin) {
      // Full: grow up to the capacity, or drop what is no longer kept.
      if (m_buffer.size() < capacity) {
        m_buffer.resize(std::min(capacity, std::max<std::size_t>(m_buffer.size() * 2, 1 << 16)));
      } else {
        const auto keep = std::min(keep_from, m_end);
        if (keep <= m_begin) {
          throw std::logic_error("stream: a read needs more than its window");
        }
        m_begin = keep;
      }
      continue;
    }
    // The free space from the end of what is held to the end of the buffer
    // or to the first byte held, whichever comes first.
    const auto at = static_cast<std::size_t>(m_end % m_buffer.size());
    const auto held = static_cast<std::size_t>(m_end - m_begin);
    const auto room = std::min(m_buffer.size() - at, m_buffer.size() - held);
    std::size_t n = 0;
    try {
      n = m_pull(m_buffer.data() + at, room);
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
  // In at most two pieces: up to the end of the ring, then from its start.
  const auto at = static_cast<std::size_t>(offset % m_buffer.size());
  const auto first = std::min(n, m_buffer.size() - at);
  std::memcpy(out, m_buffer.data() + at, first);
  std::memcpy(out + first, m_buffer.data(), n - first);
  return n;
}

} // namespace ccaudit
