#include "cli/option_table.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iterator>
#include <charconv>
#include <set>

namespace ccaudit::cli {

namespace {

constexpr double k_many = 1e9; // "no real bound" for counts

std::string
number_text(double d)
{
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed, 0);
  return ec == std::errc{} ? std::string(buf, end) : std::to_string(d);
}

// "new|any|none": the values a choice takes, for --help.
std::string
choice_list(const std::vector<std::string>& choices)
{
  std::string out;
  for (const auto& c : choices) {
    out += (out.empty() ? "" : "|") + c;
  }
  return out;
}

bool
whole_target(const Option& o)
{
  return std::holds_alternative<std::size_t*>(o.target)
         || std::holds_alternative<unsigned*>(o.target);
}

// The check of a value on the command line: the same rule as in the file.
CLI::Validator
check_of(const Option& o)
{
  const bool whole = whole_target(o);
  return CLI::Validator(
    [o, whole](const std::string& v) -> std::string {
      if (!o.choices.empty()) {
        return o.allows(std::string_view(v)) ? "" : "must be " + o.expected();
      }
      double d = 0;
      const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
      const bool number = ec == std::errc{} && end == v.data() + v.size() && !v.empty()
                          && (!whole || v.find_first_not_of("0123456789") == std::string::npos);
      return number && o.allows(d) ? "" : "must be " + o.expected();
    },
    whole ? "N" : o.choices.empty() ? "NUMBER" : choice_list(o.choices));
}

} // namespace

bool
Option::allows(std::string_view text) const
{
  return choices.empty() || std::find(choices.begin(), choices.end(), text) != choices.end();
}

std::string
Option::long_flag() const
{
  const std::string f = flags;
  const auto comma = f.rfind(',');
  return comma == std::string::npos ? f : f.substr(comma + 1);
}

std::string
Option::expected() const
{
  if (!choices.empty()) {
    const std::set<std::string> sorted(choices.begin(), choices.end());
    std::string list;
    for (const auto& c : sorted) {
      list += (list.empty() ? "" : ", ") + c;
    }
    return "one of " + list;
  }
  if (std::holds_alternative<bool*>(target)) {
    return "true or false";
  }
  if (std::holds_alternative<std::string*>(target)) {
    return "a string";
  }
  if (std::holds_alternative<std::vector<std::string>*>(target)) {
    return "a list of strings, e.g. [\"a\", \"b\"]";
  }
  return std::string(whole_target(*this) ? "a whole number" : "a number") + " from "
         + number_text(min) + " to " + number_text(max);
}

namespace {

std::vector<Option>
joined(std::vector<Option> a, std::vector<Option> b)
{
  a.insert(a.end(), std::make_move_iterator(b.begin()), std::make_move_iterator(b.end()));
  return a;
}

} // namespace

std::vector<Option>
rule_options(RuleFlags& o)
{
  return {
    {"--threshold", "scan.threshold", "flag a message with at least this many exposed addresses",
     &o.threshold, 1, k_many},
    {"--internal-domain", "scan.internal_domains",
     "a domain of your own (subdomains included); its addresses are kept but not counted as "
     "exposed (repeatable)",
     &o.internal_domains},
    {"--bulk-sender", "scan.bulk_senders",
     "an address (or @domain) that sends bulk mail by design: its findings are recorded but "
     "suppressed (repeatable)",
     &o.bulk_senders},
    {"--since", "scan.since",
     "only messages dated from then (YYYY-MM-DD, UTC); the file's mtime dates a message "
     "without a readable Date",
     &o.since},
    {"--content", "scan.content",
     "also look inside messages: address lists in bodies and attachments (CSV, TSV, vCard, "
     "HTML, text), forwarded messages, quoted To/Cc blocks (reads every message whole: slower)",
     &o.content},
    {"--content-threshold", "scan.content_threshold",
     "with --content: flag a part holding at least this many distinct exposed addresses",
     &o.content_threshold, 1, k_many},
    {"--content-max-depth", "scan.content_max_depth",
     "with --content: deepest MIME nesting read", &o.content_max_depth, 1, 1000},
    {"--content-max-part-mib", "scan.content_max_part_mib",
     "with --content: most decoded MiB read of one part", &o.content_max_part_mib, 1, 4096},
    {"--content-max-message-mib", "scan.content_max_message_mib",
     "with --content: most MiB read of one message (raw, and decoded)",
     &o.content_max_message_mib, 1, 4096},
    {"--config", nullptr,
     "configuration file (TOML) [default: $CCAUDIT_CONFIG, ./ccaudit.toml, "
     "~/.config/ccaudit/config.toml, /etc/ccaudit/config.toml: the first found]",
     &o.config},
  };
}

