// scan --content end to end on fixtures/content (see fixtures/README.md):
// what each fixture gives, the bounds, and every output that shows it.
#include "support/database.hpp"
#include "support/test_message.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <set>

namespace fs = std::filesystem;
using ccaudit::test::read_file;
using ccaudit::test::run_ccaudit;
using ccaudit::test::scalar;
using ccaudit::test::TempDir;
using nlohmann::json;

namespace {

const fs::path k_content = fs::path(CCAUDIT_FIXTURES_DIR) / "content";

std::string
fixture(const std::string& name)
{
  return (k_content / "inbox" / "cur" / name).string();
}

// kind@part(file)=exposed for every finding of one file, in part order.
std::string
findings_of(const fs::path& db, const std::string& file_part)
{
  ccaudit::store::SqliteStore store(db, ccaudit::store::OpenMode::read_only);
  std::string out;
  store.query("SELECT kind, part_path, part_filename, external_count FROM finding "
              "WHERE path LIKE '%' || ? || '%' ORDER BY part_path, kind",
              {ccaudit::store::Value{file_part}}, [&](const ccaudit::store::Row& r) {
                out += r.text(0) + "@" + r.text(1)
                       + (r.text(2).empty() ? "" : "(" + r.text(2) + ")") + "="
                       + std::to_string(r.integer(3)) + " ";
              });
  return out;
}

} // namespace

TEST_CASE("scan --content: every fixture gives its finding", "[cli][content]")
{
  TempDir dir;
  const auto db = dir.path() / "content.db";
  const auto r = run_ccaudit({"scan", k_content.string(), "--db", db.string(), "--content"});
  INFO(r.err);
  REQUIRE(r.exit_code == 1);
  CHECK(findings_of(db, "M1P1") == "address-list-in-content@2(Kunden\xc3\xbc" "bersicht Q2.csv)=40 ");
  CHECK(findings_of(db, "M2P1") == "address-list-in-content@2(contacts.vcf)=30 ");
  CHECK(findings_of(db, "M3P1") == "address-list-in-content@1=27 ");
  // The forward keeps the 10 Cc guests after its malformed header line.
  CHECK(findings_of(db, "M4P1") == "forwarded-recipients@2=30 ");
  CHECK(findings_of(db, "M5P1") == "quoted-recipients@1=30 ");
  CHECK(findings_of(db, "M6P1") == "quoted-recipients@1=26 ");
  CHECK(findings_of(db, "M7P1") == ""); // 40 deep: past the bound
  CHECK(findings_of(db, "M8P1") == "address-list-in-content@2(list.txt)=25 ");
  CHECK(findings_of(db, "M9P1") == "forwarded-recipients@2(salaries.eml)=26 ");
  CHECK(findings_of(db, "M10P1") == ""); // 24: one short
  CHECK(findings_of(db, "M11P1") == "address-list-in-content@1=25 ");
  CHECK(findings_of(db, "sent.mbox") == "visible-recipients@=30 address-list-in-content@1=26 ");
  // The garbled base64 decodes to exactly the 25 addresses written.
  CHECK(scalar(db, "SELECT count(*) FROM finding_address a JOIN finding f ON f.id = a.finding_id "
                   "WHERE f.path LIKE '%M8P1%' AND a.address GLOB "
                   "'customer0[0-2][0-9]@garbled.example.org'") == 25);
  // What could not be read is a problem, named.
  CHECK(scalar(db, "SELECT count(*) FROM problem WHERE kind = 'content_limit' "
                   "AND path LIKE '%M7P1%' AND detail LIKE 'nesting deeper than 32%'") == 1);
  CHECK(scalar(db, "SELECT count(*) FROM problem WHERE kind = 'unknown_charset' "
                   "AND path LIKE '%M11P1%'") == 1);
  // A rescan with the same settings reads nothing again.
  const auto again = run_ccaudit({"scan", k_content.string(), "--db", db.string(), "--content"});
  CHECK(again.exit_code == 0);
  CHECK(again.err.find(": 0 read from 0 file(s)") != std::string::npos);
  // Without --content none of it is looked for.
  const auto plain = dir.path() / "plain.db";
  REQUIRE(run_ccaudit({"scan", k_content.string(), "--db", plain.string()}).exit_code == 1);
  CHECK(scalar(plain, "SELECT count(*) FROM finding") == 1);
  // Turning --content on reads every file again, and finds what is inside.
  const auto turned_on = run_ccaudit({"scan", k_content.string(), "--db", plain.string(), "--content"});
  CHECK(turned_on.exit_code == 1);
  CHECK(turned_on.err.find("read from 13 file(s)") != std::string::npos);
  CHECK(scalar(plain, "SELECT count(*) FROM finding WHERE retired_scan IS NULL") == 11);
}

