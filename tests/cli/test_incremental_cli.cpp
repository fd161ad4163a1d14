// Scheduled scans over a store that changes between runs: what is read
// again, what is new, what is the same message, and what is gone.
#include "store/sqlite_store.hpp"
#include "support/database.hpp"
#include "support/test_message.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <fcntl.h>
#include <regex>
#include <sys/file.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <thread>
#include <tuple>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace ccaudit;
using test::address_list;
using test::run_ccaudit;
using test::TempDir;
using test::TestMessage;

using ccaudit::test::scalar;

namespace {


// A wide message whose recipients and Message-ID depend on `n`.
std::string
wide(int n, int recipients = 30)
{
  return TestMessage{.to = address_list(recipients, "example.com", "m" + std::to_string(n) + "u"),
                     .message_id = "<wide" + std::to_string(n) + "@example.org>"}
    .str();
}

std::string
mbox_entry(const std::string& message)
{
  return "From sender@example.org Mon Mar  4 10:15:00 2019\n" + message + "\n";
}

// Sets a folder's times a day back: a folder changed within the last
// seconds is listed again by the next scan (a delivery in the same clock
// tick could hide), so tests that expect it skipped age it first.
void
age(const fs::path& dir, long days = 1)
{
  const auto then = ::time(nullptr) - days * 86400;
  const struct timeval day_ago[2] = {{then, 0}, {then, 0}};
  REQUIRE(::utimes(dir.c_str(), day_ago) == 0);
}

// The numbers of the scan's summary line.
struct Summary
{
  long read = 0, unchanged = 0, messages = 0, findings = 0, fresh = 0, suppressed = 0;
};

// The numbers the groups of `pattern` capture in a scan's output ("1,234"
// is 1234).
std::vector<long>
numbers_in(const std::string& err, const char* pattern)
{
  std::smatch m;
  REQUIRE(std::regex_search(err, m, std::regex(pattern)));
  std::vector<long> out;
  for (std::size_t i = 1; i < m.size(); ++i) {
    auto digits = m[i].str();
    std::erase(digits, ',');
    out.push_back(std::stol(digits));
  }
  return out;
}

Summary
summary_of(const std::string& err)
{
  const auto n = numbers_in(
    err, R"(([\d,]+) read from ([\d,]+) file\(s\) \([\d,]+ not mail\), [\d,]+ in ([\d,]+) )"
         R"(unchanged file\(s\) not read again; .*this scan recorded ([\d,]+) )"
         R"(exposure\(s\), ([\d,]+) new, ([\d,]+) suppressed)");
  return {n[1], n[2], n[0], n[3], n[4], n[5]};
}

// The summary line's totals: messages and files on disk, and of them those
// known unchanged and not read again.
std::vector<long>
totals_of(const std::string& err)
{
  return numbers_in(err, R"(([\d,]+) message\(s\) in ([\d,]+) file\(s\): .*, )"
                         R"(([\d,]+) in ([\d,]+) unchanged file\(s\))");
}

// The exposures and incidents in the database, and the new incidents.
std::vector<long>
in_database(const std::string& err)
{
  return numbers_in(
    err, R"((\d+) exposure\(s\) in (\d+) incident\(s\) in the database, (\d+) new)");
}

struct Store
{
  TempDir dir;
  fs::path root = dir.path() / "mail";
  std::string db = (dir.path() / "f.db").string();
  // Wide messages 0 to count - 1 in the Maildir mail/box, seen (cur/).
  void fill_box(int count)
  {
    for (int i = 0; i < count; ++i) {
      dir.write("mail/box/cur/100" + std::to_string(i) + ".M1P1.host.example:2,S", wide(i));
    }
  }
  test::RunResult scan(std::vector<std::string> extra = {}) const
  {
    std::vector<std::string> args = {"scan", root.string(), "--db", db};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_ccaudit(args);
  }
  std::int64_t current(const std::string& where = "1") const
  {
    return scalar(db, "SELECT count(*) FROM finding WHERE retired_scan IS NULL "
                      "AND kind = 'visible-recipients' AND " + where);
  }
};

} // namespace

