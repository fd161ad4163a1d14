// The files ccaudit writes beside its archive reading, end to end: the lock
// file (never a file someone else placed there), --out files (whole or not
// at all, never the database), databases that can only be read (read-only
// media, another user's folder), and the database's one writer (reports
// beside a first scan, two names of one file). Issue 16.
#include "store/sqlite_store.hpp"
#include "support/database.hpp"
#include "support/test_message.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

namespace fs = std::filesystem;
using ccaudit::test::address_list;
using ccaudit::test::read_file;
using ccaudit::test::run_ccaudit;
using ccaudit::test::run_program;
using ccaudit::test::RunResult;
using ccaudit::test::scalar;
using ccaudit::test::TempDir;
using ccaudit::test::TestMessage;
using nlohmann::json;

namespace {

const fs::path k_fixtures = CCAUDIT_FIXTURES_DIR;

// its own Message-ID: one finding each.
void
write_wide_messages(const TempDir& dir, const std::string& folder, int count)
{
  for (int i = 0; i < count; ++i) {
    const auto id = folder + "-" + std::to_string(i);
    dir.write(folder + "/" + id + ".eml",
              TestMessage{.to = address_list(30, "example.com", id + "-"),
                          .message_id = "<" + id + "@example.org>"}
                .str());
  }
}


} // namespace

// (3) The lock file. A writer truncates it and writes its pid: a root scan
// must not do that to whatever a user of the database's folder put there.

TEST_CASE("files: a lock file that is a symbolic link is refused, and the file it "
          "points to is left as it was", "[files]")
{
  TempDir dir;
  const auto db = dir.path() / "f.db";
  const auto victim = dir.write("victim.txt", "precious\n");
  fs::create_symlink(victim, db.string() + ".lock");
  auto r = run_ccaudit({"scan", k_fixtures.string(), "--db", db.string()});
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.err, Catch::Contains("f.db.lock is a symbolic link")
                      && Catch::Contains("refused"));
  CHECK(read_file(victim) == "precious\n");
  CHECK_FALSE(fs::exists(db)); // nothing was created

  // A link to no file would have created one, anywhere.
  fs::remove(db.string() + ".lock");
  const auto elsewhere = dir.path() / "created-elsewhere";
  fs::create_symlink(elsewhere, db.string() + ".lock");
  r = run_ccaudit({"scan", k_fixtures.string(), "--db", db.string()});
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.err, Catch::Contains("is a symbolic link"));
  CHECK_FALSE(fs::exists(elsewhere));
}

TEST_CASE("files: a lock file that is a FIFO, a hard link or another user's file is "
          "refused", "[files]")
{
  TempDir dir;
  const auto db = dir.path() / "f.db";
  const auto lock = db.string() + ".lock";
  const auto scan = [&] {
    return run_ccaudit({"scan", k_fixtures.string(), "--db", db.string()});
  };

  REQUIRE(::mkfifo(lock.c_str(), 0600) == 0);
  auto r = scan();
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.err, Catch::Contains("is not a regular file"));
  fs::remove(lock);

  const auto victim = dir.write("victim.txt", "precious\n");
  fs::create_hard_link(victim, lock);
  r = scan();
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.err, Catch::Contains("has other names (hard links)"));
  CHECK(read_file(victim) == "precious\n");
  fs::remove(lock);

  if (::geteuid() == 0) {
    dir.write("f.db.lock", "someone else's\n");
    REQUIRE(::chown(lock.c_str(), 65534, 65534) == 0);
    r = scan();
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err, Catch::Contains("belongs to another user (uid 65534)"));
    CHECK(read_file(lock) == "someone else's\n");
    fs::remove(lock);
  } else {
    WARN("skipped the other user's lock file: only root can give a file away");
  }
  CHECK_FALSE(fs::exists(db));
  CHECK(scan().exit_code == 1); // and a lock file of its own is fine
}

