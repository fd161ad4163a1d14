#include "scan/scanner.hpp"

#include "detect/visible_recipients.hpp"
#include "support/recording_sink.hpp"
#include "support/test_message.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace ccaudit;
using namespace ccaudit::scan;
using ccaudit::test::RecordingSink;
namespace fs = std::filesystem;

namespace {

const fs::path k_fixtures = CCAUDIT_FIXTURES_DIR;

ScanSummary
run_scan(RecordingSink& sink, const fs::path& path, std::size_t threshold = 25,
     std::vector<std::string> internal = {})
{
  std::vector<std::unique_ptr<detect::Detector>> detectors;
  detectors.push_back(std::make_unique<detect::VisibleRecipientsDetector>(
    threshold, std::move(internal)));
  Scanner scanner(sink, std::move(detectors), {});
  scanner.scan_paths({path});
  return scanner.summary();
}

// Distinct visible counts of every message in a file, via threshold 1.
std::vector<std::size_t>
counts(const fs::path& file)
{
  RecordingSink sink;
  run_scan(sink, file, 1);
  std::vector<std::size_t> out;
  for (const auto& f : sink.findings) {
    out.push_back(f.finding.visible_count);
  }
  return out;
}

bool
contains(const std::vector<IssueKind>& kinds, IssueKind kind)
{
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

} // namespace

// Expected counts are those of fixtures/README.md.
TEST_CASE("scanner: distinct visible counts of the fixtures", "[scan]")
{
  const auto [file, expected] =
    GENERATE(table<std::string, std::vector<std::size_t>>({
      {"mbox/two-messages.mbox", {30, 2}},
      {"mbox/crlf.mbox", {30, 2}},
      {"mbox/mboxrd-quoted-from.mbox", {2, 1}},
      {"mbox/from-in-body.mbox", {2, 1}},
      {"mbox/content-length.mbox", {2, 1}},
      {"mbox/content-length-wrong.mbox", {1, 1, 2}},
      {"mbox/no-final-newline.mbox", {1, 26}},
      {"single/wide.eml", {30}},
      {"single/outlook-semicolons.eml", {27}},
      {"single/groups-comments-dupes.eml", {26}},
      {"single/encoded-names.eml", {26}},
      {"single/internal-external.eml", {30}},
      {"single/no-extension-message", {2}},
      {"broken/text-before-separator.mbox", {26, 1}},
      {"broken/truncated.mbox", {1, 30}},
      {"broken/no-blank-line.eml", {26}},
      {"broken/nul-in-to.eml", {26}},
      {"broken/header-line-without-colon.eml", {26}},
      {"broken/8bit-garbage.eml", {26}},
      {"broken/many-addresses.eml", {5000}},
      {"broken/crlf-folded.eml", {26}},
      {"broken/damaged-first-line.eml", {3}},
      {"broken/space-before-colon.eml", {1}},
      {"broken/missing-comma-fold.eml", {2}},
      {"single/unlisted-recipients-comment.eml", {3}},
      // no recipient at all: no finding even at threshold 1
      {"single/undisclosed.eml", {}},
      {"single/undisclosed-semicolon.eml", {}},
    }));
  CAPTURE(file);
  CHECK(counts(k_fixtures / file) == expected);
}

TEST_CASE("scanner: mbox findings carry index and offset", "[scan]")
{
  RecordingSink sink;
  run_scan(sink, k_fixtures / "broken/text-before-separator.mbox");
  REQUIRE(sink.findings.size() == 1);
  const auto bytes = test::read_file(k_fixtures / "broken/text-before-separator.mbox");
  CHECK(sink.findings[0].where.in_mbox);
  CHECK(sink.findings[0].where.index == 0);
  CHECK(sink.findings[0].where.byte_offset == bytes.find("From "));
}

TEST_CASE("scanner: the whole fixture tree", "[scan]")
{
  RecordingSink sink;
  const auto s = run_scan(sink, k_fixtures);
  CHECK(s.complete());
  // README.md, 3 in notmail/, 2 maildirfolder, incidents/ and content/
  // make.py, packed/'s Takeout HTML page, outlook/msg/not-an-item.doc
  CHECK(s.inputs_not_mail == 10);
  // Headers only: content/sent.mbox holds one wide send; the 2 replies
  // kept as context are not counted.
  // packed/ holds 16 copies of other fixtures' sends; outlook/ one PST item
  // with 200 recipients, 3 wide items of one generated PST, two .msg items
  // and an .eml copy of one.
  CHECK(s.findings == 52);
  CHECK(sink.findings.size() == 54);
  // Maildir tmp/ folders are reported, and their wide message never flagged.
  CHECK(std::count_if(sink.issues.begin(), sink.issues.end(), [](const auto& p) {
          return p.issue.kind == IssueKind::maildir_tmp_skipped;
        }) == 5);
  for (const auto& f : sink.findings) {
    CHECK(f.where.archive.parent_path().filename() != "tmp");
  }
  CHECK(contains(sink.kinds_for("nul-in-to.eml"), IssueKind::nul_in_header));
  CHECK(contains(sink.kinds_for("header-line-without-colon.eml"),
                 IssueKind::malformed_header_line));
  CHECK(contains(sink.kinds_for("no-blank-line.eml"),
                 IssueKind::missing_header_separator));
  CHECK(contains(sink.kinds_for("truncated.mbox"), IssueKind::truncated_message));
  CHECK(contains(sink.kinds_for("text-before-separator.mbox"),
                 IssueKind::text_before_first_separator));
  CHECK(contains(sink.kinds_for("content-length-wrong.mbox"),
                 IssueKind::content_length_mismatch));
  CHECK(contains(sink.kinds_for("8bit-garbage.eml"),
                 IssueKind::invalid_utf8_in_header));
  CHECK(contains(sink.kinds_for("outlook-semicolons.eml"),
                 IssueKind::semicolon_address_separator));
  CHECK(sink.kinds_for("empty") == std::vector<IssueKind>{IssueKind::not_mail});
  CHECK(sink.kinds_for("binary.bin") == std::vector<IssueKind>{IssueKind::not_mail});
  CHECK(sink.kinds_for("notes.txt") == std::vector<IssueKind>{IssueKind::not_mail});
}

TEST_CASE("scanner: internal domains change what is exposed", "[scan]")
{
  RecordingSink sink;
  run_scan(sink, k_fixtures / "single/internal-external.eml", 10, {"example.org"});
  REQUIRE(sink.findings.size() == 1);
  CHECK(sink.findings[0].finding.visible_count == 30);
  CHECK(sink.findings[0].finding.external_count == 12);
  CHECK(sink.findings[0].finding.domain_count == 2);
}

TEST_CASE("scanner: an unreadable file is recorded and the scan goes on",
          "[scan]")
{
  test::TempDir dir;
  dir.write("a.eml", test::TestMessage{.to = test::address_list(30)}.str());
  fs::create_symlink(dir.path() / "missing", dir.path() / "b.eml");
  dir.write("c.eml", test::TestMessage{.to = test::address_list(30)}.str());
  RecordingSink sink;
  const auto s = run_scan(sink, dir.path());
  CHECK(s.findings == 2);
  CHECK(s.inputs_unreadable == 1);
  CHECK_FALSE(s.complete());
  CHECK(sink.kinds_for("b.eml") == std::vector<IssueKind>{IssueKind::unreadable_input});
}

TEST_CASE("scanner: a compressed file is read as its data, a cut one says where it broke",
          "[scan]")
{
  test::TempDir dir;
  const auto gz = test::read_file(k_fixtures / "packed/two-messages.mbox.gz");
  dir.write("archive.mbox.gz", gz);
  RecordingSink sink;
  auto s = run_scan(sink, dir.path());
  CHECK(s.complete());
  CHECK(s.messages == 2);
  CHECK(s.findings == 1);
  CHECK(sink.issues.empty());
  // Only its gzip header: nothing read, and said.
  test::TempDir cut;
  cut.write("archive.mbox.gz", gz.substr(0, 10));
  RecordingSink cut_sink;
  s = run_scan(cut_sink, cut.path());
  CHECK_FALSE(s.complete());
  // Damaged from its first byte: unreadable, not an "empty file".
  CHECK(cut_sink.kinds_for("archive.mbox.gz")
        == std::vector<IssueKind>{IssueKind::unreadable_input});
}

TEST_CASE("scanner: excluded files (the database) are not scanned", "[scan]")
{
  test::TempDir dir;
  const auto db = dir.write("ccaudit.db", test::TestMessage{.to = test::address_list(30)}.str());
  RecordingSink sink;
  std::vector<std::unique_ptr<detect::Detector>> detectors;
  detectors.push_back(std::make_unique<detect::VisibleRecipientsDetector>(25, std::vector<std::string>{}));
  Scanner scanner(sink, std::move(detectors), ScanOptions{{db}});
  scanner.scan_paths({dir.path()});
  CHECK(scanner.summary().inputs == 0);
  CHECK(sink.findings.empty());
}