TEST_CASE("incremental: an unchanged store is not read again", "[incremental]")
{
  Store s;
  s.fill_box(5);
  s.dir.write("mail/archive.mbox", mbox_entry(wide(10)) + mbox_entry(wide(11)));
  s.dir.write("mail/single.eml", wide(20));
  age(s.root / "box/cur");
  const auto first = s.scan();
  REQUIRE(first.exit_code == 1);
  CHECK(summary_of(first.err).findings == 8);
  CHECK(summary_of(first.err).fresh == 8);
  const auto again = s.scan();
  CHECK(again.exit_code == 0); // nothing new
  const auto n = summary_of(again.err);
  CHECK(n.messages == 0);      // nothing parsed
  CHECK(n.read == 0);
  CHECK(n.unchanged == 7);     // the mbox, the .eml, and the Maildir folder's 5 files
                               // (the folder skipped whole)
  CHECK(s.current() == 8);
  CHECK(s.scan({"--fail-on", "any"}).exit_code == 1); // still open
  CHECK(s.scan({"--fail-on", "none"}).exit_code == 0);
  // --full reads everything: same findings, not duplicated.
  const auto full = s.scan({"--full"});
  CHECK(summary_of(full.err).messages == 8);
  CHECK(summary_of(full.err).fresh == 0);
  CHECK(s.current() == 8);
}

TEST_CASE("incremental: a rescan that skips an unchanged Maildir folder whole does not say it "
          "found no file",
          "[incremental]")
{
  Store s;
  s.fill_box(3);
  age(s.root / "box/cur");
  REQUIRE(s.scan().exit_code == 1);
  const auto again = s.scan();
  CHECK(again.exit_code == 0);
  CHECK(summary_of(again.err).unchanged == 3);
  CHECK_THAT(again.err, !Catch::Contains("no file found"));
}

TEST_CASE("incremental: the files of a Maildir folder skipped as unchanged are counted once, "
          "from its listing or from its files",
          "[incremental]")
{
  Store s;
  s.fill_box(4);
  const auto named = s.dir.write("mail/box/new/1004.M1P1.host.example", wide(4));
  s.dir.write("mail/box/new/1005.M1P1.host.example", wide(5));
  s.dir.write("mail/archive.mbox", mbox_entry(wide(10)) + mbox_entry(wide(11)));
  age(s.root / "box/cur");
  age(s.root / "box/new");
  const std::vector<long> all_unchanged{8, 7, 8, 7};
  REQUIRE(s.scan().exit_code == 1);
  // The listing stored what the folder held.
  CHECK(scalar(s.db, "SELECT files FROM directory WHERE path LIKE '%/box/cur'") == 4);
  CHECK(scalar(s.db, "SELECT messages FROM directory WHERE path LIKE '%/box/new'") == 2);
  CHECK(totals_of(s.scan().err) == all_unchanged);
  // A file of a skipped folder also named: once.
  CHECK(totals_of(run_ccaudit({"scan", s.root.string(), named.string(), "--db", s.db}).err)
        == all_unchanged);
  // Below a folder left out: each file once (it was once per folder row).
  CHECK(totals_of(s.scan({"--exclude", "*/box"}).err) == all_unchanged);
  // Counts not known (a database from before schema 11): the files are
  // counted.
  REQUIRE(test::run_program("/usr/bin/sqlite3",
                            {s.db, "UPDATE directory SET files = NULL, messages = NULL"})
            .exit_code == 0);
  CHECK(totals_of(s.scan().err) == all_unchanged);
  // A delivery: the folder is listed again and counted anew.
  s.dir.write("mail/box/cur/1006.M1P1.host.example:2,S", wide(6));
  age(s.root / "box/cur", 2); // not the time it had
  CHECK(totals_of(s.scan().err) == std::vector<long>{9, 8, 8, 7});
  CHECK(totals_of(s.scan().err) == std::vector<long>{9, 8, 9, 8});
  CHECK(scalar(s.db, "SELECT files FROM directory WHERE path LIKE '%/box/cur'") == 5);
}

