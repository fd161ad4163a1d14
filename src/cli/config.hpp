#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ccaudit::cli {

// The configuration file (TOML). Every key is optional; a flag on the
// command line wins over the file. Example:
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
struct Config
{
  std::filesystem::path file; // where it was read from; empty: none
  std::optional<std::string> db;
  // [scan]
  std::optional<std::int64_t> threshold;
  std::optional<std::vector<std::string>> internal_domains, bulk_senders, exclude;
  std::optional<std::string> since, fail_on;
  std::optional<std::int64_t> jobs;
  std::optional<bool> content;
  std::optional<std::int64_t> content_threshold, content_max_depth, content_max_part_mib,
    content_max_message_mib;
  // [report]
  std::optional<std::string> format, redact_key;
  std::optional<double> campaign_window_days;
  std::optional<bool> include_suppressed;
};

// The file --config names, else the first that exists of: $CCAUDIT_CONFIG,
// ./ccaudit.toml, $XDG_CONFIG_HOME/ccaudit/config.toml (default
// ~/.config/ccaudit/config.toml), /etc/ccaudit/config.toml. nullopt: none.
std::optional<std::filesystem::path> find_config(const std::string& given);

// Reads and checks a configuration file. Throws UsageError naming the file,
// line and key of a syntax error, an unknown key or a bad value.
Config read_config(const std::filesystem::path& file);

} // namespace ccaudit::cli
