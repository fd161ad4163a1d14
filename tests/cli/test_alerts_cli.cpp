// Alerts are never lost (README, "Exit codes" and "Scheduled scans"): a
// finding stays new until a scan that recorded it completed, and one that
// could not be delivered on standard output is delivered by the next scan.
#include "support/database.hpp"
#include "support/test_message.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;
using ccaudit::test::address_list;
using ccaudit::test::run_ccaudit;
using ccaudit::test::run_program;
using ccaudit::test::scalar;
using ccaudit::test::TempDir;
using ccaudit::test::TestMessage;

namespace {

fs::path
two_leaks(const TempDir& dir)
{
  for (const char* sub : {"cur", "new", "tmp"}) {
    fs::create_directories(dir.path() / "md" / sub);
  }
  dir.write("md/cur/1.a:2,S", TestMessage{.to = address_list(30), .message_id = "<a@example.org>"}.str());
  dir.write("md/cur/2.b:2,S",
            TestMessage{.to = address_list(40, "example.net"), .message_id = "<b@example.org>"}.str());
  return dir.path() / "md";
}

std::size_t
lines(const std::string& s)
{
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

} // namespace

TEST_CASE("alerts: --jsonl that cannot be written stops the scan (exit 4), and the next scan "
          "sends those findings",
          "[cli][alerts]")
{
  TempDir dir;
  const auto md = two_leaks(dir);
  const auto db = (dir.path() / "a.db").string();
  // A full disk: stdout fails at the first line.
  const auto full = run_program("/bin/sh", {"-c", std::string("exec \"$0\" scan \"$1\" --db \"$2\" --jsonl > /dev/full"),
                                            CCAUDIT_BINARY, md.string(), db});
  CHECK(full.exit_code == 4);
  CHECK(full.err.find("cannot write a finding to standard output") != std::string::npos);
  const auto again = run_ccaudit({"scan", md.string(), "--db", db, "--jsonl"});
  INFO(again.err);
  CHECK(again.exit_code == 1);
  CHECK(lines(again.out) == 2);
  const auto quiet = run_ccaudit({"scan", md.string(), "--db", db, "--jsonl"});
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.out.empty());
}

TEST_CASE("alerts: a reader that closes the pipe is an error the scan reports, not SIGPIPE",
          "[cli][alerts]")
{
  TempDir dir;
  const auto md = two_leaks(dir);
  const auto db = (dir.path() / "p.db").string();
  // 'true' exits at once: the scan's first line meets a closed pipe (or, if
  // the scan was quicker, the pipe's buffer, and all is delivered).
  const auto r = run_program("/bin/bash", {"-c", "\"$0\" scan \"$1\" --db \"$2\" --jsonl | true; "
                                                 "exit \"${PIPESTATUS[0]}\"",
                                           CCAUDIT_BINARY, md.string(), db});
  INFO(r.err);
  CHECK((r.exit_code == 4 || r.exit_code == 1));
  if (r.exit_code == 4) {
    CHECK(r.err.find("Broken pipe") != std::string::npos);
  }
}

TEST_CASE("alerts: findings of a scan that failed are new to the rerun, which exits 1", "[cli][alerts]")
{
  TempDir dir;
  const auto md = two_leaks(dir);
  const auto db = (dir.path() / "b.db").string();
  const auto full = run_program("/bin/sh", {"-c", std::string("exec \"$0\" scan \"$1\" --db \"$2\" --jsonl > /dev/full"),
                                            CCAUDIT_BINARY, md.string(), db});
  REQUIRE(full.exit_code == 4);
  REQUIRE(scalar(db, "SELECT count(*) FROM finding") >= 1);
  const auto rerun = run_ccaudit({"scan", md.string(), "--db", db});
  INFO(rerun.err);
  CHECK(rerun.exit_code == 1);
  CHECK(rerun.err.find("exposure(s), 2 new") != std::string::npos);
  CHECK(run_ccaudit({"scan", md.string(), "--db", db}).exit_code == 0);
}