TEST_CASE("scan --content: the bounds are options, and the config file's", "[cli][content]")
{
  TempDir dir;
  const auto db = dir.path() / "deep.db";
  REQUIRE(run_ccaudit({"scan", fixture("1748944806.M7P1.host.example:2,S"), "--db",
                       db.string(), "--content", "--content-max-depth", "50"})
            .exit_code == 1);
  CHECK(findings_of(db, "M7P1").starts_with(std::string("address-list-in-content@") + "1.1.1.1.1."));
  // A lower list threshold flags the 24.
  const auto low = dir.path() / "low.db";
  REQUIRE(run_ccaudit({"scan", fixture("1748944809.M10P1.host.example:2,S"), "--db",
                       low.string(), "--content", "--content-threshold", "24"})
            .exit_code == 1);
  CHECK(findings_of(low, "M10P1") == "address-list-in-content@1(short.csv)=24 ");
  const auto config = dir.write("ccaudit.toml", "[scan]\ncontent = true\ncontent_threshold = 24\n");
  const auto from_config = dir.path() / "config.db";
  REQUIRE(run_ccaudit({"scan", fixture("1748944809.M10P1.host.example:2,S"), "--db",
                       from_config.string(), "--config", config.string()})
            .exit_code == 1);
  CHECK(findings_of(from_config, "M10P1") == "address-list-in-content@1(short.csv)=24 ");
  const auto bad = dir.write("bad.toml", "[scan]\ncontent_threshold = 0\n");
  const auto r = run_ccaudit({"scan", k_content.string(), "--db", (dir.path() / "x.db").string(),
                              "--config", bad.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("scan.content_threshold") != std::string::npos);
}

TEST_CASE("scan --content: an oversized part and a huge part header are problems, not crashes", "[cli][content]")
{
  TempDir dir;
  // 2 MiB of addresses in one part, read with a 1 MiB bound: what fits is
  // counted, the cut is recorded.
  std::string big;
  for (int i = 0; big.size() < (2u << 20); ++i) {
    big += "bulk" + std::to_string(i) + "@example.com\n";
  }
  dir.write("big.eml", "From: a@example.org\nTo: b@example.org\nSubject: big\nMIME-Version: 1.0\n"
                       "Content-Type: multipart/mixed; boundary=\"B\"\n\n--B\n"
                       "Content-Type: text/csv; name=\"all.csv\"\n\n" + big + "\n--B--\n");
  dir.write("header.eml", "From: a@example.org\nTo: b@example.org\nSubject: h\nMIME-Version: 1.0\n"
                          "Content-Type: multipart/mixed; boundary=\"B\"\n\n--B\n"
                          "Content-Type: text/plain\nX-Long: " + std::string(1u << 20, 'x')
                            + "\n\n" + ccaudit::test::address_list(30) + "\n--B--\n");
  const auto db = dir.path() / "bounds.db";
  const auto r = run_ccaudit({"scan", dir.path().string(), "--db", db.string(), "--content",
                              "--content-max-part-mib", "1"});
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(scalar(db, "SELECT count(*) FROM problem WHERE kind = 'content_limit' AND path LIKE "
                   "'%big.eml' AND detail LIKE 'part 1 over 1 MiB%'") == 1);
  CHECK(scalar(db, "SELECT external_count FROM finding WHERE path LIKE '%big.eml'") > 40000);
  CHECK(scalar(db, "SELECT count(*) FROM problem WHERE kind = 'content_unreadable' "
                   "AND path LIKE '%header.eml'") == 1);
}

TEST_CASE("scan --content: reports, JSON lines and explain show the part", "[cli][content]")
{
  TempDir dir;
  const auto db = (dir.path() / "r.db").string();
  REQUIRE(run_ccaudit({"scan", k_content.string(), "--db", db, "--content"}).exit_code == 1);
  const auto text = run_ccaudit({"report", "--db", db});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("inside messages (scan --content):") != std::string::npos);
  CHECK(text.out.find("address-list-in-content: 40 distinct exposed addresses in part 2 "
                      "\"Kunden\xc3\xbc" "bersicht Q2.csv\" (text/csv)")
        != std::string::npos);
  const auto j = json::parse(run_ccaudit({"report", "--db", db, "--format", "json"}).out);
  std::map<std::string, int> kinds;
  bool linked = false;
  for (const auto& c : j["content_findings"]) {
    ++kinds[c["kind"].get<std::string>()];
    if (c["kind"] == "forwarded-recipients" && !c["linked_incident"].is_null()) {
      // The forward passes on the party leak recorded from sent.mbox.
      linked = true;
      CHECK(c["part_path"] == "2");
      bool found = false;
      for (const auto& i : j["incidents"]) {
        found = found || i["id"] == c["linked_incident"];
      }
      CHECK(found);
    }
  }
  CHECK(kinds == std::map<std::string, int>{{"address-list-in-content", 6},
                                            {"forwarded-recipients", 2},
                                            {"quoted-recipients", 2}});
  CHECK(linked);
  const auto lines = run_ccaudit({"report", "--db", db, "--format", "jsonl"});
  bool csv_part = false;
  std::size_t pos = 0;
  while (pos < lines.out.size()) {
    const auto nl = lines.out.find('\n', pos);
    const auto line = json::parse(lines.out.substr(pos, nl - pos));
    pos = nl + 1;
    if (line["kind"] == "address-list-in-content" && line["part"]["type"] == "text/csv") {
      csv_part = line["part"]["path"] == "2" && line["addresses"].size() == 40;
    }
  }
  CHECK(csv_part);
  const auto html = run_ccaudit({"report", "--db", db, "--format", "html"});
  CHECK(html.out.find("<h2>Inside messages</h2>") != std::string::npos);
  CHECK(html.out.find("contacts.vcf") != std::string::npos);
  const auto explained = run_ccaudit({"explain", fixture("1748944803.M4P1.host.example:2,S"),
                                      "--content", "--format", "jsonl"});
  REQUIRE(explained.exit_code == 0);
  const auto e = json::parse(explained.out);
  REQUIRE(e["content"]["findings"].size() == 1);
  CHECK(e["content"]["findings"][0]["kind"] == "forwarded-recipients");
  CHECK(e["content"]["findings"][0]["external_count"] == 30);
  CHECK(e["content"]["messages"][0]["path"] == "2");
}

