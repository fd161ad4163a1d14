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

// A database of the fixtures (29 findings; its HTML report is 263 KB).
std::string
fixture_database(const TempDir& dir)
{
  const auto db = (dir.path() / "f.db").string();
  REQUIRE(run_ccaudit({"scan", k_fixtures.string(), "--db", db}).exit_code == 1);
  return db;
}

// `count` one-message files in `folder`, each showing 30 addresses under
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

// A file's bytes and modification time, to show it was not written.
struct FileState
{
  std::string bytes;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileState&) const = default;
};

FileState
state_of(const fs::path& file)
{
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  return {read_file(file), st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec};
}

// Names in `folder` that a --out write left behind (its temporary files).
std::vector<std::string>
leftovers(const fs::path& folder)
{
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(folder)) {
    if (e.path().filename().string().find(".ccaudit-") != std::string::npos) {
      out.push_back(e.path().filename().string());
    }
  }
  return out;
}

// Runs ccaudit with RLIMIT_FSIZE at `max_bytes` (ulimit -f: a write past
// it fails with EFBIG, as on a full disk) and, if `ignore_signal`, SIGXFSZ
// ignored (else the kernel's default kills a process that writes past it).
RunResult
run_with_file_limit(const std::vector<std::string>& args, rlim_t max_bytes, bool ignore_signal)
{
  TempDir io;
  const auto out_path = io.path() / "out", err_path = io.path() / "err";
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::signal(SIGXFSZ, ignore_signal ? SIG_IGN : SIG_DFL);
    const struct rlimit limit {max_bytes, max_bytes};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    std::string binary = CCAUDIT_BINARY;
    std::vector<std::string> copy = args;
    std::vector<char*> argv{binary.data()};
    for (auto& a : copy) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  return r;
}

