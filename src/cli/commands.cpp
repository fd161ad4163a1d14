#include "cli/commands.hpp"

#include "cli/exit_code.hpp"
#include "core/fatal_error.hpp"
#include "core/text.hpp"
#include "detect/visible_recipients.hpp"
#include "headers/address_list.hpp"
#include "report/report.hpp"
#include "scan/scanner.hpp"
#include "store/sqlite_store.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <unistd.h>

#ifndef CCAUDIT_VERSION
#define CCAUDIT_VERSION "unknown"
#endif

namespace ccaudit::cli {

namespace fs = std::filesystem;

namespace {

struct ScanCommand
{
  std::vector<std::string> paths;
  std::string db = "ccaudit.db";
  std::size_t threshold = 25;
  std::vector<std::string> internal_domains;
  bool quiet = false;
  bool verbose = false;
};

struct ReportCommand
{
  std::string db = "ccaudit.db";
  std::string format = "text";
  std::optional<std::int64_t> scan;
};

constexpr const char* k_scan_footer = R"(Exit codes:
  0  scan complete, nothing flagged
  1  scan complete, findings recorded
  2  usage error
  3  some input could not be read (everything else was scanned)
  4  fatal: the database cannot be written, or an internal error

Examples:
  ccaudit scan /var/mail/archive.mbox ~/Maildir --internal-domain example.com
  ccaudit report --format jsonl > findings.jsonl)";

constexpr const char* k_report_footer = R"(Exit codes:
  0  report printed
  2  usage error
  4  no database, no such scan, or the output cannot be written

The report definitions are SQL files (reports/ in the source tree); run them
with sqlite3 to query the database yourself.)";

// Prints what was not scanned as it is recorded (every problem with
// --verbose), then passes it on.
class DiagnosticSink final : public FindingSink
{
public:
  DiagnosticSink(FindingSink& next, bool verbose)
    : m_next(next), m_verbose(verbose)
  {
  }
  void record_source(const SourceInfo& s) override { m_next.record_source(s); }
  void record_finding(const MessageLocator& w, const Finding& f) override
  {
    m_next.record_finding(w, f);
  }
  void record_issue(const MessageLocator& w, const Issue& issue) override
  {
    if (m_verbose || means_not_scanned(issue.kind)) {
      print(w, issue);
    }
    m_next.record_issue(w, issue);
  }

private:
  static void print(const MessageLocator& w, const Issue& issue)
  {
    std::string where = text::for_terminal(w.archive.string());
    if (w.in_mbox) {
      where += "#" + std::to_string(w.index) + "@" + std::to_string(w.byte_offset);
    }
    std::fprintf(stderr, "ccaudit: %s: %s: %s\n", where.c_str(),
                 std::string(to_string(issue.kind)).c_str(),
                 text::for_terminal(issue.detail).c_str());
  }

  FindingSink& m_next;
  bool m_verbose;
};

// One overprinted line on stderr, only on a terminal, at most 5 times a second.
class ProgressLine
{
public:
  explicit ProgressLine(bool enabled) : m_enabled(enabled) {}
  void update(const scan::ScanSummary& s)
  {
    const auto now = std::chrono::steady_clock::now();
    if (!m_enabled || now - m_last < std::chrono::milliseconds(200)) {
      return;
    }
    m_last = now;
    std::fprintf(stderr, "\rccaudit: %llu files, %llu messages, %llu findings, "
                         "%llu problems\x1b[K",
                 static_cast<unsigned long long>(s.inputs),
                 static_cast<unsigned long long>(s.messages),
                 static_cast<unsigned long long>(s.findings),
                 static_cast<unsigned long long>(s.problems));
    m_shown = true;
  }
  void clear()
  {
    if (m_shown) {
      std::fprintf(stderr, "\r\x1b[K");
    }
  }

private:
  bool m_enabled;
  bool m_shown = false;
  std::chrono::steady_clock::time_point m_last{};
};

std::string
host_name()
{
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) {
    return "";
  }
  return buf;
}

[[noreturn]] void
usage_error(const std::string& why)
{
  throw CLI::ValidationError(why);
}

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
      usage_error("--internal-domain: not a domain: '" + text::for_terminal(d)
                  + "'");
    }
    out.push_back(n);
  }
  return out;
}

