#include "detect/incident.hpp"

#include "core/digest.hpp"

#include <algorithm>

#include <catch2/catch.hpp>

using namespace ccaudit;
using namespace ccaudit::detect;

TEST_CASE("incident: subject keys drop reply and forward prefixes and fold "
          "case and space", "[detect]")
{
  CHECK(subject_key("Quarterly  update") == "quarterly update");
  CHECK(subject_key("RE: Re:FW:  Quarterly update ") == "quarterly update");
  CHECK(subject_key("Re[2]: AW: Quarterly update") == "quarterly update");
  CHECK(subject_key("Fwd : Quarterly update") == "quarterly update");
  CHECK(subject_key("Results: Q3") == "results: q3"); // not a prefix
  CHECK(subject_key("Reply needed") == "reply needed");
  CHECK(subject_key("") == "");
}

TEST_CASE("incident: the recipient hash depends on the set, not the order or "
          "names", "[detect]")
{
  const std::vector<ExposedAddress> a = {{"a@example.com", "A", "to"},
                                         {"b@example.com", "", "cc"}};
  const std::vector<ExposedAddress> b = {{"b@example.com", "Bee", "to"},
                                         {"a@example.com", "", "to"}};
  const std::vector<ExposedAddress> c = {{"a@example.com", "", "to"}};
  CHECK(recipient_hash(a) == recipient_hash(b));
  CHECK(recipient_hash(a) != recipient_hash(c));
  CHECK(recipient_hash(a).size() == 64);
}

TEST_CASE("incident: the recipient hash is SHA-256 of the distinct addresses in "
          "byte order, one per line (stored hashes must not change)", "[detect]")
{
  // Shared prefixes longer than eight bytes, a prefix of another address,
  // addresses shorter than eight bytes (no domain), UTF-8 (bytes above 0x7F sort last)
  // and a duplicate.
  const std::vector<std::string> in = {
    "longprefix.b@example.com", "longprefix.a@example.com", "a", "ab@example.com", "ab",
    "\xC3\xA9t\xC3\xA9@example.org", "zz@example.net", "a", "longprefix@example.com"};
  const std::string expected = "a\nab\nab@example.com\n"
                               "longprefix.a@example.com\nlongprefix.b@example.com\n"
                               "longprefix@example.com\nzz@example.net\n"
                               "\xC3\xA9t\xC3\xA9@example.org\n";
  std::vector<ExposedAddress> addresses;
  for (const auto& address : in) {
    addresses.push_back({address, "", "to"});
  }
  CHECK(recipient_hash(addresses) == digest::sha256_hex(expected));
  std::reverse(addresses.begin(), addresses.end());
  CHECK(recipient_hash(addresses) == digest::sha256_hex(expected));
  // Many addresses that differ only past their eighth byte.
  std::vector<ExposedAddress> wide;
  std::vector<std::string> texts;
  for (int i = 999; i >= 0; --i) {
    texts.push_back("recipient" + std::to_string(i) + "@example.com");
    wide.push_back({texts.back(), "", "cc"});
  }
  std::sort(texts.begin(), texts.end());
  std::string joined;
  for (const auto& t : texts) {
    joined += t + "\n";
  }
  CHECK(recipient_hash(wide) == digest::sha256_hex(joined));
}

TEST_CASE("incident: keyed by Message-ID, else by date, sender, subject and "
          "recipients", "[detect]")
{
  CHECK(incident_key("x@example.org", 100, "d", "f", "s", "h") == "mid:x@example.org");
  const auto fallback = incident_key("", 100, "d", "f@example.org", "s", "h");
  CHECK(fallback.starts_with("sha256:"));
  // The same instant written in another zone is the same send.
  CHECK(incident_key("", 100, "other text", "f@example.org", "s", "h") == fallback);
  CHECK(incident_key("", 101, "d", "f@example.org", "s", "h") != fallback);
  CHECK(incident_key("", 100, "d", "f@example.org", "s", "h2") != fallback);
  CHECK(incident_key("", std::nullopt, "d", "f@example.org", "s", "h") != fallback);
  CHECK(incident_id("mid:x@example.org") == incident_id("mid:x@example.org"));
  CHECK(incident_id("mid:x@example.org").starts_with("I-"));
  CHECK(incident_id("mid:x@example.org") != incident_id("mid:y@example.org"));
}

TEST_CASE("incident: an address names a person with a two-word display name "
          "or a first.last local part", "[detect]")
{
  CHECK(personal_name("Jane Doe", "x1@example.com"));
  CHECK(personal_name("  Doe, Jane ", "x1@example.com"));
  CHECK(personal_name("", "jane.doe@example.com"));
  CHECK(personal_name("", "jane_doe@example.com"));
  CHECK(personal_name("", "j.doe@example.com"));
  CHECK_FALSE(personal_name("Jane", "jane@example.com"));
  CHECK_FALSE(personal_name("", "info@example.com"));
  CHECK_FALSE(personal_name("", "user.42@example.com"));
  CHECK_FALSE(personal_name("", "jane..doe@example.com"));
  CHECK_FALSE(personal_name("", ".doe@example.com"));
  CHECK_FALSE(personal_name(" ", "sales@example.com"));
  // A tab is a blank; letters are ASCII's either case, and UTF-8's.
  CHECK(personal_name("Jane\tDoe", "x1@example.com"));
  CHECK(personal_name("", "Jane.DOE@example.com"));
  CHECK(personal_name("", "jos\xc3\xa9.garc\xc3\xad" "a@example.com"));
  CHECK_FALSE(personal_name("", "ja[e.doe@example.com"));
  CHECK_FALSE(personal_name("", "j`ne.doe@example.com"));
  CHECK_FALSE(personal_name("", "jane.do{@example.com"));
  CHECK_FALSE(personal_name("", "jane.d@e@example.com"));
}