// Runs ccaudit with `folder` mounted read-only over itself, in a mount
// namespace of its own (as on read-only media: writes fail with EROFS,
// even for root). nullopt where that cannot be done (no unshare, no right
// to mount).
std::optional<RunResult>
run_on_read_only_mount(const fs::path& folder, const std::vector<std::string>& args)
{
  const std::string unshare = "/usr/bin/unshare";
  if (!fs::exists(unshare)) {
    return std::nullopt;
  }
  std::vector<std::string> argv = {
    "-m", "/bin/sh", "-c",
    "mount --bind \"$1\" \"$1\" && mount -o remount,ro,bind \"$1\" \"$1\" || exit 97; "
    "if touch \"$1/.probe\" 2>/dev/null; then exit 98; fi; shift; exec \"$@\"",
    "sh", folder.string(), CCAUDIT_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run_program(unshare, argv);
  if (r.exit_code == 97 || r.exit_code == 98
      || r.err.find("unshare failed") != std::string::npos) {
    return std::nullopt;
  }
  return r;
}

std::string
first_incident(const std::string& db)
{
  const auto r = run_ccaudit({"report", "--db", db, "--format", "json"});
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out)["incidents"][0]["id"];
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

// (5) --out files: written whole or not at all, and never over the database.

TEST_CASE("files: report --out past a file size limit fails and leaves the previous "
          "report as it was, and no temporary file", "[files]")
{
  TempDir dir;
  const auto db = fixture_database(dir);
  const auto out = dir.write("review.html", "the previous report\n");
  for (const bool ignore_signal : {true, false}) {
    CAPTURE(ignore_signal);
    // 64 KiB: room for SQLite's 32 KiB -shm index, not for the 263 KB page.
    const auto r = run_with_file_limit({"report", "--db", db, "--format", "html", "--out",
                                        out.string()},
                                       64 * 1024, ignore_signal);
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err, Catch::Contains("cannot write " + out.string() + ": File too large")
                        && Catch::Contains("unchanged"));
    CHECK(read_file(out) == "the previous report\n");
    CHECK(leftovers(dir.path()).empty());
  }
  const auto r = run_ccaudit({"report", "--db", db, "--format", "html", "--out", out.string()});
  CHECK(r.exit_code == 0);
  CHECK(read_file(out).size() > 200000);
  struct stat st {};
  REQUIRE(::stat(out.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(leftovers(dir.path()).empty());
}

TEST_CASE("files: export and baseline export --out are written whole or not at all",
          "[files]")
{
  TempDir dir;
  // 1,000 findings (a baseline of 90 KB); one with 3,000 addresses (an
  // export of 100 KB) in a database of its own (what a review of both
  // sorts would not fit SQLite's cache, and go to a temporary file).
  write_wide_messages(dir, "mail", 1000);
  dir.write("wide/wide.eml", TestMessage{.to = address_list(3000, "example.net"),
                                         .message_id = "<wide@example.org>"}
                               .str());
  const auto db = (dir.path() / "w.db").string(), wide = (dir.path() / "x.db").string();
  REQUIRE(run_ccaudit({"scan", (dir.path() / "mail").string(), "--db", db}).exit_code == 1);
  REQUIRE(run_ccaudit({"scan", (dir.path() / "wide").string(), "--db", wide}).exit_code == 1);
  const auto incident = first_incident(wide);
  const std::vector<std::vector<std::string>> commands = {
    {"export", "--incident", incident, "--db", wide, "--format", "csv"},
    {"export", "--incident", incident, "--db", wide, "--format", "json"},
    {"baseline", "export", "--db", db},
  };
  for (auto args : commands) {
    CAPTURE(args);
    const auto out = dir.write("out.txt", "the previous file\n");
    args.insert(args.end(), {"--out", out.string()});
    const auto failed = run_with_file_limit(args, 64 * 1024, true);
    CHECK(failed.exit_code == 4);
    CHECK_THAT(failed.err, Catch::Contains("File too large"));
    CHECK(read_file(out) == "the previous file\n");
    CHECK(leftovers(dir.path()).empty());
    const auto written = run_ccaudit(args);
    CHECK(written.exit_code == 0);
    CHECK(read_file(out).size() > 64 * 1024);
    struct stat st {};
    REQUIRE(::stat(out.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
  }
}

TEST_CASE("files: --out naming the database or a file beside it is refused, and the "
          "database is left as it was", "[files]")
{
  TempDir dir;
  const auto db = fixture_database(dir);
  const auto incident = first_incident(db);
  // The -wal and -shm that a reader leaves, and a lock file.
  REQUIRE(fs::exists(db + ".lock"));
  const auto before = state_of(db);
  const auto findings = scalar(db, "SELECT count(*) FROM finding");
  fs::create_symlink(db, dir.path() / "link.db");
  fs::create_hard_link(db, dir.path() / "hard.db");
  fs::create_directory(dir.path() / "sub");
  const std::vector<std::pair<std::string, std::string>> names = {
    {db, "the database"},
    {db + "-wal", "its write-ahead log"},
    {db + "-shm", "its write-ahead log's index"},
    {db + "-journal", "its rollback journal"},
    {db + ".lock", "its lock file"},
    {(dir.path() / "link.db").string(), "the database"},
    {(dir.path() / "hard.db").string(), "the database"},
    {(dir.path() / "sub" / ".." / "f.db").string(), "the database"},
    {"f.db", "the database"}, // relative to the working folder
  };
  for (const auto& [out, what] : names) {
    for (std::vector<std::string> args : {
           std::vector<std::string>{"report", "--db", db, "--format", "html"},
           std::vector<std::string>{"export", "--incident", incident, "--db", db},
           std::vector<std::string>{"baseline", "export", "--db", db},
         }) {
      args.insert(args.end(), {"--out", out});
      CAPTURE(args);
      const auto r = run_ccaudit(args, dir.path());
      CHECK(r.exit_code == 2);
      CHECK_THAT(r.err, Catch::Contains("--out " + out + " is " + what)
                          && Catch::Contains("refused"));
    }
  }
  CHECK(state_of(db) == before);
  CHECK(scalar(db, "SELECT count(*) FROM finding") == findings);
  CHECK(fs::is_symlink(dir.path() / "link.db"));
  CHECK_FALSE(fs::exists(db + "-journal"));
}

// (6) Evidence that can only be read.

TEST_CASE("files: reviewing a database never writes to it", "[files]")
{
  TempDir dir;
  const auto db = fixture_database(dir);
  const auto incident = first_incident(db);
  const auto before = state_of(db);
  for (const auto* format : {"text", "json", "html", "csv", "jsonl"}) {
    CHECK(run_ccaudit({"report", "--db", db, "--format", format}).exit_code == 0);
  }
  CHECK(run_ccaudit({"export", "--incident", incident, "--db", db}).exit_code == 0);
  CHECK(run_ccaudit({"baseline", "export", "--db", db}).exit_code == 0);
  CHECK(state_of(db) == before);
  std::error_code ec;
  CHECK(fs::file_size(db + "-wal", ec) == (ec ? static_cast<std::uintmax_t>(-1) : 0));
}

TEST_CASE("files: a database on read-only media is reviewed: report, export and "
          "baseline export", "[files]")
{
  TempDir dir;
  const auto db = fixture_database(dir);
  const auto incident = first_incident(db);
  const std::vector<std::vector<std::string>> commands = {
    {"report", "--db", db, "--format", "json"},
    {"report", "--db", db, "--format", "jsonl"},
    {"export", "--incident", incident, "--db", db},
    {"baseline", "export", "--db", db},
  };
  // What a writable folder gives, to compare with; then as a scan leaves
  // it: no -wal, no -shm (the state a copy to read-only media has).
  std::vector<std::string> expected;
  for (const auto& args : commands) {
    expected.push_back(run_ccaudit(args).out);
  }
  fs::remove(db + "-wal");
  fs::remove(db + "-shm");
  const auto before = state_of(db);
  for (std::size_t i = 0; i < commands.size(); ++i) {
    CAPTURE(commands[i]);
    const auto r = run_on_read_only_mount(dir.path(), commands[i]);
    if (!r) {
      WARN("skipped: a read-only bind mount needs root and unshare(1)");
      return;
    }
    CHECK(r->exit_code == 0);
    CHECK(r->err.empty());
    CHECK(r->out == expected[i]);
  }
  CHECK(state_of(db) == before);
  CHECK_FALSE(fs::exists(db + "-shm"));
}

TEST_CASE("files: on read-only media, a -wal file holding changes is refused with what "
          "to do, not ignored", "[files]")
{
  TempDir dir;
  const auto db = fixture_database(dir);
  // A change that stays in the -wal: a connection that does not checkpoint
  // when it closes, and the -shm gone (as in a copy of the two files).
  {
    ccaudit::store::SqliteStore store(db, ccaudit::store::OpenMode::read_write);
    store.execute("PRAGMA wal_autocheckpoint=0");
    store.execute("INSERT INTO acceptance(fingerprint, accepted_at) VALUES ('x', 'now')");
    fs::copy_file(db, dir.path() / "copy.db");
    fs::copy_file(db + "-wal", dir.path() / "copy.db-wal");
  }
  const auto copy = (dir.path() / "copy.db").string();
  REQUIRE(fs::file_size(copy + "-wal") > 0);
  const auto before = state_of(copy);
  const auto r = run_on_read_only_mount(dir.path(), {"baseline", "export", "--db", copy});
  if (!r) {
    WARN("skipped: a read-only bind mount needs root and unshare(1)");
    return;
  }
  CHECK(r->exit_code == 4);
  CHECK_THAT(r->err, Catch::Contains(copy + "-wal holds changes not yet merged into " + copy)
                       && Catch::Contains("Copy " + copy + " and " + copy + "-wal together"));
  CHECK(state_of(copy) == before);
  // Where the folder can be written, SQLite reads the two together.
  CHECK(scalar(copy, "SELECT count(*) FROM acceptance") == 1);
}

TEST_CASE("files: a database in a folder its reader cannot write is reviewed (as "
          "another user)", "[files]")
{
  const std::string setpriv = "/usr/bin/setpriv";
  if (::geteuid() != 0 || !fs::exists(setpriv)) {
    WARN("skipped: running as another user needs root and setpriv(1)");
    return;
  }
  TempDir dir;
  const auto db = fixture_database(dir);
  const auto incident = first_incident(db);
  const auto expected = run_ccaudit({"report", "--db", db, "--format", "jsonl"}).out;
  fs::remove(db + "-wal");
  fs::remove(db + "-shm");
  // The reviewer may read the database, not write its folder.
  ::chmod(db.c_str(), 0644);
  ::chmod(dir.path().c_str(), 0555);
  const auto before = state_of(db);
  const auto as_nobody = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--reuid=65534", "--regid=65534", "--clear-groups",
                               CCAUDIT_BINARY});
    return run_program(setpriv, args);
  };
  auto r = as_nobody({"report", "--db", db, "--format", "jsonl"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == expected);
  CHECK(as_nobody({"export", "--incident", incident, "--db", db}).exit_code == 0);
  CHECK(as_nobody({"baseline", "export", "--db", db}).exit_code == 0);
  ::chmod(dir.path().c_str(), 0700);
  CHECK(state_of(db) == before);
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
