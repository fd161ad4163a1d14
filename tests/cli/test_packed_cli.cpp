// The exports a responder is handed: compressed files, zip and tar files,
// pipes. Each must give the findings of the unpacked store, and nothing may
// end in a clean exit without mail having been read.
#include "support/database.hpp"
#include "support/test_message.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <set>

namespace fs = std::filesystem;
using namespace ccaudit;
using test::run_ccaudit;
using test::run_program;
using test::scalar;
using test::TempDir;

namespace {

const fs::path k_packed = fs::path(CCAUDIT_FIXTURES_DIR) / "packed";
const fs::path k_fixtures = CCAUDIT_FIXTURES_DIR;

struct Scan
{
  TempDir dir;
  std::string db = (dir.path() / "f.db").string();
  test::RunResult run(const std::vector<std::string>& paths,
                      std::vector<std::string> extra = {}) const
  {
    std::vector<std::string> args = {"scan", "--db", db, "-q"};
    args.insert(args.end(), paths.begin(), paths.end());
    args.insert(args.end(), extra.begin(), extra.end());
    return run_ccaudit(args);
  }
  // (path, offset) of every current finding on a message's header.
  std::set<std::pair<std::string, std::int64_t>> findings() const
  {
    std::set<std::pair<std::string, std::int64_t>> out;
    store::SqliteStore store(db, store::OpenMode::read_only);
    store.query("SELECT path, offset FROM finding WHERE retired_scan IS NULL "
                "AND kind = 'visible-recipients'",
                {}, [&](const store::Row& r) { out.emplace(r.text(0), r.integer(1)); });
    return out;
  }
  std::int64_t count(const std::string& sql) const { return scalar(db, sql); }
};

std::string
quoted(const std::string& s)
{
  return "'" + s + "'";
}

} // namespace

TEST_CASE("packed: every codec gives the findings of the plain mbox, at the same offsets",
          "[packed]")
{
  Scan plain;
  REQUIRE(plain.run({(k_fixtures / "mbox/two-messages.mbox").string()}).exit_code == 1);
  const auto expected = plain.findings();
  REQUIRE(expected.size() == 1);
  for (const char* suffix : {".gz", ".bz2", ".xz", ".zst", ".lz4", ".lz"}) {
    INFO(suffix);
    Scan s;
    const auto file = k_packed / (std::string("two-messages.mbox") + suffix);
    const auto r = s.run({file.string()});
    CHECK(r.exit_code == 1);
    CHECK(s.count("SELECT count(*) FROM problem") == 0);
    CHECK(s.count("SELECT messages FROM source WHERE path = " + quoted(file.string())) == 2);
    const auto found = s.findings();
    REQUIRE(found.size() == 1);
    CHECK(found.begin()->first == file.string());
    CHECK(found.begin()->second == expected.begin()->second);
  }
}

TEST_CASE("packed: several gzip members and several zstd frames are one stream", "[packed]")
{
  for (const char* name : {"members.mbox.gz", "frames.mbox.zst"}) {
    INFO(name);
    Scan s;
    CHECK(s.run({(k_packed / name).string()}).exit_code == 1);
    CHECK(s.count("SELECT sum(messages) FROM source") == 4);
    CHECK(s.count("SELECT count(*) FROM problem") == 0);
  }
}

TEST_CASE("packed: a tar.gz of a Maildir is read member by member, tmp/ skipped", "[packed]")
{
  Scan s;
  const auto tgz = (k_packed / "maildir.tar.gz").string();
  CHECK(s.run({tgz}).exit_code == 1);
  const auto member = tgz + "!Maildir/cur/1700000000.M1P100.host.example:2,S";
  CHECK(s.findings() == std::set<std::pair<std::string, std::int64_t>>{{member, 0}});
  CHECK(s.count("SELECT count(*) FROM source WHERE kind = 'message' AND path LIKE "
                + quoted(tgz + "!Maildir/%"))
        == 2);
  CHECK(s.count("SELECT count(*) FROM problem WHERE kind = 'maildir_tmp_skipped' AND path = "
                + quoted(tgz + "!Maildir/tmp"))
        == 1);
  // The same as the unpacked Maildir.
  Scan plain;
  CHECK(plain.run({(k_fixtures / "maildir/basic").string()}).exit_code == 1);
  CHECK(plain.count("SELECT count(*) FROM finding") == s.count("SELECT count(*) FROM finding"));
}

