#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>

namespace ccaudit {

// Bytes about to be read into, not zero-filled first: a message body read
// with --content is megabytes, and std::string::resize wrote each byte twice
// (zeros, then the read), a fifth of an mbox --content scan.
//
// Or bytes that are part of a larger buffer, kept alive by sharing it: an
// mbox body still in the buffer it was split in is not read a second time.
class Bytes
{
public:
  Bytes() = default;
  Bytes(Bytes&& other) noexcept { *this = std::move(other); }
  Bytes& operator=(Bytes&& other) noexcept
  {
    m_data = std::move(other.m_data);
    m_owner = std::move(other.m_owner);
    m_view = std::exchange(other.m_view, nullptr);
    m_size = std::exchange(other.m_size, 0);
    m_capacity = std::exchange(other.m_capacity, 0);
    return *this;
  }

  // The `n` bytes at `at`, inside the buffer `owner` (which they keep alive;
  // nothing writes to it while they do).
  static Bytes shared(std::shared_ptr<const char[]> owner, const char* at, std::size_t n)
  {
    Bytes b;
    b.m_owner = std::move(owner);
    b.m_view = at;
    b.m_size = n;
    return b;
  }

  // `n` bytes: the first ones kept, the rest left for the caller to write.
  void resize(std::size_t n)
  {
    if (n > m_capacity || m_owner) {
      auto grown = std::unique_ptr<char[]>(new char[std::max(n, m_capacity)]);
      if (const auto keep = std::min(n, m_size); keep > 0) {
        std::memcpy(grown.get(), view().data(), keep);
      }
      m_data = std::move(grown);
      m_capacity = std::max(n, m_capacity);
      m_owner.reset();
      m_view = nullptr;
    }
    m_size = n;
  }
  // Frees the bytes (a body analysed is done with).
  void release()
  {
    m_data.reset();
    m_owner.reset();
    m_view = nullptr;
    m_size = m_capacity = 0;
  }
  // The first `n` (at most size()) bytes only, in memory of that size (a
  // short read).
  void shrink_to(std::size_t n)
  {
    if (n < m_capacity && !m_owner) {
      Bytes smaller;
      smaller.resize(n);
      if (n > 0) {
        std::memcpy(smaller.data(), m_data.get(), n);
      }
      *this = std::move(smaller);
    }
    m_size = n;
  }

  char* data() { return m_data.get(); } // to write into, after resize()
  std::size_t size() const { return m_size; }
  bool empty() const { return m_size == 0; }
  std::string_view view() const { return {m_owner ? m_view : m_data.get(), m_size}; }
  operator std::string_view() const { return view(); }

private:
  std::unique_ptr<char[]> m_data;
  std::shared_ptr<const char[]> m_owner; // shared: the buffer `m_view` is in
  const char* m_view = nullptr;
  std::size_t m_size = 0, m_capacity = 0;
};

} // namespace ccaudit
