#include "report/report.hpp"

#include "core/fatal_error.hpp"
#include "support/test_message.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <filesystem>
#include <functional>
#include <map>
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

namespace {

namespace fs = std::filesystem;

const fs::path k_reports = fs::path(CCAUDIT_SOURCE_DIR) / "reports";

// The queries users run from reports/ (every file but review.sql, which
// makes the views they read), by file name.
std::map<std::string, std::string>
report_queries()
{
  std::map<std::string, std::string> queries;
  for (const auto& e : fs::directory_iterator(k_reports)) {
    if (e.path().extension() == ".sql" && e.path().filename() != "review.sql") {
      queries[e.path().filename().string()] = test::read_file(e.path());
    }
  }
  return queries;
}

// A scan of n sends of 30 addresses each (every fifth address internal),
// with what a review groups: pairs of sends of one sender and subject half
// a day apart (campaigns), a second copy of every fourth send (every eighth showing one
// address less: divergent), a reply-all to the send before it of every
// fifth (a re-exposure that is an incident too), a reply kept as context,
// list mail, an address list inside a message linked to its send, and a
// finding of ccaudit 0.1 (no incident identity) among every seventeen.
void
fill_incidents(const fs::path& file, int n)
{
  store::SqliteStore db(file, store::OpenMode::read_write);
  db.begin_scan({"0.1.0", "host", "[]", "[\"example.net\"]", 25});
  const auto id = [](int k) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "%012x", k);
    return std::string("I-") + hex;
  };
  const auto mid = [](int k) { return std::to_string(k) + "@send.example.org"; };
  const auto addresses = [](int k) {
    std::vector<ExposedAddress> list;
    for (int j = 0; j < 30; ++j) {
      const auto p = (k * 7 + j * 13) % 2000;
      const bool internal = j % 5 == 0;
      list.push_back({"p" + std::to_string(p) + (internal ? "@example.net" : "@example.com"),
                      j % 2 ? "First Last" : "", "to", internal, j % 2 == 1});
    }
    return list;
  };
  std::uint64_t offset = 0;
  const auto record = [&](const std::string& path, Finding f) {
    f.visible_count = f.addresses.size();
    f.external_count = 0;
    for (const auto& a : f.addresses) {
      f.external_count += a.internal ? 0 : 1;
    }
    f.domain_count = 1;
    f.recipient_hash = std::to_string(f.addresses.size());
    f.fingerprint = f.kind + f.incident_id + f.recipient_hash;
    db.record_finding({path, 0, offset, true}, f);
    offset += 1000;
  };
  for (int k = 0; k < n; ++k) {
    Finding f;
    f.kind = "visible-recipients";
    f.message_id = mid(k);
    f.date = "Mon, 1 Jan 2024 00:00:00 +0000";
    f.sent_at = 1704067200 + std::int64_t{k} * 86400 / 2;
    f.from_address = "sender" + std::to_string(k / 2 % 50) + "@example.org";
    f.subject = f.subject_key = "figures " + std::to_string(k / 2);
    f.incident_key = "mid:" + f.message_id;
    f.incident_id = k % 17 == 16 ? "" : id(k);
    f.addresses = addresses(k);
    if (k % 5 == 4) {
      f.references = {mid(k - 1)};
      f.addresses = addresses(k - 1);
      f.addresses.resize(20);
    }
    if (k % 10 == 3) {
      f.suppressed = "List-Id: <team.lists.example.org>";
    }
    record("/archive/inbox", f);
    if (k % 4 == 0) {
      if (k % 8 == 0) {
        f.addresses.pop_back();
      }
      record("/archive/sent", f);
    }
    if (k % 10 == 7) {
      Finding reply = f;
      reply.kind = "reply-recipients";
      reply.message_id = "re" + mid(k);
      reply.incident_id = id(n + k);
      reply.references = {mid(k)};
      reply.addresses.resize(15);
      record("/archive/inbox", reply);
      Finding content = f;
      content.kind = "address-list-in-content";
      content.part_path = "2";
      record("/archive/inbox", content);
    }
  }
  db.finish_scan({"complete", 1, std::uint64_t(n), std::uint64_t(n), 0, 0});
}

