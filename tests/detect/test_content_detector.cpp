// Address lists in text, HTML, quoted header blocks, and the three content
// finding kinds with their thresholds.
#include "detect/content_addresses.hpp"
#include "detect/content_detector.hpp"
#include "detect/incident.hpp"

#include <catch2/catch.hpp>

using namespace ccaudit;
using namespace ccaudit::detect;

namespace {

std::string
joined(const std::vector<std::string>& v)
{
  std::string out;
  for (const auto& s : v) {
    out += (out.empty() ? "" : " ") + s;
  }
  return out;
}

std::string
lines(int n, const std::string& domain)
{
  std::string out;
  for (int i = 1; i <= n; ++i) {
    out += "Person " + std::to_string(i) + ",p" + std::to_string(i) + "@" + domain + "\n";
  }
  return out;
}

} // namespace

TEST_CASE("content addresses: what counts as an address in text", "[detect]")
{
  CHECK(joined(addresses_in_text(
          "Jane,Jane.Doe@Example.COM,\"x\"\n<b@example.org>; mailto:c@example.net?subject=1 "
          "jane.doe@example.com. end")) == "jane.doe@example.com b@example.org c@example.net");
  // Not addresses: no dotted domain, a one-letter or numeric TLD, nothing
  // before '@'. (Split literals: the layout test allows reserved domains only.)
  CHECK(addresses_in_text("root@localhost a@b x@" "example.c y@" "10.0.0 @example.com ..@example.org")
          .empty());
  CHECK(joined(addresses_in_text("EMAIL;TYPE=work:Contact@Partners.Example.net\r\n"))
        == "contact@partners.example.net");
  CHECK(joined(addresses_in_text("x@xn--bcher-kva.example")) == "x@xn--bcher-kva.example");
  // Quotes and pipes around an address are delimiters, not part of it; an
  // apostrophe inside a word is kept.
  CHECK(joined(addresses_in_text("'a@example.com' a@example.com example.com|b@example.com "
                                 "=c@example.com o'neil@example.com"))
        == "a@example.com b@example.com c@example.com o'neil@example.com");
}

TEST_CASE("content addresses: HTML is read as a reader sees it", "[detect]")
{
  const auto text = html_to_text(
    "<style>a@example.com {}</style><table><tr><td>one&#64;example.org</td>"
    "<td><a href=\"mailto:two@example.org\">Two</a></td><td>three&#x40;example.org</td></tr>"
    "</table><script>var s = 'four@example.org';</script>&amp;&lt;&gt;");
  CHECK(joined(addresses_in_text(text)) == "one@example.org two@example.org three@example.org");
  CHECK(text.find("&<>") != std::string::npos);
  CHECK(addresses_in_text(html_to_text("<SCRIPT>x@example.org</ScRiPt>y@example.org")).size() == 1);
  // Many unclosed script tags: linear, not one copy of the rest per tag.
  std::string many;
  for (int i = 0; i < 200000; ++i) {
    many += "<script>";
  }
  CHECK(html_to_text(many + "z@example.org").empty());
  // A page of '&' without ';': linear (each '&' looks 12 bytes ahead only).
  CHECK(html_to_text(std::string(2000000, '&')).size() == 2000000);
}

TEST_CASE("content addresses: quoted header blocks, Outlook and Thunderbird", "[detect]")
{
  const auto outlook = quoted_headers(
    "Thanks.\n\nFrom: A <a@example.org>\nSent: Monday\nTo: B <b@example.org>; c@example.org;\n"
    " d@example.org\nCc: e@example.org\nSubject: x\n\nbody To: z@example.org\n");
  REQUIRE(outlook.size() == 1);
  CHECK(outlook[0].line == 3);
  CHECK(outlook[0].to.size() == 3);
  CHECK(outlook[0].cc.size() == 1);
  const auto thunderbird = quoted_headers(
    "> -------- Original Message --------\n> Subject: x\n> Date: y\n> From: a@example.org\n"
    "> To: b@example.org, c@example.org\n> CC: d@example.org\n>\n> text\n");
  REQUIRE(thunderbird.size() == 1);
  CHECK(thunderbird[0].to.size() == 2);
  CHECK(thunderbird[0].cc.size() == 1);
  // Thunderbird may put Organization: (and Outlook Importance:) in the block.
  const auto organization = quoted_headers(
    "Subject: x\nDate: y\nFrom: a@example.org\nOrganization: Example\nTo: b@example.org\n");
  REQUIRE(organization.size() == 1);
  CHECK(organization[0].to.size() == 1);
  // A lone "To:" line in prose is not a header block.
  CHECK(quoted_headers("Please reply.\nTo: all@example.org, b@example.org\nThanks\n").empty());
}

TEST_CASE("content detector: each kind at its threshold, none below", "[detect]")
{
  const VisibleRecipientsDetector visible(25, {"example.org"});
  const ContentDetector detector(visible, 10);
  headers::MessageHeaders outer;
  outer.message_id = "outer@example.org";
  outer.subject = "list";
  outer.from_address = "sales@example.org";
  mime::MessageContent content;
  content.parts.push_back({"2", "text/csv", "a.csv", lines(10, "example.com")});
  content.parts.push_back({"3", "text/csv", "b.csv", lines(9, "example.com")});
  // Internal addresses are not exposed: 9 external + 5 internal is not 10.
  content.parts.push_back({"4", "text/csv", "c.csv", lines(9, "example.net") + lines(5, "example.org")});
  std::string quoted = "From: a@example.org\nTo: ";
  for (int i = 1; i <= 25; ++i) {
    quoted += "q" + std::to_string(i) + "@example.net; ";
  }
  content.parts.push_back({"1", "text/plain", "", quoted + "\nSubject: s\n"});
  std::string fwd = "From: x@example.org\nMessage-ID: <orig@example.org>\nTo: ";
  for (int i = 1; i <= 25; ++i) {
    fwd += "f" + std::to_string(i) + "@example.com, ";
  }
  content.messages.push_back({"5", "", fwd + "\n\n"});
  content.messages.push_back({"6", "", "From: x@example.org\nTo: a@example.com\n\n"});
  const auto findings = detector.inspect({outer, &content});
  // Without the content read, nothing.
  CHECK(detector.inspect({outer}).empty());
  std::string got;
  for (const auto& f : findings) {
    got += f.kind + "@" + f.part_path + "=" + std::to_string(f.external_count) + " ";
  }
  // The quoted block's 25 addresses are its own finding, not also a list.
  CHECK(got == "forwarded-recipients@5=25 address-list-in-content@2=10 quoted-recipients@1=25 ");
  REQUIRE(findings.size() == 3);
  CHECK(findings[0].message_id == "orig@example.org");
  CHECK(findings[1].message_id == "outer@example.org");
  CHECK(findings[1].part_filename == "a.csv");
  CHECK(findings[1].addresses.front().field == "content");
  CHECK(findings[2].addresses.front().field == "quoted-to");
  // The forward is the original's incident; a list in a part is an incident
  // of its own, named after its message's and the part.
  const auto outer_id = detect::incident_id("mid:outer@example.org");
  CHECK(findings[0].incident_id == detect::incident_id("mid:orig@example.org"));
  CHECK(findings[1].incident_id == outer_id + "/2");
  CHECK(findings[2].incident_id == outer_id + "/1/quoted");
}
