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
