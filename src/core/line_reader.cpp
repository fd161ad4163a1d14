#include "core/line_reader.hpp"

#include "core/simd.hpp"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

namespace ccaudit {

namespace {

#if defined(__SSE2__) || defined(CCAUDIT_AVX2)
// The vector searches below check 16 or 32 positions at a time for a '\n'
// followed by the prefix's first byte, and compare only there. `mask` has
// bit k set where position i + k is such a candidate; they are compared in
// order. True when the search is decided: `at` is then the first match
// (`found`), or a candidate too close to the end to compare, where the
// scalar search takes over.
bool
decided(const char* p, std::size_t n, std::string_view pattern, std::size_t i, unsigned mask,
        std::size_t& at, bool& found)
{
  for (; mask != 0; mask &= mask - 1) {
    at = i + static_cast<std::size_t>(__builtin_ctz(mask));
    if (at + pattern.size() > n) {
      return true;
    }
    if (std::memcmp(p + at, pattern.data(), pattern.size()) == 0) {
      found = true;
      return true;
    }
  }
  return false;
}
#endif

#if defined(CCAUDIT_AVX2)
// 32 positions at a time, on CPUs that have AVX2 (checked at run time:
// Debian's baseline is SSE2). Returns the first match (`found`), or where
// the next search goes on from.
__attribute__((target("avx2"))) std::size_t
find_pattern_avx2(const char* p, std::size_t n, std::string_view pattern, std::size_t i,
                  bool& found)
{
  const __m256i newline = _mm256_set1_epi8('\n');
  const __m256i first = _mm256_set1_epi8(pattern[1]);
  for (std::size_t at = 0; i + 33 <= n; i += 32) {
    const auto a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    const auto b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 1));
    const auto mask = static_cast<unsigned>(_mm256_movemask_epi8(
      _mm256_and_si256(_mm256_cmpeq_epi8(a, newline), _mm256_cmpeq_epi8(b, first))));
    if (decided(p, n, pattern, i, mask, at, found)) {
      return at;
    }
  }
  return i;
}

#endif

#if defined(__SSE2__)
// The same, 16 positions at a time.
std::size_t
find_pattern_sse2(const char* p, std::size_t n, std::string_view pattern, std::size_t i,
                  bool& found)
{
  const __m128i newline = _mm_set1_epi8('\n');
  const __m128i first = _mm_set1_epi8(pattern[1]);
  for (std::size_t at = 0; i + 17 <= n; i += 16) {
    const auto a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const auto b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 1));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(
      _mm_and_si128(_mm_cmpeq_epi8(a, newline), _mm_cmpeq_epi8(b, first))));
    if (decided(p, n, pattern, i, mask, at, found)) {
      return at;
    }
  }
  return i;
}
#endif

// Finds `pattern` ("\n" followed by a prefix) in [p, p + n). glibc's memmem
// is a scalar two-way search; mbox bodies are mostly base64, so the vector
// searches above go first. Same result as memmem.
const char*
find_pattern(const char* p, std::size_t n, std::string_view pattern)
{
  std::size_t i = 0;
  bool found = false;
#if defined(CCAUDIT_AVX2)
  if (simd::k_has_avx2) {
    i = find_pattern_avx2(p, n, pattern, i, found);
  }
#endif
#if defined(__SSE2__)
  if (!found) {
    i = find_pattern_sse2(p, n, pattern, i, found);
  }
#endif
  if (found) {
    return p + i;
  }
  return static_cast<const char*>(
    ::memmem(p + i, n - i, pattern.data(), pattern.size()));
}

} // namespace

std::string_view
Line::content() const
{
  auto t = text;
  if (!t.empty() && t.back() == '\n') {
    t.remove_suffix(1);
    if (!t.empty() && t.back() == '\r') {
      t.remove_suffix(1);
    }
  }
  return t;
}

// The buffers of a sharing reader. A buffer whose bytes were handed out
// comes back here when the last of them is freed (on whatever thread); the
// mutex orders those frees before the reader writes to it again.
class LineReader::Pool : public std::enable_shared_from_this<Pool>
{
public:
  explicit Pool(std::size_t size) : m_size(size) {}

  std::shared_ptr<char[]> take()
  {
    std::unique_ptr<char[]> buffer;
    {
      std::lock_guard lock(m_mutex);
      if (!m_free.empty()) {
        buffer = std::move(m_free.back());
        m_free.pop_back();
      } else {
        ++m_made;
      }
    }
    if (!buffer) {
      buffer.reset(new char[m_size]);
    }
    return {buffer.release(), [pool = shared_from_this()](char* b) { pool->give_back(b); }};
  }
  // Whether take() can still do without a buffer over the bound.
  bool can_take()
  {
    std::lock_guard lock(m_mutex);
    return !m_free.empty() || m_made < k_max_shared_buffers;
  }

private:
  void give_back(char* buffer)
  {
    std::unique_ptr<char[]> owned(buffer);
    std::lock_guard lock(m_mutex);
    m_free.push_back(std::move(owned));
  }