TEST_CASE("packed: a Google Takeout zip gives the findings of its mbox, with a locator "
          "explain and the report take", "[packed]")
{
  Scan s;
  const auto zip = (k_packed / "takeout-20261205T000000Z-001.zip").string();
  const auto r = s.run({zip});
  CHECK(r.exit_code == 1);
  const auto mbox = zip + "!Takeout/Mail/All mail Including Spam and Trash.mbox";
  Scan plain;
  REQUIRE(plain.run({(k_fixtures / "incidents/sent.mbox").string()}).exit_code == 1);
  std::set<std::int64_t> plain_offsets, zip_offsets;
  for (const auto& [path, offset] : plain.findings()) {
    plain_offsets.insert(offset);
  }
  for (const auto& [path, offset] : s.findings()) {
    CHECK(path == mbox);
    zip_offsets.insert(offset);
  }
  CHECK(zip_offsets == plain_offsets);
  CHECK(s.count("SELECT count(*) FROM problem WHERE kind = 'not_mail' AND path = "
                + quoted(zip + "!Takeout/archive_browser.html"))
        == 1);
  // The report's copies show the locator.
  const auto report = run_ccaudit({"report", "--db", s.db, "--format", "json"});
  REQUIRE(report.exit_code == 0);
  CHECK(report.out.find("All mail Including Spam and Trash.mbox") != std::string::npos);
  // explain takes the locator, or the file and --member.
  const auto offset = std::to_string(*zip_offsets.begin());
  const auto by_locator = run_ccaudit({"explain", mbox, "--offset", offset});
  CHECK(by_locator.exit_code == 0);
  CHECK(by_locator.out.find("FLAGGED") != std::string::npos);
  CHECK(by_locator.out.find(mbox + ": message 0 at offset") != std::string::npos);
  const auto by_member = run_ccaudit(
    {"explain", zip, "--member", "Takeout/Mail/All mail Including Spam and Trash.mbox",
     "--offset", offset});
  CHECK(by_member.exit_code == 0);
  CHECK(by_member.out == by_locator.out);
  const auto missing = run_ccaudit({"explain", zip, "--member", "Takeout/Mail/none.mbox"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("no member") != std::string::npos);
}

TEST_CASE("packed: archives and compressed files nested in each other are read to a bound",
          "[packed]")
{
  Scan s;
  const auto zip = (k_packed / "nested.zip").string();
  CHECK(s.run({zip}).exit_code == 1);
  CHECK(s.count("SELECT count(*) FROM finding WHERE kind = 'visible-recipients'") == 2);
  CHECK(s.count("SELECT count(*) FROM source WHERE path = "
                + quoted(zip + "!inner.tar.zst!box/cur/1700000000.M1P100.host.example:2,S"))
        == 1);
  CHECK(s.count("SELECT count(*) FROM finding WHERE path = " + quoted(zip + "!crlf.mbox.gz"))
        == 1);
  // A zip in a zip in ... six deep (as a zip that holds itself unfolds):
  // read to 4 levels, the rest recorded. (gzip in gzip is one stream:
  // libarchive and zlib read the layers as one, bounded by the expansion.)
  TempDir dir;
  fs::copy_file(k_fixtures / "mbox/two-messages.mbox", dir.path() / "m.mbox");
  std::string inner = "m.mbox";
  for (int i = 0; i < 6; ++i) {
    const auto next = "level" + std::to_string(i) + ".zip";
    REQUIRE(run_program("/bin/sh", {"-c", "cd '" + dir.path().string() + "' && zip -q " + next
                                            + " " + inner})
              .exit_code == 0);
    inner = next;
  }
  Scan deep;
  const auto r = deep.run({(dir.path() / inner).string()});
  CHECK(r.exit_code == 3);
  CHECK(deep.count("SELECT count(*) FROM problem WHERE kind = 'compressed_not_scanned'") == 1);
  CHECK(r.err.find("levels of compressed or archive files") != std::string::npos);
}

TEST_CASE("packed: a pipe is read from '-', /dev/stdin and a process substitution",
          "[packed]")
{
  const std::string bin = CCAUDIT_BINARY;
  const auto gz = (k_packed / "two-messages.mbox.gz").string();
  for (const std::string& how :
       {"gzip -dc '" + gz + "' | '" + bin + "' scan -q --db \"$1\" -",
        "gzip -dc '" + gz + "' | '" + bin + "' scan -q --db \"$1\" /dev/stdin",
        "cat '" + gz + "' | '" + bin + "' scan -q --db \"$1\" -", // still compressed
        "'" + bin + "' scan -q --db \"$1\" <(gzip -dc '" + gz + "')"}) {
    INFO(how);
    Scan s;
    const auto r = run_program("/bin/bash", {"-c", how, "bash", s.db});
    CHECK(r.exit_code == 1);
    CHECK(s.count("SELECT sum(messages) FROM source") == 2);
    CHECK(s.findings().size() == 1);
  }
}

TEST_CASE("packed: an empty pipe, an empty file or a file of no mail named to be scanned "
          "is never a clean exit", "[packed]")
{
  const std::string bin = CCAUDIT_BINARY;
  TempDir dir;
  const auto empty = dir.write("empty.mbox", "");
  const auto notes = dir.write("notes.txt", "just some notes\nnothing else\n");
  const auto empty_gz = dir.path() / "empty.mbox.gz";
  REQUIRE(run_program("/bin/sh", {"-c", "printf '' | gzip -c > '" + empty_gz.string() + "'"})
            .exit_code == 0);
  for (const std::string& how :
       {": | '" + bin + "' scan -q --db \"$1\" -", "'" + bin + "' scan -q --db \"$1\" '"
                                                     + empty.string() + "'",
        "'" + bin + "' scan -q --db \"$1\" '" + notes.string() + "'",
        "'" + bin + "' scan -q --db \"$1\" '" + empty_gz.string() + "'"}) {
    INFO(how);
    Scan s;
    const auto r = run_program("/bin/bash", {"-c", how, "bash", s.db});
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("no_message_found") != std::string::npos);
    // The report names it among what was NOT scanned.
    const auto report = run_ccaudit({"report", "--db", s.db});
    CHECK(report.out.find("no_message_found: 1 in 1 file(s) (NOT scanned)") != std::string::npos);
    CHECK(report.out.find("not scanned:\n") != std::string::npos);
    // And again, once nothing changed: still not clean.
    if (how.find(": |") == std::string::npos) {
      CHECK(run_program("/bin/bash", {"-c", how, "bash", s.db}).exit_code == 3);
    }
  }
  // A folder holding no mail is not named mail: its files are only not_mail.
  Scan folder;
  CHECK(folder.run({(k_fixtures / "notmail").string()}).exit_code == 0);
}

