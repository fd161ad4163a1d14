#include "core/search.hpp"

#include "core/simd.hpp"

#include <algorithm>
#include <cstring>

namespace ccaudit {

namespace {

constexpr auto npos = std::string_view::npos;

// memmem from `from` on, in windows that double from 256 bytes: each call
// costs only up to the occurrence it finds (the sanitizers check memmem's
// whole range on every call, and the needle is prepared per call).
std::size_t
windowed_memmem(std::string_view hay, std::string_view needle, std::size_t from)
{
  std::size_t window = 256;
  while (from < hay.size() && hay.size() - from >= needle.size()) {
    const auto length = std::min(hay.size() - from, window + needle.size() - 1);
    if (const void* found = ::memmem(hay.data() + from, length, needle.data(), needle.size())) {
      return static_cast<std::size_t>(static_cast<const char*>(found) - hay.data());
    }
    if (from + length == hay.size()) {
      break;
    }
    from += window; // the windows overlap by the needle's length less one
    window *= 2;
  }
  return npos;
}

enum class Step { more, found, give_up };

// A search's state: where it is, the position it stopped at, and the bytes
// compared at positions whose first and last bytes matched. Past twice the
// bytes crossed (a body of "-" for a needle of "--...-"), the filter is not
// filtering and memmem takes over.
struct Search
{
  const char* p;
  std::size_t n;
  std::string_view needle;
  std::size_t from;
  std::size_t i;
  std::size_t at = 0;
  std::size_t compared = 0;

  Step compare(std::size_t position)
  {
    at = position;
    if (std::memcmp(p + at + 1, needle.data() + 1, needle.size() - 2) == 0) {
      return Step::found;
    }
    compared += needle.size();
    return compared > 64 + 2 * (at - from) ? Step::give_up : Step::more;
  }
  // The positions of `mask` (bit k: position i + k), in order.
  Step compare_all(unsigned mask)
  {
    for (; mask != 0; mask &= mask - 1) {
      if (const auto step = compare(i + static_cast<std::size_t>(__builtin_ctz(mask)));
          step != Step::more) {
        return step;
      }
    }
    return Step::more;
  }
};

#if defined(CCAUDIT_AVX2)
__attribute__((target("avx2"))) Step
search_avx2(Search& s)
{
  const auto last = s.needle.size() - 1;
  const __m256i first_byte = _mm256_set1_epi8(s.needle.front());
  const __m256i last_byte = _mm256_set1_epi8(s.needle.back());
  for (; s.i + last + 32 <= s.n; s.i += 32) {
    const auto a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s.p + s.i));
    const auto b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s.p + s.i + last));
    const auto mask = static_cast<unsigned>(_mm256_movemask_epi8(
      _mm256_and_si256(_mm256_cmpeq_epi8(a, first_byte), _mm256_cmpeq_epi8(b, last_byte))));
    if (const auto step = s.compare_all(mask); step != Step::more) {
      return step;
    }
  }
  return Step::more;
}

#endif

#if defined(__SSE2__)
Step
search_sse2(Search& s)
{
  const auto last = s.needle.size() - 1;
  const __m128i first_byte = _mm_set1_epi8(s.needle.front());
  const __m128i last_byte = _mm_set1_epi8(s.needle.back());
  for (; s.i + last + 16 <= s.n; s.i += 16) {
    const auto a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.p + s.i));
    const auto b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.p + s.i + last));
    const auto mask = static_cast<unsigned>(
      _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, first_byte), _mm_cmpeq_epi8(b, last_byte))));
    if (const auto step = s.compare_all(mask); step != Step::more) {
      return step;
    }
  }
  return Step::more;
}
#endif

} // namespace

std::size_t
find_bytes(std::string_view hay, std::string_view needle, std::size_t from)
{
  if (from > hay.size() || hay.size() - from < needle.size()) {
    return npos;
  }
  if (needle.size() < 2) {
    return needle.empty() ? from : hay.find(needle.front(), from);
  }
  Search s{hay.data(), hay.size(), needle, from, from};
  auto step = Step::more;
#if defined(CCAUDIT_AVX2)
  if (simd::k_has_avx2) {
    step = search_avx2(s);
  }
#endif
#if defined(__SSE2__)
  if (step == Step::more) {
    step = search_sse2(s);
  }
#endif
  for (; step == Step::more && s.i + needle.size() <= s.n; ++s.i) {
    if (s.p[s.i] == needle.front() && s.p[s.i + needle.size() - 1] == needle.back()) {
      step = s.compare(s.i);
    }
  }
  if (step == Step::found) {
    return s.at;
  }
  return step == Step::give_up ? windowed_memmem(hay, needle, s.at) : npos;
}

} // namespace ccaudit
