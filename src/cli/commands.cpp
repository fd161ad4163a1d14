#include "cli/commands.hpp"

#include "cli/config.hpp"

#include "cli/exit_code.hpp"
#include "cli/manual.hpp"
#include "cli/option_table.hpp"
#include "cli/options.hpp"
#include "core/fatal_error.hpp"
#include "core/text.hpp"
#include "headers/address_list.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <string_view>
#include <vector>

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

constexpr const char* k_merge_footer = R"(Each SOURCE's scans, sources, findings (addresses, references), problems and
acceptances are copied into --db, in one transaction: on an error nothing is
kept (exit 4). Incidents, copies, campaigns and reply-alls are then those of
one scan of everything: report, export and lookup read --db as usual.
Merging the next version of a SOURCE (the next night's scan of that host or
shard; known by its database id, under any path) replaces what it brought
before. An acceptance already in --db stays. Refused: a SOURCE a scan is
writing, one of another schema, one that is itself a merge, and a --db
holding scans of its own.

Examples:
  ccaudit scan /srv/mail --shard 0/4 --db shard0.db     # ... one per shard
  ccaudit merge shard0.db shard1.db shard2.db shard3.db --db review.db
  ccaudit report --db review.db)";

constexpr const char* k_lookup_footer = R"(For each ADDRESS: every incident (and campaign) of the review that showed
it, with date, sender, subject, and the copies and reply-alls that showed it:
the first question of a data subject request.

Exit codes (as grep):
  0  at least one ADDRESS was shown by an incident
  1  none was
  2  usage error (not an address)
  4  no database, or no such scan

Examples:
  ccaudit lookup alice@example.com
  ccaudit lookup Alice@EXAMPLE.com bob@bücher.example --format json)";

constexpr const char* k_explain_footer = R"(Exit codes:
  0  explained
  2  usage error, or no message starts at --offset
  3  the file could not be read

Each message is read and decided by the same code as a scan, with the same
deciding options and configuration file (--config, else $CCAUDIT_CONFIG,
./ccaudit.toml, ~/.config/ccaudit/config.toml, /etc/ccaudit/config.toml);
every reason of the decision is printed: threshold, internal domains, --since,
the reply rule, list or bulk mail, and the Bcc addresses not counted.
Offsets are those of 'ccaudit report' (the "From " line of an mbox message; 0
for a message file).

Examples:
  ccaudit explain archive.mbox --offset 1655
  ccaudit explain 'export.zip!Inbox/cur/1.eml' --content --format jsonl)";

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

