// The only user of toml++.
#include "cli/config.hpp"

#include "cli/options.hpp"
#include "core/text.hpp"

#include <toml++/toml.h>

#include <cstdlib>
#include <map>
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

namespace {

// Reads the value `node` holds for `option` (named `key`) into its field.
void
read_value(const Reader& r, const toml::node& node, const std::string& key, const Option& option)
{
  std::visit(
    [&](auto* field) {
      using T = std::remove_pointer_t<decltype(field)>;
      if constexpr (std::is_same_v<T, bool>) {
        if (!node.is_boolean()) {
          r.bad(node, key, option.expected());
        }
        *field = *node.value<bool>();
      } else if constexpr (std::is_same_v<T, std::string>) {
        const auto v = node.value<std::string>();
        if (!v || !option.allows(std::string_view(*v))) {
          r.bad(node, key, option.expected());
        }
        *field = *v;
      } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
        const auto* array = node.as_array();
        if (!array) {
          r.bad(node, key, option.expected());
        }
        std::vector<std::string> out;
        for (const auto& item : *array) {
          if (!item.is_string()) {
            r.bad(item, key, "a list of strings");
          }
          out.push_back(*item.value<std::string>());
        }
        *field = std::move(out);
      } else if constexpr (std::is_same_v<T, double>) {
        const auto v = node.value<double>();
        if (!(node.is_integer() || node.is_floating_point()) || !v || !option.allows(*v)) {
          r.bad(node, key, option.expected());
        }
        *field = *v;
      } else {
        const auto v = node.value<std::int64_t>();
        if (!node.is_integer() || !v || !option.allows(static_cast<double>(*v))) {
          r.bad(node, key, option.expected());
        }
        *field = static_cast<T>(*v);
      }
    },
    option.target);
}

// The node of `key` ("db", "scan.threshold") in `root`, if any.
const toml::node*
node_of(const toml::table& root, const std::string& key)
{
  const auto dot = key.find('.');
  if (dot == std::string::npos) {
    return root.get(key);
  }
  const auto* section = root.get(key.substr(0, dot));
  return section && section->is_table() ? section->as_table()->get(key.substr(dot + 1))
                                        : nullptr;
}

} // namespace

void
apply_config(const fs::path& file, const std::vector<Option>& options,
             const std::function<bool(const Option&)>& given)
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
  // The keys every command knows, by section ("" for the top).
  std::map<std::string, std::set<std::string>> known;
  for (const auto& key : config_keys()) {
    const auto dot = key.find('.');
    if (dot == std::string::npos) {
      known[""].insert(key);
    } else {
      known[""].insert(key.substr(0, dot));
      known[key.substr(0, dot)].insert(key.substr(dot + 1));
    }
  }
  r.only(root, "", known[""]);
  for (const auto& [name, keys] : known) {
    if (!name.empty()) {
      if (const auto* section = r.section(root, name.c_str())) {
        r.only(*section, name + ".", keys);
      }
    }
  }
  // Every value is checked, whichever command reads the file.
  ScanCommand scan;
  ReportCommand report;
  for (const auto& table : {scan_options(scan), report_options(report)}) {
    for (const auto& option : table) {
      if (const auto* node = option.key ? node_of(root, option.key) : nullptr) {
        read_value(r, *node, option.key, option);
      }
    }
  }
  for (const auto& option : options) {
    if (const auto* node = option.key ? node_of(root, option.key) : nullptr;
        node && !given(option)) {
      read_value(r, *node, option.key, option);
    }
  }
}

} // namespace ccaudit::cli
