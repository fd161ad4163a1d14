// Outlook data files as exported (PST/OST): every item a message, named by
// its folder and identifier; damage recorded, never a crash or a clean exit.
#include "support/database.hpp"
#include "support/test_message.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>

namespace fs = std::filesystem;
using namespace ccaudit;
using test::run_ccaudit;
using test::run_program;
using test::scalar;
using test::TempDir;

namespace {

const fs::path k_outlook = fs::path(CCAUDIT_FIXTURES_DIR) / "outlook";
const std::string k_item = "!/Outlook データ ファイルのトップ#2097188";

struct Scan
{
  TempDir dir;
  std::string db = (dir.path() / "f.db").string();
  test::RunResult run(const std::vector<std::string>& paths) const
  {
    std::vector<std::string> args = {"scan", "--db", db, "-q"};
    args.insert(args.end(), paths.begin(), paths.end());
    return run_ccaudit(args);
  }
  std::int64_t count(const std::string& sql) const { return scalar(db, sql); }
};

void
write(const fs::path& path, const std::string& bytes)
{
  std::ofstream(path, std::ios::binary) << bytes;
}

} // namespace

TEST_CASE("outlook: every PST item is a message, recipients from its table, named by folder "
          "and id",
          "[outlook]")
{
  Scan s;
  const auto r = s.run({k_outlook.string()});
  CHECK(r.exit_code == 1); // the 200-recipient item is flagged
  CHECK(s.count("SELECT count(*) FROM source WHERE kind = 'outlook'") == 5);
  CHECK(s.count("SELECT sum(messages) FROM source WHERE kind = 'outlook'") == 39);
  CHECK(s.count("SELECT count(*) FROM finding WHERE path LIKE '%.pst!%'") == 4);
  // Every flagged item of one file is recorded (all are at offset 0 of it).
  const auto wide = (k_outlook / "three-wide.pst").string() + "!/Top of Personal Folders/";
  for (const auto& [item, visible] : std::vector<std::pair<std::string, int>>{
         {"Inbox#2097252", 115}, {"Inbox#2097732", 164}, {"Sent Items#2098052", 470}}) {
    CHECK(s.count("SELECT visible_count FROM finding WHERE path = '" + wide + item + "'")
          == visible);
  }
  const auto path = (k_outlook / "200-recipients.pst").string() + k_item;
  CHECK(s.count("SELECT visible_count FROM finding WHERE path = '" + path + "'") == 200);
  CHECK(s.count("SELECT count(*) FROM finding WHERE subject = '200 recipients' "
                "AND sent_at = '2021-11-23T00:24:09Z'") == 1);
  // The finding belongs to the file's own source row, not to one per item.
  CHECK(s.count("SELECT count(*) FROM finding f JOIN source s ON s.id = f.source_id "
                "WHERE s.path = '" + (k_outlook / "200-recipients.pst").string() + "'") == 1);
  CHECK(s.count("SELECT count(*) FROM source WHERE kind = 'reading'") == 0);
  CHECK(s.count("SELECT count(*) FROM problem WHERE kind LIKE 'outlook%'") == 0);

  // Unchanged files are not read again; a touched one is, and its old
  // finding is retired for the new one.
  CHECK(s.run({k_outlook.string()}).exit_code == 0);
  TempDir copy;
  fs::copy(k_outlook, copy.path() / "o");
  CHECK(s.run({(copy.path() / "o").string()}).exit_code == 0); // a copy: seen before
  fs::last_write_time(copy.path() / "o" / "200-recipients.pst",
                      fs::last_write_time(copy.path() / "o" / "200-recipients.pst")
                        + std::chrono::seconds(5));
  s.run({(copy.path() / "o").string()});
  const auto copied = (copy.path() / "o" / "200-recipients.pst").string() + k_item;
  CHECK(s.count("SELECT count(*) FROM finding WHERE path = '" + copied + "'") == 2);
  CHECK(s.count("SELECT count(*) FROM finding WHERE path = '" + copied
                + "' AND retired_scan IS NULL") == 1);
}

TEST_CASE("outlook: explain takes the locator a finding gives", "[outlook]")
{
  const auto file = (k_outlook / "200-recipients.pst").string();
  const auto r = run_ccaudit({"explain", file + k_item});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("200 distinct visible") != std::string::npos);
  CHECK(r.out.find("To (recipient table)") != std::string::npos);
  CHECK(run_ccaudit({"explain", file + "!/Outlook データ ファイルのトップ#1"}).exit_code != 0);
}

