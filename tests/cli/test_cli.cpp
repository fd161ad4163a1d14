// End to end: the ccaudit binary, as a user or a script runs it.
#include "store/sqlite_store.hpp"
#include "support/database.hpp"
#include "support/test_message.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <sstream>
#include <fcntl.h>
#include <sys/stat.h>
#include <ctime>

using namespace ccaudit;
using ccaudit::test::run_ccaudit;
using ccaudit::test::TempDir;
using ccaudit::test::TestMessage;
using nlohmann::json;
namespace fs = std::filesystem;

using ccaudit::test::scalar;

namespace {

const fs::path k_fixtures = CCAUDIT_FIXTURES_DIR;

std::vector<nlohmann::json>
jsonl(const std::string& out)
{
  std::vector<nlohmann::json> rows;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    rows.push_back(nlohmann::json::parse(line));
  }
  return rows;
}


// Every path under `root`, listed once: listing again would itself change
// the access times of the folders.
std::vector<fs::path>
list_tree(const fs::path& root)
{
  std::vector<fs::path> out{root};
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    out.push_back(e.path());
  }
  return out;
}

// Content, size, mode and times of each path, read with lstat and (for
// files) a read-only stream, whose access we put back.
std::map<std::string, std::string>
snapshot(const std::vector<fs::path>& paths)
{
  std::map<std::string, std::string> out;
  for (const auto& p : paths) {
    struct stat st {};
    ::lstat(p.c_str(), &st);
    std::string s = std::to_string(st.st_mode) + " " + std::to_string(st.st_size)
                    + " m" + std::to_string(st.st_mtim.tv_sec) + "."
                    + std::to_string(st.st_mtim.tv_nsec) + " a"
                    + std::to_string(st.st_atim.tv_sec) + "."
                    + std::to_string(st.st_atim.tv_nsec);
    if (S_ISREG(st.st_mode)) {
      s += " " + test::read_file(p); // every byte
      const timespec times[2] = {st.st_atim, st.st_mtim};
      ::utimensat(AT_FDCWD, p.c_str(), times, AT_SYMLINK_NOFOLLOW);
    }
    out[p.string()] = s;
  }
  return out;
}

// Sets every path's times to days ago, so that a relatime mount would update
// the access time of anything read without O_NOATIME.
void
age(const std::vector<fs::path>& paths)
{
  const auto now = ::time(nullptr);
  const timespec times[2] = {{now - 2 * 86400, 0}, {now - 3 * 86400, 0}};
  for (const auto& p : paths) {
    ::utimensat(AT_FDCWD, p.c_str(), times, AT_SYMLINK_NOFOLLOW);
  }
}

} // namespace

TEST_CASE("cli: --help goes to stdout and exits 0", "[cli]")
{
  const auto r = run_ccaudit({"--help"});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("scan") && Catch::Contains("report")
                      && Catch::Contains("Exit codes"));
  const auto scan = run_ccaudit({"scan", "--help"});
  CHECK(scan.exit_code == 0);
  CHECK_THAT(scan.out, Catch::Contains("--threshold") && Catch::Contains("25")
                         && Catch::Contains("--internal-domain"));
}

TEST_CASE("cli: usage errors exit 2 with a reason on stderr", "[cli]")
{
  const auto args = GENERATE(
    std::vector<std::string>{},
    std::vector<std::string>{"frobnicate"},
    std::vector<std::string>{"scan"},
    std::vector<std::string>{"scan", "x", "--threshold", "0"},
    std::vector<std::string>{"scan", "x", "--threshold", "many"},
    std::vector<std::string>{"scan", "x", "--internal-domain", "not a domain@"},
    std::vector<std::string>{"scan", "x", "--bogus"},
    std::vector<std::string>{"report", "--format", "xml"});
  CAPTURE(args);
  TempDir cwd;
  const auto r = run_ccaudit(args, cwd.path());
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::StartsWith("ccaudit: "));
  CHECK(fs::is_empty(cwd.path())); // nothing scanned, no database made
}

