// Shards (scan --shard INDEX/COUNT): disjoint parts of a store, together
// every file once, split the same way wherever the store is mounted.
#include "store/schema.hpp"
#include "support/database.hpp"
#include "support/test_message.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <vector>

namespace fs = std::filesystem;
using namespace ccaudit;
using test::run_ccaudit;
using test::scalar;
using test::scalar_text;
using test::TempDir;

namespace {

const fs::path k_fixtures = CCAUDIT_FIXTURES_DIR;

// The paths of the files a database read, relative to `root`.
std::set<std::string>
files_read(const fs::path& db, const fs::path& root)
{
  const auto all = scalar_text(db, "SELECT group_concat(path, char(10)) FROM source");
  std::set<std::string> out;
  std::istringstream lines(all);
  for (std::string line; std::getline(lines, line);) {
    const auto prefix = root.string() + "/";
    REQUIRE(line.starts_with(prefix));
    out.insert(line.substr(prefix.size()));
  }
  return out;
}

} // namespace

TEST_CASE("shard: the shards of a store read every file exactly once, split the same way on "
          "any mount point",
          "[shard]")
{
  TempDir dir;
  const auto a = dir.path() / "a" / "archive";
  const auto b = dir.path() / "b" / "mnt" / "archive";
  fs::create_directories(a.parent_path());
  fs::create_directories(b.parent_path());
  fs::copy(k_fixtures, a, fs::copy_options::recursive);
  fs::copy(k_fixtures, b, fs::copy_options::recursive);
  const auto whole_db = dir.path() / "whole.db";
  REQUIRE(run_ccaudit({"scan", "-q", "--db", whole_db.string(), a.string()}).exit_code == 1);
  const auto whole = files_read(whole_db, a);
  REQUIRE(whole.size() > 90);
  std::set<std::string> seen;
  std::int64_t messages = 0;
  for (int i = 0; i < 4; ++i) {
    CAPTURE(i);
    const auto shard = std::to_string(i) + "/4";
    const auto db_a = dir.path() / ("a" + std::to_string(i) + ".db");
    const auto db_b = dir.path() / ("b" + std::to_string(i) + ".db");
    const auto ra = run_ccaudit({"scan", "-q", "--shard", shard, "--db", db_a.string(), a.string()});
    const auto rb = run_ccaudit({"scan", "-q", "--shard", shard, "--db", db_b.string(), b.string()});
    CHECK((ra.exit_code == 0 || ra.exit_code == 1));
    CHECK(rb.exit_code == ra.exit_code);
    const auto part = files_read(db_a, a);
    CHECK(!part.empty());
    CHECK(part == files_read(db_b, b)); // the same split on another mount point
    for (const auto& f : part) {
      CHECK(seen.insert(f).second); // in no other shard
    }
    messages += scalar(db_a, "SELECT messages FROM scan");
  }
  CHECK(seen == whole);
  CHECK(messages == scalar(whole_db, "SELECT messages FROM scan"));
}

TEST_CASE("shard: a shard out of range or malformed is a usage error, and nothing is recorded",
          "[shard]")
{
  TempDir dir;
  const auto db = dir.path() / "s.db";
  for (const auto* bad : {"4/4", "1-4", "a/4", "0/0", "/4", "1/", "-1/4"}) {
    CAPTURE(bad);
    const auto r = run_ccaudit({"scan", "--shard", bad, "--db", db.string(),
                                (k_fixtures / "mbox").string()});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--shard") != std::string::npos);
    CHECK(!fs::exists(db));
  }
  const auto r = run_ccaudit({"scan", "--shard", "4/4", "--db", db.string(), "x"});
  CHECK(r.err.find("INDEX counts from 0, so it must be below 4 (0 to 3)") != std::string::npos);
}

namespace {

// `count` shards of `store`, each scanned into its own database in `dir`.
std::vector<std::string>
scan_shards(const fs::path& dir, const fs::path& store, const std::string& prefix = "shard",
            int count = 4)
{
  std::vector<std::string> dbs;
  for (int i = 0; i < count; ++i) {
    const auto db = (dir / (prefix + std::to_string(i) + ".db")).string();
    const auto r = run_ccaudit({"scan", "-q", "--shard", std::to_string(i) + "/" + std::to_string(count),
                                "--db", db, store.string()});
    REQUIRE((r.exit_code == 0 || r.exit_code == 1));
    dbs.push_back(db);
  }
  return dbs;
}

test::RunResult
merge(const std::vector<std::string>& sources, const fs::path& target)
{
  std::vector<std::string> args = {"merge", "--db", target.string()};
  args.insert(args.end(), sources.begin(), sources.end());
  return run_ccaudit(args);
}

// A report's output without its first line (which names the scan).
std::string
body(const std::string& report)
{
  return report.substr(report.find('\n') + 1);
}

} // namespace

