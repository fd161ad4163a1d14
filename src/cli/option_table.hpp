#pragma once

#include "cli/options.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace CLI {
class App;
}

namespace ccaudit::cli {

// One option of a command, once: its flags, its key in the configuration
// file, what values it takes, its help, and the field it fills (whose
// initial value is the default). The command line (add_options) and the
// configuration file (config.hpp) are both read from these tables, so a
// range or a choice cannot differ between the two.
struct Option
{
  using Target = std::variant<std::size_t*, unsigned*, double*, bool*, std::string*,
                              std::vector<std::string>*>;

  const char* flags;  // as CLI11 takes them: "-j,--jobs"
  const char* key;    // "scan.jobs", "db"; nullptr: on the command line only
  const char* help;
  Target target;
  // Numbers: the range allowed (whole numbers for integer targets).
  double min = 0, max = 0;
  // Text: the values allowed (empty: any).
  std::vector<std::string> choices;
  // Shown as [default: ...] in --help (numbers, and text that has one).
  bool show_default = true;

  // Whether a number is in range (NaN never is), and a text one of the
  // choices (any text when there are none): the one rule the command line
  // and the configuration file both check.
  bool allows(double value) const { return value >= min && value <= max; }
  bool allows(std::string_view text) const;
  // "--jobs": the long flag, as CLI11 counts it.
  std::string long_flag() const;
  // What a value must be, for errors: "a whole number from 1 to 1024", "one
  // of any, new, none", "a list of strings", ...
  std::string expected() const;
};

// The options of each command that fit a table (PATH arguments and the
// optional --scan, --member and --offset are added by hand).
// The flags that decide what is flagged, shared by scan and explain.
std::vector<Option> rule_options(RuleFlags& o);
std::vector<Option> scan_options(ScanCommand& o);
std::vector<Option> report_options(ReportCommand& o);
std::vector<Option> export_options(ExportCommand& o);
std::vector<Option> lookup_options(LookupCommand& o);
std::vector<Option> merge_options(MergeCommand& o);
std::vector<Option> explain_options(ExplainCommand& o);
std::vector<Option> baseline_options(BaselineCommand& o);
// Every key a configuration file may hold, "db" and "scan.threshold" alike.
std::vector<std::string> config_keys();

// Adds `options` to `command`, each with its check.
void add_options(CLI::App* command, const std::vector<Option>& options);

} // namespace ccaudit::cli