TEST_CASE("cli: scanning the fixtures finds the wide messages (exit 1)", "[cli]")
{
  TempDir dir;
  const auto db = dir.path() / "out.db";
  const auto r = run_ccaudit({"scan", k_fixtures.string(), "--db", db.string()});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty()); // stdout is for results only
  CHECK_THAT(r.err, Catch::Contains("151 message(s) in 90 file(s): 151 read from 90 file(s) "
                                    "(9 not mail), 0 in 0 unchanged file(s) not read again; "
                                    "52 exposure(s) in 31 incident(s) in the database, 31 new; "
                                    "this scan recorded 52 exposure(s)")
                      && Catch::Contains("0 not scanned"));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1); // not a terminal: no progress

  struct stat st {};
  REQUIRE(::stat(db.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(scalar(db, "SELECT count(*) FROM finding WHERE kind = 'visible-recipients'") == 52);
  CHECK(scalar(db, "SELECT count(*) FROM finding WHERE kind = 'reply-recipients'") == 2);
  CHECK(scalar(db, "SELECT count(*) FROM scan WHERE status = 'complete' "
                   "AND finished_at IS NOT NULL AND messages = 151") == 1);
  CHECK(scalar(db, "SELECT count(*) FROM finding_address a JOIN finding f ON "
                   "f.id = a.finding_id WHERE f.path LIKE '%many-addresses.eml'")
        == 5000);
  // Every address, reference and finding row points at a row that exists
  // (the scan writes them without SQLite enforcing it).
  CHECK(scalar(db, "SELECT count(*) FROM finding_address") > 5000);
  CHECK(scalar(db, "SELECT count(*) FROM pragma_foreign_key_check") == 0);

  const auto report = run_ccaudit({"report", "--db", db.string(), "--format", "jsonl"});
  CHECK(report.exit_code == 0);
  const auto rows = jsonl(report.out);
  REQUIRE(rows.size() == 52); // findings; replies kept as context are not
  for (const auto& row : rows) {
    for (const char* key : {"path", "offset", "kind", "part", "message_id", "date", "from",
                            "subject", "visible_count", "external_count",
                            "addresses"}) {
      CHECK(row.contains(key));
    }
    CHECK(row["addresses"].size() == row["external_count"]);
  }
  const auto text = run_ccaudit({"report", "--db", db.string()});
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("52 exposure(s) recorded")
                         && Catch::Contains("Quarterly r\xc3\xa9sultats"));
}

TEST_CASE("cli: a clean store exits 0, --threshold and --internal-domain apply",
          "[cli]")
{
  TempDir dir;
  dir.write("store/a.eml", TestMessage{.to = test::address_list(12, "example.org") + ", "
                                              + test::address_list(5, "example.com")}
                             .str());
  const auto db = (dir.path() / "f.db").string();
  const auto store = (dir.path() / "store").string();
  // Other settings read the store again (what was flagged then is retired).
  // --fail-on any: the same send flagged before is not new, but still open.
  CHECK(run_ccaudit({"scan", store, "--db", db}).exit_code == 0);
  CHECK(run_ccaudit({"scan", store, "--db", db, "--threshold", "17"}).exit_code == 1);
  CHECK(run_ccaudit({"scan", store, "--db", db, "--threshold", "6",
                     "--internal-domain", "EXAMPLE.org", "--fail-on", "any"})
          .exit_code == 0);
  CHECK(run_ccaudit({"scan", store, "--db", db, "--threshold", "5",
                     "--internal-domain", "example.org"})
          .exit_code == 0); // seen in the second scan
  CHECK(run_ccaudit({"scan", store, "--db", db, "--threshold", "5",
                     "--internal-domain", "example.org", "--fail-on", "any"})
          .exit_code == 1);
  CHECK(scalar(db, "SELECT count(*) FROM scan") == 5);
  CHECK(scalar(db, "SELECT external_count FROM finding ORDER BY id DESC LIMIT 1") == 5);
}

