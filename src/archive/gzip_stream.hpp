#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

namespace ccaudit::archive {

// gzip data decompressed with zlib, member after member (a .gz may hold
// several, concatenated). zlib checks each member's CRC-32 and length, which
// libarchive's gzip reader does not: a damaged .gz must never read as a
// whole one. Bounded against bombs like Unpacker's members.
class GzipStream
{
public:
  // Fills `out` with up to `size` next compressed bytes; 0 at the end.
  using Pull = std::function<std::size_t(char* out, std::size_t size)>;

  // `max_expansion`: at most this many times the compressed bytes read, plus
  // `allowance`, are given out; then the stream ends early (bounded()).
  GzipStream(Pull pull, double max_expansion, std::uint64_t allowance);
  ~GzipStream();
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  // Up to `size` decompressed bytes; 0 at the end (or at the bound). Throws
  // std::system_error when the data is damaged or cut short, saying where.
  std::size_t read(char* out, std::size_t size);

  bool bounded() const { return m_bounded; }
  std::uint64_t bytes_in() const;
  std::uint64_t bytes_out() const { return m_out; }

private:
  struct State;
  std::unique_ptr<State> m_state;
  Pull m_pull;
  double m_max_expansion;
  std::uint64_t m_allowance;
  std::uint64_t m_out = 0;
  bool m_bounded = false;
  bool m_done = false;
};

} // namespace ccaudit::archive