TEST_CASE("files: the holder a lock file names is printed with its control characters "
          "neutralised", "[files]")
{
  TempDir dir;
  const auto db = dir.path() / "f.db";
  const auto lock = dir.write("f.db.lock", "pid 1\x1b[2J\x1b]0;owned\x07\n");
  ::chmod(lock.c_str(), 0600);
  const int fd = ::open(lock.c_str(), O_RDWR);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX) == 0); // as a running scan holds it
  const auto r = run_ccaudit({"scan", k_fixtures.string(), "--db", db.string(), "--lock-wait", "1"});
  ::close(fd);
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.err, Catch::Contains("another ccaudit run (pid 1?[2J?]0;owned?"));
  CHECK(r.err.find('\x1b') == std::string::npos);
  CHECK(r.err.find('\x07') == std::string::npos);
}

// (7) One writer per database file.

TEST_CASE("files: reports in a loop during a database's first scan never stop it",
          "[files]")
{
  TempDir dir;
  write_wide_messages(dir, "mail", 1500);
  for (int round = 0; round < 3; ++round) {
    CAPTURE(round);
    const auto db = (dir.path() / ("r" + std::to_string(round) + ".db")).string();
    const pid_t scan = ccaudit::test::spawn_ccaudit(
      {"scan", (dir.path() / "mail").string(), "--db", db, "-q"});
    int status = 0, reports = 0;
    while (::waitpid(scan, &status, WNOHANG) == 0) {
      const auto r = run_ccaudit({"report", "--db", db, "--format", "jsonl"});
      ++reports;
      CAPTURE(r.err);
      // Before the first commit there is nothing to report yet.
      CHECK((r.exit_code == 0 || r.err.find("no database") != std::string::npos
             || r.err.find("holds no scan") != std::string::npos
             || r.err.find("being written by its first scan") != std::string::npos));
    }
    CAPTURE(reports);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 1);
    CHECK(scalar(db, "SELECT count(*) FROM finding") == 1500);
  }
}

TEST_CASE("files: two names of one database (hard links) are one lock: a scan through "
          "the other name waits, then stops with a clear message", "[files]")
{
  TempDir dir;
  write_wide_messages(dir, "mail", 3);
  const auto a = dir.path() / "a.db", b = dir.path() / "b.db";
  REQUIRE(run_ccaudit({"scan", (dir.path() / "mail").string(), "--db", a.string()}).exit_code == 1);
  fs::create_hard_link(a, b);
  {
    ccaudit::store::SqliteStore held(a, ccaudit::store::OpenMode::read_write); // a scan
    const auto r = run_ccaudit({"scan", (dir.path() / "mail").string(), "--db", b.string(),
                                "--lock-wait", "1"});
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err, Catch::Contains("another ccaudit run (through another name of the "
                                      "same file, such as a hard link) is writing to "
                                      + b.string())
                        && Catch::Contains("Nothing was scanned"));
  }
  CHECK(scalar(a, "SELECT count(*) FROM scan") == 1);
  CHECK(run_ccaudit({"scan", (dir.path() / "mail").string(), "--db", b.string()}).exit_code == 0);
  CHECK(scalar(a, "SELECT count(*) FROM scan") == 2);
}

TEST_CASE("files: two scans at once through hard links to one database both finish, "
          "one after the other, and both keep their findings", "[files]")
{
  TempDir dir;
  write_wide_messages(dir, "first", 3);
  write_wide_messages(dir, "one", 800);
  write_wide_messages(dir, "two", 800);
  const auto a = dir.path() / "a.db", b = dir.path() / "b.db";
  REQUIRE(run_ccaudit({"scan", (dir.path() / "first").string(), "--db", a.string()})
            .exit_code == 1);
  fs::create_hard_link(a, b);
  const pid_t one = ccaudit::test::spawn_ccaudit(
    {"scan", (dir.path() / "one").string(), "--db", a.string(), "-q"});
  const pid_t two = ccaudit::test::spawn_ccaudit(
    {"scan", (dir.path() / "two").string(), "--db", b.string(), "-q"});
  for (const pid_t pid : {one, two}) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 1);
  }
  for (const auto& db : {a, b}) {
    CAPTURE(db);
    CHECK(scalar(db, "SELECT count(*) FROM scan WHERE status = 'complete'") == 3);
    CHECK(scalar(db, "SELECT count(*) FROM finding") == 1603);
    CHECK(scalar(db, "SELECT count(DISTINCT scan_id) FROM finding") == 3);
  }
}