TEST_CASE("cli: unreadable input exits 3, after scanning everything else",
          "[cli]")
{
  TempDir dir;
  dir.write("store/a.eml", TestMessage{.to = test::address_list(30)}.str());
  fs::create_symlink(dir.path() / "gone", dir.path() / "store" / "b.eml");
  // Named on the command line: a link to nothing is there, and unreadable
  // (a PATH that is not there at all is a usage error).
  fs::create_symlink(dir.path() / "gone", dir.path() / "nope.mbox");
  const auto db = (dir.path() / "f.db").string();
  const auto r = run_ccaudit({"scan", (dir.path() / "store").string(),
                              (dir.path() / "nope.mbox").string(), "--db", db});
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.err, Catch::Contains("INCOMPLETE"));
  CHECK(scalar(db, "SELECT count(*) FROM finding") == 1);
  CHECK(scalar(db, "SELECT count(*) FROM problem WHERE kind = 'unreadable_input'") == 2);
  CHECK(scalar(db, "SELECT count(*) FROM scan WHERE status = 'incomplete'") == 1);
  const auto report = run_ccaudit({"report", "--db", db});
  CHECK_THAT(report.out, Catch::Contains("not scanned:") && Catch::Contains("b.eml"));
}

TEST_CASE("cli: a database that cannot be written exits 4", "[cli]")
{
  TempDir dir;
  const auto r = run_ccaudit({"scan", k_fixtures.string(), "--db",
                              (dir.path() / "missing" / "f.db").string()});
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.err, Catch::Contains("ccaudit: error: cannot open database"));
  const auto report = run_ccaudit({"report", "--db", (dir.path() / "none.db").string()});
  CHECK(report.exit_code == 4);
  CHECK_THAT(report.err, Catch::Contains("no database"));
}

TEST_CASE("cli: the archive is left exactly as it was", "[cli]")
{
  TempDir dir;
  fs::copy(k_fixtures, dir.path() / "archive", fs::copy_options::recursive);
  const auto paths = list_tree(dir.path() / "archive");
  age(paths);
  const auto before = snapshot(paths);
  const auto db = (dir.path() / "f.db").string();
  const auto archive = (dir.path() / "archive").string();
  // Headers only, then whole messages, then reports and explain on every file.
  CHECK(run_ccaudit({"scan", archive, "--db", db}).exit_code == 1);
  CHECK(run_ccaudit({"scan", archive, "--db", db, "--content"}).exit_code == 1);
  for (const auto* format : {"text", "json", "html", "csv", "jsonl"}) {
    CHECK(run_ccaudit({"report", "--db", db, "--format", format}).exit_code == 0);
  }
  for (const auto& p : paths) {
    if (fs::is_regular_file(fs::symlink_status(p))) {
      const auto r = run_ccaudit({"explain", p.string(), "--content"});
      CHECK((r.exit_code == 0 || r.exit_code == 2 || r.exit_code == 3));
    }
  }
  const auto after = snapshot(paths);
  for (const auto& [path, state] : before) {
    CAPTURE(path);
    CHECK(after.at(path) == state);
  }
  CHECK(list_tree(dir.path() / "archive").size() == paths.size());
}

TEST_CASE("cli: the default database in a scanned folder is not scanned itself",
          "[cli]")
{
  TempDir dir;
  dir.write("a.eml", TestMessage{.to = test::address_list(30)}.str());
  CHECK(run_ccaudit({"scan", "."}, dir.path()).exit_code == 1);
  // Again, with the database (and its journal and lock files) now there:
  // nothing new, and still no problem from them.
  CHECK(run_ccaudit({"scan", ".", "--fail-on", "any"}, dir.path()).exit_code == 1);
  const auto db = dir.path() / "ccaudit.db";
  CHECK(scalar(db, "SELECT count(*) FROM problem") == 0);
  CHECK(scalar(db, "SELECT count(*) FROM source WHERE path LIKE '%ccaudit.db%'") == 0);
  CHECK(scalar(db, "SELECT count(*) FROM finding") == 1);

  // The same folder reached through a symlink, with a new database: its
  // files (the rollback journal of a first scan among them) are still not
  // scanned, whatever path the walk takes to them.
  fs::create_symlink(dir.path(), dir.path() / ".." / (dir.path().filename().string() + "-link"));
  const auto link = dir.path().parent_path() / (dir.path().filename().string() + "-link");
  for (int i = 0; i < 300; ++i) {
    dir.write("m" + std::to_string(i) + ".eml", TestMessage{}.str());
  }
  const auto other = dir.path() / "other.db";
  CHECK(run_ccaudit({"scan", link.string(), "--db", other.string(), "--fail-on", "none"})
          .exit_code == 0);
  CHECK(scalar(other, "SELECT count(*) FROM problem WHERE path LIKE '%other.db%'") == 0);
  CHECK(scalar(other, "SELECT count(*) FROM source WHERE path LIKE '%other.db%'") == 0);
  // The messages and the first database's files (not this scan's: read)
  CHECK(scalar(other, "SELECT count(*) FROM source WHERE path LIKE '%.eml'") == 301);
  fs::remove(link);
}

