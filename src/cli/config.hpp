#pragma once

#include "cli/option_table.hpp"

#include <cstdint>
#include <functional>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ccaudit::cli {

// The configuration file (TOML): every key is optional, and a flag on the
// command line wins over the file. Its keys are those of the option tables
// (option_table.hpp): "db" at the top, and the [scan] and [report]
// sections. Example:
//
//   db = "/var/lib/ccaudit/ccaudit.db"
//   [scan]
//   threshold = 25
//   internal_domains = ["example.org"]
//   bulk_senders = ["news@example.org", "@mailer.example.com"]
//   exclude = ["*/Junk/*", "*/Trash"]
//   since = "2024-01-01"
//   fail_on = "new"
//   jobs = 4
//   [report]
//   format = "html"
//   campaign_window_days = 7
//   include_suppressed = false
//   redact_key = "/etc/ccaudit/team.key"

// The file --config names, else the first that exists of: $CCAUDIT_CONFIG,
// ./ccaudit.toml, $XDG_CONFIG_HOME/ccaudit/config.toml (default
// ~/.config/ccaudit/config.toml), /etc/ccaudit/config.toml. nullopt: none.
std::optional<std::filesystem::path> find_config(const std::string& given);

// Reads and checks the configuration file `file` whole (a syntax error, a
// key no command knows, or a value its option does not take is a
// UsageError naming the file, line and key), then sets each of `options`
// that has a key in the file and that `given` says the command line left
// unset.
void apply_config(const std::filesystem::path& file, const std::vector<Option>& options,
                  const std::function<bool(const Option&)>& given);

} // namespace ccaudit::cli
