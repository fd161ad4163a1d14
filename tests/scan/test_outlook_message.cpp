// An Outlook item's recipients as the scan counts them: To and Cc rows of
// its table (never Bcc), or the header of received mail.
#include "scan/outlook_message.hpp"

#include "detect/visible_recipients.hpp"
#include "support/issues.hpp"

#include <catch2/catch.hpp>

using namespace ccaudit;
using namespace ccaudit::scan;
using ccaudit::test::has_issue;

namespace {

outlook::Recipient
row(std::uint32_t type, std::string email, std::string type_name = "SMTP",
    std::string smtp = "")
{
  return {type, "Name " + email, std::move(type_name), std::move(email), std::move(smtp)};
}

} // namespace

TEST_CASE("outlook message: To and Cc rows count, Bcc and resend rows never do", "[outlook]")
{
  outlook::Item item;
  item.subject = "Newsletter";
  item.message_id = "<a1@example.com>";
  item.in_reply_to = "<p0@example.com>";
  item.submit_time = 1'600'000'000;
  item.recipients = {row(1, "a@example.com"), row(2, "B@Example.com"), row(3, "secret@example.com"),
                     row(1 | 0x10000000, "resend@example.com"), row(0x80000000 | 2, "c@example.org"),
                     row(2, "a@example.com")};
  const auto m = read_outlook_item(std::move(item));
  REQUIRE(m.built);
  CHECK(m.header.empty());
  std::vector<std::string> got;
  for (const auto& r : m.built->recipients) {
    got.push_back(std::string(headers::to_string(r.field)) + ":" + r.mailbox.address);
  }
  CHECK(got == std::vector<std::string>{"to:a@example.com", "cc:b@example.com",
                                        "cc:c@example.org", "cc:a@example.com"});
  CHECK(detect::measure(*m.built, {}).visible == 3);
  CHECK(m.built->message_id == "a1@example.com");
  CHECK(m.built->references == std::vector<std::string>{"p0@example.com"});
  CHECK(m.built->sent_at == 1'600'000'000);
  CHECK(m.built->date == "Sun, 13 Sep 2020 12:26:40 +0000");
}

TEST_CASE("outlook message: the SMTP address wins, an Exchange DN counts by itself", "[outlook]")
{
  outlook::Item item;
  item.recipients = {row(1, "/o=Org/ou=Exchange/cn=Recipients/cn=JDoe", "EX", "jdoe@example.com"),
                     row(1, "/O=ORG/OU=EXCHANGE/CN=RECIPIENTS/CN=ASMITH", "EX"),
                     row(2, "/o=org/ou=exchange/cn=recipients/cn=asmith", "EX"),
                     row(2, "fax:+1 555", "FAX")};
  const auto m = read_outlook_item(std::move(item));
  REQUIRE(m.built);
  REQUIRE(m.built->recipients.size() == 3);
  CHECK(m.built->recipients[0].mailbox.address == "jdoe@example.com");
  CHECK(m.built->recipients[1].mailbox.address == "/o=org/ou=exchange/cn=recipients/cn=asmith");
  CHECK(detect::measure(*m.built, {}).visible == 2);
  CHECK(has_issue(m.issues, IssueKind::exchange_address));
  CHECK(has_issue(m.issues, IssueKind::address_unparsable)); // the fax row, not counted
}

TEST_CASE("outlook message: received mail is read from its transport header, the table "
          "compared",
          "[outlook]")
{
  outlook::Item item;
  item.transport_headers = "From: x@example.com\r\nTo: a@example.com, b@example.com\r\n"
                           "Subject: hi\r\n";
  item.recipients = {row(1, "a@example.com")};
  auto copy = item;
  const auto m = read_outlook_item(std::move(item));
  CHECK_FALSE(m.built);
  CHECK(m.header.find("To: a@example.com, b@example.com") != std::string::npos);
  REQUIRE(has_issue(m.issues, IssueKind::recipients_disagree));

  copy.recipients.push_back(row(2, "B@example.com"));
  copy.recipients.push_back(row(3, "hidden@example.com")); // Bcc: not compared
  CHECK_FALSE(has_issue(read_outlook_item(std::move(copy)).issues,
                        IssueKind::recipients_disagree));
}