TEST_CASE("cli: explain shows each field, the folded duplicates and the count",
          "[cli][explain]")
{
  const auto r = run_ccaudit({"explain", (k_fixtures / "single/groups-comments-dupes.eml").string()});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("line 2: To: Board:")
                      && Catch::Contains("(group Board)")
                      && Catch::Contains("erin@example.org x2 (to, cc)")
                      && Catch::Contains("ida@xn--bcher-kva.example.com x2")
                      && Catch::Contains("26 distinct visible, 0 internal, 26 exposed")
                      && Catch::Contains("decision: FLAGGED (visible-recipients)")
                      && Catch::Contains("threshold 25: 26 exposed address(es) >= 25"));
  const auto internal = run_ccaudit(
    {"explain", (k_fixtures / "single/internal-external.eml").string(),
     "--internal-domain", "example.org"});
  CHECK_THAT(internal.out, Catch::Contains("30 distinct visible, 18 internal, 12 exposed over 2 domain(s)")
                             && Catch::Contains("not flagged"));
}

TEST_CASE("cli: explain jsonl gives every mbox message with its offsets",
          "[cli][explain]")
{
  const auto file = k_fixtures / "mbox/two-messages.mbox";
  const auto bytes = test::read_file(file);
  const auto r = run_ccaudit({"explain", file.string(), "--format", "jsonl"});
  CHECK(r.exit_code == 0);
  const auto rows = jsonl(r.out);
  REQUIRE(rows.size() == 2);
  const auto second = bytes.find("\nFrom ", 1) + 1;
  CHECK(rows[0]["offset"] == 0);
  CHECK(rows[0]["end"] == second);
  CHECK(rows[0]["visible_count"] == 30);
  CHECK(rows[0]["flagged"] == true);
  CHECK(rows[1]["offset"] == second);
  CHECK(rows[1]["mbox_index"] == 1);
  CHECK(rows[1]["visible_count"] == 2);

  const auto one = run_ccaudit({"explain", file.string(), "--format", "jsonl",
                                "--offset", std::to_string(second)});
  REQUIRE(jsonl(one.out).size() == 1);
  CHECK(jsonl(one.out)[0]["offset"] == second);
}

