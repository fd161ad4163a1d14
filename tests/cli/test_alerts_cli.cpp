// Alerts are never lost (README, "Exit codes" and "Scheduled scans"): a
// finding stays new until a scan that recorded it completed, and one that
// could not be delivered on standard output is delivered by the next scan.
#include "support/database.hpp"
#include "support/test_message.hpp"

#include <catch2/catch.hpp>

#include <sstream>

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
  CHECK(rerun.err.find("(2 new") != std::string::npos);
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
  CHECK(rerun.err.find("(2 new") != std::string::npos);
  CHECK(run_ccaudit({"scan", md.string(), "--db", db}).exit_code == 0);
}