TEST_CASE("outlook: a damaged or truncated PST is recorded and makes the scan incomplete",
          "[outlook][hostile]")
{
  Scan s;
  const auto pst = test::read_file(k_outlook / "200-recipients.pst");
  write(s.dir.path() / "truncated.pst", pst.substr(0, pst.size() / 2));
  write(s.dir.path() / "header-only.pst", pst.substr(0, 512));
  auto garbage = pst.substr(0, 10) + std::string(4096, '\xA5');
  write(s.dir.path() / "garbage.ost", garbage);
  auto flipped = pst;
  for (std::size_t i = 0x4400; i < flipped.size(); i += 997) {
    flipped[i] = static_cast<char>(~flipped[i]);
  }
  write(s.dir.path() / "flipped.pst", flipped);
  const auto r = s.run({s.dir.path().string()});
  CHECK(r.exit_code == 3);
  for (const auto* name : {"truncated.pst", "header-only.pst", "garbage.ost", "flipped.pst"}) {
    CAPTURE(name);
    const auto file = (s.dir.path() / name).string();
    CHECK(s.count("SELECT count(*) FROM source WHERE path = '" + file
                  + "' AND kind = 'outlook' AND complete = 0") == 1);
    CHECK(s.count("SELECT count(*) FROM problem WHERE kind IN ('outlook_damaged', "
                  "'outlook_item_unreadable') AND (path = '" + file + "' OR path LIKE '"
                  + file + "!%')") >= 1);
  }
}

TEST_CASE("outlook: a PST inside a zip export is read, its items named inside the member",
          "[outlook][packed]")
{
  Scan s;
  const auto zip = (s.dir.path() / "export.zip").string();
  const auto zipped = run_program("/usr/bin/zip", {"-q", "-j", zip, (k_outlook / "200-recipients.pst").string()});
  REQUIRE(zipped.exit_code == 0);
  CHECK(s.run({zip}).exit_code == 1);
  CHECK(s.count("SELECT visible_count FROM finding WHERE path = '" + zip + "!200-recipients.pst"
                + k_item + "'") == 200);
}

TEST_CASE("outlook: a .msg item counts its To and Cc rows, never Bcc, and links reply-alls",
          "[outlook]")
{
  Scan s;
  const auto dir = k_outlook / "msg";
  CHECK(s.run({dir.string()}).exit_code == 1);
  const auto wide = (dir / "wide-cc.msg").string();
  CHECK(s.count("SELECT visible_count FROM finding WHERE path = '" + wide + "'") == 29);
  CHECK(s.count("SELECT count(*) FROM finding WHERE path = '" + wide
                + "' AND message_id = 'wide-cc-1@example.com' AND from_address = "
                  "'clinic@example.com' AND sent_at = '2019-03-04T10:15:00Z'")
        == 1);
  CHECK(s.count("SELECT count(*) FROM finding_address WHERE address LIKE 'hidden%' "
                "OR address LIKE 'reader%'") == 0);
  CHECK(s.count("SELECT count(*) FROM finding WHERE path LIKE '%all-bcc.msg'") == 0);
  // explain says what was left out.
  CHECK_THAT(run_ccaudit({"explain", (dir / "all-bcc.msg").string()}).out,
             Catch::Contains("not counted: Bcc (recipient table): 40 address(es)"));
  CHECK(s.count("SELECT visible_count FROM finding WHERE path LIKE '%reply-all.msg'") == 26);
  CHECK(s.count("SELECT count(*) FROM source WHERE kind = 'message'") == 5); // 4 .msg, 1 .eml
  CHECK(s.count("SELECT count(*) FROM problem WHERE kind = 'not_mail' AND path LIKE "
                "'%not-an-item.doc'") == 1);

  // The recipient's copy (an .eml with the Internet header) and the
  // sender's (.msg, from its recipient table) are one incident with two
  // copies; the reply-all re-exposes it: one chain, as for a Maildir.
  const auto report = run_ccaudit({"report", "--db", s.db});
  CHECK(report.out.find("re-exposed by 1 reply-all") != std::string::npos);
  CHECK(report.out.find("copies (2):") != std::string::npos);
  CHECK(s.count("SELECT count(DISTINCT incident_id) FROM finding WHERE message_id = "
                "'wide-cc-1@example.com'") == 1);
}

TEST_CASE("outlook: a damaged .msg is recorded, a zipped one read", "[outlook][hostile]")
{
  Scan s;
  const auto msg = test::read_file(k_outlook / "msg" / "wide-cc.msg");
  write(s.dir.path() / "cut.msg", msg.substr(0, 4096));
  auto flipped = msg;
  for (std::size_t i = 512; i < flipped.size(); i += 509) {
    flipped[i] = static_cast<char>(~flipped[i]);
  }
  write(s.dir.path() / "flipped.msg", flipped);
  const auto zip = (s.dir.path() / "items.zip").string();
  REQUIRE(run_program("/usr/bin/zip", {"-q", "-j", zip, (k_outlook / "msg" / "wide-cc.msg").string()})
            .exit_code == 0);
  const auto r = s.run({s.dir.path().string()});
  CHECK(r.exit_code == 3);
  CHECK(s.count("SELECT count(*) FROM problem WHERE kind = 'outlook_damaged' AND path LIKE "
                "'%cut.msg'") == 1);
  CHECK(s.count("SELECT count(*) FROM problem WHERE path LIKE '%flipped.msg'") >= 1);
  CHECK(s.count("SELECT visible_count FROM finding WHERE path = '" + zip + "!wide-cc.msg'")
        == 29);
}

