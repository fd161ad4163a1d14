#include "headers/message_headers.hpp"

#include "core/text.hpp"
#include "support/test_message.hpp"

#include <catch2/catch.hpp>

#include <memory>

#include <pthread.h>

using namespace ccaudit;
using namespace ccaudit::headers;
using ccaudit::test::TestMessage;

namespace {

std::vector<std::string>
addresses(const MessageHeaders& h, AddressField field)
{
  std::vector<std::string> out;
  for (const auto& r : h.recipients) {
    if (r.field == field) {
      out.push_back(r.mailbox.address);
    }
  }
  return out;
}

} // namespace

TEST_CASE("headers: repeated Cc fields are all read", "[headers]")
{
  const TestMessage message{
    .cc = "c@example.org",
    .extra_headers = "cc: d@example.org, e@example.org\n",
  };
  const auto parsed = parse_headers(message.str());
  CHECK(addresses(parsed.value, AddressField::cc)
        == std::vector<std::string>{"c@example.org", "d@example.org",
                                    "e@example.org"});
  REQUIRE(parsed.issues.size() == 1);
  CHECK(parsed.issues[0].kind == IssueKind::repeated_address_field);
  CHECK(parsed.issues[0].detail == "2 cc fields, all counted");
}

TEST_CASE("headers: Resent-To and Resent-Cc are visible, Bcc is not",
          "[headers]")
{
  const TestMessage message{
    .extra_headers = "Resent-To: r@example.org\nRESENT-CC: s@example.net\n"
                     "Bcc: hidden@example.com\nResent-Bcc: hidden2@example.com\n",
  };
  const auto parsed = parse_headers(message.str());
  CHECK(addresses(parsed.value, AddressField::to)
        == std::vector<std::string>{"bob@example.org"});
  CHECK(addresses(parsed.value, AddressField::resent_to)
        == std::vector<std::string>{"r@example.org"});
  CHECK(addresses(parsed.value, AddressField::resent_cc)
        == std::vector<std::string>{"s@example.net"});
  CHECK(parsed.value.recipients.size() == 3);
}

TEST_CASE("headers: address forms", "[headers]")
{
  const auto [to, expected] = GENERATE(table<std::string, std::string>({
    {"jane@example.org", "jane@example.org"},
    {"Jane Doe <jane@example.org>", "jane@example.org"},
    {"\"Doe, Jane\" <jane@example.org>", "jane@example.org"},
    {"jane@example.org (Jane Doe)", "jane@example.org"},
  }));
  CAPTURE(to);
  const auto parsed = parse_headers(TestMessage{.to = to}.str());
  CHECK(addresses(parsed.value, AddressField::to)
        == std::vector<std::string>{expected});
}

TEST_CASE("headers: subject, date, message-id and from", "[headers]")
{
  const TestMessage message{
    .from = "=?UTF-8?Q?Z=C3=BCrich_Office?= <Office@Example.ORG>",
    .subject = "=?UTF-8?Q?Quarterly_r=C3=A9sultats?=",
  };
  const auto parsed = parse_headers(message.str());
  CHECK(parsed.value.subject == "Quarterly r\xc3\xa9sultats");
  CHECK(parsed.value.from_address == "office@example.org");
  CHECK(parsed.value.from_name == "Z\xc3\xbcrich Office");
  CHECK(parsed.value.message_id == "test@example.org");
  CHECK(parsed.value.date == "Mon, 04 Mar 2019 10:15:00 +0000");
  CHECK(parsed.value.sent_at == 1551694500); // 2019-03-04T10:15:00Z
  CHECK(parsed.value.references.empty());
}

TEST_CASE("headers: dates in other zones and obsolete forms are read as UTC, "
          "bad ones are not guessed", "[headers]")
{
  const auto sent_at = [](std::string date) {
    return parse_headers(TestMessage{.date = std::move(date)}.str()).value.sent_at;
  };
  CHECK(sent_at("Tue, 4 Jun 2024 09:30:00 +0200") == 1717486200);
  CHECK(sent_at("4 Jun 2024 09:30 EST") == 1717511400); // -0500, no weekday
  CHECK(sent_at("Tue, 4 Jun 2024 09:30:00 +0200 (CEST)") == 1717486200);
  CHECK_FALSE(sent_at("next Tuesday").has_value());
  CHECK_FALSE(sent_at("Thu, 31 Feb 2024 10:00:00 +0000").has_value());
}

