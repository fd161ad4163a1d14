#include "cli/commands.hpp"

#include "cli/config.hpp"

#include "cli/exit_code.hpp"
#include "cli/options.hpp"
#include "core/fatal_error.hpp"
#include "core/text.hpp"
#include "headers/address_list.hpp"

#include <CLI/CLI.hpp>

#include <charconv>
#include <cstdio>
#include <ctime>

#ifndef CCAUDIT_VERSION
#define CCAUDIT_VERSION "unknown"
#endif

namespace ccaudit::cli {

namespace {

constexpr const char* k_scan_footer = R"(Exit codes:
  0  scan complete, nothing to report under --fail-on (default: no new finding)
  1  scan complete, with a new finding (--fail-on new) or an open one (--fail-on any)
  2  usage or configuration error: nothing scanned
  3  some input could not be read (damaged, 7z/rar, a bomb cut off, or named and
     holding no message); the rest was scanned
  4  fatal: the database cannot be written, another scan holds it, or an internal error
  130/143  stopped by SIGINT/SIGTERM: what was read is recorded, the next scan reads the rest

A later scan reads only what changed since the last one (--full reads all).
--content also looks inside messages (attachments, forwards, quoted headers): slower.

Examples:
  ccaudit scan /var/mail/archive.mbox ~/Maildir --internal-domain example.com
  ccaudit scan /srv/mail --config /etc/ccaudit/config.toml --quiet --jsonl >> new.jsonl
  ccaudit scan ~/Maildir --content --content-threshold 50
  ccaudit report --format html --out review.html
  ccaudit explain archive.mbox --offset 1655)";

constexpr const char* k_baseline_footer = R"(Fingerprints hold no address: a baseline can go into a ticket or a
repository, and 'ccaudit scan --baseline FILE' treats what it lists as known.

Exit codes:
  0  done
  2  usage error
  4  no database, or no finding with that id)";

constexpr const char* k_report_footer = R"(Formats:
  text   the incident review, for a terminal (default)
  csv    one row per incident
  json   incidents (with copies and reply-alls), campaigns and senders
  html   one self-contained page: sortable tables, timeline, top senders
  jsonl  one line per finding (the raw findings, not grouped)

Copies of one send (same Message-ID, or same date, sender, subject and
recipients) are one incident; incidents from one sender with one subject
sent within --campaign-window days of each other are one campaign.

Exit codes:
  0  report written
  2  usage error
  4  no database, no such scan or incident, or the output cannot be written

Examples:
  ccaudit report --format html --out review.html
  ccaudit report --incident I-3fa9c2d1e0b4 --art33
  ccaudit report --format csv --redact-key team.key > incidents.csv

The report definitions are SQL files (reports/ in the source tree); run them
with sqlite3 to query the database yourself (see README).)";

constexpr const char* k_export_footer = R"(Every exposed address of the incident (or of every batch of the
campaign) with its display name and the messages that showed it: the
incident's copies and the reply-alls that re-exposed it (GDPR Art. 34).

Exit codes:
  0  written
  2  usage error
  4  no database, no such incident, or the output cannot be written

Example:
  ccaudit export --incident C-3fa9c2d1e0b4 --format json --out notify.json)";

constexpr const char* k_explain_footer = R"(Exit codes:
  0  explained
  2  usage error, or no message starts at --offset
  3  the file could not be read

The counts are made by the same code as a scan, with the same --threshold and
--internal-domain. Offsets are those of 'ccaudit report' (the "From " line of
an mbox message; 0 for a message file).)";

} // namespace

std::vector<std::string>
normalised_domains(const std::vector<std::string>& domains)
{
  std::vector<std::string> out;
  for (const auto& d : domains) {
    auto trimmed = std::string(text::trim(d));
    if (trimmed.starts_with("@")) {
      trimmed.erase(0, 1);
    }
    const auto n = headers::normalize_domain(trimmed);
    if (n.empty() || n.find('@') != std::string::npos) {
      throw UsageError("--internal-domain: not a domain: '" + text::for_terminal(d)
                  + "'");
    }
    out.push_back(n);
  }
  return out;
}