TEST_CASE("incremental: the review of a rescan counts the files and messages its summary "
          "counts, those found unchanged included",
          "[incremental]")
{
  Store s;
  s.fill_box(4);
  s.dir.write("mail/box/new/1004.M1P1.host.example", wide(4));
  s.dir.write("mail/archive.mbox", mbox_entry(wide(10)) + mbox_entry(wide(11)));
  s.dir.write("mail/single.eml", wide(20));
  age(s.root / "box/cur");
  age(s.root / "box/new");
  const auto head = [&] {
    const auto r = run_ccaudit({"report", "--db", s.db});
    REQUIRE(r.exit_code == 0);
    return r.out.substr(0, r.out.find("exposure(s) recorded"));
  };
  REQUIRE(s.scan().exit_code == 1);
  CHECK_THAT(head(), Catch::Contains("7 file(s), 8 message(s), "));
  // Nothing read again: the folders' files from their listings, the mbox
  // and the .eml one by one.
  const auto again = s.scan();
  CHECK(totals_of(again.err) == std::vector<long>{8, 7, 8, 7});
  CHECK_THAT(head(), Catch::Contains("7 file(s), 8 message(s) (8 in 7 unchanged file(s) not "
                                     "read again), "));
  CHECK(scalar(s.db, "SELECT unchanged_files FROM scan WHERE id = 2") == 7);
  CHECK(scalar(s.db, "SELECT unchanged_messages FROM scan WHERE id = 2") == 8);
  // One file new: read; the rest unchanged.
  s.dir.write("mail/other.eml", wide(30));
  const auto third = s.scan();
  CHECK(totals_of(third.err) == std::vector<long>{9, 8, 8, 7});
  CHECK_THAT(head(), Catch::Contains("8 file(s), 9 message(s) (8 in 7 unchanged file(s) not "
                                     "read again), "));
  const auto json = run_ccaudit({"report", "--db", s.db, "--format", "json"});
  const auto scan = nlohmann::json::parse(json.out)["scan"];
  CHECK(scan["files"] == 1);
  CHECK(scan["messages"] == 1);
  CHECK(scan["unchanged_files"] == 7);
  CHECK(scan["unchanged_messages"] == 8);
}

TEST_CASE("incremental: the exposures and incidents in the database are counted by a scan "
          "that changed findings and taken over by one that did not",
          "[incremental]")
{
  Store s;
  s.dir.write("mail/archive.mbox", mbox_entry(wide(1)) + mbox_entry(wide(2)));
  s.dir.write("mail/a.eml", wide(3));
  CHECK(in_database(s.scan().err) == std::vector<long>{3, 3, 3});
  CHECK(in_database(s.scan().err) == std::vector<long>{3, 3, 0});
  CHECK(scalar(s.db, "SELECT exposures FROM scan WHERE id = 2") == 3); // taken over
  // Rewritten: two findings retired, two new ones.
  s.dir.write("mail/archive.mbox",
              mbox_entry(wide(1)) + mbox_entry(wide(4)) + mbox_entry(wide(5)));
  CHECK(in_database(s.scan().err) == std::vector<long>{4, 4, 2});
  // A scan killed after it retired a finding counted nothing: the next one
  // counts again instead of taking over the counts before it.
  REQUIRE(test::run_program(
            "/usr/bin/sqlite3",
            {s.db, "INSERT INTO scan(started_at, status, tool_version, host, arguments, "
                   "threshold, internal_domains) VALUES ('2026-12-06T00:00:00Z', 'running', "
                   "'0', 'host', '[]', 25, '[]'); UPDATE finding SET retired_scan = 4 "
                   "WHERE message_id = 'wide3@example.org'"})
            .exit_code == 0);
  CHECK(in_database(s.scan().err) == std::vector<long>{3, 3, 0});
  CHECK(in_database(s.scan().err) == std::vector<long>{3, 3, 0});
}

TEST_CASE("incremental: a scan that reads mail loads GMime and libcrypto, a rescan that reads "
          "nothing loads neither",
          "[incremental]")
{
  Store s;
  s.dir.write("mail/box/cur/1001.M1P1.host.example:2,S", wide(1));
  age(s.root / "box/cur");
  // The dynamic loader names each library it loads.
  const auto loaded = [&] {
    const auto r = test::run_program(
      "/usr/bin/env", {"LD_DEBUG=files", CCAUDIT_BINARY, "scan", s.root.string(), "--db", s.db});
    return std::pair{r.err.find("libgmime-3.0.so") != std::string::npos,
                     r.err.find("libcrypto.so") != std::string::npos};
  };
  CHECK(loaded() == std::pair{true, true});
  CHECK(loaded() == std::pair{false, false});
}