TEST_CASE("headers: In-Reply-To and References give the ids replied to, "
          "in order, once each", "[headers]")
{
  const TestMessage message{
    .extra_headers = "In-Reply-To: <b@example.org> (from Bob)\n"
                     "References: <a@example.org>\n <b@example.org> <c@example.org>\n",
  };
  const auto parsed = parse_headers(message.str());
  CHECK(parsed.value.references
        == std::vector<std::string>{"b@example.org", "a@example.org", "c@example.org"});
}

TEST_CASE("headers: fields after a malformed line still count", "[headers]")
{
  const TestMessage message{
    .to = "a@example.com",
    .extra_headers = "X-Broken line without colon\nCc: b@example.com\n",
  };
  const auto parsed = parse_headers(message.str());
  CHECK(parsed.value.recipients.size() == 2);
  REQUIRE(parsed.issues.size() == 1);
  CHECK(parsed.issues[0].kind == IssueKind::malformed_header_line);
}

TEST_CASE("headers: invalid UTF-8 is reported and made valid", "[headers]")
{
  const TestMessage message{.to = "\"J\xff\xfe\" <j@example.com>",
                            .subject = "Invoice \xc3\x28"};
  const auto parsed = parse_headers(message.str());
  REQUIRE(parsed.value.recipients.size() == 1);
  CHECK(ccaudit::text::is_valid_utf8(parsed.value.recipients[0].mailbox.display_name));
  REQUIRE(parsed.issues.size() == 1);
  CHECK(parsed.issues[0].kind == IssueKind::invalid_utf8_in_header);
}

namespace {

// Runs `f` on a thread with a small stack: a parser that recurses once per
// level of the input overflows it (GMime's group parser needed about 1.7 MiB
// for 20,000 levels), one that loops does not.
template <typename F>
void
on_small_stack(F f)
{
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, std::size_t{1} << 20);
  pthread_t thread;
  auto* work = new F(std::move(f));
  REQUIRE(pthread_create(&thread, &attr,
                         [](void* p) -> void* {
                           std::unique_ptr<F> owned(static_cast<F*>(p));
                           (*owned)();
                           return nullptr;
                         },
                         work)
          == 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

} // namespace

TEST_CASE("headers: 20,000 levels of every nestable structure parse in 1 MiB of stack",
          "[headers][hostile]")
{
  constexpr int n = 20000;
  const auto times = [](const std::string& unit, int count) {
    std::string out;
    for (int i = 0; i < count; ++i) {
      out += unit;
    }
    return out;
  };
  const std::string wide = test::address_list(30);
  const std::vector<std::string> values = {
    times("g: ", n) + wide + times(";", n),           // groups: read without GMime
    "a@example.com " + times("(", n) + times(")", n), // comments
    times("<", n) + "a@example.com" + times(">", n),  // angle brackets
    "\"" + times("\\\"", n) + "\" <a@example.com>",   // quoted pairs
    times("=?utf-8?q?a?= ", n) + "<a@example.com>",   // encoded words
    "<" + times("@a.example.com,", n) + "@b.example.com:a@example.com>", // a route
  };
  std::vector<std::size_t> counts;
  on_small_stack([&] {
    for (const auto& v : values) {
      const auto parsed = parse_headers("From: a@example.com\nSubject: " + times("=?utf-8?q?a?= ", n)
                                        + "\nReferences: " + times("(", n) + "<r@example.com>"
                                        + "\nTo: " + v + "\n\nbody\n");
      counts.push_back(parsed.value.recipients.size());
    }
  });
  CHECK(counts == std::vector<std::size_t>{30, 1, 1, 1, 1, 1});
}