std::vector<Option>
scan_options(ScanCommand& o)
{
  return joined(
    {{"--db", "db", "findings database", &o.db}},
    joined(rule_options(o),
           {
             {"-j,--jobs", "scan.jobs",
              "threads that parse messages (one more once reads wait for the disk, if "
              "N > 1); results do not depend on it [default: one per core]",
              &o.jobs, 1, 1024, {}, false},
             {"--fail-on", "scan.fail_on",
              "exit 1 on: new (findings never seen before), any (open findings, new or not, "
              "not accepted) or none",
              &o.fail_on, 0, 0, {"new", "any", "none"}},
             {"--baseline", nullptr,
              "fingerprints already known (from 'ccaudit baseline export'): their findings are "
              "not new",
              &o.baseline},
             {"--jsonl", nullptr, "print each new finding on stdout as one JSON line, as it is "
                                  "found",
              &o.jsonl},
             {"--redact-key", "scan.redact_key",
              "with --jsonl: show addresses as HMAC-SHA256 hashes under the key in this file, "
              "as report --redact-key does (the database keeps them)",
              &o.redact_key},
             {"--full", nullptr,
              "read every file again, even those an earlier scan found unchanged", &o.full},
             {"--lock-wait", nullptr, "seconds to wait while another scan writes to the database",
              &o.lock_wait, 0, 4294967295.0},
             {"--exclude", "scan.exclude",
              "do not walk paths matching this pattern (fnmatch, e.g. '*/Junk/*'); each "
              "exclusion is recorded (repeatable)",
              &o.exclude},
             {"--max-expansion", nullptr,
              "read compressed data up to this many times its compressed size (plus 64 MiB); "
              "the rest of a bomb is not read (expansion_limit)",
              &o.max_expansion, 1, 1e12},
             {"--recover-deleted", "scan.recover_deleted",
              "PST and OST files: also read the deleted items libpff recovers from their "
              "unallocated space (a pass over the whole file), named FILE!/(recovered)#ID",
              &o.recover_deleted},
             {"--shard", nullptr,
              "INDEX/COUNT: read only shard INDEX (from 0) of COUNT disjoint parts of the files "
              "(by a hash of each file's path below PATH), each into its own --db; see 'ccaudit "
              "merge'",
              &o.shard},
             {"-q,--quiet", nullptr, "no progress line", &o.quiet},
             {"-v,--verbose", nullptr,
              "print every problem as it is found (what could not be read is always printed)",
              &o.verbose},
           }));
}

namespace {

// What report and export share.
std::vector<Option>
review_options(ReviewCommand& o)
{
  return {
    {"--config", nullptr,
     "configuration file (TOML) [default: $CCAUDIT_CONFIG, ./ccaudit.toml, "
     "~/.config/ccaudit/config.toml, /etc/ccaudit/config.toml: the first found]",
     &o.config},
    {"--db", "db", "findings database", &o.db},
    {"--campaign-window", "report.campaign_window_days", "days between batches of one campaign",
     &o.campaign_window_days, 0, 3650},
    {"-o,--out", nullptr,
     "write to this file (created readable by you only) [default: standard output]", &o.out},
    {"--include-suppressed", "report.include_suppressed",
     "also findings of list and bulk mail (List-Id, Precedence: bulk, allowed bulk senders...)",
     &o.include_suppressed},
    {"--redact-key", "report.redact_key",
     "show addresses as HMAC-SHA256 hashes under the key in this file (16+ bytes; the domain "
     "stays visible)",
     &o.redact_key},
  };
}

} // namespace

