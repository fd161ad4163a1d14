// What is read of an Outlook item's properties, whatever the file kind.
#include "outlook/item.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace ccaudit::outlook;

namespace {

struct FakeBag final : PropertyBag
{
  std::map<std::uint32_t, std::string> texts;
  std::map<std::uint32_t, std::uint32_t> integers;
  std::map<std::uint32_t, std::uint64_t> times;
  std::optional<std::string> text(std::uint32_t t) const override
  {
    const auto it = texts.find(t);
    return it == texts.end() ? std::nullopt : std::optional(it->second);
  }
  std::optional<std::uint32_t> integer(std::uint32_t t) const override
  {
    const auto it = integers.find(t);
    return it == integers.end() ? std::nullopt : std::optional(it->second);
  }
  std::optional<std::uint64_t> filetime(std::uint32_t t) const override
  {
    const auto it = times.find(t);
    return it == times.end() ? std::nullopt : std::optional(it->second);
  }
};

} // namespace

TEST_CASE("outlook item: the sender is the one represented, the subject without its marker",
          "[outlook]")
{
  FakeBag bag;
  bag.texts[tag::subject] = "\x01\x05RE: budget";
  bag.texts[tag::sender_name] = "Assistant";
  bag.texts[tag::sender_email_address] = "assistant@example.com";
  bag.texts[tag::sent_representing_name] = "Boss";
  bag.texts[tag::sent_representing_address_type] = "SMTP";
  bag.texts[tag::sent_representing_email_address] = "boss@example.com";
  bag.times[tag::client_submit_time] = 116444736000000000ULL + 10'000'000ULL * 86400;
  const auto item = read_item(bag);
  CHECK(item.subject == "RE: budget");
  CHECK(item.sender_name == "Boss");
  CHECK(item.sender_email_address == "boss@example.com");
  CHECK(item.submit_time == 86400);
  CHECK_FALSE(item.delivery_time);

  // A represented name without an address (as some writers leave it): the
  // sender's address is the one to show.
  FakeBag named;
  named.texts[tag::sent_representing_name] = "The Clinic";
  named.texts[tag::sender_address_type] = "SMTP";
  named.texts[tag::sender_email_address] = "clinic@example.com";
  const auto clinic = read_item(named);
  CHECK(clinic.sender_name == "The Clinic");
  CHECK(clinic.sender_email_address == "clinic@example.com");
  CHECK(clinic.sender_address_type == "SMTP");
}

TEST_CASE("outlook item: a recipient row without a type counts as To", "[outlook]")
{
  FakeBag row;
  row.texts[tag::display_name] = "A";
  CHECK(read_recipient(row).type == 1);
  row.integers[tag::recipient_type] = 3;
  CHECK(read_recipient(row).type == 3);
}

TEST_CASE("outlook item: contacts, appointments and tasks are not mail, requests are",
          "[outlook]")
{
  for (const auto* c : {"IPM.Note", "IPM.Note.SMIME", "REPORT.IPM.Note.NDR",
                        "IPM.Schedule.Meeting.Request", "IPM.TaskRequest", "IPM.Post", "",
                        "IPM.Sharing"}) {
    CAPTURE(c);
    CHECK(is_mail_class(c));
  }
  for (const auto* c : {"IPM.Contact", "ipm.appointment", "IPM.Task", "IPM.DistList",
                        "IPM.StickyNote", "IPM.Activity"}) {
    CAPTURE(c);
    CHECK_FALSE(is_mail_class(c));
  }
}

TEST_CASE("outlook item: code pages are named as iconv knows them, FILETIME as Unix seconds",
          "[outlook]")
{
  CHECK(charset_of_codepage(932) == "cp932");
  CHECK(charset_of_codepage(28591) == "iso-8859-1");
  CHECK(charset_of_codepage(65001) == "utf-8");
  FakeBag bag;
  CHECK(item_charset(bag).empty());
  bag.integers[tag::message_codepage] = 1252;
  bag.integers[tag::internet_codepage] = 20127;
  CHECK(item_charset(bag) == "us-ascii");
  CHECK_FALSE(unix_seconds(0));
  CHECK(unix_seconds(116444736000000000ULL) == 0);
  CHECK_FALSE(unix_seconds(UINT64_MAX));
}