// The steps the SQLite virtual machine took to run each query of reports/
// (after review.sql, as users run them): deterministic, unlike time.
std::map<std::string, std::int64_t>
vm_steps(const fs::path& file, bool include_suppressed)
{
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  const auto review = test::read_file(k_reports / "review.sql");
  REQUIRE(sqlite3_exec(db, review.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  if (include_suppressed) {
    REQUIRE(sqlite3_exec(db, "UPDATE review_setting SET include_suppressed = 1", nullptr,
                         nullptr, nullptr) == SQLITE_OK);
  }
  std::map<std::string, std::int64_t> steps;
  for (const auto& [name, sql] : report_queries()) {
    CAPTURE(name);
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    const auto flag = sqlite3_bind_parameter_index(stmt, ":include_suppressed");
    if (flag) {
      sqlite3_bind_int(stmt, flag, include_suppressed ? 1 : 0);
    }
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    CHECK(rc == SQLITE_DONE);
    steps[name] = sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_VM_STEP, 0);
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return steps;
}

} // namespace

// Issue 16, point 9: a report of 40,000 incidents took 205 s, 5,000 took 3,
// and one of 45,000 findings did not end in 9 minutes: queries looked rows
// up in a view (which SQLite cannot index) for each incident, reading all of
// it every time. Four times the incidents must take about four times the
// work, and no more.
TEST_CASE("report: every query in reports/ does about 4 times the work for 4 "
          "times the incidents", "[report][scaling]")
{
  test::TempDir dir;
  fill_incidents(dir.path() / "small.db", 100);
  fill_incidents(dir.path() / "large.db", 400);
  {
    store::SqliteStore db(dir.path() / "small.db", store::OpenMode::read_only);
    db.execute(test::read_file(k_reports / "review.sql"));
    const auto count = [&](const std::string& sql) {
      std::int64_t n = 0;
      db.query(sql, {}, [&](const store::Row& r) { n = r.integer(0); });
      return n;
    };
    CHECK(count("SELECT count(*) FROM incident") > 80);
    CHECK(count("SELECT count(*) FROM campaign") > 20);
    CHECK(count("SELECT count(*) FROM reexposure") > 15);
    CHECK(count("SELECT count(*) FROM incident WHERE divergent") > 5);
    CHECK(count("SELECT count(*) FROM content_finding WHERE linked") > 5);
  }
  for (const bool suppressed : {false, true}) {
    const auto small = vm_steps(dir.path() / "small.db", suppressed);
    const auto large = vm_steps(dir.path() / "large.db", suppressed);
    CHECK(small.size() >= 15);
    for (const auto& [name, steps] : small) {
      CAPTURE(name, suppressed, steps, large.at(name));
      CHECK(large.at(name) <= 5 * std::max<std::int64_t>(steps, 1000));
    }
  }
}

// What the test above measures, read from the plans, so that a query that
// is linear only by luck of the data is caught too: in a join, every table
// after the first is searched by an index (not read whole for each row, nor
// by a range open at one end), and never by an index SQLite builds itself
// while running the query (an automatic index: the planner may do without
// it, and then reads the whole view for each row); a subquery run for each
// row likewise.
TEST_CASE("report: no query in reports/ reads a table or view whole for each "
          "row of another", "[report][scaling]")
{
  test::TempDir dir;
  fill_incidents(dir.path() / "f.db", 20);
  store::SqliteStore db(dir.path() / "f.db", store::OpenMode::read_only);
  db.execute(test::read_file(k_reports / "review.sql"));
  for (const auto& [name, sql] : report_queries()) {
    struct Step
    {
      std::int64_t id;
      std::string detail;
    };
    std::map<std::int64_t, std::vector<Step>> children;
    db.query("EXPLAIN QUERY PLAN " + sql, {}, [&](const store::Row& r) {
      children[r.integer(1)].push_back({r.integer(0), r.text(3)});
    });
    REQUIRE_FALSE(children.empty());
    // A search whose only bound is one inequality reads a range open at one
    // end: "(scan_id<?)" is every finding.
    const auto open_range = [](const std::string& detail) {
      const auto open = detail.rfind('(');
      if (detail.rfind("SEARCH ", 0) != 0 || open == std::string::npos) {
        return false;
      }
      auto bounds = detail.substr(open);
      for (const auto* op : {"<=", ">="}) {
        for (auto at = bounds.find(op); at != std::string::npos; at = bounds.find(op)) {
          bounds.replace(at, 2, "~");
        }
      }
      const bool lower = bounds.find('>') != std::string::npos;
      const bool upper = bounds.find('<') != std::string::npos;
      return bounds.find('=') == std::string::npos && !(lower && upper);
    };
    std::vector<std::string> per_row;
    std::function<void(std::int64_t, bool, const std::string&)> walk =
      [&](std::int64_t parent, bool in_correlated, const std::string& path) {
        int loops = 0;
        for (const auto& step : children[parent]) {
          const bool scan = step.detail.rfind("SCAN ", 0) == 0;
          const bool loop = scan || step.detail.rfind("SEARCH ", 0) == 0;
          loops += loop ? 1 : 0;
          const bool inner = loop && (loops > 1 || in_correlated);
          const bool whole = scan && step.detail.find("review_setting") == std::string::npos
                             && step.detail.find("CONSTANT ROW") == std::string::npos;
          if (inner && (whole || open_range(step.detail)
                        || step.detail.find("AUTOMATIC") != std::string::npos)) {
            per_row.push_back(path + step.detail);
          }
          // A subquery materialised once is not run again for each row.
          const bool correlated = step.detail.rfind("CORRELATED ", 0) == 0;
          const bool once = step.detail.rfind("MATERIALIZE ", 0) == 0;
          walk(step.id, (in_correlated || correlated) && !once, path + step.detail + " / ");
        }
      };
    walk(0, false, "");
    CAPTURE(name);
    CHECK(per_row == std::vector<std::string>{});
  }
}
