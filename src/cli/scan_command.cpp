#include "cli/options.hpp"
#include "core/fatal_error.hpp"
#include "core/text.hpp"
#include "detect/visible_recipients.hpp"
#include "scan/scanner.hpp"
#include "store/sqlite_store.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <thread>
#include <cstdio>
#include <unistd.h>

#ifndef CCAUDIT_VERSION
#define CCAUDIT_VERSION "unknown"
#endif

namespace ccaudit::cli {

namespace fs = std::filesystem;

namespace {

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

} // namespace

ExitCode
run_scan(const ScanOptions& cmd, const std::vector<std::string>& argv)
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
  options.jobs = cmd.jobs > 0 ? cmd.jobs : std::max(1u, std::thread::hardware_concurrency());
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
                         "were not scanned; see 'ccaudit report'\n",
                 static_cast<unsigned long long>(s.not_scanned()));
    return ExitCode::incomplete;
  }
  return s.findings > 0 ? ExitCode::findings : ExitCode::clean;
}

} // namespace ccaudit::cli