// Edit distance (insert, delete, replace, swap of neighbours) between two
// short words; words are cut at 64 bytes, so a huge argument costs little.
std::size_t
distance(std::string_view a, std::string_view b)
{
  a = a.substr(0, 64);
  b = b.substr(0, 64);
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) {
    d[i][0] = i;
  }
  for (std::size_t j = 0; j <= b.size(); ++j) {
    d[0][j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// "; did you mean 'scan'?" for the candidate nearest `word`, if one is
// near enough (a third of its letters wrong at most, or `word` starts it).
std::string
suggestion(const std::string& word, const std::vector<std::string>& candidates)
{
  std::string best;
  std::size_t best_distance = 0;
  for (const auto& c : candidates) {
    const auto d = distance(word, c);
    if (best.empty() || d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  const bool near = !best.empty()
                    && (best_distance <= std::max<std::size_t>(1, best.size() / 3)
                        || (word.size() >= 3 && best.starts_with(word)));
  return near ? "; did you mean '" + best + "'?" : "";
}

// The names a command takes: its subcommands (not the hidden ones, of group
// ""), or its long and short flags.
std::vector<std::string>
subcommand_names(const CLI::App* command)
{
  std::vector<std::string> out;
  for (const auto* sub : command->get_subcommands([](const CLI::App*) { return true; })) {
    if (!sub->get_group().empty()) {
      out.push_back(sub->get_name());
    }
  }
  return out;
}

std::vector<std::string>
flag_names(const CLI::App* command)
{
  std::vector<std::string> out;
  for (const auto* option : command->get_options()) {
    const auto names = option_names(option);
    out.insert(out.end(), names.begin(), names.end());
  }
  return out;
}

// "ccaudit scan", "ccaudit baseline accept": the command the line selected.
std::string
command_path(const CLI::App* app)
{
  std::string out = "ccaudit";
  for (const auto* command = app; command;) {
    const auto chosen = command->get_subcommands();
    command = chosen.empty() ? nullptr : chosen.front();
    if (command) {
      out += " " + command->get_name();
    }
  }
  return out;
}

// A word where a command was expected that is none, or an option that the
// selected command does not take: what it is and the nearest there is.
// Empty when the line names no such thing (CLI11 then says what is wrong).
std::string
unknown_word(const CLI::App& app, const std::vector<std::string>& args)
{
  const CLI::App* command = &app;
  bool options_only = false;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const auto& word = args[i];
    if (word == "--") {
      break;
    }
    const auto subcommands = subcommand_names(command);
    if (!word.starts_with("-") && !subcommands.empty() && !options_only) {
      const CLI::App* next = nullptr;
      for (const auto* sub : command->get_subcommands([](const CLI::App*) { return true; })) {
        next = sub->get_name() == word ? sub : next;
      }
      if (!next) {
        return "unknown command '" + text::for_terminal(word) + "'"
               + (command == &app ? "" : " for '" + command_path(&app) + "'")
               + suggestion(word, subcommands);
      }
      command = next;
      continue;
    }
    const bool number = word.size() > 1 && word[0] == '-'
                        && std::isdigit(static_cast<unsigned char>(word[1]));
    if (word.starts_with("-") && word.size() > 1 && !number) {
      const auto name = word.substr(0, word.find('='));
      const auto known = flag_names(command);
      const bool short_group = !name.starts_with("--") && name.size() > 2;
      if (!short_group && std::find(known.begin(), known.end(), name) == known.end()) {
        auto candidates = known;
        if (command == &app) {
          candidates.insert(candidates.end(), {"--help", "--version"});
        }
        return "unknown option '" + text::for_terminal(name) + "'"
               + (command == &app ? "" : " for '" + command_path(&app) + "'")
               + suggestion(name, candidates);
      }
    }
    options_only = options_only || command->get_subcommands([](const CLI::App*) { return true; })
                                     .empty();
  }
  return {};
}

// Adds `table` to `command`; returns a step that, once the command line is
// parsed, takes from the configuration file what the command line left
// unset.
std::function<void()>
add_table(CLI::App* command, std::vector<Option> table, const std::string& config)
{
  add_options(command, table);
  return [command, table = std::move(table), &config] {
    if (const auto file = find_config(config)) {
      apply_config(*file, table, [&](const Option& o) { return command->count(o.long_flag()) > 0; });
    }
  };
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
    "scan", "Scan mbox files, Maildirs, message files and Outlook exports; record findings");
  scan->footer(k_scan_footer);
  scan->add_option("PATH", scan_options.paths,
                   "mbox file, Maildir, Maildir++ tree, message file, Outlook PST, OST "
                   "or .msg file, compressed file (gzip, bzip2, xz, zstd, lz4, lzip), zip "
                   "or tar export, a directory holding any mix of them, or '-' (standard "
                   "input) or a FIFO")
    ->required();
  const auto scan_config = add_table(scan, cli::scan_options(scan_options), scan_options.config);

  ReportCommand report_options;
  auto* report = app.add_subcommand(
    "report", "Incident review of a scan: incidents, campaigns, reply-alls, senders");
  report->footer(k_report_footer);
  report->add_option("--scan", report_options.scan, "scan id [default: newest]");
  const auto report_config =
    add_table(report, cli::report_options(report_options), report_options.config);

  ExportCommand export_options;
  auto* export_command = app.add_subcommand(
    "export", "The people to notify for one incident or campaign (Art. 34)");
  export_command->footer(k_export_footer);
  export_command->add_option("--scan", export_options.scan, "scan id [default: newest]");
  export_command
    ->add_option("--incident", export_options.incident, "incident (I-...) or campaign (C-...) id")
    ->required();
  const auto export_config =
    add_table(export_command, cli::export_options(export_options), export_options.config);

  LookupCommand lookup_options;
  auto* lookup = app.add_subcommand(
    "lookup", "Was an address exposed, and where? Every incident that showed it");
  lookup->footer(k_lookup_footer);
  lookup->add_option("ADDRESS", lookup_options.addresses,
                     "e-mail address(es), compared as the scan compares them (case of the "
                     "domain, IDN or A-label forms alike)")
    ->required();
  lookup->add_option("--scan", lookup_options.scan, "scan id [default: newest]");
  const auto lookup_config =
    add_table(lookup, cli::lookup_options(lookup_options), lookup_options.config);

  MergeCommand merge_options;
  auto* merge = app.add_subcommand(
    "merge", "Bring the databases of shards or hosts into one database for one review");
  merge->footer(k_merge_footer);
  merge->add_option("SOURCE", merge_options.sources,
                    "findings databases written by 'ccaudit scan' (one per shard or host)")
    ->required();
  add_options(merge, cli::merge_options(merge_options)); // no configuration file: say where

  ExplainCommand explain_options;
  auto* explain = app.add_subcommand(
    "explain", "Show how the messages of one file were read and counted");
  explain->footer(k_explain_footer);
  explain->add_option("PATH", explain_options.path,
                      "an mbox file, a message file, a PST, OST or .msg file, a compressed "
                      "one, or a member of a zip or tar file or an Outlook item as findings "
                      "name it (FILE!MEMBER, FILE!/FOLDER#ID)")
    ->required();
  explain->add_option("--member", explain_options.member,
                      "the member of the zip or tar file PATH to explain (nested: "
                      "INNER!MEMBER)");
  explain->add_option("--offset", explain_options.offset,
                      "only the mbox message whose \"From \" line starts at "
                      "this byte offset (as in reports) [default: every "
                      "message]")
    ->check(whole_number());
  const auto explain_config =
    add_table(explain, cli::explain_options(explain_options), explain_options.config);

  BaselineCommand baseline_options;
  auto* baseline = app.add_subcommand(
    "baseline", "Known findings: export their fingerprints, or accept some");
  baseline->require_subcommand(1);
  baseline->footer(k_baseline_footer);
  auto* baseline_export = baseline->add_subcommand(
    "export", "Write the fingerprints of current findings and their status");
  const auto export_baseline_config =
    add_table(baseline_export, cli::baseline_options(baseline_options), baseline_options.config);
  baseline_export->add_option("-o,--out", baseline_options.out,
                              "write to this file [default: standard output]");
  auto* baseline_accept = baseline->add_subcommand(
    "accept", "Accept findings: later scans do not count them as new or open");
  baseline_accept->add_option("ID", baseline_options.accept,
                              "incident id (I-...) or fingerprint")
    ->required();
  const auto accept_baseline_config =
    add_table(baseline_accept, cli::baseline_options(baseline_options), baseline_options.config);
  baseline_accept->add_option("--note", baseline_options.note, "why (kept with it)");

  // Hidden (group ""): what the build installs, written from this command
  // line and its option tables (manual.hpp).
  std::string generate_kind, generate_out;
  auto* generate = app.add_subcommand("generate", "Write the man page or a completion script");
  generate->group("");
  generate->add_option("KIND", generate_kind, "man, bash or zsh")
    ->required()
    ->check(CLI::IsMember({"man", "bash", "zsh"}));
  generate->add_option("FILE", generate_out, "write to this file [default: standard output]");

  std::vector<std::string> args(argv, argv + argc);
  try {
    app.parse(argc, argv);
    if (generate->parsed()) {
      write_output(generate_out, generated_file(app, generate_kind));
      return static_cast<int>(ExitCode::clean);
    }
    if (scan->parsed()) {
      scan_config();
      return static_cast<int>(run_scan(scan_options, args));
    }
    if (explain->parsed()) {
      explain_config();
      return static_cast<int>(run_explain(explain_options));
    }
    if (merge->parsed()) {
      return static_cast<int>(run_merge(merge_options));
    }
    if (lookup->parsed()) {
      lookup_config();
      return static_cast<int>(run_lookup(lookup_options));
    }
    if (export_command->parsed()) {
      export_config();
      return static_cast<int>(run_export(export_options));
    }
    if (baseline_export->parsed()) {
      export_baseline_config();
      return static_cast<int>(run_baseline_export(baseline_options));
    }
    if (baseline_accept->parsed()) {
      accept_baseline_config();
      return static_cast<int>(run_baseline_accept(baseline_options));
    }
    report_config();
    return static_cast<int>(run_report(report_options));
  } catch (const CLI::Success& e) { // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // A mistyped command or option: named, with the nearest there is.
    auto message = unknown_word(app, args);
    if (message.empty()) {
      message = e.what();
      if (message == "A subcommand is required") {
        const auto* command = &app;
        for (auto chosen = app.get_subcommands(); !chosen.empty();
             chosen = command->get_subcommands()) {
          command = chosen.front();
        }
        std::string names;
        for (const auto& name : subcommand_names(command)) {
          names += (names.empty() ? "" : ", ") + name;
        }
        message = "a command is required: " + names;
      }
    }
    std::fprintf(stderr, "ccaudit: %s\n(see %s --help)\n", message.c_str(),
                 command_path(&app).c_str());
    return static_cast<int>(ExitCode::usage);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "ccaudit: %s\n(see %s --help)\n", e.what(),
                 command_path(&app).c_str());
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