TEST_CASE("alerts: findings of a scan that could not read everything (exit 3) stay new until a "
          "scan completes",
          "[cli][alerts]")
{
  TempDir dir;
  const auto md = two_leaks(dir);
  // gzip data: not scanned, so the scan is incomplete (exit 3).
  dir.write("md/cur/3.gz:2,S", std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10));
  const auto db = (dir.path() / "c.db").string();
  CHECK(run_ccaudit({"scan", md.string(), "--db", db}).exit_code == 3);
  CHECK(run_ccaudit({"scan", md.string(), "--db", db}).exit_code == 3);
  fs::remove(md / "cur/3.gz:2,S");
  const auto rerun = run_ccaudit({"scan", md.string(), "--db", db});
  INFO(rerun.err);
  CHECK(rerun.exit_code == 1);
  CHECK(rerun.err.find("exposure(s), 2 new") != std::string::npos);
  CHECK(run_ccaudit({"scan", md.string(), "--db", db}).exit_code == 0);
}

TEST_CASE("alerts: each --jsonl line carries sent_at in UTC, the scan, the host and when it was "
          "detected, and --redact-key redacts it as reports are redacted",
          "[cli][alerts]")
{
  TempDir dir;
  fs::create_directories(dir.path() / "md" / "cur");
  dir.write("md/cur/1.a:2,S",
            TestMessage{.from = "Alice <alice@example.org>", .to = address_list(30),
                        .date = "Wed, 02 Oct 2024 11:15:00 +0200", .message_id = "<a@example.org>"}
              .str());
  dir.write("md/cur/2.b:2,S", TestMessage{.to = address_list(40, "example.net"),
                                          .date = "not a date", .message_id = "<b@example.org>"}
                                .str());
  const auto md = (dir.path() / "md").string();
  const auto db = (dir.path() / "c.db").string();
  const auto scan = run_ccaudit({"scan", md, "--db", db, "--jsonl"});
  REQUIRE(scan.exit_code == 1);
  std::map<std::string, nlohmann::json> by_id;
  std::istringstream in(scan.out);
  for (std::string line; std::getline(in, line);) {
    const auto j = nlohmann::json::parse(line);
    by_id[j["message_id"].get<std::string>()] = j;
  }
  REQUIRE(by_id.size() == 2);
  const auto& a = by_id["a@example.org"];
  CHECK(a["date"] == "Wed, 02 Oct 2024 11:15:00 +0200"); // as written
  CHECK(a["sent_at"] == "2024-10-02T09:15:00Z");
  CHECK(by_id["b@example.org"]["sent_at"].is_null());
  CHECK(a["scan_id"] == 1);
  CHECK(a["host"].get<std::string>() == ccaudit::test::scalar_text(db, "SELECT host FROM scan"));
  CHECK(std::regex_match(a["detected_at"].get<std::string>(),
                         std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
  CHECK(a["addresses"][0] == "user0@example.com");

  // Redacted as 'report --redact-key' redacts: the same hashes.
  dir.write("team.key", std::string(32, 'k'));
  const auto key = (dir.path() / "team.key").string();
  const auto other = (dir.path() / "r.db").string();
  const auto redacted = run_ccaudit({"scan", md, "--db", other, "--jsonl", "--redact-key", key});
  REQUIRE(redacted.exit_code == 1);
  CHECK(redacted.out.find("user0@example.com") == std::string::npos);
  CHECK(redacted.out.find("alice@example.org") == std::string::npos);
  CHECK(redacted.out.find("\"from_name\":\"(withheld)\"") != std::string::npos);
  const auto report = run_ccaudit({"report", "--db", other, "--format", "jsonl",
                                   "--redact-key", key});
  std::istringstream first(redacted.out);
  std::string line;
  std::getline(first, line);
  const auto hashed = nlohmann::json::parse(line)["addresses"][0].get<std::string>();
  CHECK_THAT(hashed, Catch::StartsWith("hmac-"));
  CHECK(report.out.find(hashed) != std::string::npos);
  // The database keeps the addresses.
  CHECK(scalar(other, "SELECT count(*) FROM finding_address WHERE address = 'user0@example.com'")
        == 1);
  // A key file that cannot be read stops the scan before it records anything.
  const auto bad = run_ccaudit({"scan", md, "--db", (dir.path() / "x.db").string(), "--jsonl",
                                "--redact-key", (dir.path() / "missing.key").string()});
  CHECK(bad.exit_code == 4);
  CHECK_FALSE(fs::exists(dir.path() / "x.db"));
}
