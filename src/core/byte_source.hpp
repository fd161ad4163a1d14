#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ccaudit {

// Positioned, read-only access to the bytes of one input. Files implement it
// with pread (archive/input_file.hpp); tests with a string.
class ByteSource
{
public:
  virtual ~ByteSource() = default;
  // Copies up to `size` bytes at `offset` into `out`; returns how many (0 at
  // the end). Throws std::system_error when the input cannot be read.
  virtual std::size_t read_at(std::uint64_t offset, char* out,
                              std::size_t size) = 0;
};

// A ByteSource over memory the caller keeps alive.
class MemorySource final : public ByteSource
{
public:
  explicit MemorySource(std::string_view bytes) : m_bytes(bytes) {}
  std::size_t read_at(std::uint64_t offset, char* out,
                      std::size_t size) override;

private:
  std::string_view m_bytes;
};

// The bytes of another source from `start` on, at offsets counted from 0:
// a reader resumes in the middle of a file as if it began there.
class TailSource final : public ByteSource
{
public:
  TailSource(ByteSource& base, std::uint64_t start) : m_base(base), m_start(start) {}
  std::size_t read_at(std::uint64_t offset, char* out, std::size_t size) override
  {
    return m_base.read_at(m_start + offset, out, size);
  }

private:
  ByteSource& m_base;
  std::uint64_t m_start;
};

} // namespace ccaudit