TEST_CASE("scan --content: --fail-on any counts an open content finding as the header's are "
          "counted, until it is accepted", "[cli][content]")
{
  TempDir dir;
  dir.write("mail/list.eml",
            "From: a@example.org\nTo: b@example.org\nSubject: customers\nMessage-ID: "
            "<customers@example.org>\nMIME-Version: 1.0\n"
            "Content-Type: multipart/mixed; boundary=\"B\"\n\n--B\nContent-Type: text/plain\n\n"
            "The list.\n--B\nContent-Type: text/csv; name=\"customers.csv\"\n\n"
              + ccaudit::test::address_list(30) + "\n--B--\n");
  const auto mail = (dir.path() / "mail").string();
  const auto db = (dir.path() / "c.db").string();
  CHECK(run_ccaudit({"scan", mail, "--db", db, "--content"}).exit_code == 1); // new
  REQUIRE(scalar(db, "SELECT count(*) FROM finding WHERE kind = 'address-list-in-content'") == 1);
  CHECK(scalar(db, "SELECT count(*) FROM finding WHERE kind = 'visible-recipients'") == 0);
  // Seen now, and still open.
  CHECK(run_ccaudit({"scan", mail, "--db", db, "--content"}).exit_code == 0);
  CHECK(run_ccaudit({"scan", mail, "--db", db, "--content", "--fail-on", "any"}).exit_code == 1);
  const auto fingerprint = ccaudit::test::scalar_text(db, "SELECT fingerprint FROM finding");
  CHECK(run_ccaudit({"baseline", "accept", "--db", db, fingerprint}).exit_code == 0);
  CHECK(run_ccaudit({"scan", mail, "--db", db, "--content", "--fail-on", "any"}).exit_code == 0);
}