TEST_CASE("merge: four or twelve shards merged give the review of one scan of everything",
          "[shard]")
{
  TempDir dir;
  const auto store = k_fixtures;
  const auto whole = (dir.path() / "whole.db").string();
  REQUIRE(run_ccaudit({"scan", "-q", "--db", whole, store.string()}).exit_code == 1);
  // Twelve shards too: SQLite attaches ten databases at most, the rest are
  // copied row by row, and the rows must come out the same.
  const int count = GENERATE(4, 12);
  CAPTURE(count);
  const auto merged = dir.path() / "review.db";
  const auto r = merge(scan_shards(dir.path(), store, "shard", count), merged);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find(std::to_string(count) + " database(s) merged") != std::string::npos);
  const auto rows = [](const fs::path& db) {
    return scalar_text(db, "SELECT group_concat(x, char(10)) FROM (SELECT fingerprint || '|' || "
                           "incident_id || '|' || address_count || '|' || subject || '|' || "
                           "path AS x FROM finding ORDER BY 1)");
  };
  // A merged source's path is ORIGIN:PATH.
  const auto paths = [](const fs::path& db, bool prefixed) {
    return scalar_text(db, std::string("SELECT group_concat(x, char(10)) FROM (SELECT ")
                             + (prefixed ? "substr(path, instr(path, ':') + 1)" : "path")
                             + " || '|' || kind || '|' || messages AS x FROM source ORDER BY 1)");
  };
  const auto addresses = [](const fs::path& db) {
    return scalar_text(db, "SELECT group_concat(x, char(10)) FROM (SELECT f.fingerprint || '|' "
                           "|| a.address || '|' || a.display_name || '|' || a.field AS x FROM "
                           "finding f JOIN finding_address_row a ON a.id >= f.address_first "
                           "AND a.id < f.address_first + f.address_count ORDER BY 1)");
  };
  CHECK(rows(merged) == rows(whole));
  CHECK(paths(merged, true) == paths(whole, false));
  CHECK(addresses(merged) == addresses(whole));
  const std::vector<std::vector<std::string>> commands = {
    {"report"}, {"report", "--format", "csv"}, {"report", "--include-suppressed"},
    {"report", "--format", "html"}};
  for (const auto& command : commands) {
    CAPTURE(command);
    auto a = command, b = command;
    a.insert(a.end(), {"--db", whole});
    b.insert(b.end(), {"--db", merged.string()});
    const auto one = run_ccaudit(a), four = run_ccaudit(b);
    CHECK(one.exit_code == four.exit_code);
    if (command.size() > 2 && command[2] == "html") {
      // The same page but for the scan's id and time.
      const auto page = [](const std::string& html) {
        const std::regex scan_id("([Ss]can) [0-9]+"), time("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+Z");
        return std::regex_replace(std::regex_replace(html, scan_id, "$1 N"), time, "T");
      };
      CHECK(page(one.out) == page(four.out));
    } else if (command.size() > 2 && command[2] == "csv") {
      CHECK(one.out == four.out);
    } else {
      CHECK(body(one.out) == body(four.out));
    }
  }
  // Every incident's notification list and Art. 33 worksheet, and a lookup.
  const auto ids = scalar_text(whole, "SELECT group_concat(DISTINCT incident_id) FROM finding "
                                      "WHERE incident_id <> ''");
  std::istringstream list(ids);
  int incidents = 0;
  for (std::string id; std::getline(list, id, ',');) {
    ++incidents;
    CAPTURE(id);
    const auto one = run_ccaudit({"export", "--db", whole, "--incident", id});
    const auto four = run_ccaudit({"export", "--db", merged.string(), "--incident", id});
    CHECK(one.out == four.out);
  }
  CHECK(incidents > 20);
  const auto one = run_ccaudit({"lookup", "--db", whole, "alba.ashgrove@example.com"});
  const auto four = run_ccaudit({"lookup", "--db", merged.string(), "alba.ashgrove@example.com"});
  CHECK(one.out == four.out);
  CHECK(one.exit_code == four.exit_code);
}

