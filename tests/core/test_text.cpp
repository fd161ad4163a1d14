#include "core/text.hpp"

#include <catch2/catch.hpp>

using namespace ccaudit;
using namespace std::string_literals;

TEST_CASE("text: terminal output neutralises control and bidi characters",
          "[core]")
{
  CHECK(text::for_terminal("a\x1b[31mred") == "a?[31mred");
  CHECK(text::for_terminal("line\nbreak\ttab") == "line break tab");
  CHECK(text::for_terminal("x\xe2\x80\xaey") == "x?y"); // U+202E
  CHECK(text::for_terminal("\xc2\x9b" "2J") == "?2J");  // C1 CSI
  CHECK(text::for_terminal("J\xc3\xbcrgen") == "J\xc3\xbcrgen");
  CHECK(text::for_terminal("bad\xff") == "bad?");
  CHECK(text::for_terminal("nul\0x"s) == "nul?x");
}

TEST_CASE("text: invalid UTF-8 becomes U+FFFD", "[core]")
{
  CHECK(text::is_valid_utf8("J\xc3\xbcrgen"));
  CHECK_FALSE(text::is_valid_utf8("\xc3\x28"));
  CHECK_FALSE(text::is_valid_utf8("\xed\xa0\x80")); // surrogate
  CHECK_FALSE(text::is_valid_utf8("\xc0\xaf"));     // overlong
  CHECK(text::to_valid_utf8("a\xffz") == "a\xef\xbf\xbdz");
}

TEST_CASE("text: UTF-8 is checked the same at every offset of a long ASCII run "
          "(the fast paths skip 16 and 8 bytes at a time)", "[core]")
{
  // to_valid_utf8 reads one sequence at a time: the reference.
  for (const auto& sequence : {"\xc3\xbc"s, "\xe2\x82\xac"s, "\xf0\x9f\x98\x80"s,
                                     "\xc3\x28"s, "\xff"s, "\xed\xa0\x80"s, "\xe2\x82"s}) {
    for (std::size_t before = 0; before <= 40; ++before) {
      for (const std::size_t after : {0, 1, 7, 15, 16, 33}) {
        const auto s = std::string(before, 'a') + sequence + std::string(after, 'b');
        INFO("sequence of " << sequence.size() << " byte(s) after " << before);
        CHECK(text::is_valid_utf8(s) == (text::to_valid_utf8(s) == s));
      }
    }
  }
}

TEST_CASE("text: to_valid_utf8 copies ASCII runs whole and repairs what follows them the "
          "same at every offset",
          "[core]")
{
  // A sequence of under 8 bytes alone is read byte by byte: the reference
  // for the same sequence inside long ASCII runs (read 8 bytes at a time).
  for (const auto& sequence : {"\xc3\xbc"s, "\xe2\x82\xac"s, "\xf0\x9f\x98\x80"s,
                                     "\xc3\x28"s, "\xff"s, "\xed\xa0\x80"s, "\xe2\x82"s,
                                     "\x80\x80\xff\xfe"s}) {
    const auto repaired = text::to_valid_utf8(sequence);
    for (std::size_t before = 0; before <= 40; ++before) {
      for (const std::size_t after : {0, 1, 7, 8, 15, 16, 33}) {
        const auto head = std::string(before, 'a'), tail = std::string(after, 'b');
        INFO("sequence of " << sequence.size() << " byte(s) after " << before);
        CHECK(text::to_valid_utf8(head + sequence + tail) == head + repaired + tail);
      }
    }
  }
  CHECK(text::to_valid_utf8("\xff") == "\xef\xbf\xbd");
  CHECK(text::to_valid_utf8(std::string(20, 'x') + "\xc3\x28" + std::string(9, 'y'))
        == std::string(20, 'x') + "\xef\xbf\xbd(" + std::string(9, 'y'));
  CHECK(text::to_valid_utf8(std::string("a\0b", 3) + std::string(12, 'c'))
        == std::string("a\0b", 3) + std::string(12, 'c'));
}

TEST_CASE("text: bytes are counted at every offset and length (16 at a time, then "
          "one by one)", "[core]")
{
  for (std::size_t size = 0; size <= 50; ++size) {
    std::string s(size, 'a');
    std::size_t expected = 0;
    for (std::size_t i = 0; i < size; i += 3) {
      s[i] = '@';
      ++expected;
    }
    if (size > 0) {
      s.back() = '\xC0'; // a byte with its high bit set is not '@'
      expected -= (size - 1) % 3 == 0 ? 1 : 0;
    }
    INFO("size " << size);
    CHECK(text::count_byte(s, '@') == expected);
    CHECK(text::count_byte(s, '\xC0') == (size > 0 ? 1u : 0u));
  }
  // Past 255 blocks of 16, where a byte lane would overflow: a wide list.
  for (const std::size_t size : {4080u, 4081u, 4096u, 100000u}) {
    INFO("size " << size);
    CHECK(text::count_byte(std::string(size, '@'), '@') == size);
    std::string commas(size, 'a');
    for (std::size_t i = 0; i < size; i += 7) {
      commas[i] = ',';
    }
    CHECK(text::count_byte(commas, ',') == (size + 6) / 7);
  }
}

