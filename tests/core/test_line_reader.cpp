#include "core/line_reader.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace ccaudit;

namespace {

std::vector<std::string>
all_lines(std::string_view input, std::size_t buffer)
{
  MemorySource source(input);
  LineReader reader(source, buffer);
  std::vector<std::string> out;
  Line line;
  while (reader.next(line)) {
    out.emplace_back(line.text);
  }
  return out;
}

} // namespace

TEST_CASE("line reader: LF, CRLF and a last line without newline", "[core]")
{
  const auto lines = all_lines("a\r\nb\n\nc", 64);
  CHECK(lines == std::vector<std::string>{"a\r\n", "b\n", "\n", "c"});
}

TEST_CASE("line reader: lines longer than the buffer come in pieces", "[core]")
{
  const std::string long_line(100, 'x');
  const std::string input = long_line + "\nshort\n";
  MemorySource source(input);
  LineReader reader(source, 16);
  Line line;
  std::string rebuilt;
  int starts = 0;
  while (reader.next(line)) {
    rebuilt += line.text;
    starts += line.at_line_start ? 1 : 0;
  }
  CHECK(rebuilt == input);
  CHECK(starts == 2);
}

TEST_CASE("line reader: offsets, peek and seek", "[core]")
{
  const std::string input = "one\ntwo\nthree\n";
  MemorySource source(input);
  LineReader reader(source, 8);
  Line line;
  REQUIRE(reader.peek(line));
  CHECK(line.content() == "one");
  REQUIRE(reader.next(line));
  CHECK(line.offset == 0);
  REQUIRE(reader.next(line));
  CHECK(line.offset == input.find("two"));
  reader.seek(input.find("three"));
  REQUIRE(reader.next(line));
  CHECK(line.content() == "three");
  CHECK_FALSE(reader.next(line));
}

TEST_CASE("line reader: blank lines are LF or CRLF alone", "[core]")
{
  MemorySource source("\r\n\n \n");
  LineReader reader(source);
  Line line;
  reader.next(line);
  CHECK(line.blank());
  reader.next(line);
  CHECK(line.blank());
  reader.next(line);
  CHECK_FALSE(line.blank());
}

TEST_CASE("line reader: skipping to 'From ' lines finds exactly the naive "
          "answer, across buffer and vector boundaries",
          "[core]")
{
  std::string input;
  std::uint32_t seed = 12345;
  const auto next = [&] { return seed = seed * 1103515245u + 12345u; };
  for (int i = 0; i < 3000; ++i) {
    switch (next() % 7) {
    case 0: input += "From a@example.org Mon Mar  4 10:15:00 2019\n"; break;
    case 1: input += "\n"; break;
    case 2: input += "\r\n"; break;
    case 3: input += "From"; break;
    case 4: input += ">From x\n"; break;
    case 5: input += std::string(next() % 40, 'F'); break;
    default: input += "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\n"; break;
    }
  }
  std::vector<std::uint64_t> expected;
  std::vector<bool> expected_blank;
  for (std::size_t i = 0; i < input.size(); ++i) {
    if ((i == 0 || input[i - 1] == '\n') && input.compare(i, 5, "From ") == 0) {
      expected.push_back(i);
      const bool blank = i == 0 || (i >= 2 && input[i - 2] == '\n')
                         || (i >= 3 && input[i - 2] == '\r' && input[i - 3] == '\n')
                         || i == 1;
      expected_blank.push_back(blank);
    }
  }
  // Sizes around the SSE2 (16) and AVX2 (32) strides and their tails.
  for (const std::size_t buffer : {16, 17, 33, 34, 48, 64, 65, 100, 4096}) {
    CAPTURE(buffer);
    MemorySource source(input);
    LineReader reader(source, buffer);
    std::vector<std::uint64_t> found;
    std::vector<bool> found_blank;
    bool blank = false;
    Line line;
    while (reader.skip_to_line_starting("From ", blank)) {
      found.push_back(reader.tell());
      found_blank.push_back(blank);
      reader.next(line);
    }
    CHECK(found == expected);
    CHECK(found_blank == expected_blank);
  }
}
