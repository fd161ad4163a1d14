#include "mbox/mbox_reader.hpp"

#include "support/issues.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace ccaudit;
using namespace ccaudit::mbox;
using ccaudit::test::kinds;

namespace {

struct Split
{
  std::vector<Parsed<MboxMessage>> messages;
  std::vector<Issue> file_issues;
};

Split
split(std::string_view input)
{
  MemorySource source(input);
  MboxReader reader(source);
  Split out;
  while (auto m = reader.next()) {
    out.messages.push_back(std::move(*m));
  }
  out.file_issues = reader.take_file_issues();
  return out;
}

const std::string k_two =
  "From alice@example.org Mon Mar  4 10:15:00 2019\n"
  "From: alice@example.org\n"
  "To: bob@example.org\n"
  "\n"
  "Hello.\n"
  "\n"
  "From carol@example.org Mon Mar  4 11:00:00 2019\n"
  "From: carol@example.org\n"
  "To: dave@example.org\n"
  "\n"
  "Bye.\n";

std::string
crlf(std::string s)
{
  std::string out;
  for (const char c : s) {
    out += c == '\n' ? std::string("\r\n") : std::string(1, c);
  }
  return out;
}

} // namespace

TEST_CASE("mbox: messages, offsets and indexes", "[mbox]")
{
  const auto s = split(k_two);
  REQUIRE(s.messages.size() == 2);
  CHECK(s.messages[0].value.index == 0);
  CHECK(s.messages[0].value.offset == 0);
  CHECK(s.messages[1].value.index == 1);
  CHECK(s.messages[1].value.offset == k_two.find("From carol"));
  CHECK(s.messages[0].value.header
        == "From: alice@example.org\nTo: bob@example.org\n\n");
  CHECK(s.messages[1].value.end == k_two.size());
  CHECK(s.messages[0].issues.empty());
  CHECK(s.messages[1].issues.empty());
  CHECK(s.file_issues.empty());
}

TEST_CASE("mbox: CRLF files split the same way", "[mbox]")
{
  const auto input = crlf(k_two);
  const auto s = split(input);
  REQUIRE(s.messages.size() == 2);
  CHECK(s.messages[1].value.offset == input.find("From carol"));
  CHECK(s.messages[1].value.header.starts_with("From: carol@example.org\r\n"));
  CHECK(s.messages[0].issues.empty());
}

TEST_CASE("mbox: a From line not after a blank line is body", "[mbox]")
{
  std::string input = k_two;
  input.insert(input.find("Hello.\n") + 7, "From here on we meet at ten.\n");
  CHECK(split(input).messages.size() == 2);
}

TEST_CASE("mbox: From prose after a blank line is body when no header follows",
          "[mbox]")
{
  std::string input = k_two;
  input.insert(input.find("Hello.\n") + 7,
               "\nFrom the desk of the director:\nplease read this.\n");
  const auto s = split(input);
  REQUIRE(s.messages.size() == 2);
  CHECK(s.messages[1].value.offset == input.find("From carol"));
}

TEST_CASE("mbox: mboxrd quoted From lines stay in the body", "[mbox]")
{
  std::string input = k_two;
  input.insert(input.find("Hello.\n") + 7,
               "\n>From alice@example.org Mon Mar  4 10:15:00 2019\nTo: x@example.org\n");
  CHECK(split(input).messages.size() == 2);
}

TEST_CASE("mbox: a valid Content-Length frames the body", "[mbox]")
{
  const std::string body = "Quoted archive:\n\n"
                           "From eve@example.net Tue Mar  5 09:00:00 2019\n"
                           "To: x1@example.net, x2@example.net\n\nold\n";
  const std::string input = "From alice@example.org Mon Mar  4 10:15:00 2019\n"
                            "To: bob@example.org\nContent-Length: "
                            + std::to_string(body.size()) + "\n\n" + body
                            + "\nFrom carol@example.org Mon Mar  4 11:00:00 2019\n"
                              "To: dave@example.org\n\nBye.\n";
  const auto s = split(input);
  REQUIRE(s.messages.size() == 2);
  CHECK(s.messages[1].value.offset == input.find("From carol"));
  CHECK(s.messages[0].issues.empty());

  SECTION("and the last message may end at the end of the input")
  {
    const std::string last = "From a@example.org Mon Mar  4 10:15:00 2019\n"
                              "Content-Length: 5\n\nbody\n";
    const auto one = split(last);
    REQUIRE(one.messages.size() == 1);
    CHECK(one.messages[0].issues.empty());
  }
}