TEST_CASE("cli: explain says where messages start when --offset misses one",
          "[cli][explain]")
{
  const auto r = run_ccaudit({"explain", (k_fixtures / "mbox/two-messages.mbox").string(),
                              "--offset", "5"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains("no message starts at offset 5 (nearest: previous at 0, next at"));
  const auto missing = run_ccaudit({"explain", "/nonexistent/file.mbox"});
  CHECK(missing.exit_code == 3);
  CHECK_THAT(missing.err, Catch::Contains("No such file"));
}

TEST_CASE("cli: blank lines before a message's header are skipped, recorded, and the header read",
          "[cli]")
{
  // Some exporters write a blank line first: read as an empty header, the
  // 30 visible recipients were not counted and the scan exited 0.
  TempDir dir;
  for (const char* sub : {"cur", "new", "tmp"}) {
    fs::create_directories(dir.path() / "md" / sub);
  }
  const auto message = TestMessage{.to = test::address_list(30)}.str();
  dir.write("md/cur/1.lf:2,S", "\n" + message);
  dir.write("md/cur/2.crlf:2,S", "\r\n\r\n" + message);
  const auto db = dir.path() / "b.db";
  const auto r = run_ccaudit({"scan", (dir.path() / "md").string(), "--db", db.string()});
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(scalar(db, "SELECT count(*) FROM finding WHERE visible_count = 30") == 2);
  CHECK(scalar(db, "SELECT count(*) FROM problem WHERE kind = 'blank_lines_before_header'") == 2);

  const auto e = run_ccaudit({"explain", (dir.path() / "md/cur/1.lf:2,S").string()});
  CHECK(e.exit_code == 0);
  CHECK(e.out.find("blank_lines_before_header") != std::string::npos);
}

TEST_CASE("cli: explain says that list mail is flagged but suppressed, as the scan records it",
          "[cli]")
{
  test::TempDir dir;
  test::TestMessage m;
  m.to = test::address_list(30);
  m.extra_headers = "List-Id: Team list <team.example.org>\n";
  const auto file = dir.write("list.eml", m.str()).string();
  const auto text = run_ccaudit({"explain", file});
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("FLAGGED (visible-recipients), suppressed as list or bulk mail (List-Id: "
                      "Team list <team.example.org>)")
        != std::string::npos);
  const auto lines = run_ccaudit({"explain", file, "--format", "jsonl"});
  CHECK(lines.out.find("\"kind\":\"visible-recipients\",\"suppressed\":\"List-Id: Team list "
                      "<team.example.org>\"")
        != std::string::npos);
}

TEST_CASE("cli: explain decides as the scan does: the configuration file (./ccaudit.toml, "
          "--config), the deciding flags, and every reason of the decision",
          "[cli][explain]")
{
  test::TempDir dir;
  test::TestMessage m;
  m.from = "Alice <alice@example.org>";
  m.to = test::address_list(30, "example.org", "staff");   // internal
  m.cc = test::address_list(10, "example.net", "partner"); // exposed
  m.extra_headers = "Bcc: " + test::address_list(300, "example.com", "hidden") + "\n";
  const auto file = dir.write("mail/wide.eml", m.str()).string();
  dir.write("ccaudit.toml", "[scan]\ninternal_domains = [\"example.org\"]\nthreshold = 5\n");
  dir.write("strict.toml", "[scan]\ninternal_domains = [\"example.org\"]\nthreshold = 20\n");
  const auto db = (dir.path() / "c.db").string();

  // ./ccaudit.toml: the scan flags 10 exposed; explain says the same, and why.
  REQUIRE(run_ccaudit({"scan", "mail", "--db", db}, dir.path()).exit_code == 1);
  CHECK(test::scalar(db, "SELECT external_count FROM finding") == 10);
  const auto text = run_ccaudit({"explain", file}, dir.path());
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("decision: FLAGGED (visible-recipients)")
                         && Catch::Contains("threshold 5: 10 exposed address(es) >= 5")
                         && Catch::Contains("internal domains: example.org: 30 address(es) "
                                            "not counted")
                         && Catch::Contains("reply rule: not a reply")
                         && Catch::Contains("list or bulk mail: no")
                         && Catch::Contains("not counted: Bcc (line ")
                         && Catch::Contains("): 300 address(es) the recipients do not see"));
  const auto j = json::parse(run_ccaudit({"explain", file, "--format", "jsonl"}, dir.path()).out);
  CHECK(j["flagged"] == true);
  CHECK(j["external_count"] == 10);
  CHECK(j["threshold"] == 5);
  CHECK(j["decision"]["internal_domains"] == json::array({"example.org"}));
  CHECK(j["decision"]["not_counted"][0]["mailboxes"] == 300);

  // --config: the scan and explain both read strict.toml, and neither flags.
  const auto strict_db = (dir.path() / "strict.db").string();
  CHECK(run_ccaudit({"scan", "mail", "--db", strict_db, "--config", "strict.toml"}, dir.path())
          .exit_code == 0);
  CHECK(test::scalar(strict_db, "SELECT count(*) FROM finding") == 0);
  const auto strict = run_ccaudit({"explain", file, "--config", "strict.toml"}, dir.path());
  CHECK_THAT(strict.out, Catch::Contains("decision: not flagged")
                           && Catch::Contains("threshold 20: 10 exposed address(es) < 20"));
  // A flag wins over the file, as for scan.
  CHECK_THAT(run_ccaudit({"explain", file, "--threshold", "11"}, dir.path()).out,
             Catch::Contains("decision: not flagged"));

  // The deciding flags scan takes: --bulk-sender, --since.
  const auto bulk = run_ccaudit({"explain", file, "--bulk-sender", "@example.org"}, dir.path());
  CHECK_THAT(bulk.out, Catch::Contains("suppressed as list or bulk mail (bulk sender "
                                       "@example.org)")
                         && Catch::Contains("list or bulk mail: bulk sender @example.org "
                                            "(--bulk-sender)"));
  const auto since = run_ccaudit({"explain", file, "--since", "2030-01-01"}, dir.path());
  CHECK_THAT(since.out, Catch::Contains("decision: not flagged")
                          && Catch::Contains("since 2030-01-01T00:00:00Z: dated "
                                             "2019-03-04T10:15:00Z (Date), before it"));

  // The reply rule: a reply with half the threshold is kept as context.
  test::TestMessage reply = m;
  reply.cc = test::address_list(3, "example.net", "partner");
  reply.extra_headers = "In-Reply-To: <test@example.org>\n";
  reply.message_id = "<reply@example.org>";
  const auto reply_file = dir.write("reply.eml", reply.str()).string();
  CHECK_THAT(run_ccaudit({"explain", reply_file}, dir.path()).out,
             Catch::Contains("not flagged; kept as reply-recipients")
               && Catch::Contains("reply rule: a reply (In-Reply-To or References): with at "
                                  "least 3 exposed")
               && Catch::Contains("not counted: no Bcc field"));
}

