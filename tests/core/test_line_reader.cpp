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

namespace {

// A source that counts the bytes read from it.
class CountingSource final : public ByteSource
{
public:
  explicit CountingSource(std::string_view bytes) : m_inner(bytes) {}
  std::size_t read_at(std::uint64_t offset, char* out, std::size_t size) override
  {
    const auto n = m_inner.read_at(offset, out, size);
    read += n;
    return n;
  }
  std::size_t read = 0;

private:
  MemorySource m_inner;
};

} // namespace

TEST_CASE("line reader: shared bytes stay as they were however far it reads", "[core]")
{
  std::string input;
  for (int i = 0; i < 200; ++i) {
    input += "line " + std::to_string(i) + "\n";
  }
  CountingSource source(input);
  LineReader reader(source, LineReader::Sharing{}, 64);
  std::vector<std::pair<std::string, Bytes>> kept; // each line, and its bytes shared
  Line line;
  while (reader.next(line)) {
    auto shared = reader.share(line.offset, line.text.size());
    REQUIRE(shared); // a line just read is in the buffer (up to the bound)
    kept.emplace_back(std::string(line.text), std::move(*shared));
    if (kept.size() == 40) {
      break;
    }
  }
  // Bytes no longer in the buffer, or not in it yet, are not shared.
  CHECK_FALSE(reader.share(0, 1));
  CHECK_FALSE(reader.share(input.size() - 1, 1));
  while (reader.next(line)) {
  }
  for (const auto& [text, bytes] : kept) {
    CHECK(bytes.view() == text);
  }
  CHECK(source.read == input.size()); // each byte read once

  // A reader that does not share hands out nothing.
  MemorySource plain(input);
  LineReader not_sharing(plain, 64);
  REQUIRE(not_sharing.next(line));
  CHECK_FALSE(not_sharing.share(line.offset, line.text.size()));
}

TEST_CASE("line reader: past its bound of shared buffers, it shares nothing more and goes on",
          "[core]")
{
  std::string input;
  for (int i = 0; i < 4000; ++i) {
    input += "line " + std::to_string(i) + "\n";
  }
  MemorySource source(input);
  LineReader reader(source, LineReader::Sharing{}, 64);
  std::vector<Bytes> kept;
  std::size_t refused = 0;
  Line line;
  std::string rebuilt;
  while (reader.next(line)) {
    rebuilt += line.text;
    if (auto shared = reader.share(line.offset, line.text.size())) {
      CHECK(shared->view() == line.text);
      kept.push_back(std::move(*shared)); // never freed: every buffer stays pinned
    } else {
      ++refused;
    }
  }
  CHECK(rebuilt == input);
  CHECK(refused > 0);
  // No more buffers than the bound: each holds at most 64 bytes of lines.
  std::size_t kept_bytes = 0;
  for (const auto& b : kept) {
    kept_bytes += b.size();
  }
  CHECK(kept_bytes <= LineReader::k_max_shared_buffers * 64);
  kept.clear(); // the buffers go back: sharing resumes
  reader.seek(0);
  REQUIRE(reader.next(line));
  auto again = reader.share(line.offset, line.text.size());
  REQUIRE(again);
  CHECK(again->view() == "line 0\n");
}

TEST_CASE("line reader: bytes kept for sharing do not change the pieces of a long line", "[core]")
{
  // A sharing reader keeps a body's start across a refill; a line longer
  // than the buffer must still come in whole-buffer pieces, as a plain
  // reader gives them (an mbox "From " line in pieces separates nothing).
  for (std::size_t shift = 1; shift < 64; ++shift) {
    const std::string input = std::string(shift, 's') + "\nkeep\n" + std::string(150, 'l') + "\n";
    const auto pieces = [&](bool sharing) {
      MemorySource source(input);
      std::unique_ptr<LineReader> reader =
        sharing ? std::make_unique<LineReader>(source, LineReader::Sharing{}, 64)
                : std::make_unique<LineReader>(source, 64);
      std::vector<std::string> out;
      Line line;
      while (reader->next(line)) {
        if (sharing && line.text == "keep\n") {
          reader->keep_from(line.offset); // as if a body started there
        }
        out.emplace_back(line.text);
      }
      return out;
    };
    const auto plain = pieces(false);
    INFO("shift " << shift);
    CHECK(pieces(true) == plain);
    CHECK(plain.size() > 3); // the long line did come in pieces
  }
}
