// Incident review end to end: scan fixtures/incidents (a leaked patient
// list in a Sent mbox, a recipient's Maildir and a journal, with reply-alls,
// a send without Message-ID and hostile header text), then every output.
#include "support/database.hpp"
#include "support/test_message.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <regex>
#include <set>
#include <sys/stat.h>

namespace fs = std::filesystem;
using ccaudit::test::read_file;
using ccaudit::test::run_ccaudit;
using ccaudit::test::run_program;
using ccaudit::test::TempDir;
using nlohmann::json;

namespace {

const fs::path k_incidents = fs::path(CCAUDIT_FIXTURES_DIR) / "incidents";

// The fixture's ids: stable, derived from the Message-IDs.
const std::string k_batch1 = "I-04af67484e40", k_batch2 = "I-f2c92731d9ba",
                  k_batch3 = "I-0c98bf8d725f", k_reply_all = "I-68c01942e273",
                  k_campaign = "C-04af67484e40", k_hostile = "I-1aa3c6d9c8dd";

struct Scanned
{
  TempDir dir;
  std::string db = (dir.path() / "review.db").string();
  explicit Scanned(std::vector<std::string> extra = {})
  {
    std::vector<std::string> args = {"scan", k_incidents.string(), "--db", db};
    args.insert(args.end(), extra.begin(), extra.end());
    REQUIRE(run_ccaudit(args).exit_code == 1);
  }
  ccaudit::test::RunResult report(std::vector<std::string> args) const
  {
    args.insert(args.begin(), {"report", "--db", db});
    return run_ccaudit(args);
  }
  json report_json(std::vector<std::string> args = {}) const
  {
    args.insert(args.end(), {"--format", "json"});
    const auto r = report(args);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
  }
};

const json&
by_id(const json& list, const std::string& id)
{
  for (const auto& item : list) {
    if (item["id"] == id) {
      return item;
    }
  }
  FAIL("no " << id);
  throw std::logic_error("unreachable");
}

} // namespace

TEST_CASE("review: copies of one send are one incident, divergent copies are "
          "kept apart", "[review]")
{
  const Scanned scan;
  const auto j = scan.report_json();
  CHECK(j["incidents"].size() == 6); // 8 flagged copies, 2 reply-alls kept as context
  const auto& batch1 = by_id(j["incidents"], k_batch1);
  CHECK(batch1["message_id"] == "batch1.2024@example.org");
  CHECK(batch1["sender"] == "ops@example.org");
  CHECK(batch1["first_sent"] == "2024-06-04T07:30:00Z"); // 09:30 +0200
  CHECK(batch1["exposed_count"] == 30);
  CHECK(batch1["recipient_count"] == 30);
  CHECK(batch1["identifiable_count"] == 20); // 10 display names, 10 first.last
  CHECK(batch1["divergent"] == false);
  REQUIRE(batch1["copies"].size() == 2);
  CHECK(batch1["copies"][0]["path"].get<std::string>().find("inbox/cur/") != std::string::npos);
  CHECK(batch1["copies"][1]["path"].get<std::string>().ends_with("sent.mbox"));
  CHECK(batch1["statement"] == "30 distinct addresses were shown to 30 distinct recipients");
  // The journal's copy of batch 2 shows one other address: both sets kept.
  const auto& batch2 = by_id(j["incidents"], k_batch2);
  CHECK(batch2["divergent"] == true);
  CHECK(batch2["recipient_sets"] == 2);
  CHECK(batch2["exposed_count"] == 31);
  CHECK(batch2["copies"][0]["exposed_count"] == 30);
  CHECK(batch2["copies"][0]["recipient_hash"] != batch2["copies"][1]["recipient_hash"]);
  // No Message-ID: the two copies still make one incident.
  std::size_t rota = 0;
  for (const auto& i : j["incidents"]) {
    if (i["subject"] == "Rota for June") {
      ++rota;
      CHECK(i["message_id"] == "");
      CHECK(i["copies"].size() == 2);
    }
  }
  CHECK(rota == 1);
}

