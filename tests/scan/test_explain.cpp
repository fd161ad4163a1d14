#include "scan/explain.hpp"

#include "support/test_message.hpp"

#include <catch2/catch.hpp>

using namespace ccaudit;
namespace fs = std::filesystem;

namespace {

const fs::path k_fixtures = CCAUDIT_FIXTURES_DIR;

// Offsets of every line that starts with "From ", except the decoys: lines
// a splitter must not take for separators.
std::vector<std::uint64_t>
separator_lines(const std::string& bytes)
{
  const std::vector<std::string> decoys = {"From the desk", "From here on",
                                           "From someone@example.net", "From - "};
  std::vector<std::uint64_t> out;
  for (std::size_t pos = 0; pos < bytes.size();) {
    const auto line = std::string_view(bytes).substr(pos, bytes.find('\n', pos) - pos);
    bool decoy = false;
    for (const auto& d : decoys) {
      decoy = decoy || line.starts_with(d);
    }
    if (line.starts_with("From ") && !decoy) {
      out.push_back(pos);
    }
    const auto nl = bytes.find('\n', pos);
    pos = nl == std::string::npos ? bytes.size() : nl + 1;
  }
  return out;
}

} // namespace

TEST_CASE("explain: every mbox fixture splits at its real separators only",
          "[scan][mbox]")
{
  const auto file = GENERATE(as<std::string>{}, "mbox/two-messages.mbox",
                             "mbox/crlf.mbox", "mbox/mboxrd-quoted-from.mbox",
                             "mbox/from-in-body.mbox", "mbox/content-length.mbox",
                             "mbox/content-length-wrong.mbox",
                             "mbox/no-final-newline.mbox",
                             "mbox/no-blank-line-between.mbox",
                             "mbox/undated-from-in-body.mbox",
                             "mbox/blank-lines-first.mbox",
                             "broken/text-before-separator.mbox",
                             "broken/truncated.mbox");
  CAPTURE(file);
  const auto bytes = test::read_file(k_fixtures / file);
  const auto explanation = scan::explain(k_fixtures / file, {});
  std::vector<std::uint64_t> offsets;
  for (const auto& m : explanation.messages) {
    offsets.push_back(m.where.byte_offset);
  }
  CHECK(offsets == separator_lines(bytes));
  CHECK(explanation.source.kind == SourceKind::mbox);
}

TEST_CASE("explain: the problems of tricky splits are named", "[scan][mbox]")
{
  const auto kinds = [](const std::string& file) {
    std::vector<std::string> out;
    const auto e = scan::explain(k_fixtures / file, {});
    for (const auto& i : e.file_issues) {
      out.emplace_back(to_string(i.kind));
    }
    for (const auto& m : e.messages) {
      for (const auto& i : m.issues) {
        out.emplace_back(to_string(i.kind));
      }
    }
    return out;
  };
  CHECK(kinds("mbox/no-blank-line-between.mbox")
        == std::vector<std::string>{"missing_blank_line_before_separator",
                                    "missing_blank_line_before_separator"});
  CHECK(kinds("mbox/undated-from-in-body.mbox")
        == std::vector<std::string>{"ambiguous_separator"});
  CHECK(kinds("mbox/blank-lines-first.mbox")
        == std::vector<std::string>{"text_before_first_separator"});
  CHECK(kinds("mbox/content-length.mbox").empty());
}

TEST_CASE("explain: one message by offset, counted as a scan counts it",
          "[scan]")
{
  const auto file = k_fixtures / "single/internal-external.eml";
  scan::ExplainOptions options;
  options.rules.internal_domains = {"example.org"};
  options.rules.threshold = 10;
  const auto e = scan::explain(file, options);
  REQUIRE(e.messages.size() == 1);
  const auto& m = e.messages[0];
  CHECK(m.exposure.visible == 30);
  CHECK(m.exposure.external == 12);
  CHECK(m.flagged);
  std::size_t listed = 0;
  for (const auto& f : m.headers.address_fields) {
    listed += f.count;
  }
  CHECK(listed == m.headers.recipients.size());

  options.offset = 7;
  const auto missing = scan::explain(k_fixtures / "mbox/two-messages.mbox", options);
  CHECK(missing.messages.empty());
  CHECK(missing.previous_offset == 0);
  CHECK(missing.next_offset == 1655);
}

TEST_CASE("explain: decides as the scan's detector does: list mail suppressed, a small "
          "reply kept as context, --since and bulk senders applied", "[scan]")
{
  test::TempDir dir;
  test::TestMessage list;
  list.to = test::address_list(30);
  list.extra_headers = "List-Id: Team list <team.example.org>\n";
  test::TestMessage reply;
  reply.to = test::address_list(15);
  reply.extra_headers = "In-Reply-To: <earlier@example.org>\n";
  test::TestMessage plain;
  plain.to = test::address_list(30);
  const auto explain_one = [&](const test::TestMessage& m, const scan::ExplainOptions& options) {
    const auto e = scan::explain(dir.write("m.eml", m.str()), options);
    REQUIRE(e.messages.size() == 1);
    return e.messages[0];
  };
  scan::ExplainOptions options;

  const auto l = explain_one(list, options);
  CHECK(l.flagged);
  REQUIRE(l.finding);
  CHECK(l.finding->suppressed.rfind("List-Id: Team list", 0) == 0);

  const auto r = explain_one(reply, options);
  CHECK_FALSE(r.flagged); // 15 exposed: under 25, but half of it
  REQUIRE(r.finding);
  CHECK(r.finding->kind == "reply-recipients");
  CHECK(r.finding->context_only);

  CHECK(explain_one(plain, options).flagged);
  options.rules.bulk_senders = {"@example.org"}; // the sender's domain
  const auto bulk = explain_one(plain, options);
  CHECK(bulk.flagged);
  REQUIRE(bulk.finding);
  CHECK(bulk.finding->suppressed == "bulk sender @example.org");
  options.rules.since = 1'600'000'000; // 2020-09-13: the message is dated 2019
  const auto old = explain_one(plain, options);
  CHECK_FALSE(old.flagged);
  CHECK_FALSE(old.finding);
  CHECK(old.exposure.external == 30); // counted all the same
}