TEST_CASE("mbox: a wrong Content-Length falls back to separators", "[mbox]")
{
  auto length = GENERATE(std::string("99999"), std::string("3"));
  CAPTURE(length);
  std::string input = k_two;
  input.insert(input.find("To: bob"), "Content-Length: " + length + "\n");
  const auto s = split(input);
  REQUIRE(s.messages.size() == 2);
  CHECK(kinds(s.messages[0].issues)
        == std::vector<IssueKind>{IssueKind::content_length_mismatch});
}

TEST_CASE("mbox: text before the first separator is reported", "[mbox]")
{
  const std::string input = "This archive was exported by hand.\n\n" + k_two;
  const auto s = split(input);
  REQUIRE(s.messages.size() == 2);
  CHECK(s.messages[0].value.offset == input.find("From alice"));
  CHECK(kinds(s.file_issues)
        == std::vector<IssueKind>{IssueKind::text_before_first_separator});
}

TEST_CASE("mbox: a header block before the first separator is a message",
          "[mbox]")
{
  const std::string input = "To: lost@example.org\nSubject: no From line\n\nbody\n\n"
                            + k_two;
  const auto s = split(input);
  REQUIRE(s.messages.size() == 3);
  CHECK(s.messages[0].value.offset == 0);
  CHECK(s.messages[0].value.header.starts_with("To: lost@example.org\n"));
  CHECK(s.messages[1].value.offset == input.find("From alice"));
  CHECK(kinds(s.file_issues)
        == std::vector<IssueKind>{IssueKind::text_before_first_separator});
}

TEST_CASE("mbox: a file that ends inside a header keeps what it has", "[mbox]")
{
  const std::string input = k_two.substr(0, k_two.find("To: dave") + 10);
  const auto s = split(input);
  REQUIRE(s.messages.size() == 2);
  CHECK(s.messages[1].value.header == "From: carol@example.org\nTo: dave@e");
  CHECK(kinds(s.messages[1].issues)
        == std::vector<IssueKind>{IssueKind::truncated_message});
}

TEST_CASE("mbox: no final newline", "[mbox]")
{
  const std::string input = k_two.substr(0, k_two.size() - 1);
  const auto s = split(input);
  REQUIRE(s.messages.size() == 2);
  CHECK(s.messages[1].value.end == input.size());
  CHECK(s.messages[1].issues.empty());
}

TEST_CASE("mbox: a From line inside a header starts the next message", "[mbox]")
{
  const std::string input = "From alice@example.org Mon Mar  4 10:15:00 2019\n"
                            "To: bob@example.org\n"
                            "From carol@example.org Mon Mar  4 11:00:00 2019\n"
                            "To: dave@example.org\n\nBye.\n";
  const auto s = split(input);
  REQUIRE(s.messages.size() == 2);
  CHECK(kinds(s.messages[0].issues)
        == std::vector<IssueKind>{IssueKind::missing_blank_line_before_separator});
  CHECK(s.messages[1].value.header == "To: dave@example.org\n\n");
}

TEST_CASE("mbox: a dated From line without a blank line before it separates",
          "[mbox]")
{
  std::string input = k_two;
  input.erase(input.find("From carol") - 1, 1); // the blank line
  const auto s = split(input);
  REQUIRE(s.messages.size() == 2);
  CHECK(s.messages[1].value.offset == input.find("From carol"));
  CHECK(kinds(s.messages[0].issues)
        == std::vector<IssueKind>{IssueKind::missing_blank_line_before_separator});
}

TEST_CASE("mbox: an undated From line before a header field, without a blank "
          "line, stays body and is reported",
          "[mbox]")
{
  std::string input = k_two;
  input.insert(input.find("Hello.\n") + 7, "From - \nFrom: x@example.org\n");
  const auto s = split(input);
  REQUIRE(s.messages.size() == 2);
  CHECK(kinds(s.messages[0].issues)
        == std::vector<IssueKind>{IssueKind::ambiguous_separator});
}

