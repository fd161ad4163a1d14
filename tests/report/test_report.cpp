#include "report/report.hpp"

#include "core/fatal_error.hpp"
#include "support/test_message.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sstream>

using namespace ccaudit;

namespace {

void
fill(store::SqliteStore& db, const std::string& subject)
{
  db.begin_scan({"0.1.0", "host", "[]", "[]", 2});
  Finding f;
  f.kind = "visible-recipients";
  f.subject = subject;
  f.from_address = "boss@example.org";
  f.visible_count = 3;
  f.external_count = 2;
  f.domain_count = 1;
  f.addresses = {{"a@example.com", "", "to", false},
                 {"b@example.com", "", "cc", false},
                 {"me@example.org", "", "to", true}};
  db.record_finding({"/archive/box", 1, 500, true}, f);
  db.record_issue({"/archive/gone"}, {IssueKind::unreadable_input, "open: denied"});
  db.finish_scan({"incomplete", 2, 2, 1, 1, 1});
}

} // namespace

TEST_CASE("report: jsonl has one object per finding with the agreed keys",
          "[report]")
{
  test::TempDir dir;
  store::SqliteStore db(dir.path() / "f.db", store::OpenMode::read_write);
  fill(db, "Bad \xff byte");
  std::ostringstream out;
  report::render(db, {}, report::Format::jsonl, out);
  const auto j = nlohmann::json::parse(out.str());
  CHECK(j["path"] == "/archive/box");
  CHECK(j["offset"] == 500);
  CHECK(j["mbox_index"] == 1);
  CHECK(j["from"] == "boss@example.org");
  CHECK(j["subject"] == "Bad \xef\xbf\xbd byte");
  CHECK(j["visible_count"] == 3);
  CHECK(j["external_count"] == 2);
  CHECK(j["addresses"] == nlohmann::json{"a@example.com", "b@example.com"});
  CHECK(j["internal_addresses"] == nlohmann::json{"me@example.org"});
  for (const char* key : {"message_id", "date"}) {
    CHECK(j.contains(key));
  }
}

TEST_CASE("report: text neutralises terminal escapes and lists what was not "
          "scanned",
          "[report]")
{
  test::TempDir dir;
  store::SqliteStore db(dir.path() / "f.db", store::OpenMode::read_write);
  fill(db, "\x1b]0;pwned\x07\x1b[2J");
  std::ostringstream out;
  report::render(db, {}, report::Format::text, out);
  const auto s = out.str();
  CHECK(s.find('\x1b') == std::string::npos);
  CHECK(s.find('\x07') == std::string::npos);
  CHECK_THAT(s, Catch::Contains("2 distinct addresses were shown to 3 distinct recipients"));
  CHECK_THAT(s, Catch::Contains("/archive/box (message 1, offset 500)"));
  CHECK_THAT(s, Catch::Contains("not scanned:\n  /archive/gone"));
  CHECK_THAT(s, Catch::Contains("incomplete"));
}

TEST_CASE("report: an empty database or unknown scan is an error", "[report]")
{
  test::TempDir dir;
  store::SqliteStore db(dir.path() / "f.db", store::OpenMode::read_write);
  std::ostringstream out;
  CHECK_THROWS_AS(report::render(db, {}, report::Format::text, out),
                  FatalError);
  fill(db, "x");
  CHECK_THROWS_AS(report::render(db, report::Request{42}, report::Format::text, out),
                  FatalError);
}

TEST_CASE("report: json, csv and html stay valid UTF-8 whatever the bytes of "
          "subjects and paths", "[report]")
{
  test::TempDir dir;
  store::SqliteStore db(dir.path() / "f.db", store::OpenMode::read_write);
  db.begin_scan({"0.1.0", "host", "[]", "[]", 2});
  Finding f;
  f.kind = "visible-recipients";
  f.subject = "Bad \xff byte";
  f.from_name = "\xc3(";
  f.from_address = "boss@example.org";
  f.visible_count = f.external_count = 2;
  f.domain_count = 1;
  f.incident_key = "mid:x";
  f.incident_id = "I-000000000001";
  f.addresses = {{"a@example.com", "N\xe9", "to", false}, {"b@example.com", "", "cc", false}};
  db.record_finding({"/archive/\xfe.mbox", 0, 0, true}, f);
  db.finish_scan({"complete", 1, 1, 1, 0, 0});
  std::ostringstream json_out, csv_out, html_out;
  report::render(db, {}, report::Format::json, json_out);
  const auto j = nlohmann::json::parse(json_out.str()); // throws on invalid UTF-8
  CHECK(j["incidents"][0]["subject"] == "Bad \xef\xbf\xbd byte");
  CHECK(j["incidents"][0]["copies"][0]["path"] == "/archive/\xef\xbf\xbd.mbox");
  report::render(db, {}, report::Format::csv, csv_out);
  report::render(db, {}, report::Format::html, html_out);
  for (const auto& s : {csv_out.str(), html_out.str()}) {
    CHECK(s.find('\xff') == std::string::npos);
    CHECK(s.find('\xfe') == std::string::npos);
    CHECK(s.find("Bad \xef\xbf\xbd byte") != std::string::npos);
  }
}