TEST_CASE("review: batches within the window are one campaign, with unique "
          "counts", "[review]")
{
  const Scanned scan;
  const auto j = scan.report_json();
  REQUIRE(j["campaigns"].size() == 1);
  const auto& c = j["campaigns"][0];
  CHECK(c["id"] == k_campaign);
  CHECK(c["incident_ids"] == json{k_batch1, k_batch2});
  CHECK(c["exposed_unique"] == 59); // 30 + 31 with 2 in both
  CHECK(c["recipients_unique"] == 59);
  CHECK(c["first_sent"] == "2024-06-04T07:30:00Z");
  CHECK(c["last_sent"] == "2024-06-04T09:00:00Z");
  CHECK(by_id(j["incidents"], k_batch2)["campaign_id"] == k_campaign);
  CHECK(by_id(j["incidents"], k_batch3)["campaign_id"].is_null()); // 3 weeks later
  // A wider window takes in the third batch.
  const auto wide = scan.report_json({"--campaign-window", "30"});
  REQUIRE(wide["campaigns"].size() == 1);
  CHECK(wide["campaigns"][0]["incident_ids"].size() == 3);
  CHECK(wide["campaigns"][0]["exposed_unique"] == 84);
}

TEST_CASE("review: reply-alls showing half the list again are re-exposures",
          "[review]")
{
  const Scanned scan;
  const auto j = scan.report_json();
  const auto& batch1 = by_id(j["incidents"], k_batch1);
  REQUIRE(batch1["reexposures"].size() == 2);
  CHECK(batch1["reexposures"][0]["sender"] == "patient03@example.com");
  CHECK(batch1["reexposures"][0]["date"] == "2024-06-04T08:05:00Z");
  CHECK(batch1["reexposures"][0]["shared_count"] == 29);
  // 15 of 30, under the threshold itself: still a re-exposure.
  CHECK(batch1["reexposures"][1]["sender"] == "patient07@example.net");
  CHECK(batch1["reexposures"][1]["shared_count"] == 15);
  // 14 of 30 and a private reply are not.
  CHECK(by_id(j["incidents"], k_reply_all)["reexposure_of"] == k_batch1);
}

TEST_CASE("review: recurrence per sender, and domains with internal domains",
          "[review]")
{
  const Scanned scan({"--internal-domain", "example.org"});
  const auto j = scan.report_json();
  const auto& top = j["senders"][0];
  CHECK(top["sender"] == "ops@example.org");
  CHECK(top["incidents"] == 3);
  CHECK(top["first"] == "2024-06-04T07:30:00Z");
  CHECK(top["last"] == "2024-06-25T07:00:00Z");
  // ops@example.org is internal now: the reply-all exposes 29, not 30.
  const auto& reply = by_id(j["incidents"], k_reply_all);
  CHECK(reply["exposed_count"] == 29);
  CHECK(reply["recipient_count"] == 30);
  std::int64_t sum = 0;
  for (const auto& d : reply["external_domains"]) {
    CHECK(d["domain"] != "example.org");
    sum += d["exposed"].get<std::int64_t>();
  }
  CHECK(sum == 29);
  const auto text = scan.report({});
  CHECK_THAT(text.out, Catch::Contains("external domains: example."));
}

TEST_CASE("review: csv has one row per incident, hostile text cannot become a "
          "formula", "[review]")
{
  const Scanned scan;
  const auto r = scan.report({"--format", "csv"});
  REQUIRE(r.exit_code == 0);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 7); // header + 6
  CHECK_THAT(r.out, Catch::StartsWith("incident_id,first_sent,sender,"));
  CHECK_THAT(r.out, Catch::Contains("\"'=cmd@example.net\""));
  CHECK(r.out.find('\x1b') == std::string::npos);
  const auto people = run_ccaudit({"export", "--db", scan.db, "--incident", k_hostile});
  REQUIRE(people.exit_code == 0);
  for (const char* cell : {"\"'=HYPERLINK(", "\"'+SUM(1,2)\"", "\"'-2+3\"", "\"'@cmd\""}) {
    CHECK_THAT(people.out, Catch::Contains(cell));
  }
  CHECK(people.out.find('\x1b') == std::string::npos);
  CHECK(people.out.find('\x07') == std::string::npos);
}