TEST_CASE("mbox: Netscape's undated \"From - \" lines without a blank line before them "
          "split where a whole header block follows, and each split is reported",
          "[mbox]")
{
  // Netscape wrote "From - " and, in some exports, no blank line before it:
  // Python, GMime and MimeKit read one message per separator.
  std::string input;
  for (int i = 0; i < 3; ++i) {
    input += "From - \nX-Mozilla-Status: 0001\nFrom: a@example.org\nTo: b" + std::to_string(i)
             + "@example.org\n\nbody " + std::to_string(i) + "\n";
  }
  const auto s = split(input);
  REQUIRE(s.messages.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(s.messages[i].value.header.find("To: b" + std::to_string(i)) != std::string::npos);
  }
  CHECK(kinds(s.messages[0].issues)
        == std::vector<IssueKind>{IssueKind::nonstandard_mbox_separator,
                                  IssueKind::missing_blank_line_before_separator});
  CHECK(kinds(s.messages[1].issues)
        == std::vector<IssueKind>{IssueKind::nonstandard_mbox_separator,
                                  IssueKind::missing_blank_line_before_separator});
}

TEST_CASE("mbox: every undated From line left in a body is counted in its report", "[mbox]")
{
  std::string input = k_two;
  input.insert(input.find("Hello.\n") + 7,
               "From - one\nTo: x@example.org\nprose\nFrom - two\nTo: y@example.org\nmore\n");
  const auto s = split(input);
  REQUIRE(s.messages.size() == 2);
  REQUIRE(kinds(s.messages[0].issues)
          == std::vector<IssueKind>{IssueKind::ambiguous_separator});
  CHECK(s.messages[0].issues[0].detail.starts_with("2 "));
}

TEST_CASE("mbox: a separator without a date is reported", "[mbox]")
{
  const auto s = split("From \nTo: bob@example.org\n\nbody\n");
  REQUIRE(s.messages.size() == 1);
  CHECK(kinds(s.messages[0].issues)
        == std::vector<IssueKind>{IssueKind::nonstandard_mbox_separator});
}

TEST_CASE("mbox: standard From lines", "[mbox]")
{
  CHECK(is_standard_from_line("From alice@example.org Mon Mar  4 10:15:00 2019"));
  CHECK(is_standard_from_line("From MAILER-DAEMON Fri Jul  8 12:08:34 2011"));
  CHECK_FALSE(is_standard_from_line("From "));
  CHECK_FALSE(is_standard_from_line("From the desk of the director:"));
}

TEST_CASE("mbox: empty input has no messages", "[mbox]")
{
  CHECK(split("").messages.empty());
}

TEST_CASE("mbox: every truncation of a valid mbox is read without a throw",
          "[mbox][corruption]")
{
  const auto input = k_two + "\n" + crlf(k_two);
  for (std::size_t cut = 0; cut <= input.size(); ++cut) {
    CAPTURE(cut);
    const auto s = split(std::string_view(input).substr(0, cut));
    CHECK(s.messages.size() <= 4);
    for (const auto& m : s.messages) {
      CHECK(m.value.offset <= cut);
      CHECK(m.value.end <= cut);
    }
  }
}

TEST_CASE("mbox: a NUL or garbage byte at any place does not lose messages",
          "[mbox][corruption]")
{
  for (std::size_t at = 0; at < k_two.size(); ++at) {
    for (const char c : {'\0', '\xff'}) {
      std::string damaged = k_two;
      damaged[at] = c;
      const auto s = split(damaged);
      CAPTURE(at);
      // Damaging a separator or its blank line may merge two messages;
      // nothing else may change the count.
      const bool near_separator = at < 5 || (at >= k_two.find("From carol") - 2
                                             && at < k_two.find("From carol") + 5)
                                  || (at >= k_two.find("From: carol") && at < k_two.find("From: carol") + 5);
      if (!near_separator) {
        CHECK(s.messages.size() == 2);
      }
    }
  }
}

