#include "headers/header_block.hpp"

#include "support/issues.hpp"

#include <catch2/catch.hpp>

using namespace ccaudit;
using namespace ccaudit::headers;
using ccaudit::test::has_issue;
using ccaudit::test::kinds;
using namespace std::string_literals;

namespace {

std::vector<std::string>
names(const HeaderBlock& block)
{
  std::vector<std::string> out;
  for (const auto& f : block.fields) {
    out.emplace_back(f.name);
  }
  return out;
}

} // namespace

TEST_CASE("header block: fields in order, repeats kept, folding undone",
          "[headers]")
{
  const auto parsed = split_header_block("To: a@example.org,\n b@example.org\n"
                                         "cc: c@example.org\r\n"
                                         "Cc:\td@example.org\n\nbody: no\n");
  CHECK(names(parsed.value) == std::vector<std::string>{"To", "cc", "Cc"});
  CHECK(parsed.value.fields[0].value() == "a@example.org, b@example.org");
  CHECK(parsed.value.fields[1].value() == "c@example.org");
  CHECK(parsed.value.fields[2].value() == "d@example.org");
  CHECK(parsed.value.has_blank_line);
  CHECK(parsed.issues.empty());
}

TEST_CASE("header block: a line without a colon does not end the header",
          "[headers]")
{
  const auto parsed = split_header_block(
    "To: a@example.org\nX-Broken line without colon\n continued\nCc: b@example.org\n\n");
  CHECK(names(parsed.value) == std::vector<std::string>{"To", "Cc"});
  CHECK(parsed.value.fields[0].value() == "a@example.org");
  REQUIRE(parsed.issues.size() == 1);
  CHECK(parsed.issues[0].kind == IssueKind::malformed_header_line);
  CHECK_THAT(parsed.issues[0].detail, Catch::Contains("line 2"));
}

TEST_CASE("header block: NUL bytes become spaces", "[headers]")
{
  const auto message = "To: a@example.org,\0 b@example.org\n\n"s; // fields view it
  const auto parsed = split_header_block(message);
  CHECK(parsed.value.fields[0].value() == "a@example.org,  b@example.org");
  CHECK(has_issue(parsed.issues, IssueKind::nul_in_header));
}

TEST_CASE("header block: no blank line means all of it is header", "[headers]")
{
  const auto parsed = split_header_block("To: a@example.org\nCc: b@example.org\nThis is the body, c@example.org\n");
  CHECK(names(parsed.value) == std::vector<std::string>{"To", "Cc"});
  CHECK_FALSE(parsed.value.has_blank_line);
  CHECK(has_issue(parsed.issues, IssueKind::missing_header_separator));
  CHECK(has_issue(parsed.issues, IssueKind::malformed_header_line));
}

TEST_CASE("header block: the blank line ends it, CRLF or LF", "[headers]")
{
  const std::string message = "To: a@example.org\r\n\r\nCc: body@example.org\r\n";
  const auto parsed = split_header_block(message);
  CHECK(names(parsed.value) == std::vector<std::string>{"To"});
  CHECK(parsed.value.text.size() == message.find("Cc:"));
}

TEST_CASE("header block: a long line is linear, not quadratic, and reported",
          "[headers]")
{
  const std::string value(8 << 20, 'x');
  const auto message = "X-Long: " + value + "\nTo: a@example.org\n\n";
  const auto parsed = split_header_block(message);
  REQUIRE(parsed.value.fields.size() == 2);
  CHECK(parsed.value.fields[0].value().size() == value.size());
  CHECK(kinds(parsed.issues) == std::vector<IssueKind>{IssueKind::header_line_too_long});
  CHECK(split_header_block("X-Ok: " + std::string(992, 'x') + "\r\n\r\n").issues.empty());
}

TEST_CASE("header block: a CR without LF is kept as text and reported",
          "[headers]")
{
  const auto parsed = split_header_block("To: a@example.org,\r b@example.org\r\n\r\n");
  CHECK(parsed.value.fields[0].value() == "a@example.org,\r b@example.org");
  CHECK(kinds(parsed.issues) == std::vector<IssueKind>{IssueKind::bare_cr_in_header});
  // Counted in the header only: the CR and NUL of the body are not its own.
  const auto counted = split_header_block("To: a\r\rb@example.org\r\nCc: c@example.org\r\n"
                                          "Subject: x\r\r\n\r\nbody\r \0 \r\n"s);
  REQUIRE(counted.issues.size() == 1);
  CHECK(counted.issues[0].detail.starts_with("3 CR byte(s)"));
}

TEST_CASE("header block: damaged input never throws", "[headers][corruption]")
{
  for (const auto& input :
       {""s, "\n"s, "\r"s, " leading continuation\n"s, ":\n"s, "\0\0\0"s,
        "To:"s, "To: a\r"s, "\xff\xfe\n\n"s}) {
    CAPTURE(input);
    CHECK_NOTHROW(split_header_block(input));
  }
}