TEST_CASE("review: text strips terminal escapes, json stays valid UTF-8",
          "[review]")
{
  const Scanned scan;
  const auto text = scan.report({});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find('\x1b') == std::string::npos);
  CHECK_THAT(text.out, Catch::Contains("URGENT"));
  CHECK_THAT(text.out, Catch::Contains("[" + k_batch1 + "] 30 distinct addresses were "
                                       "shown to 30 distinct recipients"));
  const auto raw = scan.report({"--format", "json"});
  CHECK_NOTHROW(json::parse(raw.out)); // throws on invalid UTF-8
}

TEST_CASE("review: export lists the people to notify with the messages that "
          "showed them", "[review]")
{
  const Scanned scan;
  const auto r = run_ccaudit({"export", "--db", scan.db, "--incident", k_campaign,
                              "--format", "json"});
  REQUIRE(r.exit_code == 0);
  const auto people = json::parse(r.out);
  CHECK(people.size() == 59);
  for (const auto& p : people) {
    if (p["address"] == "patient01@example.net") {
      CHECK(p["display_name"] == "Jane Doe");
      // Two copies of batch 1 and both reply-alls.
      CHECK(p["messages"].size() == 4);
      CHECK(p["messages"][0]["date"] == "2024-06-04T07:30:00Z");
    }
  }
  const auto unknown = run_ccaudit({"export", "--db", scan.db, "--incident", "I-000000000000"});
  CHECK(unknown.exit_code == 4);
  CHECK_THAT(unknown.err, Catch::Contains("no incident or campaign"));
}

TEST_CASE("review: the Art. 33 worksheet states counts, times and what a "
          "person must fill in", "[review]")
{
  const Scanned scan;
  const auto r = scan.report({"--incident", k_campaign, "--art33"});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("59 distinct addresses were shown to 59 distinct recipients"));
  CHECK_THAT(r.out, Catch::Contains("59 distinct exposed address(es), of which 20 carry a personal name"));
  CHECK_THAT(r.out, Catch::Contains("First sent: 2024-06-04T07:30:00Z"));
  CHECK(std::regex_search(r.out, std::regex(R"(Found: +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ .*, 0\.\d hours ago; 7[12]\.\d hours left)")));
  for (const char* heading : {"Categories of personal data", "Likely consequences",
                              "Measures taken", "[to complete"}) {
    CHECK_THAT(r.out, Catch::Contains(heading));
  }
  CHECK(scan.report({"--art33"}).exit_code == 2);
  CHECK(scan.report({"--incident", "I-nope", "--art33"}).exit_code == 4);
}

TEST_CASE("review: --redact-key hides addresses and names in every format, "
          "stable for one key", "[review]")
{
  const Scanned scan;
  const auto key = scan.dir.write("team.key", "0123456789abcdef0123456789abcdef");
  const auto other = scan.dir.write("other.key", "fedcba9876543210fedcba9876543210");
  const std::vector<std::vector<std::string>> runs = {
    {"report", "--format", "text"}, {"report", "--format", "csv"},
    {"report", "--format", "json"}, {"report", "--format", "html"},
    {"report", "--format", "jsonl"}, {"export", "--incident", k_batch1},
    {"export", "--incident", k_batch1, "--format", "json"}};
  for (auto args : runs) {
    CAPTURE(args);
    args.insert(args.end(), {"--db", scan.db, "--redact-key", key.string()});
    const auto r = run_ccaudit(args);
    REQUIRE(r.exit_code == 0);
    for (const char* secret : {"patient01@", "ops@example.org", "jane.doe@", "Jane Doe",
                               "Clinic Operations"}) {
      CHECK(r.out.find(secret) == std::string::npos);
    }
    CHECK_THAT(r.out, Catch::Contains("hmac-"));
  }
  const auto once = run_ccaudit({"export", "--incident", k_batch1, "--db", scan.db,
                                 "--redact-key", key.string()});
  const auto again = run_ccaudit({"export", "--incident", k_batch1, "--db", scan.db,
                                  "--redact-key", key.string()});
  const auto keyed_otherwise = run_ccaudit({"export", "--incident", k_batch1, "--db",
                                            scan.db, "--redact-key", other.string()});
  CHECK(once.out == again.out);
  CHECK(once.out != keyed_otherwise.out);
  CHECK_THAT(once.out, Catch::Contains("@mail.example.com")); // domains stay
}