TEST_CASE("incremental: a new message is the only one read, and reported once",
          "[incremental]")
{
  Store s;
  s.dir.write("mail/box/cur/1001.M1P1.host.example:2,S", wide(1));
  REQUIRE(s.scan().exit_code == 1);
  s.dir.write("mail/box/new/1002.M2P1.host.example", wide(2));
  s.dir.write("mail/box/new/1003.M3P1.host.example", TestMessage{}.str()); // narrow
  const auto r = s.scan({"--jsonl"});
  CHECK(r.exit_code == 1);
  CHECK(summary_of(r.err).messages == 2);
  CHECK(summary_of(r.err).fresh == 1);
  // --jsonl: one line, the new finding.
  REQUIRE(std::count(r.out.begin(), r.out.end(), '\n') == 1);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["status"] == "new");
  CHECK(j["message_id"] == "wide2@example.org");
  CHECK(j["addresses"].size() == 30);
  CHECK(j["fingerprint"].get<std::string>().size() == 64);
}

TEST_CASE("incremental: a Maildir flag change or a move to cur/ is the same "
          "message", "[incremental]")
{
  Store s;
  const auto old_cur = s.dir.write("mail/box/cur/1001.M1P1.host.example:2,S", wide(1));
  const auto old_new = s.dir.write("mail/box/new/1002.M2P1.host.example", wide(2));
  REQUIRE(s.scan().exit_code == 1);
  const auto renamed = s.root / "box/cur/1001.M1P1.host.example:2,RS";
  const auto moved = s.root / "box/cur/1002.M2P1.host.example:2,S";
  fs::rename(old_cur, renamed);
  fs::rename(old_new, moved);
  const auto r = s.scan();
  CHECK(r.exit_code == 0);
  CHECK(summary_of(r.err).messages == 0); // known by name: not even opened
  CHECK(summary_of(r.err).unchanged == 2);
  CHECK(s.current() == 2);
  CHECK(s.current("path = '" + renamed.string() + "'") == 1);
  CHECK(s.current("path = '" + moved.string() + "'") == 1);
  CHECK(scalar(s.db, "SELECT count(*) FROM source WHERE gone_scan IS NOT NULL") == 0);
}

TEST_CASE("incremental: an mbox that grew is read from where it was left",
          "[incremental]")
{
  Store s;
  std::string box;
  for (int i = 0; i < 20; ++i) {
    box += mbox_entry(i % 4 == 0 ? wide(i) : TestMessage{}.str());
  }
  const auto path = s.dir.write("mail/archive.mbox", box);
  REQUIRE(s.scan().exit_code == 1);
  CHECK(s.current() == 5);
  // A delivery appends two messages, one wide.
  box += mbox_entry(TestMessage{}.str()) + mbox_entry(wide(100));
  s.dir.write("mail/archive.mbox", box);
  const auto r = s.scan();
  CHECK(r.exit_code == 1);
  CHECK(summary_of(r.err).messages == 3); // the last known one again, and the two new
  CHECK(summary_of(r.err).fresh == 1);
  CHECK(s.current() == 6);
  CHECK(scalar(s.db, "SELECT messages FROM source WHERE path LIKE '%archive.mbox'") == 22);
  CHECK(scalar(s.db, "SELECT mbox_index FROM finding WHERE message_id = 'wide100@example.org'")
        == 21);
  CHECK(scalar(s.db, "SELECT count(*) FROM finding WHERE retired_scan IS NOT NULL") == 0);
}