  const std::size_t m_size;
  std::mutex m_mutex;
  std::vector<std::unique_ptr<char[]>> m_free;
  std::size_t m_made = 0;
};

LineReader::LineReader(ByteSource& source, std::size_t buffer_size)
  : m_source(source), m_buffer(new char[buffer_size]), m_size(buffer_size)
{
}

LineReader::LineReader(ByteSource& source, Sharing, std::size_t buffer_size)
  : m_source(source), m_pool(std::make_shared<Pool>(buffer_size)), m_buffer(m_pool->take()),
    m_size(buffer_size)
{
}

LineReader::~LineReader() = default;

std::optional<Bytes>
LineReader::share(std::uint64_t offset, std::size_t length)
{
  bool to_end = false;
  const auto held = buffered(offset, to_end);
  if (!m_pool || held.size() < length) {
    return std::nullopt;
  }
  // fill() must find another buffer when this one is shared.
  if (!m_shared && !m_pool->can_take()) {
    return std::nullopt;
  }
  m_shared = true;
  return Bytes::shared(m_buffer, held.data(), length);
}

void
LineReader::fill()
{
  // The first byte to keep: the next one to read, or one before it that a
  // sharing reader was asked to keep.
  auto keep = m_pos;
  if (m_pool && m_keep_from >= m_base && m_keep_from - m_base < m_pos
      && m_end - (m_keep_from - m_base) <= m_size / 2) {
    keep = static_cast<std::size_t>(m_keep_from - m_base);
  }
  if (m_shared) {
    // Bytes of this buffer are out: what is kept moves to another.
    auto next = m_pool->take();
    std::memcpy(next.get(), m_buffer.get() + keep, m_end - keep);
    m_buffer = std::move(next);
    m_shared = false;
  } else if (keep > 0) {
    std::memmove(m_buffer.get(), m_buffer.get() + keep, m_end - keep);
  }
  m_base += keep;
  m_end -= keep;
  m_pos -= keep;
  while (!m_eof && m_end < m_size) {
    const auto n = m_source.read_at(m_base + m_end, m_buffer.get() + m_end, m_size - m_end);
    if (n == 0) {
      m_eof = true;
    }
    m_end += n;
  }
}

// Finds the next line (or piece) in the buffer, refilling it once if needed.
bool
LineReader::find_line(Line& out, std::size_t& length)
{
  for (;;) {
    const char* start = m_buffer.get() + m_pos;
    const auto available = m_end - m_pos;
    if (const void* nl = std::memchr(start, '\n', available)) {
      length = static_cast<std::size_t>(static_cast<const char*>(nl) - start)
               + 1;
      break;
    }
    // A piece is a whole buffer (whatever a sharing reader kept before it
    // gives way: the pieces do not depend on sharing), or the last bytes.
    if (m_eof || (m_pos == 0 && m_end == m_size)) {
      length = available; // last line without newline, or an over-long piece
      break;
    }
    fill();
  }
  if (length == 0) {
    return false;
  }
  out.offset = m_base + m_pos;
  out.text = std::string_view(m_buffer.get() + m_pos, length);
  out.at_line_start = !m_mid_line;
  return true;
}

void
LineReader::consume(std::size_t n)
{
  for (std::size_t i = n > 3 ? n - 3 : 0; i < n; ++i) {
    m_history[0] = m_history[1];
    m_history[1] = m_history[2];
    m_history[2] = m_buffer[m_pos + i];
  }
  m_pos += n;
  m_mid_line = m_history[2] != '\n';
}

bool
LineReader::next(Line& out)
{
  std::size_t length = 0;
  if (!find_line(out, length)) {
    return false;
  }
  consume(length);
  return true;
}

bool
LineReader::skip_to_line_starting(std::string_view prefix, bool& previous_blank)
{
  std::string pattern = "\n";
  pattern += prefix;
  for (;;) {
    if (m_end - m_pos <= prefix.size() && !m_eof) {
      fill();
    }
    const char* at = m_buffer.get() + m_pos;
    const auto available = m_end - m_pos;
    if (available == 0) {
      return false;
    }
    if (m_history[2] == '\n' && std::string_view(at, available).starts_with(prefix)) {
      previous_blank = m_history[1] == '\n'
                       || (m_history[1] == '\r' && m_history[0] == '\n');
      return true;
    }
    if (const char* hit = find_pattern(at, available, pattern)) {
      consume(static_cast<std::size_t>(hit - at) + 1);
      continue;
    }
    if (m_eof) {
      consume(available);
      return false;
    }
    // Keep a tail: a match may straddle the end of the buffer.
    consume(available - std::min(available, prefix.size()));
    fill();
  }
}

bool
LineReader::peek(Line& out)
{
  std::size_t length = 0;
  return find_line(out, length);
}

void
LineReader::seek(std::uint64_t offset)
{
  m_base = offset;
  m_pos = 0;
  m_end = 0;
  m_eof = false;
  m_mid_line = false;
  m_history[0] = m_history[1] = m_history[2] = '\n';
}

} // namespace ccaudit