TEST_CASE("review: --out writes a file readable by its owner only", "[review]")
{
  const Scanned scan;
  const auto out = scan.dir.path() / "review.html";
  const auto r = scan.report({"--format", "html", "--out", out.string()});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.empty());
  struct stat st {};
  REQUIRE(::stat(out.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  const auto page = read_file(out);
  CHECK_THAT(page, Catch::StartsWith("<!DOCTYPE html>"));
  // Self-contained: nothing is fetched from anywhere.
  CHECK(page.find("src=\"http") == std::string::npos);
  CHECK(page.find("href=\"http") == std::string::npos);
  CHECK(page.find("@import") == std::string::npos);
  const auto bad = scan.report({"--format", "html", "--out",
                                (scan.dir.path() / "missing" / "x.html").string()});
  CHECK(bad.exit_code == 4);
}

// The page as a browser builds it: headless Chromium runs the page's script
// and prints the resulting DOM.
TEST_CASE("review: the HTML page in a real browser: sorted tables, charts, "
          "hostile text stays text", "[review][browser]")
{
  const std::string chromium = "/usr/bin/chromium";
  if (!fs::exists(chromium)) {
    FAIL("headless Chromium is needed for this test: apt-get install chromium");
  }
  const Scanned scan;
  const auto page = scan.dir.path() / "review.html";
  REQUIRE(scan.report({"--format", "html", "--out", page.string()}).exit_code == 0);
  const auto dom_of = [&](const std::string& fragment) {
    const auto r = run_program(chromium, {"--headless", "--no-sandbox", "--disable-gpu",
                                          "--no-first-run", "--user-data-dir="
                                            + (scan.dir.path() / "profile").string(),
                                          "--dump-dom", "file://" + page.string() + fragment});
    REQUIRE(r.exit_code == 0);
    return r.out;
  };
  const auto dom = dom_of("#sort=incidents:exposed:desc");
  CHECK_THAT(dom, Catch::Contains("data-ready=\"1\"")); // the script ran to its end
  // Sorted by exposed, descending: batch 2 (31) comes first.
  const auto body = dom.substr(dom.find("<table class=\"sortable\" id=\"incidents\""));
  const auto first_row = body.substr(body.find("<tbody>"), 400);
  CHECK_THAT(first_row, Catch::Contains(k_batch2));
  CHECK_THAT(body, Catch::Contains("aria-sort=\"descending\""));
  // Charts: one circle per dated incident, one bar per sender.
  std::size_t circles = 0, bars = 0;
  for (auto at = dom.find("<circle class=\"incident\""); at != std::string::npos;
       at = dom.find("<circle class=\"incident\"", at + 1)) {
    ++circles;
  }
  for (auto at = dom.find("class=\"sender-bar\""); at != std::string::npos;
       at = dom.find("class=\"sender-bar\"", at + 1)) {
    ++bars;
  }
  CHECK(circles == 6);
  CHECK(bars == 4);
  // Hostile names and subjects are text: no element was created from them.
  CHECK(dom.find("<img") == std::string::npos);
  CHECK(dom.find("<b>bold") == std::string::npos);
  CHECK_THAT(dom, Catch::Contains("&lt;img src=x onerror=alert(1)&gt;"));
  CHECK_THAT(dom, Catch::Contains("&lt;/script&gt;&lt;script&gt;alert(2)"));
  std::size_t scripts = 0;
  for (auto at = dom.find("<script"); at != std::string::npos; at = dom.find("<script", at + 1)) {
    ++scripts;
  }
  CHECK(scripts == 1); // ours

  // The search box: the incidents that showed an address are the ones
  // 'ccaudit lookup' names.
  const auto lookup = json::parse(
    run_ccaudit({"lookup", "--db", scan.db, "ana.silva@mail.example.com", "--format", "json"}).out);
  const auto expected = lookup[0]["incidents"].size();
  REQUIRE(expected >= 2);
  const auto found = dom_of("#find=ana.silva%40mail.example.com");
  CHECK_THAT(found, Catch::Contains("data-found=\"" + std::to_string(expected) + "\""));
  const auto first = found.find("<details id=\"detail-" + lookup[0]["incidents"][0]["incident_id"]
                                                            .get<std::string>()
                                + "\" open=\"\"");
  CHECK(first != std::string::npos);
  CHECK_THAT(dom_of("#find=nobody%40example.com"), Catch::Contains("data-found=\"0\""));
}

// README's promise: reports/ runs as it is in the sqlite3 shell, read-only.
TEST_CASE("review: the SQL in reports/ runs in the sqlite3 shell and agrees "
          "with ccaudit", "[review]")
{
  const Scanned scan;
  const auto reports = fs::path(CCAUDIT_SOURCE_DIR) / "reports";
  const auto review = ".read " + (reports / "review.sql").string();
  const auto incidents = run_program("/usr/bin/sqlite3",
                                     {"-readonly", "-csv", scan.db, review,
                                      ".read " + (reports / "incidents.sql").string()});
  REQUIRE(incidents.exit_code == 0);
  CHECK(std::count(incidents.out.begin(), incidents.out.end(), '\n') == 6);
  CHECK_THAT(incidents.out, Catch::StartsWith(k_batch1 + ",batch1.2024@example.org,"));
  const auto wide = run_program("/usr/bin/sqlite3",
                                {"-readonly", "-csv", scan.db, review,
                                 "UPDATE review_setting SET campaign_window_days = 30",
                                 "SELECT campaign_id, batches, exposed_unique FROM campaign"});
  REQUIRE(wide.exit_code == 0);
  CHECK(wide.out == k_campaign + ",3,84\n");
  const auto people = run_program("/usr/bin/sqlite3",
                                  {"-readonly", "-csv", scan.db, review,
                                   ".parameter set :incident " + k_batch1,
                                   ".read " + (reports / "notify.sql").string()});
  REQUIRE(people.exit_code == 0);
  CHECK_THAT(people.out, Catch::Contains("patient01@example.net,\"Jane Doe\""));
}

TEST_CASE("review: --only-new shows what the nightly scan found first, --status filters, and "
          "acceptance notes with who and when are in every format and the baseline",
          "[review]")
{
  TempDir dir;
  ccaudit::test::TestMessage old_send;
  old_send.to = ccaudit::test::address_list(30, "example.com", "old");
  old_send.message_id = "<old@example.org>";
  old_send.subject = "salaries";
  dir.write("mail/cur/1.host:2,S", old_send.str());
  const auto mail = (dir.path() / "mail").string();
  const auto db = (dir.path() / "c.db").string();
  REQUIRE(run_ccaudit({"scan", mail, "--db", db}).exit_code == 1);
  const auto old_id =
    json::parse(run_ccaudit({"report", "--db", db, "--format", "json"}).out)["incidents"][0]["id"]
      .get<std::string>();
  REQUIRE(run_ccaudit({"baseline", "accept", old_id, "--db", db, "--note", "ticket SEC-812"})
            .exit_code == 0);
  // The next night: one more send.
  ccaudit::test::TestMessage new_send;
  new_send.to = ccaudit::test::address_list(40, "example.net", "new");
  new_send.message_id = "<new@example.org>";
  new_send.subject = "party";
  dir.write("mail/cur/2.host:2,S", new_send.str());
  REQUIRE(run_ccaudit({"scan", mail, "--db", db}).exit_code == 1);

  const auto ids = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"report", "--db", db, "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<std::string> out;
    const auto review = json::parse(run_ccaudit(args).out);
    for (const auto& i : review["incidents"]) {
      out.push_back(i["status"].get<std::string>() + " " + i["subject"].get<std::string>()
                    + " " + std::to_string(i["exposed_count"].get<int>()));
    }
    return out;
  };
  CHECK(ids({}).size() == 2);
  CHECK(ids({"--only-new"}) == std::vector<std::string>{"new party 40"});
  CHECK(ids({"--status", "new"}) == std::vector<std::string>{"new party 40"});
  CHECK(ids({"--status", "accepted"}) == std::vector<std::string>{"accepted salaries 30"});
  CHECK(ids({"--status", "open"}) == std::vector<std::string>{"new party 40"});
  CHECK(ids({"--status", "seen"}).empty());
  const auto text = run_ccaudit({"report", "--db", db, "--only-new"});
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("only incidents with status new (--status): 1 of 2")
                         && !Catch::Contains(old_id));

  // Who accepted, when, and why.
  const auto accepted = json::parse(
    run_ccaudit({"report", "--db", db, "--format", "json", "--status", "accepted"}).out);
  const auto& acceptance = accepted["incidents"][0]["acceptance"];
  CHECK(acceptance["note"] == "ticket SEC-812");
  CHECK_FALSE(acceptance["by"].get<std::string>().empty());
  CHECK(std::regex_match(acceptance["at"].get<std::string>(),
                         std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
  CHECK_THAT(run_ccaudit({"report", "--db", db}).out,
             Catch::Contains("    accepted:     " + acceptance["at"].get<std::string>() + " by "
                             + acceptance["by"].get<std::string>() + ": ticket SEC-812"));
  const auto csv = run_ccaudit({"report", "--db", db, "--format", "csv"}).out;
  CHECK_THAT(csv, Catch::Contains("accepted_at,accepted_by,accepted_note\r\n")
                    && Catch::Contains(",\"ticket SEC-812\"\r\n"));
  CHECK_THAT(run_ccaudit({"report", "--db", db, "--format", "html"}).out,
             Catch::Contains(": ticket SEC-812</td>"));
  const auto baseline = run_ccaudit({"baseline", "export", "--db", db}).out;
  CHECK_THAT(baseline, Catch::Contains(" accepted " + old_id + " # accepted ")
                         && Catch::Contains(": ticket SEC-812\n"));
  // The exported file still reads as a baseline: nothing is new.
  dir.write("known.txt", baseline);
  const auto other = (dir.path() / "other.db").string();
  CHECK(run_ccaudit({"scan", mail, "--db", other, "--baseline",
                     (dir.path() / "known.txt").string()})
          .exit_code == 0);
  CHECK(ccaudit::test::scalar(other, "SELECT count(*) FROM finding WHERE status = 'accepted'")
        == 1);

  // Not with the raw findings, nor with --art33.
  const auto jsonl = run_ccaudit({"report", "--db", db, "--format", "jsonl", "--only-new"});
  CHECK(jsonl.exit_code == 2);
  CHECK_THAT(jsonl.err, Catch::Contains("not with --format jsonl"));
  CHECK(run_ccaudit({"report", "--db", db, "--status", "fresh"}).exit_code == 2);
}

TEST_CASE("review: lookup ADDRESS names every incident that showed it, as the scan compares "
          "addresses, and exits as grep does",
          "[review]")
{
  TempDir dir;
  ccaudit::test::TestMessage wide;
  wide.to = "\"Alice Doe\" <alice@xn--bcher-kva.example.com>, "
            + ccaudit::test::address_list(29, "example.net");
  wide.cc = "staff@example.org";
  wide.subject = "party";
  wide.message_id = "<party@example.org>";
  dir.write("mail/cur/1.host:2,S", wide.str());
  ccaudit::test::TestMessage reply = wide;
  reply.message_id = "<reply@example.org>";
  reply.subject = "Re: party";
  reply.extra_headers = "In-Reply-To: <party@example.org>\n";
  reply.date = "Tue, 05 Mar 2019 10:15:00 +0000";
  dir.write("mail/cur/2.host:2,S", reply.str());
  const auto db = (dir.path() / "c.db").string();
  REQUIRE(run_ccaudit({"scan", (dir.path() / "mail").string(), "--db", db, "--internal-domain",
                       "example.org"})
            .exit_code == 1);

  // The IDN and upper-case forms are the address the scan stored.
  const auto text = run_ccaudit({"lookup", "--db", db, "ALICE@Bücher.Example.com"});
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("alice@xn--bcher-kva.example.com: shown by 2 incident(s)")
                         && Catch::Contains("subject: party")
                         && Catch::Contains("shown as \"Alice Doe\"")
                         && Catch::Contains("2019-03-04T10:15:00Z"));
  const auto j = json::parse(
    run_ccaudit({"lookup", "--db", db, "alice@bücher.example.com", "--format", "json"}).out);
  REQUIRE(j.size() == 1);
  CHECK(j[0]["exposed"] == true);
  REQUIRE(j[0]["incidents"].size() == 2);
  // The send shows her in its copy and again in the reply-all.
  const auto& send = j[0]["incidents"][0]["subject"] == "party" ? j[0]["incidents"][0]
                                                                 : j[0]["incidents"][1];
  std::set<std::string> how;
  for (const auto& m : send["messages"]) {
    how.insert(m["how"].get<std::string>());
  }
  CHECK(how == std::set<std::string>{"copy", "reexposure"});
  CHECK(send["internal"] == false);
  // An internal address is found too, and said to be internal.
  const auto staff =
    json::parse(run_ccaudit({"lookup", "--db", db, "staff@example.org", "--format", "json"}).out);
  CHECK(staff[0]["incidents"][0]["internal"] == true);
  // Never exposed: exit 1; one of several found: exit 0; not an address: 2.
  const auto nobody = run_ccaudit({"lookup", "--db", db, "nobody@example.com"});
  CHECK(nobody.exit_code == 1);
  CHECK_THAT(nobody.out, Catch::Contains("nobody@example.com: never exposed"));
  CHECK(run_ccaudit({"lookup", "--db", db, "nobody@example.com", "user3@example.net"}).exit_code
        == 0);
  CHECK(run_ccaudit({"lookup", "--db", db, "not-an-address"}).exit_code == 2);
}

