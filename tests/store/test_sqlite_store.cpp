#include "store/sqlite_store.hpp"

#include "core/fatal_error.hpp"
#include "store/schema.hpp"
#include "support/test_message.hpp"

#include <catch2/catch.hpp>

#include <sqlite3.h>
#include <chrono>
#include <map>
#include <cstdlib>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

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

// The tables of ccaudit 0.1 (schema 1), verbatim.
constexpr const char* k_schema_1 = R"sql(
CREATE TABLE IF NOT EXISTS scan (
  id               INTEGER PRIMARY KEY,
  started_at       TEXT NOT NULL,   -- UTC, ISO 8601
  finished_at      TEXT,            -- NULL while running or if it died
  status           TEXT NOT NULL,   -- running | complete | incomplete
  tool_version     TEXT NOT NULL,
  host             TEXT NOT NULL,
  arguments        TEXT NOT NULL,   -- JSON array: the command line
  threshold        INTEGER NOT NULL,
  internal_domains TEXT NOT NULL,   -- JSON array of A-label domains
  sources          INTEGER,         -- files looked at
  messages         INTEGER,
  findings         INTEGER,
  problems         INTEGER,
  not_scanned      INTEGER          -- inputs or messages NOT scanned
);
CREATE TABLE IF NOT EXISTS source (
  id       INTEGER PRIMARY KEY,
  scan_id  INTEGER NOT NULL REFERENCES scan(id),
  path     TEXT NOT NULL,
  kind     TEXT NOT NULL,           -- mbox | message | not-mail | unreadable
  size     INTEGER,
  mtime    INTEGER,
  inode    INTEGER,
  messages INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS finding (
  id             INTEGER PRIMARY KEY,
  scan_id        INTEGER NOT NULL REFERENCES scan(id),
  kind           TEXT NOT NULL,     -- visible-recipients
  path           TEXT NOT NULL,
  offset         INTEGER NOT NULL,  -- of the mbox "From " line; 0 for a file
  mbox_index     INTEGER,           -- 0-based; NULL for a one-message file
  message_id     TEXT NOT NULL,
  date           TEXT NOT NULL,
  from_address   TEXT NOT NULL,
  from_name      TEXT NOT NULL,
  subject        TEXT NOT NULL,     -- RFC 2047 decoded
  visible_count  INTEGER NOT NULL,  -- distinct visible addresses
  external_count INTEGER NOT NULL,  -- of those, exposed (not internal)
  domain_count   INTEGER NOT NULL   -- distinct domains of the exposed ones
);
CREATE TABLE IF NOT EXISTS finding_address (
  finding_id   INTEGER NOT NULL REFERENCES finding(id),
  position     INTEGER NOT NULL,    -- order of first appearance
  address      TEXT NOT NULL,       -- normalised
  display_name TEXT NOT NULL,       -- decoded
  field        TEXT NOT NULL,       -- to | cc | resent-to | resent-cc
  internal     INTEGER NOT NULL,    -- 1: in an --internal-domain
  PRIMARY KEY (finding_id, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS problem (
  id         INTEGER PRIMARY KEY,
  scan_id    INTEGER NOT NULL REFERENCES scan(id),
  path       TEXT NOT NULL,
  offset     INTEGER NOT NULL,      -- of the message; 0 for a file
  mbox_index INTEGER,
  kind       TEXT NOT NULL,         -- see README, "Problem kinds"
  detail     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS finding_scan ON finding(scan_id);
CREATE INDEX IF NOT EXISTS problem_scan ON problem(scan_id, kind);
CREATE INDEX IF NOT EXISTS source_scan ON source(scan_id);
)sql";

std::int64_t
schema_version(SqliteStore& db)
{
  std::int64_t version = 0;
  db.query("PRAGMA user_version", {}, [&](const Row& r) { version = r.integer(0); });
  return version;
}

// A database at `file` with one empty, complete scan, then `sql` run on it.
void
database_with(const std::filesystem::path& file, const std::string& sql)
{
  SqliteStore db(file, OpenMode::read_write);
  db.begin_scan({});
  db.finish_scan({"complete"});
  db.execute(sql);
}

// The finding_address rows matching `where`, in position order, each as
// "position|address|display_name|field|internal|domain|personal_name".
std::vector<std::string>
address_rows(SqliteStore& db, const std::string& where)
{
  std::vector<std::string> rows;
  db.query("SELECT position, address, display_name, field, internal, domain, personal_name "
           "FROM finding_address " + where + " ORDER BY position", {}, [&](const Row& r) {
             std::string row;
             for (std::size_t i = 0; i < 7; ++i) {
               row += (i ? "|" : "") + r.text(i);
             }
             rows.push_back(row);
           });
  return rows;
}

// Turns the address rows of a new database back into schema 6's (a row
// names its finding and position; the finding has no address range),
// keeping them.
const std::string k_addresses_as_schema_6 =
  "CREATE TABLE old_row (finding_id INTEGER NOT NULL REFERENCES finding(id), "
  "position INTEGER NOT NULL, address TEXT NOT NULL, display_name TEXT NOT NULL, "
  "field TEXT NOT NULL, flags INTEGER NOT NULL, PRIMARY KEY (finding_id, position)) "
  "WITHOUT ROWID;"
  "INSERT INTO old_row SELECT f.id, r.id - f.address_first, r.address, r.display_name, "
  "r.field, r.flags FROM finding AS f JOIN finding_address_row AS r "
  "ON r.id >= f.address_first AND r.id < f.address_first + f.address_count;"
  "DROP VIEW finding_address; DROP TABLE finding_address_row;"
  "ALTER TABLE old_row RENAME TO finding_address_row;"
  "ALTER TABLE finding DROP COLUMN address_first;"
  "ALTER TABLE finding DROP COLUMN address_count;"
  "CREATE VIEW finding_address AS SELECT finding_id, position, address, display_name, "
  "field, flags & 1 AS internal, substr(address, (flags >> 2) + 1) AS domain, "
  "(flags >> 1) & 1 AS personal_name FROM finding_address_row;";

// Turns the address table of a new database back into schema 5's (a
// table with eight columns), keeping its rows.
const std::string k_addresses_as_schema_5 =
  k_addresses_as_schema_6
  + "CREATE TABLE old_address (finding_id INTEGER NOT NULL REFERENCES finding(id), "
  "position INTEGER NOT NULL, address TEXT NOT NULL, display_name TEXT NOT NULL, "
  "field TEXT NOT NULL, internal INTEGER NOT NULL, "
  "domain TEXT NOT NULL DEFAULT '', personal_name INTEGER NOT NULL DEFAULT 0, "
  "PRIMARY KEY (finding_id, position)) WITHOUT ROWID;"
  "INSERT INTO old_address SELECT * FROM finding_address;"
  "DROP VIEW finding_address; DROP TABLE finding_address_row;"
  "ALTER TABLE old_address RENAME TO finding_address;";

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
  db.record_source({"/archive/mbox", SourceKind::mbox, 10, 0, 0, 4});
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
  CHECK(db.review_scan() == scan);
}

TEST_CASE("store: a file holding findings of a scan that did not complete, or of the "
          "running scan, is unconfirmed (read again), and of complete scans it is not",
          "[store]")
{
  test::TempDir dir;
  const auto file = dir.path() / "f.db";
  // A scan records a finding of a box; one scan is interrupted.
  const auto scan_of = [&](const char* status, const std::string& box) {
    SqliteStore db(dir.path() / "f.db", OpenMode::read_write);
    db.begin_scan({});
    db.history().retire_findings(box); // as a scan that reads it again
    db.record_finding({box, 0, 0, true}, sample_finding());
    db.record_source({box, SourceKind::mbox, 10, 0, 0, 1, 0, true});
    db.finish_scan({status});
  };
  scan_of("complete", "/m/a.mbox");
  scan_of("interrupted", "/m/b.mbox");
  {
    SqliteStore db(file, OpenMode::read_write);
    db.begin_scan({});
    CHECK_FALSE(db.history().source("/m/a.mbox")->unconfirmed);
    CHECK(db.history().source("/m/b.mbox")->unconfirmed);
    db.finish_scan({"complete"});
  }
  scan_of("complete", "/m/b.mbox"); // read again, completely
  {
    SqliteStore db(file, OpenMode::read_write);
    db.begin_scan({});
    CHECK_FALSE(db.history().source("/m/b.mbox")->unconfirmed);
    db.finish_scan({"complete"});
  }
  // Every scan before completed: this scan's own findings count.
  SqliteStore db(dir.path() / "g.db", OpenMode::read_write);
  for (int scan = 0; scan < 2; ++scan) {
    db.begin_scan({});
    CHECK_FALSE(db.history().source("/m/a.mbox").value_or(KnownSource{}).unconfirmed);
    // Read (again): a finding of a.mbox, whose row is not written yet.
    db.history().retire_findings("/m/a.mbox");
    db.record_finding({"/m/a.mbox", 0, 500, true}, sample_finding());
    CHECK(db.history().source("/m/a.mbox").value_or(KnownSource{}).unconfirmed == (scan == 1));
    db.record_source({"/m/a.mbox", SourceKind::mbox, 10, 0, 0, 1, 0, true});
    db.finish_scan({"complete"});
  }
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

TEST_CASE("store: a database from a newer ccaudit is refused as such, and left "
          "as it is", "[store]")
{
  test::TempDir dir;
  const auto file = dir.path() / "newer.db";
  database_with(file, "PRAGMA user_version=99");
  for (const auto mode : {OpenMode::read_write, OpenMode::read_only}) {
    CHECK_THROWS_WITH(SqliteStore(file, mode),
                      Catch::Contains("written by a newer ccaudit (schema 99")
                        && Catch::Contains(file.string()));
  }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  int version = 0;
  sqlite3_exec(
    db, "PRAGMA user_version",
    [](void* out, int, char** values, char**) {
      *static_cast<int*>(out) = std::atoi(values[0]);
      return 0;
    },
    &version, nullptr);
  sqlite3_close(db);
  CHECK(version == 99);
}

TEST_CASE("store: a database in a missing folder is a fatal error", "[store]")
{
  test::TempDir dir;
  CHECK_THROWS_AS(SqliteStore(dir.path() / "no" / "such" / "f.db", OpenMode::read_write),
                  FatalError);
}

TEST_CASE("store: incident identity, send time, references and per-address "
          "facts are stored", "[store]")
{
  test::TempDir dir;
  SqliteStore db(dir.path() / "f.db", OpenMode::read_write);
  db.begin_scan({});
  auto f = sample_finding();
  f.sent_at = 1717486200;
  f.references = {"b@example.org", "a@example.org"};
  f.subject_key = "k";
  f.recipient_hash = "h";
  f.incident_key = "mid:m@example.org";
  f.incident_id = "I-0123456789ab";
  f.addresses[0].personal_name = true;
  db.record_finding({"/archive/mbox", 0, 0, false}, f);
  db.finish_scan({"complete"});
  std::vector<std::string> row;
  db.query("SELECT sent_at, subject_key, recipient_hash, incident_key, incident_id "
           "FROM finding", {}, [&](const Row& r) {
    for (std::size_t i = 0; i < 5; ++i) {
      row.push_back(r.text(i));
    }
  });
  CHECK(row == std::vector<std::string>{"2024-06-04T07:30:00Z", "k", "h",
                                        "mid:m@example.org", "I-0123456789ab"});
  std::vector<std::string> refs;
  db.query("SELECT message_id FROM finding_reference ORDER BY position", {},
           [&](const Row& r) { refs.push_back(r.text(0)); });
  CHECK(refs == std::vector<std::string>{"b@example.org", "a@example.org"});
  std::vector<std::string> addresses;
  db.query("SELECT domain || ' ' || personal_name FROM finding_address ORDER BY position",
           {}, [&](const Row& r) { addresses.push_back(r.text(0)); });
  CHECK(addresses == std::vector<std::string>{"example.org 1", "example.com 0"});
}

TEST_CASE("store: each address reads back with its field, flags and domain, whatever "
          "its local part holds", "[store]")
{
  test::TempDir dir;
  SqliteStore db(dir.path() / "a.db", OpenMode::read_write);
  db.begin_scan({});
  auto f = sample_finding();
  // More than one statement's worth of rows (64), then a few more.
  f.addresses.clear();
  for (int i = 0; i < 70; ++i) {
    f.addresses.push_back({"user" + std::to_string(i) + "@example.org", "", "cc", false});
  }
  f.addresses.push_back({"j\xC3\xB6rg.\xC3\xBC@b\xC3\xBC" "cher.example", "J\xC3\xB6" "rg", "to", true, true});
  f.addresses.push_back({"\"a@b\"@example.net", "", "resent-cc", false, true});
  f.addresses.push_back({"nodomain", "", "content", true, false});
  db.record_finding({"/archive/mbox", 0, 0, false}, f);
  db.finish_scan({"complete"});
  CHECK(address_rows(db, "WHERE position IN (0, 69, 70, 71, 72)") == std::vector<std::string>{
                  "0|user0@example.org||cc|0|example.org|0",
                  "69|user69@example.org||cc|0|example.org|0",
                  "70|j\xC3\xB6rg.\xC3\xBC@b\xC3\xBC" "cher.example|J\xC3\xB6" "rg|to|1|b\xC3\xBC" "cher.example|1",
                  "71|\"a@b\"@example.net||resent-cc|0|example.net|1",
                  "72|nodomain||content|1||0"});
  CHECK(count(db, "finding_address") == 73);
}

TEST_CASE("store: the database names every problem kind and which mean NOT scanned, also "
          "once upgraded from schema 7", "[store]")
{
  test::TempDir dir;
  const auto file = dir.path() / "kinds.db";
  const auto stored = [](SqliteStore& db) {
    std::map<std::string, std::int64_t> out;
    db.query("SELECT kind, not_scanned FROM problem_kind", {},
             [&](const Row& r) { out.emplace(r.text(0), r.integer(1)); });
    return out;
  };
  std::map<std::string, std::int64_t> expected;
  for (const auto kind : all_issue_kinds()) {
    expected.emplace(std::string(to_string(kind)), means_not_scanned(kind) ? 1 : 0);
  }
  REQUIRE(expected.size() > 30);
  CHECK(expected.at("no_message_found") == 1);
  CHECK(expected.at("expansion_limit") == 1);
  CHECK(expected.at("not_mail") == 0);
  {
    SqliteStore db(file, OpenMode::read_write);
    CHECK(stored(db) == expected);
    // As schema 7 left it: no such table.
    db.execute("DROP TABLE problem_kind; PRAGMA user_version=7;");
  }
  {
    SqliteStore db(file, OpenMode::read_write);
    CHECK(schema_version(db) == store::k_schema_version);
    CHECK(stored(db) == expected);
    // A wrong row (an older ccaudit's idea of a kind) is put right.
    db.execute("UPDATE problem_kind SET not_scanned = 0 WHERE kind = 'no_message_found'");
  }
  SqliteStore db(file, OpenMode::read_write);
  CHECK(stored(db) == expected);
}

TEST_CASE("store: a schema 8 database's lists inside messages get incident ids of their own, "
          "its acceptances hold and gain an empty accepted_by, and its PSTs are read again",
          "[store]")
{
  test::TempDir dir;
  const auto file = dir.path() / "v8.db";
  {
    SqliteStore db(file, OpenMode::read_write);
    db.begin_scan({});
    auto header = sample_finding();
    header.incident_id = "I-0123456789ab";
    header.fingerprint = std::string(64, 'a');
    auto list = header;
    list.kind = "address-list-in-content";
    list.part_path = "2.1";
    list.fingerprint = std::string(64, 'b');
    auto quoted = list;
    quoted.kind = "quoted-recipients";
    quoted.part_path = "1";
    quoted.fingerprint = std::string(64, 'c');
    for (const auto& f : {header, list, quoted}) {
      db.record_finding({"/archive/mbox", 0, 0, false}, f);
    }
    db.record_source({"/archive/mail.pst", SourceKind::outlook, 10, 0, 0, 4, 0, true});
    db.finish_scan({"complete"});
    REQUIRE(db.accept(list.fingerprint, "SEC-1", "alice") == 1);
    REQUIRE(count(db, "source WHERE kind = 'outlook' AND complete = 1") == 1);
    // As schema 8 left them: the message's id on every finding, and an
    // acceptance table without accepted_by.
    db.execute("UPDATE finding SET incident_id = 'I-0123456789ab';"
               "ALTER TABLE acceptance DROP COLUMN accepted_by; PRAGMA user_version=8;");
  }
  SqliteStore db(file, OpenMode::read_write);
  CHECK(schema_version(db) == store::k_schema_version);
  std::vector<std::string> ids;
  db.query("SELECT kind || ' ' || incident_id FROM finding ORDER BY id", {},
           [&](const Row& r) { ids.push_back(r.text(0)); });
  CHECK(ids == std::vector<std::string>{"visible-recipients I-0123456789ab",
                                        "address-list-in-content I-0123456789ab/2.1",
                                        "quoted-recipients I-0123456789ab/1/quoted"});
  CHECK(count(db, "acceptance WHERE note = 'SEC-1' AND accepted_by = ''") == 1);
  // Schema 8 kept one finding per PST: its files are read again.
  CHECK(count(db, "source WHERE kind = 'outlook' AND complete = 0") == 1);
  // Accepting by the new id works.
  CHECK(db.accept("I-0123456789ab/1/quoted", "", "bob") == 1);
  CHECK(count(db, "acceptance WHERE accepted_by = 'bob'") == 1);
}

TEST_CASE("store: a schema 5 database's addresses move to finding_address_row and "
          "read back the same through finding_address", "[store]")
{
  test::TempDir dir;
  const auto file = dir.path() / "v5.db";
  {
    SqliteStore db(file, OpenMode::read_write);
    db.begin_scan({});
    db.record_finding({"/archive/mbox", 0, 0, false}, sample_finding());
    db.finish_scan({"complete"});
    // Back to schema 5's table, with a domain that is not the end of its
    // address (schema 1's upgrade cut at the first '@').
    db.execute(std::string(k_addresses_as_schema_5)
               + "INSERT INTO finding_address VALUES (1, 2, '\"x@y\"@example.net', 'X', 'cc', "
                 "1, 'y\"@example.net', 1);"
                 "PRAGMA user_version=5;");
  }
  SqliteStore db(file, OpenMode::read_write);
  CHECK(schema_version(db) == store::k_schema_version);
  CHECK(address_rows(db, "") == std::vector<std::string>{"0|a@example.org|A|to|0|example.org|0",
                                         "1|b@example.com||cc|1|example.com|0",
                                         "2|\"x@y\"@example.net|X|cc|1|y\"@example.net|1"});
  CHECK(count(db, "sqlite_schema WHERE name = 'finding_address' AND type = 'view'") == 1);
}

TEST_CASE("store: a schema 6 database's address rows become consecutive rows of "
          "each finding and read back the same", "[store]")
{
  test::TempDir dir;
  const auto file = dir.path() / "v6.db";
  auto wide = sample_finding();
  wide.addresses.clear();
  for (int i = 0; i < 70; ++i) { // more than a page of rows
    wide.addresses.push_back({"r" + std::to_string(i) + "@example.net", "", "cc", false});
  }
  auto none = sample_finding();
  none.addresses.clear();
  std::vector<std::string> first, third;
  {
    SqliteStore db(file, OpenMode::read_write);
    db.begin_scan({});
    db.record_finding({"/archive/mbox", 0, 0, true}, sample_finding());
    db.record_finding({"/archive/mbox", 1, 100, true}, none);
    db.record_finding({"/archive/mbox", 2, 200, true}, wide);
    db.finish_scan({"complete"});
    first = address_rows(db, "WHERE finding_id = 1");
    third = address_rows(db, "WHERE finding_id = 3");
    REQUIRE(first.size() == 2);
    REQUIRE(third.size() == 70);
    // Back to schema 6, with rows of a finding that is not there sorting
    // ahead of the others.
    db.execute(k_addresses_as_schema_6
               + "INSERT INTO finding_address_row VALUES (0, 0, 'orphan@example.org', '', "
                 "'to', 0); PRAGMA user_version=6;");
  }
  SqliteStore db(file, OpenMode::read_write);
  CHECK(schema_version(db) == store::k_schema_version);
  CHECK(address_rows(db, "WHERE finding_id = 1") == first);
  CHECK(address_rows(db, "WHERE finding_id = 2").empty());
  CHECK(address_rows(db, "WHERE finding_id = 3") == third);
  // A finding recorded after the upgrade: its rows follow the others.
  db.begin_scan({});
  db.record_finding({"/archive/mbox", 3, 300, true}, wide);
  db.finish_scan({"complete"});
  CHECK(address_rows(db, "WHERE finding_id = 4") == third);
  CHECK(count(db, "finding_address") == 2 + 70 + 70);
  // One finding's addresses are read by their id range, not by a scan.
  std::string plan;
  db.query("EXPLAIN QUERY PLAN SELECT * FROM finding_address WHERE finding_id = 4", {},
           [&](const Row& r) { plan += r.text(3) + "\n"; });
  CHECK_THAT(plan, Catch::Contains("SEARCH r USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"));
  // Nor when findings chosen otherwise are joined to their addresses, as
  // the incident review does: scanning every address row for each of them
  // made a report of 236,000 addresses take 89 s instead of 2.
  plan.clear();
  db.query("EXPLAIN QUERY PLAN SELECT c.incident_id, a.address FROM finding AS c "
           "JOIN finding_address AS a ON a.finding_id = c.id "
           "WHERE c.kind = 'visible-recipients' GROUP BY c.incident_id, a.address", {},
           [&](const Row& r) { plan += r.text(3) + "\n"; });
  CHECK_THAT(plan, Catch::Contains("SEARCH r USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"));
  CHECK_THAT(plan, !Catch::Contains("SCAN r"));
}

TEST_CASE("store: rows another program added between scans do not shift a "
          "finding's addresses", "[store]")
{
  test::TempDir dir;
  SqliteStore db(dir.path() / "f.db", OpenMode::read_write);
  db.begin_scan({});
  db.record_finding({"/archive/mbox", 0, 0, true}, sample_finding());
  db.finish_scan({"complete"});
  // The store guessed where the next finding's rows go; this row takes it.
  db.execute("INSERT INTO finding_address_row(address, display_name, field, flags) "
             "VALUES ('stray@example.org', '', 'to', 0)");
  db.begin_scan({});
  db.record_finding({"/archive/mbox", 1, 100, true}, sample_finding());
  db.finish_scan({"complete"});
  const std::vector<std::string> expected = {"0|a@example.org|A|to|0|example.org|0",
                                             "1|b@example.com||cc|1|example.com|0"};
  CHECK(address_rows(db, "WHERE finding_id = 1") == expected);
  CHECK(address_rows(db, "WHERE finding_id = 2") == expected);
}

TEST_CASE("store: a schema 1 database is upgraded by a scan, and a report "
          "asks for that scan", "[store]")
{
  test::TempDir dir;
  const auto file = dir.path() / "old.db";
  {
    // Schema 1 as ccaudit 0.1 created it, with one finding.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
    const std::string sql = std::string(k_schema_1)
      + "INSERT INTO scan(id, started_at, status, tool_version, host, arguments, "
        "threshold, internal_domains) VALUES (1, 'x', 'complete', '0.1.0', 'h', "
        "'[]', 25, '[]');"
        "INSERT INTO finding VALUES (1, 1, 'visible-recipients', '/a', 0, NULL, "
        "'m@example.org', 'd', 'f@example.org', '', 's', 1, 1, 1);"
        "INSERT INTO finding_address VALUES (1, 0, 'a@example.org', '', 'to', 0);"
        "PRAGMA user_version=1;";
    CHECK(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  CHECK_THROWS_WITH(SqliteStore(file, OpenMode::read_only),
                    Catch::Contains("older ccaudit") && Catch::Contains("scan"));
  {
    SqliteStore db(file, OpenMode::read_write);
    db.begin_scan({});
    db.record_finding({"/archive/mbox", 0, 0, false}, sample_finding());
    db.finish_scan({"complete"});
    CHECK(count(db, "finding") == 2);
    std::string domain;
    db.query("SELECT domain FROM finding_address WHERE finding_id = 1 AND position = 0",
             {}, [&](const Row& r) { domain = r.text(0); });
    CHECK(domain == "example.org");
  }
  SqliteStore reopened(file, OpenMode::read_only);
  CHECK(count(reopened, "finding_reference") == 0);
}

TEST_CASE("store: a schema 4 database loses the folder index, and files are still "
          "found by folder and marked gone by folder", "[store]")
{
  test::TempDir dir;
  const auto file = dir.path() / "v4.db";
  database_with(file, k_addresses_as_schema_5
                        + "CREATE INDEX source_dir ON source(dir); PRAGMA user_version=4;");
  SqliteStore db(file, OpenMode::read_write);
  CHECK(count(db, "sqlite_schema WHERE name = 'source_dir'") == 0);
  CHECK(schema_version(db) == store::k_schema_version);

  db.begin_scan({});
  // A folder, a folder inside it, and folders whose names extend its name
  // ('-' and '.' sort before '/', '0' after it).
  // Files beside the subfolder whose names sort next to its range: "sub-x"
  // before "sub/", "sub0" where the range after it begins.
  for (const char* p : {"/m/cur/a", "/m/cur/b", "/m/cur/sub/c", "/m/cur-old/d",
                        "/m/cur.x/e", "/m/cur0/f", "/m/curx/g", "/m/cur/sub-x",
                        "/m/cur/sub0"}) {
    SourceInfo s;
    s.path = p;
    s.kind = SourceKind::message;
    s.complete = true;
    db.record_source(s);
    db.history().record_directory(std::filesystem::path(p).parent_path(), DirectoryState{}, false);
  }
  db.finish_scan({"complete"});

  db.begin_scan({});
  const auto in_cur = db.history().sources_in("/m/cur", 100);
  REQUIRE(in_cur.has_value());
  std::vector<std::string> found;
  for (const auto& known : *in_cur) {
    found.push_back(known.path);
  }
  std::sort(found.begin(), found.end());
  CHECK(found == std::vector<std::string>{"/m/cur/a", "/m/cur/b", "/m/cur/sub-x", "/m/cur/sub0"});
  // A walk of /m/cur that saw nothing: only the files directly in it and
  // the one in /m/cur/sub are gone.
  db.history().record_directory("/m/cur", DirectoryState{}, false);
  db.history().record_directory("/m/cur/sub", DirectoryState{}, false);
  db.history().walk_finished({"/m/cur"}, {});
  db.finish_scan({"complete"});
  std::vector<std::string> gone;
  db.query("SELECT path FROM source WHERE gone_scan IS NOT NULL ORDER BY path", {},
           [&](const Row& r) { gone.push_back(r.text(0)); });
  CHECK(gone == std::vector<std::string>{"/m/cur/a", "/m/cur/b", "/m/cur/sub-x", "/m/cur/sub/c",
                                          "/m/cur/sub0"});
}

TEST_CASE("store: a new database's first scan, killed inside its transaction, is "
          "rolled back by a reader, and the database is in WAL mode after a scan",
          "[store]")
{
  test::TempDir dir;
  const auto file = dir.path() / "new.db";
  const auto journal = file.string() + "-journal";
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // A first scan that dies with rows written but not committed: _exit
    // runs no destructor, as SIGKILL would.
    try {
      SqliteStore db(file, OpenMode::read_write);
      db.execute("PRAGMA cache_size=8"); // pages reach the file before the commit
      db.begin_scan({});
      for (int i = 0; i < 20000; ++i) {
        SourceInfo s;
        s.path = "/m/cur/" + std::to_string(i);
        s.kind = SourceKind::message;
        db.record_source(s);
      }
      ::_exit(std::filesystem::exists(journal) ? 0 : 2);
    } catch (...) {
      ::_exit(3);
    }
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0); // it left a rollback journal
  {
    SqliteStore reader(file, OpenMode::read_only); // rolls the journal back
    CHECK(count(reader, "source") == 0);
    CHECK(count(reader, "scan WHERE status = 'running'") == 1);
  }
  CHECK_FALSE(std::filesystem::exists(journal));
  {
    SqliteStore db(file, OpenMode::read_write);
    db.begin_scan({});
    db.finish_scan({"complete"});
  }
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  std::string mode;
  sqlite3_exec(raw, "PRAGMA journal_mode", [](void* out, int, char** values, char**) {
    *static_cast<std::string*>(out) = values[0] ? values[0] : "";
    return 0;
  }, &mode, nullptr);
  sqlite3_close(raw);
  CHECK(mode == "wal");
}

TEST_CASE("store: source rows written in groups keep every file's own values, and "
          "the later of two rows for one path wins", "[store]")
{
  test::TempDir dir;
  SqliteStore db(dir.path() / "s.db", OpenMode::read_write);
  db.begin_scan({});
  // More than one group of waiting rows, not a multiple of the rows per
  // statement, in an order that is not the paths' order.
  constexpr std::uint64_t k_files = 5000;
  for (std::uint64_t i = 0; i < k_files; ++i) {
    const auto n = (i * 7919) % k_files;
    SourceInfo s;
    s.path = "/m/cur/" + std::to_string(n);
    s.kind = SourceKind::message;
    s.size = n;
    s.inode = n + 1;
    s.messages = 1;
    s.complete = true;
    db.record_source(s);
    if (n == 42) {
      s.size = 4242; // read again in the same group: this row counts
      db.record_source(s);
    }
  }
  db.finish_scan({"complete"});
  CHECK(count(db, "source") == static_cast<std::int64_t>(k_files));
  CHECK(count(db, "source WHERE size <> CAST(substr(path, 8) AS INTEGER) OR inode <> size + 1")
        == 1);
  std::int64_t size = 0;
  db.query("SELECT size FROM source WHERE path = '/m/cur/42'", {},
           [&](const Row& r) { size = r.integer(0); });
  CHECK(size == 4242);
}

TEST_CASE("store: a scan's transaction holds the write lock from its start: another "
          "writer cannot slip in between its reads and its writes, and never stops it",
          "[store]")
{
  test::TempDir dir;
  const auto file = dir.path() / "w.db";
  SqliteStore db(file, OpenMode::read_write);
  db.begin_scan({});
  CHECK_FALSE(db.history().source("/m/a")); // a read inside the scan's transaction
  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open_v2(file.c_str(), &other, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
  // No busy timeout: at once, the lock is the scan's.
  const int rc = sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  CHECK(rc == SQLITE_BUSY);
  std::thread release;
  if (rc == SQLITE_OK) {
    // Where it got the lock, it gives it back soon: the scan must wait.
    release = std::thread([other] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
    });
  }
  CHECK_NOTHROW(db.record_finding({"/m/a"}, sample_finding()));
  if (release.joinable()) {
    release.join();
  }
  sqlite3_close(other);
  db.finish_scan({"complete"});
  CHECK(count(db, "finding") == 1);
}

TEST_CASE("store: a reader never rolls back the journal of a first scan that holds the "
          "database, and rolls back a dead one's", "[store]")
{
  test::TempDir dir;
  const auto file = dir.path() / "new.db";
  const auto journal = file.string() + "-journal";
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // A first scan that dies inside its first transaction (see above).
    try {
      SqliteStore db(file, OpenMode::read_write);
      db.execute("PRAGMA cache_size=8");
      db.begin_scan({});
      for (int i = 0; i < 20000; ++i) {
        SourceInfo s;
        s.path = "/m/cur/" + std::to_string(i);
        s.kind = SourceKind::message;
        db.record_source(s);
      }
      ::_exit(std::filesystem::exists(journal) ? 0 : 2);
    } catch (...) {
      ::_exit(3);
    }
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  const auto bytes = test::read_file(file), journal_bytes = test::read_file(journal);
  {
    // While a scan holds the database file (as a live first scan does), its
    // journal is live whatever SQLite makes of it: not to be touched.
    const int fd = ::open(file.c_str(), O_RDONLY);
    REQUIRE(fd >= 0);
    REQUIRE(::flock(fd, LOCK_EX) == 0);
    CHECK_THROWS_WITH(SqliteStore(file, OpenMode::read_only),
                      Catch::Contains("is being written by its first scan"));
    ::close(fd);
  }
  CHECK(test::read_file(file) == bytes);
  CHECK(test::read_file(journal) == journal_bytes);
  SqliteStore reader(file, OpenMode::read_only); // nobody holds it: rolled back
  CHECK(count(reader, "source") == 0);
  CHECK_FALSE(std::filesystem::exists(journal));
}

TEST_CASE("store: while a database's first scan runs, readers are turned away with a "
          "clear message, and read beside later scans", "[store]")
{
  test::TempDir dir;
  const auto file = dir.path() / "first.db";
  SqliteStore db(file, OpenMode::read_write);
  db.begin_scan({});
  db.record_finding({"/m/a"}, sample_finding());
  // Its shared lock would hold up the scan's every commit (it has no WAL
  // yet): a long report stopped the scan with "database is locked".
  CHECK_THROWS_WITH(SqliteStore(file, OpenMode::read_only),
                    Catch::Contains("is being written by its first scan"));
  db.finish_scan({"complete"});
  db.begin_scan({});
  SqliteStore reader(file, OpenMode::read_only); // WAL now: beside the scan
  CHECK(count(reader, "finding") == 1);
  db.record_finding({"/m/b"}, sample_finding());
  db.finish_scan({"complete"});
}

TEST_CASE("store: a first scan's commit outwaits a long read by another client instead "
          "of failing after ten seconds", "[store]")
{
  test::TempDir dir;
  const auto file = dir.path() / "first.db";
  SqliteStore db(file, OpenMode::read_write);
  db.begin_scan({});
  db.record_finding({"/m/a"}, sample_finding());
  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open_v2(file.c_str(), &other, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_busy_timeout(other, 10000);
  REQUIRE(sqlite3_exec(other, "BEGIN; SELECT count(*) FROM scan", nullptr, nullptr, nullptr)
          == SQLITE_OK); // a shared lock, held until it commits
  std::thread reader([other] {
    std::this_thread::sleep_for(std::chrono::seconds(11));
    sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr);
  });
  CHECK_NOTHROW(db.finish_scan({"complete"}));
  reader.join();
  sqlite3_close(other);
  CHECK(count(db, "finding") == 1);
}