TEST_CASE("incremental: an mbox rewritten (a message expunged) is read whole "
          "again, its old findings retired", "[incremental]")
{
  Store s;
  std::string box;
  for (int i = 0; i < 6; ++i) {
    box += mbox_entry(wide(i));
  }
  s.dir.write("mail/archive.mbox", box);
  REQUIRE(s.scan().exit_code == 1);
  // A mail client expunges the first message and a new one arrives: the
  // file is longer than before, but its beginning changed.
  std::string rewritten;
  for (int i = 1; i < 6; ++i) {
    rewritten += mbox_entry(wide(i));
  }
  rewritten += mbox_entry(wide(6)) + mbox_entry(wide(7));
  REQUIRE(rewritten.size() > box.size());
  s.dir.write("mail/archive.mbox", rewritten);
  const auto r = s.scan();
  CHECK(r.exit_code == 1);
  CHECK(summary_of(r.err).messages == 7);
  CHECK(summary_of(r.err).fresh == 2);
  CHECK(s.current() == 7); // wide1..wide7, each once
  CHECK(scalar(s.db, "SELECT count(DISTINCT message_id) FROM finding WHERE retired_scan IS NULL")
        == 7);
  CHECK(scalar(s.db, "SELECT count(*) FROM finding WHERE retired_scan IS NOT NULL") == 6);
}

TEST_CASE("incremental: a deleted file is marked gone, and its finding stays",
          "[incremental]")
{
  Store s;
  const auto a = s.dir.write("mail/a.eml", wide(1));
  s.dir.write("mail/b.eml", wide(2));
  const auto m = s.dir.write("mail/box/cur/1001.M1P1.host.example:2,S", wide(3));
  REQUIRE(s.scan().exit_code == 1);
  fs::remove(a);
  fs::remove(m);
  const auto r = s.scan();
  CHECK(r.exit_code == 0);
  CHECK(scalar(s.db, "SELECT count(*) FROM source WHERE gone_scan = 2") == 2);
  CHECK(scalar(s.db, "SELECT count(*) FROM source WHERE gone_scan IS NULL AND kind = 'message'")
        == 1);
  CHECK(s.current() == 3); // evidence is never deleted
  const auto report = run_ccaudit({"report", "--db", s.db, "--format", "json"});
  REQUIRE(report.exit_code == 0);
  const auto j = nlohmann::json::parse(report.out);
  std::size_t gone = 0;
  for (const auto& i : j["incidents"]) {
    for (const auto& c : i["copies"]) {
      gone += c["gone"].get<bool>() ? 1 : 0;
    }
  }
  CHECK(gone == 2);
  // It comes back: present again, the same finding.
  s.dir.write("mail/a.eml", wide(1));
  CHECK(s.scan().exit_code == 0);
  CHECK(scalar(s.db, "SELECT count(*) FROM source WHERE gone_scan IS NOT NULL") == 1);
  CHECK(s.current() == 3);
}

// A scan lists new/, the message moves to cur/ (or its flags change), and
// the scan lists cur/: it read the one message under both names. The end
// state, built without the race: both names present for one scan, then only
// the new one. Before, 20,000 messages moved during a scan left 17,648
// incidents with a second copy at a path that no longer exists, for good.
TEST_CASE("incremental: a Maildir message read under two names while it was "
          "renamed keeps one copy once the old name is gone", "[incremental]")
{
  Store s;
  const auto old_name = s.dir.write("mail/box/new/1001.M1P1.host.example", wide(1));
  s.dir.write("mail/box/cur/1001.M1P1.host.example:2,S", wide(1));
  // Two different messages sharing a unique name (a damaged Maildir): the
  // deleted one stays a copy, as any deleted mail does.
  const auto other = s.dir.write("mail/box/new/1002.M2P1.host.example", wide(2));
  s.dir.write("mail/box/cur/1002.M2P1.host.example:2,S", wide(3));
  REQUIRE(s.scan().exit_code == 1);
  REQUIRE(s.current() == 4);
  fs::remove(old_name);
  fs::remove(other);
  CHECK(s.scan().exit_code == 0);
  CHECK(s.current() == 3);
  CHECK(s.current("path = '" + old_name.string() + "'") == 0);
  CHECK(s.current("path = '" + other.string() + "'") == 1);
  const auto report = run_ccaudit({"report", "--db", s.db, "--format", "json"});
  REQUIRE(report.exit_code == 0);
  const auto j = nlohmann::json::parse(report.out);
  REQUIRE(j["incidents"].size() == 3);
  for (const auto& i : j["incidents"]) {
    CHECK(i["copies"].size() == 1);
  }
  // Settled for good: a later scan changes nothing.
  CHECK(s.scan().exit_code == 0);
  CHECK(s.current() == 3);
}