TEST_CASE("review: the HTML page names every input not scanned, labels its timeline, and ranks "
          "senders by exposed addresses",
          "[review]")
{
  TempDir dir;
  const auto mail = dir.path() / "mail";
  fs::create_directories(mail / "cur");
  // One sender with two small sends, one with one wide send.
  ccaudit::test::TestMessage small;
  small.from = "a@example.org";
  small.to = ccaudit::test::address_list(26, "example.com", "s");
  small.message_id = "<s1@example.org>";
  dir.write("mail/cur/1.h:2,S", small.str());
  small.message_id = "<s2@example.org>";
  small.subject = "other";
  small.date = "Tue, 05 Mar 2019 10:15:00 +0000";
  dir.write("mail/cur/2.h:2,S", small.str());
  ccaudit::test::TestMessage wide;
  wide.from = "b@example.org";
  wide.to = ccaudit::test::address_list(90, "example.net", "w");
  wide.message_id = "<w@example.org>";
  wide.date = "Wed, 06 Mar 2019 10:15:00 +0000";
  dir.write("mail/cur/3.h:2,S", wide.str());
  fs::create_symlink(dir.path() / "nowhere", mail / "cur" / "4.h:2,S");
  const auto db = (dir.path() / "c.db").string();
  REQUIRE(run_ccaudit({"scan", mail.string(), "--db", db}).exit_code == 3);
  const auto html = run_ccaudit({"report", "--db", db, "--format", "html"}).out;
  // The input not scanned is named, with why.
  CHECK_THAT(html, Catch::Contains("<ul id=\"not-scanned\">")
                     && Catch::Contains((mail / "cur" / "4.h:2,S").string() + "</span>: "
                                        "unreadable_input: "));
  // The timeline says what its axis and circles are, with dated ticks.
  CHECK_THAT(html, Catch::Contains("first sent (UTC); circle area: exposed addresses")
                     && Catch::Contains(">2019-03-04</text>")
                     && Catch::Contains("<text class=\"incident-label\"")
                     && Catch::Contains(">90</text>"));
  // b@ exposed 90 in 1 incident, a@ 52 in 2: b@ comes first.
  const auto chart = html.substr(html.find("<svg id=\"senders-chart\""));
  CHECK(chart.find("b@example.org") < chart.find("a@example.org"));
  CHECK_THAT(chart, Catch::Contains("90 exposed, 1 incident(s)")
                      && Catch::Contains("52 exposed, 2 incident(s)"));
}