TEST_CASE("outlook: --content reads an item's bodies, attachments and attached items",
          "[outlook][content]")
{
  Scan s;
  const auto dir = k_outlook / "msg";
  const auto r = run_ccaudit({"scan", "--db", s.db, "-q", "--content", "--content-threshold",
                              "10", dir.string()});
  CHECK(r.exit_code == 1);
  // The CSV attached to the wide send.
  CHECK(s.count("SELECT visible_count FROM finding WHERE kind = 'address-list-in-content' "
                "AND path LIKE '%/wide-cc.msg' AND part_path = '3' "
                "AND part_filename = 'list.csv'") == 12);
  // The wide send attached, as Outlook attaches an item, to a forward.
  CHECK(s.count("SELECT visible_count FROM finding WHERE kind = 'forwarded-recipients' "
                "AND path LIKE '%/forward.msg' AND part_path = '3'") == 29);
  CHECK(s.count("SELECT count(*) FROM finding WHERE kind = 'address-list-in-content' "
                "AND path LIKE '%/forward.msg' AND part_path = '3.3'") == 1);
  // Headers only, the forward shows one recipient: not flagged.
  Scan headers;
  headers.run({dir.string()});
  CHECK(headers.count("SELECT count(*) FROM finding WHERE path LIKE '%/forward.msg'") == 0);
}

TEST_CASE("outlook: --recover-deleted runs libpff's recovery and says what it found",
          "[outlook]")
{
  Scan plain;
  CHECK(plain.run({(k_outlook / "three-items.pst").string()}).exit_code == 0);
  CHECK(plain.count("SELECT count(*) FROM problem WHERE kind = 'outlook_recovery'") == 0);

  Scan s;
  const auto r = run_ccaudit({"scan", "--db", s.db, "-q", "--recover-deleted",
                              (k_outlook / "three-items.pst").string()});
  // Fragments of deleted data are what recovery finds, not damage.
  CHECK(r.exit_code == 0);
  CHECK(s.count("SELECT count(*) FROM problem WHERE kind = 'outlook_recovery' AND detail = "
                "'14 deleted item(s) recovered: 0 item(s) read, 11 folder(s), 3 fragment(s) "
                "not readable as an item'") == 1);
  CHECK(s.count("SELECT sum(messages) FROM source") == 4);
}

TEST_CASE("outlook: a library that cannot be loaded is recorded, with its package, for each file "
          "that needed it",
          "[outlook]")
{
  // libpff and libolecf are loaded when first needed (dlopen): here
  // libraries that hold none of their functions stand in for a broken
  // install. (Under AddressSanitizer this also checks that nothing made
  // before the failed load leaks.)
  Scan s;
  const auto fake = s.dir.path() / "lib";
  fs::create_directories(fake);
  write(fake / "empty.cpp", "int ccaudit_test_symbol;\n");
  for (const char* soname : {"libpff.so.1", "libolecf.so.1"}) {
    REQUIRE(run_program(CCAUDIT_CXX_COMPILER, {"-shared", "-fPIC", "-o", (fake / soname).string(),
                                               (fake / "empty.cpp").string()})
              .exit_code
            == 0);
  }
  const auto r = run_program("/usr/bin/env",
                             {"LD_LIBRARY_PATH=" + fake.string(), CCAUDIT_BINARY, "scan", "--db",
                              s.db, "-q", "--recover-deleted",
                              (k_outlook / "three-items.pst").string(),
                              (k_outlook / "msg" / "wide-cc.msg").string()});
  INFO(r.err);
  CHECK(r.exit_code == 3); // incomplete: not a crash, not a clean result
  CHECK(s.count("SELECT count(*) FROM problem WHERE kind = 'unreadable_input' AND detail LIKE "
                "'cannot load libpff.so.1 (package libpff1): it has no libpff_%'")
        == 1);
  CHECK(s.count("SELECT count(*) FROM problem WHERE detail LIKE "
                "'%cannot load libolecf.so.1 (package libolecf1): it has no libolecf_%'")
        == 1);
}

TEST_CASE("outlook: a .msg header claiming more sectors than the file holds is damage, at once",
          "[outlook][hostile]")
{
  // libolecf believes the header: 1.6 billion DIFAT sectors in a 16 KB
  // file took it 42 s and 2 GB; a 2^30-byte sector, a 1 GiB buffer.
  Scan s;
  const auto msg = test::read_file(k_outlook / "msg" / "wide-cc.msg");
  auto difat = msg;
  difat[0x48] = '\x00';
  difat[0x49] = '\x00';
  difat[0x4A] = '\x00';
  difat[0x4B] = '\x5F';
  write(s.dir.path() / "difat.msg", difat);
  auto sector = msg;
  sector[0x1E] = 30;
  write(s.dir.path() / "sector.msg", sector);
  const auto started = std::chrono::steady_clock::now();
  CHECK(s.run({s.dir.path().string()}).exit_code == 3);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(20));
  CHECK(s.count("SELECT count(*) FROM problem WHERE kind = 'outlook_damaged' AND detail LIKE "
                "'%header is damaged%'") == 2);
}