TEST_CASE("packed: a damaged stream keeps every message read before the damage, and the "
          "scan is incomplete", "[packed]")
{
  TempDir dir;
  const auto sent = (k_fixtures / "incidents/sent.mbox").string();
  const auto gz = dir.path() / "sent.mbox.gz";
  REQUIRE(run_program("/bin/sh", {"-c", "gzip -n -c '" + sent + "' > '" + gz.string() + "'"})
            .exit_code == 0);
  Scan whole;
  REQUIRE(whole.run({gz.string()}).exit_code == 1);
  const auto all = whole.findings().size();
  REQUIRE(all >= 2);

  SECTION("truncated")
  {
    fs::resize_file(gz, fs::file_size(gz) * 3 / 4); // inside the last message
    Scan s;
    const auto r = s.run({gz.string()});
    CHECK(r.exit_code == 3);
    CHECK(s.findings().size() >= 1);
    CHECK(s.findings().size() < all);
    CHECK(s.count("SELECT count(*) FROM problem WHERE kind = 'unreadable_input' AND detail LIKE "
                  "'%decompressed byte(s)%'")
          == 1);
  }
  SECTION("a bad CRC")
  {
    std::fstream f(gz, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(gz) - 8));
    f.put('\x55');
    f.close();
    Scan s;
    CHECK(s.run({gz.string()}).exit_code == 3);
    CHECK(s.findings().size() == all); // the data was whole; the check failed at its end
    CHECK(s.count("SELECT count(*) FROM problem WHERE kind = 'unreadable_input'") == 1);
  }
  SECTION("a corrupt zip member, and the members after it")
  {
    const auto zip = dir.path() / "export.zip";
    fs::copy_file(k_fixtures / "mbox/two-messages.mbox", dir.path() / "a.mbox");
    fs::copy_file(sent, dir.path() / "b.mbox");
    REQUIRE(run_program("/bin/sh", {"-c", "cd '" + dir.path().string()
                                            + "' && zip -q export.zip a.mbox b.mbox"})
              .exit_code == 0);
    // Damage a.mbox's deflated data (it starts after its 30-byte local
    // header and its name).
    std::fstream f(zip, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(30 + 6 + 40);
    f.write("\xff\xff\xff\xff\xff\xff\xff\xff", 8);
    f.close();
    Scan s;
    const auto r = s.run({zip.string()});
    CHECK(r.exit_code == 3);
    CHECK(s.count("SELECT count(*) FROM problem WHERE kind = 'unreadable_input' AND path = "
                  + quoted(zip.string() + "!a.mbox"))
          == 1);
    CHECK(s.count("SELECT count(*) FROM finding WHERE path = " + quoted(zip.string() + "!b.mbox"))
          == static_cast<std::int64_t>(all));
  }
}