TEST_CASE("mbox: a sharing reader hands out each body as it is in the file, read once",
          "[mbox]")
{
  // Bodies from a line to 1.5 MiB: most cross a refill of the reader's
  // 1 MiB buffer; those that fit in half of it are kept across it.
  const std::size_t sizes[] = {10, 300 << 10, 700 << 10, 1536 << 10, 40, 200 << 10,
                               480 << 10, 90 << 10, 5, 1000 << 10, 64 << 10, 20};
  std::string input;
  std::vector<std::string> bodies;
  for (std::size_t i = 0; i < std::size(sizes); ++i) {
    std::string body;
    while (body.size() < sizes[i]) {
      body += "line " + std::to_string(i) + " " + std::to_string(body.size()) + "\n";
    }
    input += "From a@example.org Mon Mar  4 10:15:00 2019\nFrom: a@example.org\nSubject: "
             + std::to_string(i) + "\n\n" + body + "\n";
    bodies.push_back(body + "\n");
  }
  class Counting final : public ByteSource
  {
  public:
    explicit Counting(std::string_view bytes) : m_inner(bytes) {}
    std::size_t read_at(std::uint64_t offset, char* out, std::size_t size) override
    {
      const auto n = m_inner.read_at(offset, out, size);
      big_reads += size >= 4096 ? n : 0; // the reader's buffer (separator checks read 1 KiB)
      return n;
    }
    std::size_t big_reads = 0;

  private:
    MemorySource m_inner;
  } source(input);
  MboxReader reader(source, MboxReader::SharingBodies{});
  std::vector<std::pair<std::size_t, Bytes>> kept; // held to the end, as a scan's queue may
  for (std::size_t i = 0; auto m = reader.next(); ++i) {
    REQUIRE(i < bodies.size());
    auto body = reader.body(m->value);
    if (bodies[i].size() <= (std::size_t{1} << 19)) {
      CHECK(body); // fits in half the buffer: always shared
    }
    if (body) {
      CHECK(body->view() == bodies[i]);
      kept.emplace_back(i, std::move(*body));
    }
  }
  CHECK(kept.size() >= 9);
  for (const auto& [i, body] : kept) {
    CHECK(body.view() == bodies[i]); // as they were, after the whole file was read
  }
  CHECK(source.big_reads < input.size() + (std::size_t{1} << 20));
  // A reader that does not share hands out no body.
  MemorySource plain(input);
  MboxReader not_sharing(plain);
  auto first = not_sharing.next();
  REQUIRE(first);
  CHECK_FALSE(not_sharing.body(first->value));
}

TEST_CASE("mbox: a \"From \" line is judged the same wherever the reader's buffer ends", "[mbox]")
{
  // The line after a "From " line decides; it is taken from the reader's
  // 1 MiB buffer when there, else read: a separator near the end of the
  // buffer, its next line cut by it, must still split.
  const std::string second = "From b@example.org Tue Mar  5 10:15:00 2019\n"
                             "Subject-Of-A-Long-Name: x\nFrom: b@example.org\n\nbody\n";
  for (std::size_t shift = 0; shift < 700; shift += 3) {
    std::string input = "From a@example.org Mon Mar  4 10:15:00 2019\nFrom: a@example.org\n\n";
    const std::size_t target = (std::size_t{1} << 20) - 350 + shift;
    while (input.size() + 81 < target) {
      input += std::string(79, 'x') + "\n";
    }
    input += std::string(target - input.size() - 2, 'y') + "\n\n";
    input += second;
    const auto s = split(input);
    INFO("separator at " << target);
    REQUIRE(s.messages.size() == 2);
    CHECK(s.messages[1].value.header.starts_with("Subject-Of-A-Long-Name: x\n"));
  }
}

TEST_CASE("mbox: a sharing reader splits as a plain one, lines of any length included", "[mbox]")
{
  // A sharing reader keeps a body's start across a refill, so a line longer
  // than half its buffer comes in other pieces: the split must not change.
  std::string input;
  const std::size_t longs[] = {600 << 10, 900 << 10, 1200 << 10, 300 << 10};
  for (std::size_t i = 0; i < std::size(longs); ++i) {
    input += "From a@example.org Mon Mar  4 10:15:00 2019\nFrom: a@example.org\n";
    input += "To: " + std::string(longs[i], 'x') + "@example.org\n";
    input += "Subject: " + std::to_string(i) + "\n\n";
    input += "short\n" + std::string(longs[(i + 1) % std::size(longs)], 'b') + "\nFrom me\n\n";
  }
  MemorySource plain_source(input), sharing_source(input);
  MboxReader plain(plain_source);
  MboxReader sharing(sharing_source, MboxReader::SharingBodies{});
  std::size_t count = 0;
  while (auto m = plain.next()) {
    auto s = sharing.next();
    REQUIRE(s);
    CHECK(s->value.offset == m->value.offset);
    CHECK(s->value.body_offset == m->value.body_offset);
    CHECK(s->value.end == m->value.end);
    CHECK(s->value.header == m->value.header);
    CHECK(kinds(s->issues) == kinds(m->issues));
    ++count;
  }
  CHECK_FALSE(sharing.next());
  CHECK(count == std::size(longs));
}