TEST_CASE("text: header field names", "[core]")
{
  CHECK(text::header_field_name_length("To: a@example.org") == 2);
  CHECK(text::header_field_name_length("Subject : obsolete space") == 7);
  CHECK(text::header_field_name_length("X-Broken line without colon") == 0);
  CHECK(text::header_field_name_length(": no name") == 0);
  CHECK(text::header_field_name_length("From sender@example.org Mon") == 0);
  // Every byte at every place of a long name (16 bytes are read at a time),
  // against the rule read a byte at a time.
  const auto by_byte = [](std::string_view line) -> std::size_t {
    std::size_t i = 0;
    while (i < line.size() && line[i] >= 33 && line[i] <= 126 && line[i] != ':') {
      ++i;
    }
    const auto name = i;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) {
      ++i;
    }
    return name > 0 && i < line.size() && line[i] == ':' ? name : 0;
  };
  for (int byte = 0; byte < 256; ++byte) {
    for (std::size_t at = 0; at < 40; ++at) {
      std::string line = std::string(40, 'X') + " : value";
      line[at] = static_cast<char>(byte);
      INFO("byte " << byte << " at " << at);
      CHECK(text::header_field_name_length(line) == by_byte(line));
    }
  }
}

TEST_CASE("text: an address's domain is what follows its last '@'", "[core]")
{
  CHECK(text::domain_part("a@mail.example.com") == "mail.example.com");
  CHECK(text::domain_part("\"a@b\"@example.org") == "example.org");
  CHECK(text::domain_part("a@") == "");
  CHECK(text::domain_part("@example.net") == "example.net");
  CHECK(text::domain_part("no-domain") == "");
  CHECK(text::domain_part("") == "");
  // The last '@' at every place of a long address, and none at all.
  const std::string local(70, 'x');
  for (std::size_t at = 0; at <= local.size(); ++at) {
    const auto address = local.substr(0, at) + "@" + local.substr(at);
    CHECK(text::domain_part(address) == std::string_view(address).substr(at + 1));
    CHECK(text::domain_part(std::string_view(address).substr(0, at)).empty());
  }
}

TEST_CASE("text: JSON output gets C1 and bidi controls as escapes, nothing else changed",
          "[core]")
{
  CHECK(text::json_escape_c1_and_bidi("{\"a\":\"x\xc2\x85y\xe2\x80\xaez\"}")
        == "{\"a\":\"x\\u0085y\\u202ez\"}");
  CHECK(text::json_escape_c1_and_bidi("{\"a\":\"caf\xc3\xa9 \\u001b\"}")
        == "{\"a\":\"caf\xc3\xa9 \\u001b\"}");
  CHECK(text::without_controls("a\tb\xc2\x9f" "c\xe2\x81\xa9" "d", "_") == "a_b_c_d");
}

TEST_CASE("text: UTF-16 decodes as iconv does, broken units become U+FFFD", "[core]")
{
  bool unknown = true;
  // A (1 byte), e-acute (2), euro sign (3), U+1F600 as a surrogate pair (4).
  const auto le = "A\0\xE9\0\xAC\x20\x3D\xD8\x00\xDE"s;
  const auto utf8 = "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"s;
  CHECK(text::to_utf8(le, "UTF-16LE", unknown) == utf8);
  CHECK_FALSE(unknown);
  std::string be = le;
  for (std::size_t i = 0; i + 1 < be.size(); i += 2) {
    std::swap(be[i], be[i + 1]);
  }
  CHECK(text::to_utf8(be, "utf-16be", unknown) == utf8);
  // Every code unit from 0 to 0xFFFF that is not a surrogate, against
  // iconv's UCS-2LE (the same units, decoded by iconv).
  std::string all;
  for (std::uint32_t u = 0; u < 0x10000; ++u) {
    if (u < 0xD800 || u > 0xDFFF) {
      all += static_cast<char>(u & 0xFF);
      all += static_cast<char>(u >> 8);
    }
  }
  const auto ours = text::to_utf8(all, "utf-16le", unknown);
  CHECK(ours == text::to_utf8(all, "ucs-2le", unknown));
  CHECK_FALSE(unknown);
  CHECK(ours.size() > all.size());
  // A lone high or low surrogate, a high one at the end, a cut last byte.
  CHECK(text::to_utf8("\x3D\xD8" "A\0"s, "utf-16le", unknown) == "\xEF\xBF\xBD" "A");
  CHECK(text::to_utf8("\x00\xDE" "A\0"s, "utf-16le", unknown) == "\xEF\xBF\xBD" "A");
  CHECK(text::to_utf8("A\0\x3D\xD8"s, "utf-16le", unknown) == "A\xEF\xBF\xBD");
  CHECK(text::to_utf8("A\0B"s, "utf-16le", unknown) == "A\xEF\xBF\xBD");
}