TEST_CASE("packed: a decompression bomb costs bounded memory and time, and is recorded",
          "[packed]")
{
  TempDir dir;
  const auto bomb = dir.path() / "bomb.mbox.gz";
  // An mbox whose last body is 512 MiB of one repeated line, in about 2 MB:
  // read up to 10 times its size plus the 64 MiB allowance.
  const auto mbox = (k_fixtures / "mbox/two-messages.mbox").string();
  REQUIRE(run_program("/bin/sh", {"-c", "{ cat '" + mbox + "'; yes 'the same line again' | "
                                          "head -c 536870912; } | gzip -1 -c > '"
                                          + bomb.string() + "'"})
            .exit_code == 0);
  Scan s;
  const auto start = std::chrono::steady_clock::now();
  const auto r = s.run({bomb.string()}, {"--max-expansion", "10"});
  const auto seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(r.exit_code == 3);
  CHECK(s.count("SELECT count(*) FROM problem WHERE kind = 'expansion_limit'") == 1);
  CHECK(s.count("SELECT count(*) FROM finding") == 1); // what came before is kept
  // The report names the file among what was NOT scanned.
  const auto report = run_ccaudit({"report", "--db", s.db});
  CHECK(report.out.find("expansion_limit: 1 in 1 file(s) (NOT scanned)") != std::string::npos);
  CHECK(report.out.find("not scanned:\n  " + bomb.string()) != std::string::npos);
  CHECK(r.peak_rss_kib < 200 * 1024);
  CHECK(seconds < 60);
  CHECK(run_ccaudit({"scan", "--db", s.db, bomb.string(), "--max-expansion", "0"}).exit_code
        == 2);
}