std::vector<Option>
report_options(ReportCommand& o)
{
  auto out = review_options(o);
  out.push_back({"--format", "report.format", "text, csv, json, html or jsonl", &o.format, 0, 0,
                 {"text", "csv", "json", "html", "jsonl"}});
  out.push_back({"--incident", nullptr,
                 "an incident (I-...) or campaign (C-...) id, with --art33", &o.incident});
  out.push_back({"--art33", nullptr, "print the GDPR Art. 33 worksheet of --incident", &o.art33});
  out.push_back({"--only-new", nullptr,
                 "only the incidents the reported scan found first (the nightly e-mail): "
                 "--status new",
                 &o.only_new});
  out.push_back({"--status", nullptr,
                 "only incidents with this status: new (found first by the reported scan), "
                 "seen, accepted, or open (not accepted)",
                 &o.status, 0, 0, {"new", "seen", "accepted", "open"}});
  return out;
}

std::vector<Option>
export_options(ExportCommand& o)
{
  auto out = review_options(o);
  out.push_back({"--format", nullptr, "csv or json", &o.format, 0, 0, {"csv", "json"}});
  return out;
}

std::vector<Option>
lookup_options(LookupCommand& o)
{
  // Those of report that choose the review; it writes to standard output,
  // in clear (a lookup names one person, for that person).
  auto out = review_options(o);
  std::erase_if(out, [](const Option& option) {
    return option.long_flag() == "--out" || option.long_flag() == "--redact-key";
  });
  out.push_back({"--format", nullptr, "text or json", &o.format, 0, 0, {"text", "json"}});
  return out;
}

std::vector<Option>
merge_options(MergeCommand& o)
{
  return {
    {"--db", "db", "the database to merge into (created if missing; it holds merged databases "
                   "only)",
     &o.db},
    {"--lock-wait", nullptr, "seconds to wait while another command writes to --db",
     &o.lock_wait, 0, 4294967295.0},
  };
}

std::vector<Option>
explain_options(ExplainCommand& o)
{
  return joined(rule_options(o),
                {{"--format", nullptr, "text or jsonl", &o.format, 0, 0, {"text", "jsonl"}}});
}

std::vector<Option>
baseline_options(BaselineCommand& o)
{
  return {
    {"--db", "db", "findings database", &o.db},
    {"--config", nullptr,
     "configuration file (TOML) [default: $CCAUDIT_CONFIG, ./ccaudit.toml, "
     "~/.config/ccaudit/config.toml, /etc/ccaudit/config.toml: the first found]",
     &o.config},
  };
}

std::vector<std::string>
config_keys()
{
  ScanCommand scan;
  ReportCommand report;
  std::set<std::string> keys;
  for (const auto& table : {scan_options(scan), report_options(report)}) {
    for (const auto& option : table) {
      if (option.key) {
        keys.insert(option.key);
      }
    }
  }
  return {keys.begin(), keys.end()};
}

void
add_options(CLI::App* command, const std::vector<Option>& options)
{
  for (const auto& option : options) {
    CLI::Option* added = std::visit(
      [&](auto* field) -> CLI::Option* {
        using T = std::remove_pointer_t<decltype(field)>;
        if constexpr (std::is_same_v<T, bool>) {
          return command->add_flag(option.flags, *field, option.help);
        } else {
          return command->add_option(option.flags, *field, option.help);
        }
      },
      option.target);
    if (std::holds_alternative<bool*>(option.target)
        || std::holds_alternative<std::vector<std::string>*>(option.target)) {
      continue;
    }
    const auto* text = std::get_if<std::string*>(&option.target);
    if (!text || !option.choices.empty()) {
      added->check(check_of(option));
    }
    if (option.show_default && (!text || !(*text)->empty())) {
      added->capture_default_str();
    }
  }
}

} // namespace ccaudit::cli
