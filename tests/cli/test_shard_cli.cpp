// Shards (scan --shard INDEX/COUNT): disjoint parts of a store, together
// every file once, split the same way wherever the store is mounted.
#include "support/database.hpp"
#include "support/test_message.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <sstream>

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