TEST_CASE("cli: a mistyped PATH, command or option changes nothing: exit 2, named, with the "
          "nearest and the command's --help",
          "[cli]")
{
  test::TempDir dir;
  const auto db = (dir.path() / "c.db").string();
  const auto typo = run_ccaudit({"scan", (dir.path() / "typo").string(), "--db", db});
  CHECK(typo.exit_code == 2);
  CHECK_THAT(typo.err, Catch::Contains("typo' does not exist: nothing was scanned or recorded")
                         && Catch::Contains("(see ccaudit scan --help)"));
  CHECK_FALSE(std::filesystem::exists(db)); // not even created

  const auto command = run_ccaudit({"scna", "x"});
  CHECK(command.exit_code == 2);
  CHECK_THAT(command.err, Catch::Contains("unknown command 'scna'; did you mean 'scan'?")
                            && Catch::Contains("(see ccaudit --help)"));
  const auto version = run_ccaudit({"--verison"});
  CHECK(version.exit_code == 2);
  CHECK_THAT(version.err, Catch::Contains("unknown option '--verison'; did you mean '--version'?"));
  const auto option = run_ccaudit({"scan", "--threshhold", "3", "x"});
  CHECK(option.exit_code == 2);
  CHECK_THAT(option.err, Catch::Contains("unknown option '--threshhold' for 'ccaudit scan'; did "
                                         "you mean '--threshold'?")
                           && Catch::Contains("(see ccaudit scan --help)"));
  const auto nested = run_ccaudit({"baseline", "acept", "I-0"});
  CHECK(nested.exit_code == 2);
  CHECK_THAT(nested.err, Catch::Contains("unknown command 'acept' for 'ccaudit baseline'; did "
                                         "you mean 'accept'?")
                           && Catch::Contains("(see ccaudit baseline --help)"));
  CHECK_THAT(run_ccaudit({"frobnicate"}).err, Catch::Contains("unknown command 'frobnicate'")
                                                 && !Catch::Contains("did you mean"));
  CHECK_THAT(run_ccaudit({}).err,
             Catch::Contains("a command is required: scan, report, export, lookup, merge, explain, "
                             "baseline"));
  const auto value = run_ccaudit({"report", "--format", "xml", "--db", db});
  CHECK(value.exit_code == 2);
  CHECK_THAT(value.err, Catch::Contains("(see ccaudit report --help)"));
}