std::int64_t
parse_since(const std::string& value)
{
  std::tm tm{};
  const char* end = strptime(value.c_str(), "%Y-%m-%d", &tm);
  if (end && *end == 'T') {
    end = strptime(end, "T%H:%M:%SZ", &tm);
  }
  if (!end || *end != '\0' || tm.tm_year < 70) {
    throw UsageError("--since: expected a date as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC), got '"
                     + text::for_terminal(value) + "'");
  }
  return static_cast<std::int64_t>(timegm(&tm));
}

std::vector<std::string>
normalised_senders(const std::vector<std::string>& senders)
{
  std::vector<std::string> out;
  for (const auto& s : senders) {
    const auto trimmed = std::string(text::trim(s));
    std::string n;
    if (trimmed.starts_with("@")) {
      const auto domain = headers::normalize_domain(trimmed.substr(1));
      n = domain.empty() || domain.find('@') != std::string::npos ? "" : "@" + domain;
    } else {
      n = headers::normalize_address(trimmed);
    }
    if (n.empty()) {
      throw UsageError("--bulk-sender: not an address or @domain: '" + text::for_terminal(s) + "'");
    }
    out.push_back(n);
  }
  return out;
}

namespace {

CLI::Validator
positive_number()
{
  return CLI::Validator(
    [](const std::string& v) -> std::string {
      return !v.empty() && v.size() <= 12
                 && v.find_first_not_of("0123456789") == std::string::npos
                 && v.find_first_not_of('0') != std::string::npos
               ? ""
               : "must be a whole number of at least 1";
    },
    "N");
}

// A whole number from 0 ("-1" would wrap around in an unsigned option).
CLI::Validator
whole_number()
{
  return CLI::Validator(
    [](const std::string& v) -> std::string {
      return !v.empty() && v.size() <= 19 && v.find_first_not_of("0123456789") == std::string::npos
               ? ""
               : "must be a whole number (0 or more)";
    },
    "N");
}

// A number of days from 0 to 3650, fractions allowed; not "nan" or "inf",
// which pass a range check (every comparison with NaN is false).
CLI::Validator
days()
{
  return CLI::Validator(
    [](const std::string& v) -> std::string {
      double d = 0;
      const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
      return ec == std::errc{} && end == v.data() + v.size() && d >= 0 && d <= 3650
               ? ""
               : "must be a number of days from 0 to 3650";
    },
    "DAYS");
}

// The options that decide what is flagged, shared by scan and explain.
void
add_detection_options(CLI::App* command, std::size_t& threshold,
                      std::vector<std::string>& internal_domains)
{
  command
    ->add_option("--threshold", threshold,
                 "flag a message with at least this many exposed addresses")
    ->capture_default_str()
    ->check(positive_number());
  command->add_option("--internal-domain", internal_domains,
                      "a domain of your own (subdomains included); its "
                      "addresses are kept but not counted as exposed "
                      "(repeatable)");
}

void
add_config_option(CLI::App* command, std::string& config)
{
  command->add_option("--config", config,
                      "configuration file (TOML) [default: $CCAUDIT_CONFIG, ./ccaudit.toml, "
                      "~/.config/ccaudit/config.toml, /etc/ccaudit/config.toml: the first "
                      "found]");
}

// The configuration file's values for what the command line left unset.
std::optional<Config>
load_config(const std::string& given)
{
  const auto file = find_config(given);
  if (!file) {
    return std::nullopt;
  }
  return read_config(*file);
}

bool
given(CLI::App* command, const char* option)
{
  return command->count(option) > 0;
}

void
apply_config(CLI::App* command, ScanCommand& o)
{
  const auto c = load_config(o.config);
  if (!c) {
    return;
  }
  if (c->db && !given(command, "--db")) o.db = *c->db;
  if (c->threshold && !given(command, "--threshold")) o.threshold = static_cast<std::size_t>(*c->threshold);
  if (c->internal_domains && !given(command, "--internal-domain")) o.internal_domains = *c->internal_domains;
  if (c->bulk_senders && !given(command, "--bulk-sender")) o.bulk_senders = *c->bulk_senders;
  if (c->exclude && !given(command, "--exclude")) o.exclude = *c->exclude;
  if (c->since && !given(command, "--since")) o.since = *c->since;
  if (c->fail_on && !given(command, "--fail-on")) o.fail_on = *c->fail_on;
  if (c->jobs && !given(command, "--jobs")) o.jobs = static_cast<unsigned>(*c->jobs);
  if (c->content && !given(command, "--content")) o.content = *c->content;
  if (c->content_threshold && !given(command, "--content-threshold"))
    o.content_threshold = static_cast<std::size_t>(*c->content_threshold);
  if (c->content_max_depth && !given(command, "--content-max-depth"))
    o.content_max_depth = static_cast<std::size_t>(*c->content_max_depth);
  if (c->content_max_part_mib && !given(command, "--content-max-part-mib"))
    o.content_max_part_mib = static_cast<std::size_t>(*c->content_max_part_mib);
  if (c->content_max_message_mib && !given(command, "--content-max-message-mib"))
    o.content_max_message_mib = static_cast<std::size_t>(*c->content_max_message_mib);
}

void
apply_config(CLI::App* command, ReviewCommand& o, std::string* format)
{
  const auto c = load_config(o.config);
  if (!c) {
    return;
  }
  if (c->db && !given(command, "--db")) o.db = *c->db;
  if (c->campaign_window_days && !given(command, "--campaign-window"))
    o.campaign_window_days = *c->campaign_window_days;
  if (c->include_suppressed && !given(command, "--include-suppressed"))
    o.include_suppressed = *c->include_suppressed;
  if (c->redact_key && !given(command, "--redact-key")) o.redact_key = *c->redact_key;
  if (format && c->format && !given(command, "--format")) *format = *c->format;
}

// The options of report and export that choose the data and the output.
void
add_review_options(CLI::App* command, ReviewCommand& options)
{
  add_config_option(command, options.config);
  command->add_option("--db", options.db, "findings database")->capture_default_str();
  command->add_option("--scan", options.scan, "scan id [default: newest]");
  command
    ->add_option("--campaign-window", options.campaign_window_days,
                 "days between batches of one campaign")
    ->capture_default_str()
    ->check(days());
  command->add_option("-o,--out", options.out,
                      "write to this file (created readable by you only) "
                      "[default: standard output]");
  command->add_flag("--include-suppressed", options.include_suppressed,
                    "also findings of list and bulk mail (List-Id, Precedence: "
                    "bulk, allowed bulk senders...)");
  command->add_option("--redact-key", options.redact_key,
                      "show addresses as HMAC-SHA256 hashes under the key in "
                      "this file (16+ bytes; the domain stays visible)");
}

} // namespace

