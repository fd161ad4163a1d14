// What a scheduled scan is told: list and bulk mail, --since, exclusions,
// and the configuration file (flags win; mistakes are named by line).
#include "store/sqlite_store.hpp"
#include "support/database.hpp"
#include "support/test_message.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <sys/time.h>

namespace fs = std::filesystem;
using namespace ccaudit;
using test::address_list;
using test::run_ccaudit;
using test::TempDir;
using test::TestMessage;

using ccaudit::test::scalar;

namespace {


std::string
wide(const std::string& id, const std::string& extra = "",
     const std::string& from = "Alice <alice@example.org>",
     const std::string& date = "Mon, 04 Mar 2019 10:15:00 +0000")
{
  return TestMessage{.from = from, .to = address_list(30, "example.com", id), .date = date,
                     .message_id = "<" + id + "@example.org>", .extra_headers = extra}
    .str();
}

} // namespace

TEST_CASE("bulk: list and bulk mail is recorded but suppressed, and reports "
          "say how much they hide", "[config]")
{
  TempDir dir;
  dir.write("mail/plain.eml", wide("plain"));
  dir.write("mail/list.eml", wide("list", "List-Id: Team list <team.example.org>\n"));
  dir.write("mail/bulk.eml", wide("bulk", "Precedence: bulk\n"));
  dir.write("mail/auto.eml", wide("auto", "Auto-Submitted: auto-generated\n"));
  dir.write("mail/not-auto.eml", wide("notauto", "Auto-Submitted: no\n"));
  dir.write("mail/news.eml", wide("news", "", "News <news@mailer.example.net>"));
  const auto db = (dir.path() / "f.db").string();
  const auto r = run_ccaudit({"scan", (dir.path() / "mail").string(), "--db", db,
                              "--bulk-sender", "@MAILER.example.net", "--jsonl"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("this scan recorded 6 exposure(s), 2 new, 4 suppressed"));
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 2); // only plain and not-auto
  CHECK(scalar(db, "SELECT count(*) FROM finding WHERE suppressed LIKE 'List-Id: Team list%'") == 1);
  CHECK(scalar(db, "SELECT count(*) FROM finding WHERE suppressed = 'Precedence: bulk'") == 1);
  CHECK(scalar(db, "SELECT count(*) FROM finding WHERE suppressed = 'bulk sender @mailer.example.net'")
        == 1);
  const auto text = run_ccaudit({"report", "--db", db});
  CHECK_THAT(text.out, Catch::Contains("2 incidents")
                         && Catch::Contains("4 finding(s) of list or bulk mail not shown"));
  const auto json = nlohmann::json::parse(run_ccaudit({"report", "--db", db, "--format", "json"}).out);
  CHECK(json["incidents"].size() == 2);
  CHECK(json["suppressed_hidden"] == 4);
  const auto all = nlohmann::json::parse(
    run_ccaudit({"report", "--db", db, "--format", "json", "--include-suppressed"}).out);
  CHECK(all["incidents"].size() == 6);
  CHECK(all["suppressed_hidden"] == 0);
  const auto lines = run_ccaudit({"report", "--db", db, "--format", "jsonl"}).out;
  CHECK(std::count(lines.begin(), lines.end(), '\n') == 2);
  // Suppressed findings never fail a nightly run.
  CHECK(run_ccaudit({"scan", (dir.path() / "mail").string(), "--db", db, "--bulk-sender",
                     "@mailer.example.net", "--fail-on", "any"})
          .exit_code == 1); // plain and not-auto are open
  CHECK(run_ccaudit({"baseline", "accept", "--db", db, json["incidents"][0]["id"],
                     json["incidents"][1]["id"]})
          .exit_code == 0);
  CHECK(run_ccaudit({"scan", (dir.path() / "mail").string(), "--db", db, "--bulk-sender",
                     "@mailer.example.net", "--fail-on", "any"})
          .exit_code == 0);
  CHECK(run_ccaudit({"scan", "--bulk-sender", "not an address", (dir.path() / "mail").string(),
                     "--db", db})
          .exit_code == 2);
}