TEST_CASE("packed: an unchanged export is not read again, and a changed one replaces what it gave",
          "[packed]")
{
  TempDir dir;
  const auto tgz = dir.path() / "export.tar.gz";
  fs::copy(k_fixtures / "maildir/basic", dir.path() / "Maildir", fs::copy_options::recursive);
  const auto pack = [&] {
    REQUIRE(run_program("/bin/sh", {"-c", "cd '" + dir.path().string()
                                            + "' && tar czf export.tar.gz Maildir"})
              .exit_code == 0);
  };
  pack();
  Scan s;
  auto r = s.run({tgz.string()});
  REQUIRE(r.exit_code == 1);
  // One file, whether its members are read or not.
  CHECK_THAT(r.err, Catch::Contains("2 message(s) in 1 file(s): 2 read from 1 file(s)"));
  // The scan row and the review count it so too, not each member again.
  CHECK(s.count("SELECT sources FROM scan WHERE id = 1") == 1);
  const auto first = s.findings();
  r = s.run({tgz.string()});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("2 message(s) in 1 file(s): 0 read from 0 file(s)"));
  CHECK(s.count("SELECT unchanged_files FROM scan WHERE id = 2") == 1);
  CHECK(s.count("SELECT unchanged_messages FROM scan WHERE id = 2") == 2);
  CHECK_THAT(run_ccaudit({"report", "--db", s.db}).out,
             Catch::Contains("1 file(s), 2 message(s) (2 in 1 unchanged file(s) not read "
                             "again), 0 exposure(s) recorded"));
  CHECK(s.findings() == first);
  CHECK(s.count("SELECT count(*) FROM source WHERE gone_scan IS NOT NULL") == 0);
  CHECK(s.count("SELECT count(*) FROM source WHERE last_scan = 2") >= 3); // file and members
  // Changed: the flagged message removed.
  fs::remove_all(dir.path() / "Maildir/cur");
  fs::create_directory(dir.path() / "Maildir/cur");
  fs::remove(tgz);
  pack();
  r = s.run({tgz.string()});
  CHECK(r.exit_code == 0);
  CHECK(s.findings().empty());
}

TEST_CASE("packed: 7z and rar are recorded as not read", "[packed]")
{
  TempDir dir;
  const auto seven = dir.write("export.7z", std::string("7z\xbc\xaf\x27\x1c\x00\x04", 8)
                                              + std::string(64, '\0'));
  Scan s;
  const auto r = s.run({seven.string()});
  CHECK(r.exit_code == 3);
  CHECK(s.count("SELECT count(*) FROM problem WHERE kind = 'compressed_not_scanned'") == 1);
}

TEST_CASE("packed: a zip of 40,000 members is read in the memory of one of 4,000",
          "[packed]")
{
  TempDir dir;
  long rss[2] = {0, 0};
  int i = 0;
  for (const int members : {4000, 40000}) {
    const auto zip = dir.path() / ("many" + std::to_string(members) + ".zip");
    REQUIRE(run_program("/usr/bin/python3",
                        {"-c",
                         "import sys, zipfile\n"
                         "with zipfile.ZipFile(sys.argv[1], 'w') as z:\n"
                         "    for i in range(int(sys.argv[2])): z.writestr('m/%d.txt' % i, 'note')\n",
                         zip.string(), std::to_string(members)})
              .exit_code == 0);
    Scan s;
    const auto r = s.run({zip.string()});
    CHECK(r.exit_code == 3); // named, and no mail in it
    CHECK(s.count("SELECT count(*) FROM problem WHERE kind = 'not_mail'") == members);
    rss[i++] = r.peak_rss_kib;
  }
  // Before, every member's row and problem waited for the end of the file:
  // about 1 KiB each.
  CHECK(rss[1] < rss[0] + 20 * 1024);
}

TEST_CASE("packed: --content reads a tar of a Maildir message by message, in bounded memory",
          "[packed]")
{
  TempDir dir;
  for (int i = 0; i < 40; ++i) {
    dir.write("Maildir/cur/" + std::to_string(1000 + i) + ".M1P1.host.example:2,S",
              test::TestMessage{.to = test::address_list(30)}.str());
  }
  REQUIRE(run_program("/bin/sh", {"-c", "cd '" + dir.path().string()
                                          + "' && tar czf export.tgz Maildir"})
            .exit_code == 0);
  Scan s;
  const auto r = s.run({(dir.path() / "export.tgz").string()}, {"--content"});
  CHECK(r.exit_code == 1);
  CHECK(s.count("SELECT sum(messages) FROM source WHERE kind = 'message'") == 40);
  // Before, each message of a stream took the whole body bound (64 MiB) at
  // once: 40 of them in flight held gigabytes.
  CHECK(r.peak_rss_kib < 400 * 1024);
}