int
run(int argc, char** argv)
{
  CLI::App app{"ccaudit: find mail sent to many people with every address "
               "visible (To/Cc instead of Bcc)",
               "ccaudit"};
  app.set_version_flag("--version", std::string("ccaudit ") + CCAUDIT_VERSION);
  app.require_subcommand(1);
  app.footer(k_scan_footer);

  ScanCommand scan_options;
  auto* scan = app.add_subcommand(
    "scan", "Scan mbox files, Maildirs and message files; record findings");
  scan->footer(k_scan_footer);
  scan->add_option("PATH", scan_options.paths,
                   "mbox file, Maildir, Maildir++ tree, message file, compressed file "
                   "(gzip, bzip2, xz, zstd, lz4, lzip), zip or tar export, a directory "
                   "holding any mix of them, or '-' (standard input) or a FIFO")
    ->required();
  scan->add_option("--db", scan_options.db, "findings database")
    ->capture_default_str();
  add_detection_options(scan, scan_options.threshold,
                        scan_options.internal_domains);
  scan->add_option("-j,--jobs", scan_options.jobs,
                   "threads that parse messages; results do not depend on it "
                   "[default: one per core]")
    ->check(positive_number());
  scan->add_option("--fail-on", scan_options.fail_on,
                   "exit 1 on: new (findings never seen before), any (open "
                   "findings, new or not, not accepted) or none")
    ->capture_default_str();
  scan->add_option("--baseline", scan_options.baseline,
                   "fingerprints already known (from 'ccaudit baseline export'): "
                   "their findings are not new");
  scan->add_flag("--jsonl", scan_options.jsonl,
                 "print each new finding on stdout as one JSON line, as it is found");
  scan->add_flag("--full", scan_options.full,
                 "read every file again, even those an earlier scan found unchanged");
  scan->add_option("--lock-wait", scan_options.lock_wait,
                   "seconds to wait while another scan writes to the database")
    ->capture_default_str();
  scan->add_option("--bulk-sender", scan_options.bulk_senders,
                   "an address (or @domain) that sends bulk mail by design: its findings "
                   "are recorded but suppressed (repeatable)");
  scan->add_option("--exclude", scan_options.exclude,
                   "do not walk paths matching this pattern (fnmatch, e.g. '*/Junk/*'); "
                   "each exclusion is recorded (repeatable)");
  scan->add_option("--since", scan_options.since,
                   "only messages dated from then (YYYY-MM-DD, UTC); the file's mtime "
                   "dates a message without a readable Date");
  scan->add_flag("--content", scan_options.content,
                 "also look inside messages: address lists in bodies and attachments "
                 "(CSV, TSV, vCard, HTML, text), forwarded messages, quoted To/Cc blocks "
                 "(reads every message whole: slower)");
  scan->add_option("--content-threshold", scan_options.content_threshold,
                   "with --content: flag a part holding at least this many distinct "
                   "exposed addresses")
    ->capture_default_str()
    ->check(positive_number());
  scan->add_option("--content-max-depth", scan_options.content_max_depth,
                   "with --content: deepest MIME nesting read (at most 1000)")
    ->capture_default_str()
    ->check(CLI::Range(1, 1000));
  scan->add_option("--content-max-part-mib", scan_options.content_max_part_mib,
                   "with --content: most decoded MiB read of one part")
    ->capture_default_str()
    ->check(positive_number());
  scan->add_option("--content-max-message-mib", scan_options.content_max_message_mib,
                   "with --content: most MiB read of one message (raw, and decoded)")
    ->capture_default_str()
    ->check(positive_number());
  scan->add_option("--max-expansion", scan_options.max_expansion,
                   "read compressed data up to this many times its compressed size "
                   "(plus 64 MiB); the rest of a bomb is not read (expansion_limit)")
    ->capture_default_str()
    ->check(positive_number());
  add_config_option(scan, scan_options.config);
  scan->add_flag("-q,--quiet", scan_options.quiet, "no progress line");
  scan->add_flag("-v,--verbose", scan_options.verbose,
                 "print every problem as it is found (what could not be "
                 "read is always printed)");

  ReportCommand report_options;
  auto* report = app.add_subcommand(
    "report", "Incident review of a scan: incidents, campaigns, reply-alls, senders");
  report->footer(k_report_footer);
  add_review_options(report, report_options);
  report->add_option("--format", report_options.format, "text, csv, json, html or jsonl")
    ->capture_default_str();
  report->add_option("--incident", report_options.incident,
                     "an incident (I-...) or campaign (C-...) id, with --art33");
  report->add_flag("--art33", report_options.art33,
                   "print the GDPR Art. 33 worksheet of --incident");

  ExportCommand export_options;
  auto* export_command = app.add_subcommand(
    "export", "The people to notify for one incident or campaign (Art. 34)");
  export_command->footer(k_export_footer);
  add_review_options(export_command, export_options);
  export_command
    ->add_option("--incident", export_options.incident, "incident (I-...) or campaign (C-...) id")
    ->required();
  export_command->add_option("--format", export_options.format, "csv or json")
    ->capture_default_str();

  ExplainCommand explain_options;
  auto* explain = app.add_subcommand(
    "explain", "Show how the messages of one file were read and counted");
  explain->footer(k_explain_footer);
  explain->add_option("PATH", explain_options.path,
                      "an mbox file, a message file, a compressed one, or a member of a zip "
                      "or tar file as findings name it (FILE!MEMBER)")
    ->required();
  explain->add_option("--member", explain_options.member,
                      "the member of the zip or tar file PATH to explain (nested: "
                      "INNER!MEMBER)");
  explain->add_option("--offset", explain_options.offset,
                      "only the mbox message whose \"From \" line starts at "
                      "this byte offset (as in reports) [default: every "
                      "message]")
    ->check(whole_number());
  add_detection_options(explain, explain_options.threshold,
                        explain_options.internal_domains);
  explain->add_flag("--content", explain_options.content,
                    "also walk the MIME parts, as scan --content does");
  explain->add_option("--content-threshold", explain_options.content_threshold,
                      "with --content: addresses in one part that flag it")
    ->capture_default_str()
    ->check(positive_number());
  explain->add_option("--format", explain_options.format, "text or jsonl")
    ->capture_default_str();

  BaselineCommand baseline_options;
  auto* baseline = app.add_subcommand(
    "baseline", "Known findings: export their fingerprints, or accept some");
  baseline->require_subcommand(1);
  baseline->footer(k_baseline_footer);
  auto* baseline_export = baseline->add_subcommand(
    "export", "Write the fingerprints of current findings and their status");
  baseline_export->add_option("--db", baseline_options.db, "findings database")
    ->capture_default_str();
  add_config_option(baseline_export, baseline_options.config);
  baseline_export->add_option("-o,--out", baseline_options.out,
                              "write to this file [default: standard output]");
  auto* baseline_accept = baseline->add_subcommand(
    "accept", "Accept findings: later scans do not count them as new or open");
  baseline_accept->add_option("ID", baseline_options.accept,
                              "incident id (I-...) or fingerprint")
    ->required();
  baseline_accept->add_option("--db", baseline_options.db, "findings database")
    ->capture_default_str();
  add_config_option(baseline_accept, baseline_options.config);
  baseline_accept->add_option("--note", baseline_options.note, "why (kept with it)");

  std::vector<std::string> args(argv, argv + argc);
  try {
    app.parse(argc, argv);
    if (scan->parsed()) {
      apply_config(scan, scan_options);
      return static_cast<int>(run_scan(scan_options, args));
    }
    if (explain->parsed()) {
      return static_cast<int>(run_explain(explain_options));
    }
    if (export_command->parsed()) {
      apply_config(export_command, export_options, nullptr);
      return static_cast<int>(run_export(export_options));
    }
    for (auto* sub : {baseline_export, baseline_accept}) {
      if (sub->parsed()) {
        if (const auto c = load_config(baseline_options.config); c && c->db && !given(sub, "--db")) {
          baseline_options.db = *c->db;
        }
      }
    }
    if (baseline_export->parsed()) {
      return static_cast<int>(run_baseline_export(baseline_options));
    }
    if (baseline_accept->parsed()) {
      return static_cast<int>(run_baseline_accept(baseline_options));
    }
    apply_config(report, report_options, &report_options.format);
    return static_cast<int>(run_report(report_options));
  } catch (const CLI::Success& e) { // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "ccaudit: %s\n(see ccaudit --help)\n", e.what());
    return static_cast<int>(ExitCode::usage);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "ccaudit: %s\n(see ccaudit --help)\n", e.what());
    return static_cast<int>(ExitCode::usage);
  } catch (const FatalError& e) {
    std::fprintf(stderr, "ccaudit: error: %s\n", e.what());
    return static_cast<int>(ExitCode::fatal);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ccaudit: internal error: %s\n", e.what());
    return static_cast<int>(ExitCode::fatal);
  }
}

} // namespace ccaudit::cli