TEST_CASE("merge: the next version of a database replaces what it brought, never twice",
          "[shard]")
{
  TempDir dir;
  const auto store = dir.path() / "mail";
  fs::copy(k_fixtures / "mbox", store, fs::copy_options::recursive);
  const auto shards = scan_shards(dir.path(), store);
  const auto merged = dir.path() / "review.db";
  REQUIRE(merge(shards, merged).exit_code == 0);
  const auto findings = scalar(merged, "SELECT count(*) FROM finding");
  const auto scans = scalar(merged, "SELECT count(*) FROM scan");
  REQUIRE(findings > 0);
  // Merged again as they are: nothing changes.
  const auto again = merge(shards, merged);
  CHECK(again.exit_code == 0);
  CHECK(again.err.find("what it brought before is replaced") != std::string::npos);
  CHECK(scalar(merged, "SELECT count(*) FROM finding") == findings);
  CHECK(scalar(merged, "SELECT count(*) FROM scan") == scans);
  // The next night: a new wide message in the store, every shard scanned
  // again; a copy of one shard's database under another name is the same
  // database.
  std::string wide = "From alba@example.com Mon Mar  4 10:15:00 2019\nFrom: alba@example.com\n"
                     "Subject: next night\nMessage-ID: <next-night@example.com>\nTo: ";
  for (int i = 0; i < 30; ++i) {
    wide += (i ? ", " : "") + ("n" + std::to_string(i) + "@example.org");
  }
  wide += "\n\nbody\n";
  std::ofstream(store / "next-night.mbox") << wide;
  scan_shards(dir.path(), store);
  fs::copy_file(shards[1], dir.path() / "copy-of-shard1.db");
  std::vector<std::string> next = shards;
  next[1] = (dir.path() / "copy-of-shard1.db").string();
  REQUIRE(merge(next, merged).exit_code == 0);
  CHECK(scalar(merged, "SELECT count(*) FROM merged_database") == 4);
  CHECK(scalar(merged, "SELECT count(*) FROM finding WHERE message_id = 'next-night@example.com'")
        == 1);
  CHECK(scalar(merged, "SELECT count(*) FROM scan") == 2 * scans);
  // No copy counted twice: each current finding once per place.
  CHECK(scalar(merged, "SELECT count(*) FROM (SELECT path, offset, kind, part_path FROM finding "
                       "WHERE retired_scan IS NULL GROUP BY 1, 2, 3, 4 HAVING count(*) > 1)")
        == 0);
}

TEST_CASE("merge: what cannot be merged is refused with the target left as it was",
          "[shard][hostile]")
{
  TempDir dir;
  const auto shards = scan_shards(dir.path(), k_fixtures / "mbox");
  const auto merged = dir.path() / "review.db";
  REQUIRE(merge({shards[0]}, merged).exit_code == 0);
  const auto findings = scalar(merged, "SELECT count(*) FROM finding");
  const auto junk = dir.write("junk.db", "not a database at all, just text\n");
  const auto newer = dir.path() / "newer.db";
  fs::copy_file(shards[1], newer);
  {
    store::SqliteStore s(newer, store::OpenMode::read_write);
    s.execute("PRAGMA user_version = 99");
  }
  const struct
  {
    std::vector<std::string> sources;
    const char* says;
  } cases[] = {
    {{shards[1], junk.string()}, "junk.db"},
    {{shards[1], newer.string()}, "newer ccaudit"},
    {{shards[1], merged.string()}, "target database itself"},
    {{shards[1], (dir.path() / "missing.db").string()}, "no database at"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.says);
    const auto r = merge(c.sources, merged);
    CHECK(r.exit_code == 4);
    CHECK(r.err.find(c.says) != std::string::npos);
    CHECK(scalar(merged, "SELECT count(*) FROM finding") == findings); // shards[1] not kept
    CHECK(scalar(merged, "SELECT count(*) FROM merged_database") == 1);
  }
  {
    // A source a scan is writing (it holds the database file's flock).
    const int fd = ::open(shards[1].c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    REQUIRE(::flock(fd, LOCK_EX) == 0);
    const auto r = merge({shards[1]}, merged);
    ::close(fd);
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("a scan is writing to") != std::string::npos);
    CHECK(scalar(merged, "SELECT count(*) FROM finding") == findings);
  }
  // A merge as a source, a scanned database as the target, a scan into a merge.
  const auto other = dir.path() / "other.db";
  REQUIRE(merge({shards[1]}, other).exit_code == 0);
  CHECK(merge({other.string()}, merged).err.find("itself a merge") != std::string::npos);
  const auto r = merge({shards[2]}, shards[3]);
  CHECK(r.exit_code == 4);
  CHECK(r.err.find("holds scans of its own") != std::string::npos);
  const auto s = run_ccaudit({"scan", "-q", "--db", merged.string(), (k_fixtures / "mbox").string()});
  CHECK(s.exit_code == 4);
  CHECK(s.err.find("brought in by 'ccaudit merge'") != std::string::npos);
  CHECK(scalar(merged, "SELECT count(*) FROM scan WHERE origin IS NULL") == 0);
}