ExitCode
run_scan(const ScanCommand& cmd, const std::vector<std::string>& argv)
{
  const auto internal = normalised_domains(cmd.internal_domains);
  std::vector<fs::path> paths;
  for (const auto& p : cmd.paths) {
    paths.emplace_back(p);
  }
  const fs::path db_path(cmd.db);
  store::SqliteStore store(db_path, store::OpenMode::read_write);
  store::ScanStart start;
  start.tool_version = CCAUDIT_VERSION;
  start.host = host_name();
  start.arguments_json = nlohmann::json(argv).dump(
    -1, ' ', false, nlohmann::json::error_handler_t::replace);
  start.internal_domains_json = nlohmann::json(internal).dump();
  start.threshold = cmd.threshold;
  const auto scan_id = store.begin_scan(start);

  std::vector<std::unique_ptr<detect::Detector>> detectors;
  detectors.push_back(
    std::make_unique<detect::VisibleRecipientsDetector>(cmd.threshold, internal));
  scan::ScanOptions options;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    options.excluded_files.emplace_back(db_path.string() + suffix);
  }
  ProgressLine progress(!cmd.quiet && ::isatty(STDERR_FILENO));
  DiagnosticSink sink(store, cmd.verbose);
  scan::Scanner scanner(sink, std::move(detectors), std::move(options),
                        [&](const scan::ScanSummary& s) { progress.update(s); });
  scanner.scan_paths(paths);
  progress.clear();

  const auto& s = scanner.summary();
  store::ScanEnd end;
  end.status = s.complete() ? "complete" : "incomplete";
  end.sources = s.inputs;
  end.messages = s.messages;
  end.findings = s.findings;
  end.problems = s.problems;
  end.not_scanned = s.not_scanned();
  store.finish_scan(end);

  std::fprintf(stderr,
               "ccaudit: %llu file(s) (%llu not mail), %llu message(s), "
               "%llu finding(s), %llu problem(s), %llu not scanned; scan %lld "
               "in %s\n",
               static_cast<unsigned long long>(s.inputs),
               static_cast<unsigned long long>(s.inputs_not_mail),
               static_cast<unsigned long long>(s.messages),
               static_cast<unsigned long long>(s.findings),
               static_cast<unsigned long long>(s.problems),
               static_cast<unsigned long long>(s.not_scanned()),
               static_cast<long long>(scan_id),
               text::for_terminal(cmd.db).c_str());
  if (!s.complete()) {
    std::fprintf(stderr, "ccaudit: INCOMPLETE: %llu input(s) or message(s) "
                         "could not be read; see 'ccaudit report'\n",
                 static_cast<unsigned long long>(s.not_scanned()));
    return ExitCode::incomplete;
  }
  return s.findings > 0 ? ExitCode::findings : ExitCode::clean;
}

ExitCode
run_report(const ReportCommand& cmd)
{
  const auto format = report::parse_format(cmd.format);
  if (!format) {
    usage_error("--format: expected text or jsonl, got '"
                + text::for_terminal(cmd.format) + "'");
  }
  store::SqliteStore store(cmd.db, store::OpenMode::read_only);
  report::render(store, cmd.scan, *format, std::cout);
  std::cout.flush();
  if (!std::cout) {
    throw FatalError("cannot write the report to standard output");
  }
  return ExitCode::clean;
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

  ScanCommand scan_cmd;
  auto* scan = app.add_subcommand(
    "scan", "Scan mbox files, Maildirs and message files; record findings");
  scan->add_option("PATH", scan_cmd.paths,
                   "mbox file, Maildir, Maildir++ tree, message file, or a "
                   "directory holding any mix of them")
    ->required();
  scan->add_option("--db", scan_cmd.db, "findings database")
    ->capture_default_str();
  scan->add_option("--threshold", scan_cmd.threshold,
                   "flag a message with at least this many exposed addresses")
    ->capture_default_str()
    ->check(CLI::Validator(
      [](const std::string& v) -> std::string {
        return !v.empty() && v.size() <= 12
                   && v.find_first_not_of("0123456789") == std::string::npos
                   && v.find_first_not_of('0') != std::string::npos
                 ? ""
                 : "must be a whole number of at least 1";
      },
      "N"));
  scan->add_option("--internal-domain", scan_cmd.internal_domains,
                   "a domain of your own (subdomains included); its addresses "
                   "are kept but not counted as exposed (repeatable)");
  scan->add_flag("-q,--quiet", scan_cmd.quiet, "no progress line");
  scan->add_flag("-v,--verbose", scan_cmd.verbose,
                 "print every problem as it is found (what could not be "
                 "read is always printed)");

  ReportCommand report_cmd;
  scan->footer(k_scan_footer);
  auto* report = app.add_subcommand("report", "Print the findings of a scan");
  report->footer(k_report_footer);
  report->add_option("--db", report_cmd.db, "findings database")
    ->capture_default_str();
  report->add_option("--format", report_cmd.format, "text or jsonl")
    ->capture_default_str();
  report->add_option("--scan", report_cmd.scan, "scan id [default: newest]");

  std::vector<std::string> args(argv, argv + argc);
  try {
    app.parse(argc, argv);
    if (scan->parsed()) {
      return static_cast<int>(run_scan(scan_cmd, args));
    }
    return static_cast<int>(run_report(report_cmd));
  } catch (const CLI::Success& e) { // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
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
