#include "detect/visible_recipients.hpp"

#include "headers/message_headers.hpp"
#include "support/test_message.hpp"

#include <catch2/catch.hpp>

using namespace ccaudit;
using namespace ccaudit::detect;
using ccaudit::test::address_list;
using ccaudit::test::TestMessage;

namespace {

std::optional<Finding>
inspect(const TestMessage& message, std::size_t threshold,
        std::vector<std::string> internal = {})
{
  const auto headers = headers::parse_headers(message.str()).value;
  const auto found = VisibleRecipientsDetector(threshold, std::move(internal)).inspect({headers});
  REQUIRE(found.size() <= 1);
  return found.empty() ? std::nullopt : std::optional(found.front());
}

} // namespace

TEST_CASE("visible recipients: flagged at the threshold, not below", "[detect]")
{
  CHECK(inspect(TestMessage{.to = address_list(24)}, 25) == std::nullopt);
  const auto finding = inspect(TestMessage{.to = address_list(25)}, 25);
  REQUIRE(finding);
  CHECK(finding->kind == "visible-recipients");
  CHECK(finding->visible_count == 25);
  CHECK(finding->external_count == 25);
  CHECK(finding->domain_count == 1);
  CHECK(finding->addresses.size() == 25);
}

TEST_CASE("visible recipients: duplicates across To and Cc count once",
          "[detect]")
{
  const auto finding = inspect(
    TestMessage{.to = address_list(20), .cc = "USER0@Example.com, " + address_list(5, "example.net")},
    3);
  REQUIRE(finding);
  CHECK(finding->visible_count == 25);
  CHECK(finding->addresses[0].field == "to");
  CHECK(finding->addresses.back().field == "cc");
  CHECK(finding->domain_count == 2);
}

TEST_CASE("visible recipients: internal domains are kept but not counted",
          "[detect]")
{
  const TestMessage message{
    .to = address_list(12, "example.org") + ", " + address_list(6, "staff.example.org", "s"),
    .cc = address_list(8, "example.com") + ", " + address_list(4, "example.net"),
  };
  const auto all = inspect(message, 25);
  REQUIRE(all);
  CHECK(all->external_count == 30);

  CHECK(inspect(message, 25, {"example.org"}) == std::nullopt);
  const auto low = inspect(message, 10, {"example.org"});
  REQUIRE(low);
  CHECK(low->visible_count == 30);
  CHECK(low->external_count == 12);
  CHECK(low->domain_count == 2);
  std::size_t internal = 0;
  for (const auto& a : low->addresses) {
    internal += a.internal ? 1 : 0;
  }
  CHECK(internal == 18);
}

TEST_CASE("visible recipients: subdomain matching is by label", "[detect]")
{
  CHECK(in_domain("example.org", "example.org"));
  CHECK(in_domain("mail.example.org", "example.org"));
  CHECK_FALSE(in_domain("badexample.org", "example.org"));
  CHECK_FALSE(in_domain("example.org.example.net", "example.org"));
}

TEST_CASE("visible recipients: Bcc never counts", "[detect]")
{
  const TestMessage message{.to = "undisclosed-recipients:;",
                            .extra_headers = "Bcc: " + address_list(40) + "\n"};
  CHECK(inspect(message, 1) == std::nullopt);
}

TEST_CASE("visible recipients: a reply showing half the threshold is kept as "
          "context for re-exposure, not counted as a finding", "[detect]")
{
  const std::string reply = "In-Reply-To: <leak@example.org>\n";
  const auto half = inspect(TestMessage{.to = address_list(13), .extra_headers = reply}, 25);
  REQUIRE(half);
  CHECK(half->kind == "reply-recipients");
  CHECK(half->context_only);
  CHECK(half->references == std::vector<std::string>{"leak@example.org"});
  CHECK(inspect(TestMessage{.to = address_list(12), .extra_headers = reply}, 25)
        == std::nullopt);
  // Not a reply: nothing under the threshold is kept.
  CHECK(inspect(TestMessage{.to = address_list(13)}, 25) == std::nullopt);
  const auto full = inspect(TestMessage{.to = address_list(25), .extra_headers = reply}, 25);
  REQUIRE(full);
  CHECK(full->kind == "visible-recipients");
  CHECK_FALSE(full->context_only);
  // The '@' bound that skips parsing knows replies need fewer.
  const VisibleRecipientsDetector detector(25, {});
  CHECK(detector.fewest_at_signs(true) == 13);
  CHECK(detector.fewest_at_signs(false) == 25);
}

TEST_CASE("visible recipients: a finding carries its incident identity",
          "[detect]")
{
  const auto a = inspect(TestMessage{.to = address_list(25), .message_id = "<x@example.org>"}, 25);
  // Same send seen elsewhere: other order, other display names.
  const auto b = inspect(TestMessage{.to = "Someone <user24@example.com>, " + address_list(24),
                                     .message_id = "<x@example.org>"}, 25);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->incident_key == "mid:x@example.org");
  CHECK(a->incident_id == b->incident_id);
  CHECK(a->incident_id.size() == 14);
  CHECK(a->recipient_hash == b->recipient_hash);
  CHECK(a->sent_at == 1551694500);
  CHECK(a->subject_key == "test");
}