TEST_CASE("scan --content: a list inside a message is an incident of its own: --art33, export, "
          "baseline accept, CSV and HTML take its id, and a forward stays with its original",
          "[cli][content]")
{
  TempDir dir;
  const std::string csv_message =
    "From: Sales <sales@example.org>\nTo: partner@example.net\nSubject: customers\n"
    "Date: Tue, 3 Jun 2025 10:00:00 +0000\nMessage-ID: <customers@example.org>\n"
    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"B\"\n\n--B\n"
    "Content-Type: text/plain\n\nThe list.\n--B\nContent-Type: text/csv; name=\"customers.csv\"\n\n"
    + ccaudit::test::address_list(30, "customers.example.com") + "\n--B--\n";
  // The sender's copy and the partner's: one send, two copies.
  dir.write("mail/sent/cur/1.host:2,S", csv_message);
  dir.write("mail/inbox/cur/2.host:2,S", csv_message);
  // A 25-Cc send, and a forward of it as an attachment.
  const std::string party = "From: events@example.org\nTo: events@example.org\nCc: "
                            + ccaudit::test::address_list(25, "guests.example.com")
                            + "\nSubject: party\nDate: Wed, 4 Jun 2025 10:00:00 +0000\n"
                              "Message-ID: <party@example.org>\n\nSee you.\n";
  dir.write("mail/sent/cur/3.host:2,S", party);
  dir.write("mail/inbox/cur/4.host:2,S",
            "From: someone@example.org\nTo: friend@example.net\nSubject: Fwd: party\n"
            "Date: Thu, 5 Jun 2025 10:00:00 +0000\nMessage-ID: <fwd@example.org>\n"
            "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"F\"\n\n--F\n"
            "Content-Type: text/plain\n\nLook.\n--F\nContent-Type: message/rfc822\n\n"
              + party + "--F--\n");
  const auto mail = (dir.path() / "mail").string();
  const auto db = (dir.path() / "c.db").string();
  REQUIRE(run_ccaudit({"scan", mail, "--db", db, "--content"}).exit_code == 1);
  const auto list_id = ccaudit::test::scalar_text(
    db, "SELECT DISTINCT incident_id FROM finding WHERE kind = 'address-list-in-content'");
  CHECK(list_id.size() == 14 + 2); // "I-" 12 hex digits, "/2"
  CHECK(list_id.substr(list_id.size() - 2) == "/2");

  // The review: the list is an incident with both copies and its part.
  const auto j = json::parse(run_ccaudit({"report", "--db", db, "--format", "json"}).out);
  std::map<std::string, json> incidents;
  for (const auto& i : j["incidents"]) {
    incidents[i["id"].get<std::string>()] = i;
  }
  REQUIRE(incidents.count(list_id) == 1);
  const auto& list = incidents[list_id];
  CHECK(list["kind"] == "address-list-in-content");
  CHECK(list["part_path"] == "2");
  CHECK(list["part_filename"] == "customers.csv");
  CHECK(list["exposed_count"] == 30);
  CHECK(list["copies"].size() == 2);
  CHECK(list["campaign_id"].is_null()); // not a batch of anything
  // The forward is a copy of the party's incident, which stays one.
  const auto party_id = ccaudit::test::scalar_text(
    db, "SELECT incident_id FROM finding WHERE kind = 'visible-recipients' "
        "AND message_id = 'party@example.org'");
  REQUIRE(incidents.count(party_id) == 1);
  CHECK(incidents[party_id]["kind"] == "visible-recipients");
  REQUIRE(incidents[party_id]["copies"].size() == 2);
  std::set<std::string> copy_kinds;
  for (const auto& c : incidents[party_id]["copies"]) {
    copy_kinds.insert(c["kind"].get<std::string>());
  }
  CHECK(copy_kinds == std::set<std::string>{"forwarded-recipients", "visible-recipients"});
  for (const auto& c : j["content_findings"]) {
    if (c["kind"] == "forwarded-recipients") {
      CHECK(c["linked_incident"] == party_id);
    }
  }

  // Art. 33 and Art. 34 take its id.
  const auto art33 = run_ccaudit({"report", "--db", db, "--incident", list_id, "--art33"});
  REQUIRE(art33.exit_code == 0);
  CHECK(art33.out.find("A message carried a list of addresses inside it") != std::string::npos);
  CHECK(art33.out.find("part 2 \"customers.csv\" (text/csv)") != std::string::npos);
  CHECK(art33.out.find("30 distinct exposed addresses") != std::string::npos);
  const auto people = run_ccaudit({"export", "--db", db, "--incident", list_id});
  REQUIRE(people.exit_code == 0);
  CHECK(people.out.find("\"user7@customers.example.com\"") != std::string::npos);
  CHECK(people.out.find("partner@example.net") == std::string::npos); // the header's, not the part's
  std::size_t rows = 0;
  for (const char c : people.out) {
    rows += c == '\n';
  }
  CHECK(rows == 31); // heading and 30 people

  // CSV and HTML tables list it with kind and part.
  const auto csv = run_ccaudit({"report", "--db", db, "--format", "csv"}).out;
  CHECK(csv.find(",status,kind,part_path,part_filename,") != std::string::npos);
  CHECK(csv.find("\"" + list_id + "\"") != std::string::npos);
  CHECK(csv.find("\"address-list-in-content\",\"2\",\"customers.csv\"") != std::string::npos);
  const auto html = run_ccaudit({"report", "--db", db, "--format", "html"}).out;
  CHECK(html.find("<td>address-list-in-content, part 2</td>") != std::string::npos);
  CHECK(html.find("id=\"detail-" + list_id + "\"") != std::string::npos);

  // Accepted by its id, with a note: gone from --fail-on any.
  REQUIRE(run_ccaudit({"baseline", "accept", "--db", db, list_id, "--note", "SEC-812"})
            .exit_code == 0);
  CHECK(scalar(db, "SELECT count(*) FROM acceptance WHERE note = 'SEC-812'") == 1);
  const auto after = json::parse(run_ccaudit({"report", "--db", db, "--format", "json"}).out);
  for (const auto& i : after["incidents"]) {
    if (i["id"] == list_id) {
      CHECK(i["status"] == "accepted");
    }
  }
}