TEST_CASE("incremental: a baseline makes known findings not new, accepted ones "
          "are not open", "[incremental]")
{
  Store s;
  s.dir.write("mail/a.eml", wide(1));
  s.dir.write("mail/b.eml", wide(2));
  REQUIRE(s.scan().exit_code == 1);
  const auto exported = run_ccaudit({"baseline", "export", "--db", s.db});
  REQUIRE(exported.exit_code == 0);
  CHECK(exported.out.find("@") == std::string::npos); // fingerprints, never addresses
  const auto file = s.dir.write("baseline.txt", exported.out);
  // Another machine, another database: with the baseline nothing is new.
  const auto other = (s.dir.path() / "other.db").string();
  CHECK(run_ccaudit({"scan", s.root.string(), "--db", other, "--baseline", file.string()})
          .exit_code == 0);
  CHECK(run_ccaudit({"scan", s.root.string(), "--db", other, "--full", "--fail-on", "any"})
          .exit_code == 1);
  // Accept one incident: --fail-on any still fails for the other.
  const auto id = run_ccaudit({"report", "--db", s.db, "--format", "json"});
  const auto incidents = nlohmann::json::parse(id.out)["incidents"];
  REQUIRE(incidents.size() == 2);
  CHECK(run_ccaudit({"baseline", "accept", incidents[0]["id"], "--db", s.db,
                     "--note", "reviewed"}).exit_code == 0);
  CHECK(s.scan({"--fail-on", "any"}).exit_code == 1);
  CHECK(run_ccaudit({"baseline", "accept", incidents[1]["id"], "--db", s.db}).exit_code == 0);
  CHECK(s.scan({"--fail-on", "any"}).exit_code == 0);
  const auto after = run_ccaudit({"baseline", "export", "--db", s.db});
  CHECK(std::count(after.out.begin(), after.out.end(), '\n') == 4); // 2 comments, 2 entries
  CHECK(after.out.find(" seen ") == std::string::npos);
  CHECK(run_ccaudit({"baseline", "accept", "I-000000000000", "--db", s.db}).exit_code == 4);
  // A bad baseline file names its line.
  const auto bad = s.dir.write("bad.txt", "# ok\nnot-a-fingerprint seen\n");
  const auto r = s.scan({"--baseline", bad.string()});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("bad.txt line 2"));
}

TEST_CASE("incremental: a second scan of one database waits, then stops with "
          "a clear message", "[incremental]")
{
  Store s;
  s.dir.write("mail/a.eml", wide(1));
  REQUIRE(s.scan().exit_code == 1);
  const int fd = ::open((s.db + ".lock").c_str(), O_RDWR);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX) == 0); // as a running scan holds it
  const auto blocked = s.scan({"--lock-wait", "1"});
  CHECK(blocked.exit_code == 4);
  CHECK_THAT(blocked.err, Catch::Contains("another ccaudit run")
                            && Catch::Contains("Nothing was scanned"));
  ::close(fd);
  CHECK(s.scan({"--lock-wait", "1"}).exit_code == 0);
  CHECK(scalar(s.db, "SELECT count(*) FROM scan") == 2); // the blocked one left no row
}

