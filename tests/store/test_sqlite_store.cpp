#include "store/sqlite_store.hpp"

#include "core/fatal_error.hpp"
#include "support/test_message.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

using namespace ccaudit;
using namespace ccaudit::store;

namespace {

Finding
sample_finding()
{
  Finding f;
  f.kind = "visible-recipients";
  f.message_id = "<m@example.org>";
  f.subject = "Robert'); DROP TABLE finding;--";
  f.visible_count = 2;
  f.external_count = 1;
  f.domain_count = 1;
  f.addresses = {{"a@example.org", "A", "to", false},
                 {"b@example.com", "", "cc", true}};
  return f;
}

std::int64_t
count(SqliteStore& db, const std::string& table)
{
  std::int64_t n = -1;
  db.query("SELECT count(*) FROM " + table, {},
           [&](const Row& r) { n = r.integer(0); });
  return n;
}

} // namespace

TEST_CASE("store: a new database is readable by its owner only", "[store]")
{
  test::TempDir dir;
  const auto file = dir.path() / "f.db";
  {
    SqliteStore db(file, OpenMode::read_write);
    db.begin_scan({});
    db.finish_scan({"complete"});
  }
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("store: rows are written with bound parameters", "[store]")
{
  test::TempDir dir;
  SqliteStore db(dir.path() / "f.db", OpenMode::read_write);
  const auto scan = db.begin_scan({"0.1.0", "host", "[\"ccaudit\"]", "[]", 25});
  db.record_finding({"/archive/mbox", 3, 1234, true}, sample_finding());
  db.record_issue({"/archive/x.eml"}, {IssueKind::nul_in_header, "1 NUL"});
  db.record_source({"/archive/mbox", "mbox", 10, 0, 0, 4});
  db.finish_scan({"complete", 1, 4, 1, 1, 0});

  CHECK(count(db, "finding") == 1);
  CHECK(count(db, "finding_address") == 2);
  db.query("SELECT subject, offset, mbox_index, scan_id FROM finding", {},
           [&](const Row& r) {
             CHECK(r.text(0) == "Robert'); DROP TABLE finding;--");
             CHECK(r.integer(1) == 1234);
             CHECK(r.integer(2) == 3);
             CHECK(r.integer(3) == scan);
           });
  db.query("SELECT kind, mbox_index FROM problem", {}, [&](const Row& r) {
    CHECK(r.text(0) == "nul_in_header");
    CHECK(r.is_null(1));
  });
  db.query("SELECT status, messages, finished_at IS NOT NULL FROM scan", {},
           [&](const Row& r) {
             CHECK(r.text(0) == "complete");
             CHECK(r.integer(1) == 4);
             CHECK(r.integer(2) == 1);
           });
  CHECK(db.latest_scan() == scan);
}

TEST_CASE("store: a scan that never finishes stays 'running'", "[store]")
{
  test::TempDir dir;
  const auto file = dir.path() / "f.db";
  {
    SqliteStore db(file, OpenMode::read_write);
    db.begin_scan({});
    db.record_issue({"/x"}, {IssueKind::not_mail, "empty file"});
  } // no finish_scan: what was recorded is kept, the status says partial
  SqliteStore db(file, OpenMode::read_only);
  db.query("SELECT status FROM scan", {},
           [&](const Row& r) { CHECK(r.text(0) == "running"); });
  CHECK(count(db, "problem") == 1);
}

TEST_CASE("store: files that are not ccaudit databases are refused", "[store]")
{
  test::TempDir dir;
  const auto text = dir.write("notes.db", "this is not sqlite\n");
  CHECK_THROWS_AS(SqliteStore(text, OpenMode::read_write), FatalError);
  CHECK_THROWS_AS(SqliteStore(dir.path() / "missing.db", OpenMode::read_only),
                  FatalError);
  {
    SqliteStore other(dir.path() / "other.db", OpenMode::read_write);
    other.query("CREATE TABLE mine(x)", {}, [](const Row&) {});
    other.query("PRAGMA user_version=0", {}, [](const Row&) {});
  }
  CHECK_THROWS_WITH(SqliteStore(dir.path() / "other.db", OpenMode::read_write),
                    Catch::Contains("not a ccaudit database"));
}

TEST_CASE("store: a database in a missing folder is a fatal error", "[store]")
{
  test::TempDir dir;
  CHECK_THROWS_AS(SqliteStore(dir.path() / "no" / "such" / "f.db", OpenMode::read_write),
                  FatalError);
}
