#include "core/stream_source.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>

using ccaudit::StreamSource;

namespace {

// A stream of `bytes`, given out at most `chunk` bytes per pull; it fails
// after `fail_after` bytes if that is set.
StreamSource::Pull
pull_from(const std::string& bytes, std::size_t chunk, std::size_t fail_after = SIZE_MAX)
{
  auto at = std::make_shared<std::size_t>(0);
  return [&bytes, chunk, fail_after, at](char* out, std::size_t size) -> std::size_t {
    if (*at >= fail_after) {
      throw std::system_error(EIO, std::generic_category(), "damaged");
    }
    const auto n = std::min({size, chunk, bytes.size() - *at, fail_after - *at});
    std::memcpy(out, bytes.data() + *at, n);
    *at += n;
    return n;
  };
}

std::string
read(StreamSource& s, std::uint64_t offset, std::size_t size)
{
  std::string out(size, '\0');
  out.resize(s.read_at(offset, out.data(), size));
  return out;
}

std::string
pattern(std::size_t n)
{
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) {
    s[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  }
  return s;
}

} // namespace

TEST_CASE("stream source: reads front to back give the bytes, whole, across pulls", "[stream]")
{
  const auto bytes = pattern(1 << 20);
  StreamSource s(pull_from(bytes, 1000), 64 * 1024);
  std::uint64_t at = 0;
  std::string seen;
  while (true) {
    const auto piece = read(s, at, 5000);
    if (piece.empty()) {
      break;
    }
    CHECK((piece.size() == 5000 || at + piece.size() == bytes.size()));
    seen += piece;
    at += piece.size();
  }
  CHECK(seen == bytes);
  CHECK(s.ended());
  CHECK_FALSE(s.error());
}

TEST_CASE("stream source: a step back within the window and a look ahead within it work, "
          "further ones do not", "[stream]")
{
  const auto bytes = pattern(4 << 20);
  const std::size_t window = 256 * 1024;
  StreamSource s(pull_from(bytes, 4096), window);
  CHECK(read(s, 0, 100) == bytes.substr(0, 100));
  CHECK(read(s, 1 << 20, 100) == ""); // far ahead: as if past the end
  CHECK(read(s, 100000, 100) == bytes.substr(100000, 100)); // ahead, within reach
  CHECK(read(s, 10, 100) == bytes.substr(10, 100));         // and back
  for (std::uint64_t at = 0; at < (2 << 20); at += 65536) {
    REQUIRE(read(s, at, 65536) == bytes.substr(at, 65536));
  }
  const auto end = s.pulled();
  CHECK(read(s, end - window, 100) == bytes.substr(end - window, 100));
  CHECK_THROWS_AS(read(s, 0, 100), std::logic_error);
}

TEST_CASE("stream source: a damaged stream reads as ended there, and keeps its error",
          "[stream]")
{
  const auto bytes = pattern(100000);
  StreamSource s(pull_from(bytes, 1000, 50000), 64 * 1024);
  const auto all = read(s, 0, 64 * 1024);
  CHECK(all == bytes.substr(0, 50000));
  CHECK(read(s, 50000, 10) == "");
  REQUIRE(s.error());
  CHECK_THROWS_AS(std::rethrow_exception(s.error()), std::system_error);
}

TEST_CASE("stream source: reads of odd sizes, back and ahead within the window, give the "
          "bytes after the buffer wrapped many times", "[stream]")
{
  const auto bytes = pattern(3 << 20);
  const std::size_t window = 64 * 1024;
  StreamSource s(pull_from(bytes, 3001), window);
  std::uint64_t furthest = 0;
  std::uint32_t state = 12345;
  const auto next = [&state] { return state = state * 1103515245u + 12345u; };
  std::size_t reads = 0;
  while (furthest + 1 < bytes.size()) {
    // Somewhere from one window behind the furthest byte read to a little
    // ahead of it, any size up to the window.
    const auto back = furthest > window ? furthest - window : 0;
    const auto offset = back + next() % (furthest - back + 9000);
    const auto size = 1 + next() % window;
    const auto piece = read(s, offset, size);
    const auto expected = offset < bytes.size() ? bytes.substr(offset, size) : std::string();
    REQUIRE(piece == expected);
    furthest = std::max<std::uint64_t>(furthest, offset + piece.size());
    ++reads;
  }
  CHECK(reads > 100);
}
