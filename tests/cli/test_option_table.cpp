// The option tables: the command line and the configuration file take the
// same values for each option, and say the same thing of a wrong one.
#include "cli/config.hpp"
#include "cli/option_table.hpp"
#include "cli/options.hpp"
#include "support/test_message.hpp"

#include <CLI/CLI.hpp>
#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>

using namespace ccaudit;
using namespace ccaudit::cli;

namespace {

std::string
number(double d)
{
  std::ostringstream out;
  out.precision(15);
  out << d;
  return out.str();
}

// The value an option's field holds, as text.
std::string
value_of(const Option& o)
{
  return std::visit(
    [](auto* field) -> std::string {
      using T = std::remove_pointer_t<decltype(field)>;
      if constexpr (std::is_same_v<T, std::string>) {
        return *field;
      } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
        return std::to_string(field->size());
      } else {
        return number(static_cast<double>(*field));
      }
    },
    o.target);
}

// Parses `args` with `table` on a fresh command: "" if accepted, else the error.
std::string
parse(std::vector<Option> table, const std::vector<std::string>& args)
{
  CLI::App app;
  add_options(&app, table);
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
    return "";
  } catch (const CLI::ParseError& e) {
    return e.what();
  }
}

// Applies a file holding `key = value` to `table`: "" if accepted, else the error.
std::string
apply(const test::TempDir& dir, const std::vector<Option>& table, const std::string& key,
      const std::string& value)
{
  const auto dot = key.find('.');
  const auto body = dot == std::string::npos
                      ? key + " = " + value + "\n"
                      : "[" + key.substr(0, dot) + "]\n" + key.substr(dot + 1) + " = " + value + "\n";
  const auto file = dir.write("c.toml", body);
  try {
    apply_config(file, table, [](const Option&) { return false; });
    return "";
  } catch (const UsageError& e) {
    return e.what();
  }
}

} // namespace

TEST_CASE("options: every numeric option with a configuration key takes the same range on the "
          "command line and in the file, and names it alike when out of it", "[options]")
{
  test::TempDir dir;
  std::size_t checked = 0;
  for (int which = 0; which < 2; ++which) {
    ScanCommand scan;
    ReportCommand report;
    const auto table = which == 0 ? scan_options(scan) : report_options(report);
    for (const auto& o : table) {
      if (!o.key || o.min == o.max) {
        continue; // not numeric, or the command line only
      }
      INFO(o.long_flag() << " / " << o.key);
      const auto low = number(o.min), high = number(o.max);
      const auto beyond = number(o.max + 1);
      // At the bounds: taken by both, and the field holds it.
      for (const auto& v : {low, high}) {
        ScanCommand s2;
        ReportCommand r2;
        const auto fresh = which == 0 ? scan_options(s2) : report_options(r2);
        const auto& mine = *std::find_if(fresh.begin(), fresh.end(),
                                         [&](const Option& x) { return x.flags == o.flags; });
        CHECK(parse(fresh, {o.long_flag(), v}) == "");
        CHECK(value_of(mine) == v);
        CHECK(apply(dir, fresh, o.key, v) == "");
        CHECK(value_of(mine) == v);
      }
      // Past the top: refused by both, with the same words.
      const auto cli = parse(table, {o.long_flag(), beyond});
      const auto file = apply(dir, table, o.key, beyond);
      CHECK_THAT(cli, Catch::Contains("must be " + o.expected()));
      CHECK_THAT(file, Catch::Contains(std::string(o.key) + " must be " + o.expected()));
      ++checked;
    }
  }
  CHECK(checked >= 7); // threshold, jobs, the four content bounds, campaign window
}

TEST_CASE("options: a choice takes the same values on the command line and in the file",
          "[options]")
{
  test::TempDir dir;
  ScanCommand scan;
  ReportCommand report;
  for (const auto& table : {scan_options(scan), report_options(report)}) {
    for (const auto& o : table) {
      if (o.choices.empty() || !o.key) {
        continue;
      }
      INFO(o.key);
      for (const auto& c : o.choices) {
        CHECK(parse(table, {o.long_flag(), c}) == "");
        CHECK(apply(dir, table, o.key, "\"" + c + "\"") == "");
        CHECK(value_of(o) == c);
      }
      CHECK_THAT(parse(table, {o.long_flag(), "sometimes"}), Catch::Contains(o.expected()));
      CHECK_THAT(apply(dir, table, o.key, "\"sometimes\""),
                 Catch::Contains(std::string(o.key) + " must be " + o.expected()));
    }
  }
}

TEST_CASE("options: the file sets only what the command line left unset, and knows every "
          "command's keys", "[options]")
{
  test::TempDir dir;
  ScanCommand scan;
  const auto table = scan_options(scan);
  const auto file = dir.write("c.toml", "db = \"other.db\"\n[scan]\nthreshold = 7\njobs = 3\n"
                                        "[report]\nformat = \"html\"\n");
  apply_config(file, table, [](const Option& o) { return o.long_flag() == "--jobs"; });
  CHECK(scan.db == "other.db");
  CHECK(scan.threshold == 7);
  CHECK(scan.jobs == 0); // given on the command line: left alone
  const auto keys = config_keys();
  CHECK(std::find(keys.begin(), keys.end(), "report.format") != keys.end());
  CHECK(std::find(keys.begin(), keys.end(), "scan.content_max_depth") != keys.end());
}