TEST_CASE("since: only messages dated from then, the file's mtime for those "
          "without a readable Date", "[config]")
{
  TempDir dir;
  dir.write("mail/old.eml", wide("old", "", "Alice <alice@example.org>", "Mon, 04 Mar 2019 10:15:00 +0000"));
  dir.write("mail/new.eml", wide("new", "", "Alice <alice@example.org>", "Tue, 4 Jun 2024 09:30:00 +0200"));
  const auto undated_old = dir.write("mail/undated-old.eml", wide("undatedold", "", "Alice <alice@example.org>", "someday"));
  dir.write("mail/undated-new.eml", wide("undatednew", "", "Alice <alice@example.org>", "soon"));
  const struct timeval old_time[2] = {{1262304000, 0}, {1262304000, 0}}; // 2010-01-01
  REQUIRE(::utimes(undated_old.c_str(), old_time) == 0);
  const auto db = (dir.path() / "f.db").string();
  const auto r = run_ccaudit({"scan", (dir.path() / "mail").string(), "--db", db, "--since",
                              "2024-01-01"});
  CHECK(r.exit_code == 1);
  CHECK(scalar(db, "SELECT count(*) FROM finding") == 2);
  CHECK(scalar(db, "SELECT count(*) FROM finding WHERE message_id IN ('new@example.org', "
                   "'undatednew@example.org')") == 2);
  CHECK(run_ccaudit({"scan", (dir.path() / "mail").string(), "--db", db, "--since", "01/01/2024"})
          .exit_code == 2);
}

TEST_CASE("exclusions: matching folders and files are not walked, and each "
          "exclusion is recorded", "[config]")
{
  TempDir dir;
  dir.write("mail/Junk/cur/1.M1P1.host.example:2,S", wide("junk"));
  dir.write("mail/Inbox/cur/2.M2P1.host.example:2,S", wide("inbox"));
  dir.write("mail/notes.eml", wide("notes"));
  const auto db = (dir.path() / "f.db").string();
  const auto r = run_ccaudit({"scan", (dir.path() / "mail").string(), "--db", db, "--exclude",
                              "*/Junk/*", "--exclude", "*.eml"});
  CHECK(r.exit_code == 1);
  CHECK(scalar(db, "SELECT count(*) FROM finding") == 1);
  CHECK(scalar(db, "SELECT count(*) FROM problem WHERE kind = 'excluded_by_configuration'") == 2);
}

