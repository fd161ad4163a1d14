#include "archive/gzip_stream.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <system_error>
#include <vector>

namespace ccaudit::archive {

struct GzipStream::State
{
  z_stream z{};
  std::vector<unsigned char> input = std::vector<unsigned char>(256 * 1024);
  std::uint64_t in = 0;      // compressed bytes taken from the pull
  bool in_member = false;    // inside a member: its end not seen yet
  bool eof = false;
  std::string error; // found after output this call gave: raised next call
};

GzipStream::GzipStream(Pull pull, double max_expansion, std::uint64_t allowance)
  : m_state(std::make_unique<State>()), m_pull(std::move(pull)),
    m_max_expansion(max_expansion), m_allowance(allowance)
{
  // 15 + 16: a gzip wrapper, whose CRC-32 and length zlib checks.
  if (inflateInit2(&m_state->z, 15 + 16) != Z_OK) {
    throw std::system_error(ENOMEM, std::generic_category(), "zlib");
  }
}

GzipStream::~GzipStream()
{
  inflateEnd(&m_state->z);
}

std::uint64_t
GzipStream::bytes_in() const
{
  return m_state->in - m_state->z.avail_in;
}

std::size_t
GzipStream::read(char* out, std::size_t size)
{
  auto& s = *m_state;
  if (!s.error.empty()) {
    throw std::system_error(EIO, std::generic_category(), s.error);
  }
  if (m_done || size == 0) {
    return 0;
  }
  if (static_cast<double>(m_out)
      > static_cast<double>(bytes_in()) * m_max_expansion + static_cast<double>(m_allowance)) {
    m_bounded = true;
    m_done = true;
    return 0;
  }
  const auto want = static_cast<uInt>(std::min<std::size_t>(size, std::size_t{1} << 30));
  s.z.next_out = reinterpret_cast<Bytef*>(out);
  s.z.avail_out = want;
  while (s.z.avail_out == want) {
    if (s.z.avail_in == 0 && !s.eof) {
      const auto n = m_pull(reinterpret_cast<char*>(s.input.data()), s.input.size());
      s.eof = n == 0;
      s.in += n;
      s.z.next_in = s.input.data();
      s.z.avail_in = static_cast<uInt>(n);
    }
    if (s.z.avail_in == 0) {
      if (s.in_member) {
        throw std::system_error(EIO, std::generic_category(),
                                "truncated gzip data (cut inside a member)");
      }
      m_done = true;
      break;
    }
    if (!s.in_member) {
      // Another member starts only with the gzip magic; anything else after
      // a member (zero padding, trailing garbage) ends the data, as gzip -d
      // reads it.
      if (s.z.next_in[0] != 0x1f || (s.z.avail_in > 1 && s.z.next_in[1] != 0x8b)) {
        m_done = true;
        break;
      }
      s.in_member = true;
    }
    const int rc = inflate(&s.z, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      s.in_member = false;
      inflateReset(&s.z);
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      s.error = std::string("damaged gzip data (") + (s.z.msg ? s.z.msg : "zlib") + ")";
      if (s.z.avail_out == want) {
        throw std::system_error(EIO, std::generic_category(), s.error);
      }
      break; // what this call decompressed first; the error next time
    }
  }
  const auto n = static_cast<std::size_t>(want - s.z.avail_out);
  m_out += n;
  return n;
}

} // namespace ccaudit::archive
