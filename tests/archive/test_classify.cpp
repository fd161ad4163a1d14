#include "archive/classify.hpp"

#include <catch2/catch.hpp>

using namespace ccaudit;
using namespace ccaudit::archive;
using namespace std::string_literals;

TEST_CASE("classify: decided by content", "[archive]")
{
  const auto [input, expected] = GENERATE(table<std::string, FileKind>({
    {"From a@example.org Mon Mar  4 10:15:00 2019\nTo: b@example.org\n\nhi\n",
     FileKind::mbox},
    {"\n\nFrom a@example.org Mon Mar  4 10:15:00 2019\r\nTo: b@example.org\r\n\r\n",
     FileKind::mbox},
    {"Exported archive\n\nFrom a@example.org Mon Mar  4 10:15:00 2019\nTo: b@example.org\n",
     FileKind::mbox},
    {"Return-Path: <a@example.org>\nTo: b@example.org\n\nhi\n", FileKind::message},
    {"X-Custom: 1\nSubject: hello\n\n", FileKind::message},
    {"To: a@example.org,\0 b@example.org\n\n"s, FileKind::message},
    {"", FileKind::not_mail},
    {"Note: buy milk\nand bread\n", FileKind::not_mail},
    {"From my perspective this is prose.\nNot mail.\n", FileKind::not_mail},
    {">>> damaged first line\nTo: a@example.org\nSubject: hi\n\n", FileKind::message},
    {">>> damaged first line\nTo: a@example.org\n\n", FileKind::not_mail},
    {"\x1f\x8b\x08\x00\x00\x00"s, FileKind::compressed},
    {"\xfd" "7zXZ\0\0"s, FileKind::compressed},
    {"\x28\xb5\x2f\xfd\x00"s, FileKind::compressed},
    {"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x02\0\0\0"s,
     FileKind::not_mail},
  }));
  CAPTURE(input);
  CHECK(classify(input).kind == expected);
}

TEST_CASE("classify: not-mail reasons", "[archive]")
{
  CHECK(classify("").reason == "empty file");
  CHECK(classify("\x01\x02\x03\x04\0\0\0\0"s).reason == "binary data");
  CHECK(classify("hello world\n").reason == "no mail header");
}

TEST_CASE("classify: only the header block of a message file is read",
          "[archive]")
{
  const std::string message = "To: a@example.org\r\n\r\nbody line\r\n";
  MemorySource source(message);
  const auto header = read_header_block(source);
  CHECK(header.value == "To: a@example.org\r\n\r\n");
  CHECK(header.issues.empty());
}

// The header block ends just past the first empty line ("\n\n" or
// "\n\r\n"): compared with a line-at-a-time reading on texts of line
// feeds, CRs and letters, whose empty lines fall on both sides of every
// 16- and 32-byte boundary: short ones with many line ends, and longer
// ones with lines of header length.
TEST_CASE("classify: the header block ends at the first empty line, wherever it falls",
          "[archive]")
{
  const auto reference = [](std::string_view head) -> std::optional<std::size_t> {
    if (head.starts_with("\n")) {
      return 1;
    }
    if (head.starts_with("\r\n")) {
      return 2;
    }
    for (std::size_t i = 0; i < head.size(); ++i) {
      if (head[i] != '\n') {
        continue;
      }
      const auto next = head.substr(i + 1);
      if (next.starts_with("\n")) {
        return i + 2;
      }
      if (next.starts_with("\r\n")) {
        return i + 3;
      }
    }
    return std::nullopt;
  };
  std::uint32_t state = 12345;
  const auto next_random = [&] {
    state = state * 1103515245 + 12345;
    return (state >> 16) & 0x7fff;
  };
  for (int round = 0; round < 40000; ++round) {
    const bool long_lines = round % 2 == 1;
    const std::size_t size = next_random() % (long_lines ? 400 : 70);
    const unsigned one_in = long_lines ? 40 : 10;
    std::string head(size, 'a');
    for (auto& c : head) {
      const auto r = next_random() % one_in;
      c = r == 0 ? '\n' : r == 1 ? '\r' : 'a';
    }
    // An empty line written as such now and then: in a long text, two
    // random line ends rarely meet.
    if (long_lines && size > 3 && next_random() % 2 == 0) {
      head.replace(next_random() % (size - 2), 3, next_random() % 2 == 0 ? "\n\r\n" : "a\n\n");
    }
    const auto found = archive::header_block_in(head);
    const auto expected = reference(head);
    INFO("round " << round);
    REQUIRE(found.has_value() == expected.has_value());
    if (found) {
      CHECK(found->value == head.substr(0, *expected));
    }
  }
}

TEST_CASE("classify: PST and OST files by their header, OLE files for the .msg reader",
          "[archive]")
{
  const std::string crc(4, '\x12');
  auto pst = archive::classify("!BDN" + crc + "SM" + std::string(20, '\0'));
  CHECK(pst.kind == archive::FileKind::outlook_store);
  CHECK(pst.reason == "PST");
  CHECK(archive::classify("!BDN" + crc + "SO" + std::string(20, '\0')).reason == "OST");
  // "!BDN" alone, or text starting with it, is not a store.
  CHECK(archive::classify("!BDN" + crc + "XX" + std::string(20, '\0')).kind
        != archive::FileKind::outlook_store);
  CHECK(archive::classify("!BDN").kind != archive::FileKind::outlook_store);
  const auto ole = archive::classify(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)
                                     + std::string(504, '\0'));
  CHECK(ole.kind == archive::FileKind::compound_file);
}