TEST_CASE("merge: an acceptance in the merged database reaches every host's next scan",
          "[shard]")
{
  TempDir dir;
  const auto shards = scan_shards(dir.path(), k_fixtures / "mbox");
  const auto merged = dir.path() / "review.db";
  REQUIRE(merge(shards, merged).exit_code == 0);
  const auto id = scalar_text(merged, "SELECT incident_id FROM finding WHERE kind = "
                                      "'visible-recipients' ORDER BY id LIMIT 1");
  REQUIRE(run_ccaudit({"baseline", "accept", "--db", merged.string(), id, "--note", "known"})
            .exit_code == 0);
  const auto baseline = dir.path() / "baseline.txt";
  REQUIRE(run_ccaudit({"baseline", "export", "--db", merged.string(), "-o", baseline.string()})
            .exit_code == 0);
  // A host scanning afresh with the central baseline: nothing is new.
  const auto host = run_ccaudit({"scan", "-q", "--db", (dir.path() / "host.db").string(),
                                 "--baseline", baseline.string(),
                                 (k_fixtures / "mbox").string()});
  CHECK(host.exit_code == 0);
  CHECK(scalar(dir.path() / "host.db", "SELECT count(*) FROM finding WHERE status = 'new'") == 0);
  CHECK(scalar(dir.path() / "host.db", "SELECT count(*) FROM finding WHERE status = 'accepted'")
        > 0);
}

TEST_CASE("merge: a schema 9 database gains its identity at its next scan and merges",
          "[shard]")
{
  TempDir dir;
  const auto db = dir.path() / "old.db";
  REQUIRE(run_ccaudit({"scan", "-q", "--db", db.string(), (k_fixtures / "mbox").string()})
            .exit_code == 1);
  const auto findings = scalar(db, "SELECT count(*) FROM finding");
  // As schema 9 left it: no identity, no merge tables or columns.
  const auto r = test::run_program(
    "/usr/bin/sqlite3",
    {db.string(), "DROP TABLE database_info; DROP TABLE merged_database; "
                  "ALTER TABLE scan DROP COLUMN origin; ALTER TABLE scan DROP COLUMN "
                  "origin_scan_id; ALTER TABLE source DROP COLUMN origin; PRAGMA user_version = 9;"});
  REQUIRE(r.exit_code == 0);
  const auto merged = dir.path() / "review.db";
  CHECK(merge({db.string()}, merged).err.find("older ccaudit (schema 9)") != std::string::npos);
  REQUIRE(run_ccaudit({"scan", "-q", "--db", db.string(), (k_fixtures / "mbox").string()})
            .exit_code == 0);
  CHECK(scalar(db, "PRAGMA user_version") == store::k_schema_version);
  CHECK(scalar_text(db, "SELECT value FROM database_info WHERE key = 'id'").size() == 32);
  CHECK(scalar(db, "SELECT count(*) FROM finding") == findings);
  REQUIRE(merge({db.string()}, merged).exit_code == 0);
  CHECK(scalar(merged, "SELECT count(*) FROM finding") == findings);
  // A scan's counts were its own database's: not the merged one's.
  CHECK(scalar(db, "SELECT count(*) FROM scan WHERE exposures IS NOT NULL") == 1);
  CHECK(scalar(merged, "SELECT count(*) FROM scan WHERE exposures IS NOT NULL") == 0);
}