TEST_CASE("config: the file sets defaults, flags win, and mistakes are named "
          "by file, line and key", "[config]")
{
  TempDir dir;
  dir.write("mail/a.eml", TestMessage{.to = address_list(12)}.str());
  const auto db = (dir.path() / "configured.db").string();
  const auto config = dir.write("ccaudit.toml", "# nightly scan\n"
                                                "db = \"" + db + "\"\n"
                                                "[scan]\n"
                                                "threshold = 10\n"
                                                "internal_domains = [\"example.net\"]\n"
                                                "[report]\n"
                                                "format = \"json\"\n");
  const auto mail = (dir.path() / "mail").string();
  // Found in the current folder; its db and threshold apply.
  auto r = run_ccaudit({"scan", mail}, dir.path());
  CHECK(r.exit_code == 1);
  CHECK(fs::exists(db));
  CHECK(scalar(db, "SELECT threshold FROM scan") == 10);
  CHECK(scalar(db, "SELECT count(*) FROM scan WHERE settings LIKE '%example.net%'") == 1);
  // The report's format comes from it too.
  r = run_ccaudit({"report"}, dir.path());
  REQUIRE(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out)["incidents"].size() == 1);
  // A flag wins.
  r = run_ccaudit({"scan", mail, "--threshold", "13"}, dir.path());
  CHECK(r.exit_code == 0);
  CHECK(scalar(db, "SELECT threshold FROM scan ORDER BY id DESC LIMIT 1") == 13);
  // --config names another file.
  const auto other = dir.write("other.toml", "[scan]\nthreshold = 12\n");
  const auto other_db = (dir.path() / "other.db").string();
  CHECK(run_ccaudit({"scan", mail, "--config", other.string(), "--db", other_db}).exit_code == 1);

  const auto bad = [&](const std::string& body) {
    const auto file = dir.write("bad.toml", body);
    return run_ccaudit({"scan", mail, "--config", file.string(), "--db", other_db});
  };
  r = bad("[scan]\nthreshold = 10\ntreshold = 5\n");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("bad.toml:3: unknown key 'scan.treshold'"));
  r = bad("[scan]\n\nthreshold = \"many\"\n");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("bad.toml:3: scan.threshold must be a whole number"));
  r = bad("[scan]\nfail_on = \"sometimes\"\n");
  CHECK_THAT(r.err, Catch::Contains("bad.toml:2: scan.fail_on must be one of any, new, none"));
  r = bad("[scan]\ninternal_domains = \"example.org\"\n");
  CHECK_THAT(r.err, Catch::Contains("bad.toml:2: scan.internal_domains must be a list"));
  r = bad("[scan\nthreshold = 1\n");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("bad.toml:1:"));
  r = bad("[sacn]\n");
  CHECK_THAT(r.err, Catch::Contains("bad.toml:1: unknown key 'sacn'"));
  r = run_ccaudit({"scan", mail, "--config", (dir.path() / "missing.toml").string()});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("missing.toml: not found"));
}

TEST_CASE("config: a scan whose deciding settings differ from the last complete scan's says "
          "which, and reports show the settings of the review",
          "[cli][config]")
{
  TempDir dir;
  dir.write("mail/cur/1.a:2,S",
            ccaudit::test::TestMessage{.to = ccaudit::test::address_list(30, "example.org")}.str());
  const auto mail = (dir.path() / "mail").string();
  const auto db = (dir.path() / "c.db").string();
  const auto first = run_ccaudit({"scan", mail, "--db", db, "--internal-domain", "example.org"});
  CHECK(first.exit_code == 0);
  CHECK(first.err.find("settings differ") == std::string::npos); // nothing to differ from
  const auto same = run_ccaudit({"scan", mail, "--db", db, "--internal-domain", "example.org"});
  CHECK(same.err.find("settings differ") == std::string::npos);
  // The nightly job lost its --internal-domain: said, with what changed.
  const auto drift = run_ccaudit({"scan", mail, "--db", db, "--threshold", "20"});
  CHECK(drift.exit_code == 1); // the internal all-hands mail is flagged now
  CHECK_THAT(drift.err, Catch::Contains("settings differ from scan 2 (the last complete one): ")
                          && Catch::Contains("threshold 25 -> 20")
                          && Catch::Contains("internal_domains [\"example.org\"] -> []"));
  // The review says what it was made with.
  CHECK_THAT(run_ccaudit({"report", "--db", db}).out,
             Catch::Contains("settings: threshold 20; internal domains none; bulk senders none; "
                             "since any date; headers only"));
  CHECK_THAT(run_ccaudit({"report", "--db", db, "--scan", "1"}).out,
             Catch::Contains("settings: threshold 25; internal domains example.org;"));
  const auto j = nlohmann::json::parse(
    run_ccaudit({"report", "--db", db, "--scan", "1", "--format", "json"}).out);
  CHECK(j["scan"]["settings"]["internal_domains"] == nlohmann::json::array({"example.org"}));
  CHECK_THAT(run_ccaudit({"report", "--db", db, "--format", "html"}).out,
             Catch::Contains("Settings: threshold 20; internal domains none;"));
}
