#include "core/prefetch.hpp"

#include <algorithm>
#include <cstring>

namespace ccaudit {

std::size_t
Prefetch::operator()(char* out, std::size_t size)
{
  if (!m_thread.joinable() && m_direct < k_direct) {
    const auto n = m_pull(out, size);
    m_direct += n;
    if (n == 0) {
      m_direct = k_direct; // the end: no thread needed
      std::lock_guard lock(m_mutex);
      m_end = true;
    }
    return n;
  }
  if (!m_thread.joinable()) {
    std::lock_guard lock(m_mutex);
    if (m_end && m_ready.empty()) {
      return 0;
    }
    m_thread = std::thread([this] { run(); });
  }
  if (m_current_at == m_current.size) {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return !m_ready.empty() || m_end; });
    if (m_ready.empty()) {
      if (m_error) {
        std::rethrow_exception(m_error);
      }
      return 0;
    }
    if (m_current.data) {
      m_free.push_back(std::move(m_current)); // the thread fills it again
    }
    m_current = std::move(m_ready.front());
    m_ready.pop_front();
    m_current_at = 0;
    m_changed.notify_all(); // room for another block
  }
  const auto n = std::min(size, m_current.size - m_current_at);
  std::memcpy(out, m_current.data.get() + m_current_at, n);
  m_current_at += n;
  return n;
}

void
Prefetch::run()
{
  for (;;) {
    Block block;
    {
      std::unique_lock lock(m_mutex);
      m_changed.wait(lock, [&] { return m_ready.size() < k_blocks || m_stopping; });
      if (m_stopping) {
        return;
      }
      if (!m_free.empty()) {
        block = std::move(m_free.back());
        m_free.pop_back();
      }
    }
    if (!block.data) {
      block.data = std::make_unique_for_overwrite<char[]>(k_block);
    }
    std::size_t n = 0;
    std::exception_ptr error;
    try {
      n = m_pull(block.data.get(), k_block);
    } catch (...) {
      error = std::current_exception();
    }
    std::lock_guard lock(m_mutex);
    if (n > 0) {
      block.size = n;
      m_ready.push_back(std::move(block));
    } else {
      m_end = true;
      m_error = error;
    }
    m_changed.notify_all();
    if (m_end) {
      return;
    }
  }
}

void
Prefetch::stop()
{
  if (m_thread.joinable()) {
    {
      std::lock_guard lock(m_mutex);
      m_stopping = true;
    }
    m_changed.notify_all();
    m_thread.join();
  }
}

} // namespace ccaudit