TEST_CASE("incremental: a scan killed halfway leaves a consistent database, "
          "the next one completes it without duplicates", "[incremental]")
{
  Store s;
  std::string box;
  for (int i = 0; i < 4000; ++i) {
    box += mbox_entry(i % 10 == 0 ? wide(i, 200) : TestMessage{}.str());
  }
  s.dir.write("mail/big.mbox", box);
  for (int i = 0; i < 300; ++i) {
    s.dir.write("mail/box/cur/" + std::to_string(2000 + i) + ".M1P1.host.example:2,S",
                i % 10 == 0 ? wide(10000 + i) : TestMessage{}.str());
  }
  Store clean;
  fs::create_directories(clean.root);
  fs::copy(s.root, clean.root, fs::copy_options::recursive);
  REQUIRE(clean.scan().exit_code == 1);
  const auto expected = clean.current();
  REQUIRE(expected == 430);

  for (const int delay_ms : {30, 80, 150}) {
    const pid_t pid = test::spawn_ccaudit({"scan", s.root.string(), "--db", s.db, "--full"});
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
  }
  const auto r = s.scan();
  CHECK((r.exit_code == 0 || r.exit_code == 1));
  CHECK(s.current() == expected);
  CHECK(scalar(s.db, "SELECT count(*) FROM (SELECT source_id, offset FROM finding "
                     "WHERE retired_scan IS NULL GROUP BY source_id, offset, kind "
                     "HAVING count(*) > 1)") == 0);
  CHECK(scalar(s.db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'")
        == 1);
  CHECK(scalar(s.db, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
}

TEST_CASE("incremental: SIGINT and SIGTERM stop a scan cleanly, and the next scan reads the rest",
          "[incremental]")
{
  Store s;
  for (int f = 0; f < 12; ++f) {
    std::string box;
    for (int i = 0; i < 3000; ++i) {
      box += mbox_entry(i % 10 == 0 ? wide(f * 10000 + i, 100) : TestMessage{}.str());
    }
    s.dir.write("mail/box" + std::to_string(f) + ".mbox", box);
  }
  Store clean;
  fs::create_directories(clean.root);
  fs::copy(s.root, clean.root, fs::copy_options::recursive);
  REQUIRE(clean.scan().exit_code == 1);
  const auto expected = clean.current();
  REQUIRE(expected == 3600);

  for (const auto& [signal, code, first] : {std::tuple{SIGINT, 130, true},
                                            std::tuple{SIGTERM, 143, false}}) {
    const pid_t pid = test::spawn_ccaudit({"scan", s.root.string(), "--db", s.db, "--full"});
    REQUIRE(test::wait_for_handler(pid, signal)); // the scan has begun
    std::this_thread::sleep_for(std::chrono::milliseconds(first ? 60 : 120));
    ::kill(pid, signal);
    int status = 0;
    ::waitpid(pid, &status, 0);
    INFO("signal " << signal);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == code);
    CHECK(scalar(s.db, "SELECT count(*) FROM scan WHERE id = (SELECT max(id) FROM scan) "
                       "AND status = 'interrupted' AND finished_at IS NOT NULL") == 1);
    CHECK(s.current() < expected);
  }
  const auto r = s.scan();
  CHECK(r.exit_code == 1); // the rest of the findings are new
  CHECK(summary_of(r.err).messages > 0);
  CHECK(s.current() == expected);
  CHECK(scalar(s.db, "SELECT count(*) FROM (SELECT source_id, offset FROM finding "
                     "WHERE retired_scan IS NULL GROUP BY source_id, offset, kind "
                     "HAVING count(*) > 1)") == 0);
  CHECK(scalar(s.db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'")
        == 1);
  CHECK(scalar(s.db, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
  // Nothing was marked gone by the interrupted walks.
  CHECK(scalar(s.db, "SELECT count(*) FROM source WHERE gone_scan IS NOT NULL") == 0);
}

TEST_CASE("incremental: other detection settings read everything again",
          "[incremental]")
{
  Store s;
  s.dir.write("mail/box/cur/1001.M1P1.host.example:2,S", wide(1, 20));
  CHECK(s.scan().exit_code == 0);
  const auto r = s.scan({"--threshold", "20"});
  CHECK(r.exit_code == 1);
  CHECK(summary_of(r.err).messages == 1);
}

TEST_CASE("incremental: a folder named new/ or cur/ is not trusted to hold "
          "Maildir messages only", "[incremental]")
{
  Store s;
  std::string box = mbox_entry(wide(1));
  s.dir.write("mail/Mail/new/inbox", box); // an mbox in a folder called new/
  age(s.root / "Mail/new");
  REQUIRE(s.scan().exit_code == 1);
  box += mbox_entry(wide(2));
  s.dir.write("mail/Mail/new/inbox", box);
  age(s.root / "Mail/new");
  const auto r = s.scan();
  CHECK(r.exit_code == 1);
  CHECK(summary_of(r.err).fresh == 1);
  CHECK(s.current() == 2);
}

TEST_CASE("incremental: two files sharing the unique part of a Maildir name "
          "are both read", "[incremental]")
{
  Store s;
  s.dir.write("mail/box/cur/1001.M1P1.host.example:2,S", wide(1));
  REQUIRE(s.scan().exit_code == 1);
  s.dir.write("mail/box/cur/1001.M1P1.host.example:2,RS", wide(2)); // not a rename
  const auto r = s.scan();
  CHECK(r.exit_code == 1);
  CHECK(summary_of(r.err).fresh == 1);
  CHECK(s.current() == 2);
}

TEST_CASE("incremental: what an exclusion leaves out is not gone, and is read "
          "once the exclusion is lifted", "[incremental]")
{
  Store s;
  s.dir.write("mail/Junk/cur/1.M1P1.host.example:2,S", wide(1));
  s.dir.write("mail/Junk/sub/a.eml", wide(2));
  s.dir.write("mail/box/cur/2.M2P1.host.example:2,S", wide(3));
  REQUIRE(s.scan().exit_code == 1);
  CHECK(s.scan({"--exclude", "*/Junk/*"}).exit_code == 0);
  CHECK(scalar(s.db, "SELECT count(*) FROM source WHERE gone_scan IS NOT NULL") == 0);
  // A message excluded in a Maildir folder is read when no longer excluded.
  s.dir.write("mail/box/cur/3.M3P1.host.example:2,S", wide(4));
  age(s.root / "box/cur");
  CHECK(s.scan({"--exclude", "*/3.M3P1*"}).exit_code == 0);
  const auto r = s.scan();
  CHECK(r.exit_code == 1);
  CHECK(summary_of(r.err).fresh == 1);
  CHECK(s.current() == 4);
}

TEST_CASE("incremental: a file that was gone and comes back with other content "
          "replaces what it gave", "[incremental]")
{
  Store s;
  const auto a = s.dir.write("mail/a.eml", wide(1));
  REQUIRE(s.scan().exit_code == 1);
  fs::remove(a);
  CHECK(s.scan().exit_code == 0);
  s.dir.write("mail/a.eml", wide(2));
  CHECK(s.scan().exit_code == 1);
  CHECK(s.current() == 1);
  CHECK(s.current("message_id = 'wide2@example.org'") == 1);
}

TEST_CASE("incremental: --full reads everything and keeps one current finding "
          "per copy", "[incremental]")
{
  Store s;
  s.dir.write("mail/a.eml", wide(1));
  s.dir.write("mail/box/cur/1.M1P1.host.example:2,S", wide(2));
  REQUIRE(s.scan().exit_code == 1);
  const auto r = s.scan({"--full", "--internal-domain", "example.com"});
  CHECK(summary_of(r.err).messages == 2);
  CHECK(s.current() == 0); // every address is internal now: nothing exposed
  CHECK(scalar(s.db, "SELECT count(*) FROM finding WHERE retired_scan = 2") == 2);
}

TEST_CASE("incremental: an mbox whose last message was still being written is "
          "read again from that message", "[incremental]")
{
  Store s;
  // The last message's To is cut after 26 addresses: a delivery in progress.
  const auto head = mbox_entry(wide(1)) + "From sender@example.org Mon Mar  4 10:15:00 2019\n"
                    "From: Alice <alice@example.org>\nMessage-ID: <growing@example.org>\n"
                    "To: " + address_list(26, "example.com", "g");
  s.dir.write("mail/archive.mbox", head);
  REQUIRE(s.scan().exit_code == 1);
  CHECK(scalar(s.db, "SELECT visible_count FROM finding WHERE message_id = 'growing@example.org'")
        == 26);
  s.dir.write("mail/archive.mbox", head + ",\n " + address_list(14, "example.net", "h")
                                     + "\nSubject: done\n\nBody.\n\n" + mbox_entry(wide(3)));
  CHECK(s.scan().exit_code == 1);
  CHECK(s.current("message_id = 'growing@example.org'") == 1);
  CHECK(scalar(s.db, "SELECT visible_count FROM finding WHERE retired_scan IS NULL "
                     "AND message_id = 'growing@example.org'") == 40);
  CHECK(s.current() == 3);
}
