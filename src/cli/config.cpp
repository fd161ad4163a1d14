// The only user of toml++.
#include "cli/config.hpp"

#include "cli/options.hpp"
#include "core/text.hpp"

#include <toml++/toml.h>

#include <cstdlib>
#include <set>

namespace ccaudit::cli {

namespace fs = std::filesystem;

namespace {

// "FILE:LINE: " for a node or key.
std::string
where(const fs::path& file, const toml::source_region& source)
{
  return text::for_terminal(file.string()) + ":" + std::to_string(source.begin.line) + ": ";
}

class Reader
{
public:
  explicit Reader(fs::path file) : m_file(std::move(file)) {}

  // Rejects any key of `table` not in `known`, naming it as `prefix.key`.
  void only(const toml::table& table, const std::string& prefix,
            const std::set<std::string>& known) const
  {
    for (const auto& [key, node] : table) {
      if (!known.contains(std::string(key.str()))) {
        std::string list;
        for (const auto& k : known) {
          list += (list.empty() ? "" : ", ") + k;
        }
        throw UsageError(where(m_file, key.source()) + "unknown key '" + prefix
                         + std::string(key.str()) + "' (known here: " + list + ")");
      }
    }
  }

  [[noreturn]] void bad(const toml::node& node, const std::string& key,
                        const std::string& expected) const
  {
    throw UsageError(where(m_file, node.source()) + key + " must be " + expected);
  }

  std::optional<std::string> string(const toml::table& t, const char* name,
                                    const std::string& key) const
  {
    const auto* node = t.get(name);
    if (!node) {
      return std::nullopt;
    }
    if (!node->is_string()) {
      bad(*node, key, "a string");
    }
    return node->value<std::string>();
  }

  std::optional<std::int64_t> whole(const toml::table& t, const char* name, const std::string& key,
                                    std::int64_t min, std::int64_t max) const
  {
    const auto* node = t.get(name);
    if (!node) {
      return std::nullopt;
    }
    const auto v = node->value<std::int64_t>();
    if (!node->is_integer() || !v || *v < min || *v > max) {
      bad(*node, key, "a whole number from " + std::to_string(min) + " to " + std::to_string(max));
    }
    return v;
  }

  std::optional<double> number(const toml::table& t, const char* name, const std::string& key,
                               double min, double max) const
  {
    const auto* node = t.get(name);
    if (!node) {
      return std::nullopt;
    }
    const auto v = node->value<double>();
    if (!(node->is_integer() || node->is_floating_point()) || !v || !(*v >= min && *v <= max)) { // NaN too
      bad(*node, key, "a number from " + std::to_string(min) + " to " + std::to_string(max));
    }
    return v;
  }

  std::optional<bool> boolean(const toml::table& t, const char* name, const std::string& key) const
  {
    const auto* node = t.get(name);
    if (!node) {
      return std::nullopt;
    }
    if (!node->is_boolean()) {
      bad(*node, key, "true or false");
    }
    return node->value<bool>();
  }

  std::optional<std::vector<std::string>> strings(const toml::table& t, const char* name,
                                                  const std::string& key) const
  {
    const auto* node = t.get(name);
    if (!node) {
      return std::nullopt;
    }
    const auto* array = node->as_array();
    if (!array) {
      bad(*node, key, "a list of strings, e.g. [\"a\", \"b\"]");
    }
    std::vector<std::string> out;
    for (const auto& item : *array) {
      if (!item.is_string()) {
        bad(item, key, "a list of strings");
      }
      out.push_back(*item.value<std::string>());
    }
    return out;
  }

  std::optional<std::string> choice(const toml::table& t, const char* name, const std::string& key,
                                    const std::set<std::string>& allowed) const
  {
    auto v = string(t, name, key);
    if (v && !allowed.contains(*v)) {
      std::string list;
      for (const auto& a : allowed) {
        list += (list.empty() ? "" : ", ") + a;
      }
      bad(*t.get(name), key, "one of " + list);
    }
    return v;
  }

  const toml::table* section(const toml::table& root, const char* name) const
  {
    const auto* node = root.get(name);
    if (!node) {
      return nullptr;
    }
    if (!node->is_table()) {
      bad(*node, name, "a table ([" + std::string(name) + "])");
    }
    return node->as_table();
  }

private:
  fs::path m_file;
};

} // namespace

std::optional<fs::path>
find_config(const std::string& given)
{
  if (!given.empty()) {
    return fs::path(given);
  }
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("CCAUDIT_CONFIG"); env && *env) {
    return fs::path(env); // named explicitly: it must exist
  }
  candidates.emplace_back("ccaudit.toml");
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
    candidates.push_back(fs::path(xdg) / "ccaudit" / "config.toml");
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    candidates.push_back(fs::path(home) / ".config" / "ccaudit" / "config.toml");
  }
  candidates.emplace_back("/etc/ccaudit/config.toml");
  for (const auto& c : candidates) {
    std::error_code ec;
    if (fs::is_regular_file(c, ec)) {
      return c;
    }
  }
  return std::nullopt;
}

Config
read_config(const fs::path& file)
{
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    throw UsageError("configuration file " + text::for_terminal(file.string())
                     + ": not found (or not a file)");
  }
  toml::table root;
  try {
    root = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw UsageError(where(file, e.source()) + std::string(e.description()));
  }
  const Reader r(file);
  Config c;
  c.file = file;
  r.only(root, "", {"db", "scan", "report"});
  c.db = r.string(root, "db", "db");
  if (const auto* scan = r.section(root, "scan")) {
    r.only(*scan, "scan.", {"threshold", "internal_domains", "bulk_senders", "exclude",
                            "since", "fail_on", "jobs", "content", "content_threshold",
                            "content_max_depth", "content_max_part_mib",
                            "content_max_message_mib"});
    c.threshold = r.whole(*scan, "threshold", "scan.threshold", 1, 1000000000);
    c.internal_domains = r.strings(*scan, "internal_domains", "scan.internal_domains");
    c.bulk_senders = r.strings(*scan, "bulk_senders", "scan.bulk_senders");
    c.exclude = r.strings(*scan, "exclude", "scan.exclude");
    c.since = r.string(*scan, "since", "scan.since");
    c.fail_on = r.choice(*scan, "fail_on", "scan.fail_on", {"new", "any", "none"});
    c.jobs = r.whole(*scan, "jobs", "scan.jobs", 1, 1024);
    c.content = r.boolean(*scan, "content", "scan.content");
    c.content_threshold = r.whole(*scan, "content_threshold", "scan.content_threshold", 1, 1000000000);
    c.content_max_depth = r.whole(*scan, "content_max_depth", "scan.content_max_depth", 1, 1000);
    c.content_max_part_mib =
      r.whole(*scan, "content_max_part_mib", "scan.content_max_part_mib", 1, 4096);
    c.content_max_message_mib =
      r.whole(*scan, "content_max_message_mib", "scan.content_max_message_mib", 1, 4096);
  }
  if (const auto* report = r.section(root, "report")) {
    r.only(*report, "report.", {"format", "campaign_window_days", "include_suppressed",
                                "redact_key"});
    c.format = r.choice(*report, "format", "report.format",
                        {"text", "csv", "json", "html", "jsonl"});
    c.campaign_window_days =
      r.number(*report, "campaign_window_days", "report.campaign_window_days", 0, 3650);
    c.include_suppressed = r.boolean(*report, "include_suppressed", "report.include_suppressed");
    c.redact_key = r.string(*report, "redact_key", "report.redact_key");
  }
  return c;
}

} // namespace ccaudit::cli
