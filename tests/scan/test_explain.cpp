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
  CHECK(explanation.source.kind == "mbox");
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
  options.internal_domains = {"example.org"};
  options.threshold = 10;
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
