// A message body read with --content grows as a stream is read and is cut to
// what was read: every byte written before stays where it was.
#include "core/bytes.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <string>

using ccaudit::Bytes;

TEST_CASE("bytes: growing keeps what was written, shrinking keeps the first bytes", "[core]")
{
  Bytes b;
  CHECK(b.empty());
  b.resize(4);
  std::memcpy(b.data(), "abcd", 4);
  b.resize(1 << 20); // a stream's body, doubled as it is read
  CHECK(b.size() == std::size_t{1} << 20);
  std::memcpy(b.data() + 4, "efgh", 4);
  CHECK(b.view().substr(0, 8) == "abcdefgh");
  b.shrink_to(6); // a short read
  b.resize(6);
  CHECK(std::string(b) == "abcdef");
  Bytes moved = std::move(b);
  CHECK(b.empty());
  CHECK(moved.view() == "abcdef");
  moved.release();
  CHECK(moved.empty());
  CHECK(moved.view().empty());
}

TEST_CASE("bytes: shared bytes keep their buffer alive and become their own when grown", "[core]")
{
  auto buffer = std::shared_ptr<char[]>(new char[8]);
  std::memcpy(buffer.get(), "abcdefgh", 8);
  auto b = Bytes::shared(buffer, buffer.get() + 2, 3);
  buffer.reset(); // the reader moved on: `b` holds the buffer
  CHECK(b.view() == "cde");
  Bytes moved = std::move(b);
  CHECK(b.empty());
  CHECK(moved.view() == "cde");
  moved.resize(5); // written to: a copy of its own
  std::memcpy(moved.data() + 3, "XY", 2);
  CHECK(moved.view() == "cdeXY");
  moved.release();
  CHECK(moved.empty());
}
