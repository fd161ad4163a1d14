#include "core/prefetch.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <system_error>

using ccaudit::Prefetch;

namespace {

// `total` bytes of a pattern, `chunk` at a time; throws after `fail_after`.
Prefetch::Pull
source(std::size_t total, std::size_t chunk, std::size_t& at, std::size_t fail_after = SIZE_MAX)
{
  return [total, chunk, &at, fail_after](char* out, std::size_t size) -> std::size_t {
    if (at >= fail_after) {
      throw std::system_error(EIO, std::generic_category(), "damaged");
    }
    const auto n = std::min({size, chunk, total - at, fail_after - at});
    for (std::size_t i = 0; i < n; ++i) {
      out[i] = static_cast<char>((at + i) % 251);
    }
    at += n;
    return n;
  };
}

} // namespace

TEST_CASE("prefetch: gives every byte in order, past the part read on the caller's thread",
          "[stream]")
{
  std::size_t at = 0;
  const std::size_t total = 9 * 1024 * 1024 + 77;
  Prefetch ahead(source(total, 100000, at));
  std::string buffer(70000, '\0');
  std::size_t seen = 0;
  bool in_order = true;
  while (const auto n = ahead(buffer.data(), buffer.size())) {
    for (std::size_t i = 0; i < n && in_order; ++i) {
      in_order = buffer[i] == static_cast<char>((seen + i) % 251);
    }
    seen += n;
  }
  CHECK(in_order);
  CHECK(seen == total);
  CHECK(ahead(buffer.data(), buffer.size()) == 0);
}

TEST_CASE("prefetch: an error comes after the bytes before it, and stopping early is safe",
          "[stream]")
{
  std::size_t at = 0;
  const std::size_t fail = 5 * 1024 * 1024;
  Prefetch ahead(source(SIZE_MAX, 65536, at, fail));
  std::string buffer(1 << 20, '\0');
  std::size_t seen = 0;
  CHECK_THROWS_AS(
    [&] {
      while (const auto n = ahead(buffer.data(), buffer.size())) {
        seen += n;
      }
    }(),
    std::system_error);
  CHECK(seen == fail);

  std::size_t at2 = 0;
  Prefetch early(source(SIZE_MAX, 65536, at2));
  for (int i = 0; i < 3; ++i) {
    REQUIRE(early(buffer.data(), buffer.size()) > 0);
  }
  early.stop(); // a reader that has what it wanted: the thread ends
  SUCCEED();
}
