#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>

namespace ccaudit {

// Bytes about to be read into, not zero-filled first: a message body read
// with --content is megabytes, and std::string::resize wrote each byte twice
// (zeros, then the read), a fifth of an mbox --content scan.
class Bytes
{
public:
  Bytes() = default;
  Bytes(Bytes&& other) noexcept { *this = std::move(other); }
  Bytes& operator=(Bytes&& other) noexcept
  {
    m_data = std::move(other.m_data);
    m_size = std::exchange(other.m_size, 0);
    m_capacity = std::exchange(other.m_capacity, 0);
    return *this;
  }

  // `n` bytes: the first ones kept, the rest left for the caller to write.
  void resize(std::size_t n)
  {
    if (n > m_capacity) {
      auto grown = std::unique_ptr<char[]>(new char[n]);
      if (m_size > 0) {
        std::memcpy(grown.get(), m_data.get(), m_size);
      }
      m_data = std::move(grown);
      m_capacity = n;
    }
    m_size = n;
  }
  // Frees the bytes (a body analysed is done with).
  void release()
  {
    m_data.reset();
    m_size = m_capacity = 0;
  }
  // The first `n` bytes only, in memory of that size (a short read).
  void shrink_to(std::size_t n)
  {
    if (n < m_capacity) {
      Bytes smaller;
      smaller.resize(n);
      if (n > 0) {
        std::memcpy(smaller.data(), m_data.get(), n);
      }
      *this = std::move(smaller);
    }
  }

  char* data() { return m_data.get(); }
  std::size_t size() const { return m_size; }
  bool empty() const { return m_size == 0; }
  std::string_view view() const { return {m_data.get(), m_size}; }
  operator std::string_view() const { return view(); }

private:
  std::unique_ptr<char[]> m_data;
  std::size_t m_size = 0, m_capacity = 0;
};

} // namespace ccaudit