TEST_CASE("cli: report shows the newest scan, but one that looked at no file never hides the "
          "one before it",
          "[cli]")
{
  test::TempDir dir;
  const auto db = (dir.path() / "c.db").string();
  const auto mail = (k_fixtures / "mbox").string();
  REQUIRE(run_ccaudit({"scan", mail, "--db", db}).exit_code == 1);
  std::filesystem::create_directory(dir.path() / "empty");
  const auto empty = run_ccaudit({"scan", (dir.path() / "empty").string(), "--db", db});
  CHECK(empty.exit_code == 0);
  CHECK_THAT(empty.err, Catch::Contains("no file found under the PATH(s): scan 2 read nothing"));
  // Scan 2 read nothing: the review is still scan 1's, and says so.
  const auto report = run_ccaudit({"report", "--db", db});
  CHECK(report.exit_code == 0);
  CHECK_THAT(report.out, Catch::StartsWith("ccaudit incident review: scan 1 (complete)"));
  CHECK_THAT(report.err, Catch::Contains("scan 2 looked at no file")
                           && Catch::Contains("this is scan 1, the newest that did"));
  CHECK_THAT(run_ccaudit({"report", "--db", db, "--scan", "2"}).out,
             Catch::StartsWith("ccaudit incident review: scan 2 (complete)"));
  const auto review = json::parse(run_ccaudit({"report", "--db", db, "--format", "json"}).out);
  CHECK(review["scan"]["id"] == 1);
  CHECK(review["incidents"].size() > 0);
  // A rescan that finds every file unchanged did look: it is the review's.
  CHECK(run_ccaudit({"scan", mail, "--db", db}).exit_code == 0);
  const auto again = run_ccaudit({"report", "--db", db});
  CHECK_THAT(again.out, Catch::StartsWith("ccaudit incident review: scan 3 (complete)"));
  CHECK(again.err.empty());
}

// A terminal for stderr: script(1) runs the scan on a pseudo-terminal.
TEST_CASE("cli: on a terminal the progress line shows files done of files listed and bytes "
          "read of bytes to read with a percentage, never with -q or off a terminal",
          "[cli]")
{
  const std::string script = "/usr/bin/script";
  if (!std::filesystem::exists(script)) {
    FAIL("script(1) is needed for this test: apt-get install bsdutils");
  }
  test::TempDir dir;
  std::string mbox;
  for (int i = 0; i < 4000; ++i) {
    mbox += "From a@example.org Mon Mar  4 10:15:00 2019\nFrom: a@example.org\nTo: b"
            + std::to_string(i) + "@example.com\nSubject: s\n\n" + std::string(400, 'x') + "\n\n";
  }
  const auto file = dir.write("big.mbox", mbox).string();
  const auto command = [&](const std::string& extra) {
    return test::run_program(script, {"-q", "-e", "-c",
                                      std::string(CCAUDIT_BINARY) + " scan '" + file + "' --db '"
                                        + (dir.path() / "p.db").string() + "'" + extra,
                                      "/dev/null"});
  };
  const auto shown = command(" --full");
  CHECK(shown.exit_code == 0);
  // Within the mbox (every 1,024 messages): "0/1 files, 421 KB/1 MB (24%); ...".
  CHECK_THAT(shown.out, Catch::Contains("\rccaudit: 0/1 files, ") && Catch::Contains("%); ")
                          && Catch::Contains(" messages, 0 exposures, 0 problems"));
  const auto quiet = command(" --full -q");
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.out.find("\rccaudit: ") == std::string::npos);
  const auto piped = run_ccaudit({"scan", file, "--db", (dir.path() / "q.db").string()});
  CHECK(piped.err.find('\r') == std::string::npos);
}
