#include "cli/baseline.hpp"
#include "cli/options.hpp"
#include "cli/rule_flags.hpp"
#include "core/fatal_error.hpp"
#include "core/text.hpp"
#include "detect/visible_recipients.hpp"
#include "report/redact.hpp"
#include "report/report.hpp"
#include "store/connection.hpp"
#include "scan/rules.hpp"
#include "scan/scanner.hpp"
#include "store/sqlite_store.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <signal.h>
#include <thread>
#include <unistd.h>

#ifndef CCAUDIT_VERSION
#define CCAUDIT_VERSION "unknown"
#endif

namespace ccaudit::cli {

namespace fs = std::filesystem;

namespace {

// SIGINT and SIGTERM stop a scan cleanly: the handler only sets a flag the
// scanner reads. It then puts the default action back, so a second signal
// ends the process at once (the database is safe: every commit is).
std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};

extern "C" void
on_stop_signal(int signal)
{
  g_signal.store(signal);
  g_stop.store(true);
  std::signal(signal, SIG_DFL);
}

struct StopOnSignals
{
  StopOnSignals()
  {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &m_int);
    ::sigaction(SIGTERM, &action, &m_term);
  }
  ~StopOnSignals()
  {
    ::sigaction(SIGINT, &m_int, nullptr);
    ::sigaction(SIGTERM, &m_term, nullptr);
  }
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;
  struct sigaction m_int {}, m_term {};
};


// Prints what was not scanned as it is recorded (every problem with
// --verbose), and with --jsonl each new finding on stdout, then passes
// everything on.
class DiagnosticSink final : public FindingSink
{
public:
  // `context`: the scan, host and time each JSON line names.
  DiagnosticSink(store::SqliteStore& next, bool verbose, bool jsonl,
                 std::optional<report::Redactor> redactor, report::JsonlContext context)
    : m_next(next), m_verbose(verbose), m_jsonl(jsonl), m_redactor(std::move(redactor)),
      m_context(std::move(context))
  {
  }
  void record_source(const SourceInfo& s) override { m_next.record_source(s); }
  FindingStatus record_finding(const MessageLocator& w, const Finding& f) override
  {
    const auto status = m_next.record_finding(w, f);
    if (m_jsonl && status == FindingStatus::new_finding && !f.context_only
        && f.suppressed.empty()) {
      print_json(w, f);
    }
    return status;
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
    std::string where = text::for_terminal(w.path_text());
    if (w.in_mbox) {
      where += "#" + std::to_string(w.index) + "@" + std::to_string(w.byte_offset);
    }
    std::fprintf(stderr, "ccaudit: %s: %s: %s\n", where.c_str(),
                 std::string(to_string(issue.kind)).c_str(),
                 text::for_terminal(issue.detail).c_str());
  }

  // One line per new finding, for a SIEM: the keys of 'report --format
  // jsonl' and its fingerprint.
  // A line that cannot be written is an alert lost: the scan stops (exit
  // 4), and since it does not complete, what it recorded stays new and the
  // next scan prints it again.
  void print_json(const MessageLocator& w, const Finding& found) const
  {
    auto context = m_context;
    context.sent_at = found.sent_at ? store::iso_utc(static_cast<std::time_t>(*found.sent_at))
                                    : std::string();
    context.detected_at = store::utc_now();
    std::optional<Finding> redacted;
    if (m_redactor) {
      redacted = found;
      m_redactor->apply(*redacted);
    }
    const auto line = report::finding_jsonl(w, redacted ? *redacted : found, "new", context);
    if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size()
        || std::fflush(stdout) != 0) {
      throw FatalError(std::string("cannot write a finding to standard output (")
                       + std::strerror(errno)
                       + "): scan stopped; its findings are sent again by the next scan");
    }
  }

  store::SqliteStore& m_next;
  bool m_verbose, m_jsonl;
  std::optional<report::Redactor> m_redactor;
  report::JsonlContext m_context;
};

// The paths as the database keeps them: absolute, so that a nightly scan
// started from another folder finds what the last one recorded.
std::vector<fs::path>
absolute_paths(const std::vector<std::string>& given)
{
  std::vector<fs::path> out;
  for (const auto& p : given) {
    if (p == "-") {
      out.emplace_back(p); // standard input
      continue;
    }
    auto path = fs::absolute(p).lexically_normal();
    if (!path.has_filename() && path != path.root_path()) {
      path = path.parent_path(); // "dir/" is "dir"
    }
    out.push_back(std::move(path));
  }
  return out;
}

std::string grouped(std::uint64_t n);

// "3.2 GB", "840 MB", "12 KB".
std::string
size_text(std::uint64_t bytes)
{
  char buf[32];
  const double b = static_cast<double>(bytes);
  if (b >= 1e9) {
    std::snprintf(buf, sizeof buf, "%.1f GB", b / 1e9);
  } else if (b >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.0f MB", b / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f KB", b / 1e3);
  }
  return buf;
}

// One overprinted line on stderr, only on a terminal, at most 5 times a
// second: files done of those listed ("+" while the walk goes on), bytes
// read of those to read with a percentage, and once 1% is read and 3 s
// have passed, the time left at the speed so far.
class ProgressLine
{
public:
  explicit ProgressLine(bool enabled)
    : m_enabled(enabled), m_start(std::chrono::steady_clock::now())
  {
  }
  bool enabled() const { return m_enabled; }
  void update(const scan::ScanSummary& s)
  {
    const auto now = std::chrono::steady_clock::now();
    if (!m_enabled || now - m_last < std::chrono::milliseconds(200)) {
      return;
    }
    m_last = now;
    const auto done_files = s.inputs - s.members + s.unchanged;
    std::string line = "ccaudit: " + grouped(done_files) + "/" + grouped(s.files_listed)
                       + (s.walk_done ? "" : "+") + " files";
    const auto done = s.bytes + s.bytes_in_file;
    if (s.bytes_listed > 0) {
      const double part = std::min(1.0, static_cast<double>(done)
                                          / static_cast<double>(s.bytes_listed));
      char percent[16];
      std::snprintf(percent, sizeof percent, "%.0f%%", part * 100);
      line += ", " + size_text(done) + "/" + size_text(s.bytes_listed) + " (" + percent + ")";
      const double elapsed = std::chrono::duration<double>(now - m_start).count();
      if (part >= 0.01 && part < 1 && elapsed >= 3) {
        const auto left = static_cast<long long>(elapsed * (1 - part) / part);
        char eta[64];
        if (left >= 3600) {
          std::snprintf(eta, sizeof eta, "%lld h %lld min", left / 3600, left % 3600 / 60);
        } else if (left >= 60) {
          std::snprintf(eta, sizeof eta, "%lld min", (left + 30) / 60);
        } else {
          std::snprintf(eta, sizeof eta, "%lld s", left);
        }
        line += std::string(", about ") + eta + " left"
                + (s.walk_done ? "" : " of what is listed so far");
      }
    }
    line += "; " + grouped(s.messages) + " messages, " + grouped(s.findings) + " exposures, "
            + grouped(s.problems) + " problems";
    std::fprintf(stderr, "\r%s\x1b[K", line.c_str());
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
  std::chrono::steady_clock::time_point m_start;
  bool m_shown = false;
  std::chrono::steady_clock::time_point m_last{};
};

// The settings that decide findings, where they differ from those of the
// last complete scan of the database: "threshold 25 -> 10, internal_domains
// ["example.org"] -> []". Empty when they agree (or no scan completed).
std::string
settings_drift(store::SqliteStore& store, const nlohmann::ordered_json& now,
               std::int64_t& previous_scan)
{
  std::string before;
  store.query("SELECT id, settings FROM scan WHERE status = 'complete' ORDER BY id DESC LIMIT 1",
              {}, [&](const store::Row& r) {
                previous_scan = r.integer(0);
                before = r.text(1);
              });
  if (before.empty()) {
    return {};
  }
  const auto old = nlohmann::ordered_json::parse(before, nullptr, false);
  if (!old.is_object()) {
    return {};
  }
  std::string out;
  const auto shown = [](const nlohmann::ordered_json* v) {
    return v ? text::for_terminal(v->dump()) : std::string("(none)");
  };
  std::vector<std::string> keys;
  for (const auto* settings : {&old, &now}) {
    for (const auto& item : settings->items()) {
      if (std::find(keys.begin(), keys.end(), item.key()) == keys.end()) {
        keys.push_back(item.key());
      }
    }
  }
  for (const auto& key : keys) {
    const auto* a = old.contains(key) ? &old[key] : nullptr;
    const auto* b = now.contains(key) ? &now[key] : nullptr;
    if (a && b ? *a != *b : a != b) {
      out += (out.empty() ? "" : ", ") + key + " " + shown(a) + " -> " + shown(b);
    }
  }
  return out;
}

// 3743 as "3,743".
std::string
grouped(std::uint64_t n)
{
  auto digits = std::to_string(n);
  for (auto at = digits.size(); at > 3; at -= 3) {
    digits.insert(at - 3, ",");
  }
  return digits;
}

std::string
host_name()
{
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) {
    return "";
  }
  return buf;
}

// "INDEX/COUNT" (--shard), INDEX from 0.
archive::Shard
parse_shard(const std::string& text)
{
  archive::Shard shard;
  if (text.empty()) {
    return shard;
  }
  const auto slash = text.find('/');
  const auto number = [&](std::string_view v, std::uint64_t& out) {
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    return ec == std::errc{} && end == v.data() + v.size() && !v.empty();
  };
  const std::string_view t(text);
  if (slash == std::string::npos || !number(t.substr(0, slash), shard.index)
      || !number(t.substr(slash + 1), shard.count) || shard.count == 0
      || shard.count > 1'000'000) {
    throw UsageError("--shard '" + text::for_terminal(text)
                     + "': expected INDEX/COUNT, e.g. 0/4 (COUNT from 1 to 1000000)");
  }
  if (shard.index >= shard.count) {
    throw UsageError("--shard " + text + ": INDEX counts from 0, so it must be below "
                     + std::to_string(shard.count) + " (0 to "
                     + std::to_string(shard.count - 1) + ")");
  }
  return shard;
}

} // namespace

ExitCode
run_scan(const ScanCommand& cmd, const std::vector<std::string>& argv)
{
  const auto deciding = deciding_rules(cmd);
  const auto& internal = deciding.rules.internal_domains;
  if (cmd.fail_on != "new" && cmd.fail_on != "any" && cmd.fail_on != "none") {
    throw UsageError("--fail-on: expected new, any or none, got '"
                     + text::for_terminal(cmd.fail_on) + "'");
  }
  const auto shard = parse_shard(cmd.shard);
  auto baseline = cmd.baseline.empty() ? std::map<std::string, FindingStatus>{}
                                       : read_baseline(cmd.baseline);
  const auto& bulk_senders = deciding.rules.bulk_senders;
  const auto& since = deciding.rules.since;
  // A PATH that is not there is a typo: said before anything is recorded, so
  // that no empty scan becomes the newest. (One that cannot be looked at,
  // or a link to nothing, is read and recorded as unreadable.)
  for (const auto& p : cmd.paths) {
    std::error_code ec;
    if (p != "-" && fs::symlink_status(p, ec).type() == fs::file_type::not_found) {
      throw UsageError("PATH '" + text::for_terminal(p)
                       + "' does not exist: nothing was scanned or recorded");
    }
  }
  const auto paths = absolute_paths(cmd.paths);
  // Read before anything is recorded: a bad key file stops the scan at once.
  auto redactor = cmd.redact_key.empty() || !cmd.jsonl
                    ? std::optional<report::Redactor>()
                    : std::optional(report::Redactor::from_file(cmd.redact_key));
  const fs::path db_path(cmd.db);
  store::SqliteStore store(db_path, store::OpenMode::read_write,
                           std::chrono::seconds(cmd.lock_wait));
  std::int64_t merged = 0;
  store.query("SELECT count(*) FROM merged_database", {},
              [&](const store::Row& r) { merged = r.integer(0); });
  if (merged > 0) {
    throw FatalError(text::for_terminal(cmd.db)
                     + " holds databases brought in by 'ccaudit merge': scan into a database "
                       "of its own and merge that");
  }
  store.set_baseline(std::move(baseline));
  store::ScanStart start;
  start.tool_version = CCAUDIT_VERSION;
  start.host = host_name();
  start.arguments_json = nlohmann::json(argv).dump(
    -1, ' ', false, nlohmann::json::error_handler_t::replace);
  start.internal_domains_json = nlohmann::json(internal).dump();
  start.threshold = cmd.threshold;
  nlohmann::ordered_json settings;
  settings["threshold"] = cmd.threshold;
  settings["internal_domains"] = internal;
  settings["bulk_senders"] = bulk_senders;
  settings["since"] = since ? nlohmann::ordered_json(*since) : nlohmann::ordered_json(nullptr);
  if (cmd.content) {
    // Only with --content: a scan without it reads what it read before.
    settings["content"] = {{"threshold", cmd.content_threshold},
                           {"max_depth", cmd.content_max_depth},
                           {"max_part_mib", cmd.content_max_part_mib},
                           {"max_message_mib", cmd.content_max_message_mib}};
  }
  if (cmd.recover_deleted) {
    settings["recover_deleted"] = true; // as --content: read again only with it
  }
  if (shard.count > 1) {
    settings["shard"] = cmd.shard; // another split reads its files again
  }
  start.settings_json = settings.dump();
  std::int64_t previous_scan = 0;
  if (const auto drift = settings_drift(store, settings, previous_scan); !drift.empty()) {
    std::fprintf(stderr,
                 "ccaudit: settings differ from scan %lld (the last complete one): %s; files "
                 "read under other settings are read again, and what they flag may differ\n",
                 static_cast<long long>(previous_scan), drift.c_str());
  }
  const auto scan_id = store.begin_scan(start);

  scan::ScanOptions options;
  options.content = deciding.content;
  options.body_read = deciding.body_read;
  options.jobs = cmd.jobs > 0 ? cmd.jobs : std::max(1u, std::thread::hardware_concurrency());
  for (const char* suffix : {"", "-wal", "-shm", "-journal", ".lock"}) {
    options.excluded_files.emplace_back(db_path.string() + suffix);
  }
  options.history = &store.history();
  options.read_all = cmd.full;
  options.exclude = cmd.exclude;
  options.unpack.max_expansion = static_cast<double>(cmd.max_expansion);
  options.unpack.recover_deleted = cmd.recover_deleted;
  options.stop = &g_stop;
  options.shard = shard;
  const StopOnSignals signals;
  if (cmd.jsonl) {
    // A reader that goes away must be an error we report, not a signal
    // that kills the scan with nothing said.
    std::signal(SIGPIPE, SIG_IGN);
  }
  ProgressLine progress(!cmd.quiet && ::isatty(STDERR_FILENO));
  options.measure_progress = progress.enabled();
  DiagnosticSink sink(store, cmd.verbose, cmd.jsonl, std::move(redactor),
                      {{}, scan_id, start.host, {}});
  scan::Scanner scanner(sink, scan::make_detectors(deciding.rules), std::move(options),
                        [&](const scan::ScanSummary& s) { progress.update(s); });
  scanner.scan_paths(paths);
  progress.clear();

  const auto& s = scanner.summary();
  store::ScanEnd end;
  end.status = s.interrupted ? "interrupted" : s.complete() ? "complete" : "incomplete";
  // Files on disk: the members of an export are not counted on their own, as
  // they cannot be when the export is unchanged.
  end.sources = s.inputs - s.members;
  end.messages = s.messages;
  end.unchanged_files = s.unchanged;
  end.unchanged_messages = s.unchanged_messages;
  end.stored_counts_hold = !scanner.paths_overlap();
  end.findings = s.findings;
  end.problems = s.problems;
  end.not_scanned = s.not_scanned();
  const auto totals = store.finish_scan(end);

  // In a responder's words: messages (read, and known unchanged), copies
  // that showed a list (exposures) and the sends they are (incidents).
  const auto read_files = end.sources;
  const auto unchanged_files = totals.unchanged_files;
  const auto unchanged_messages = totals.unchanged_messages;
  std::fprintf(stderr,
               "ccaudit: %s message(s) in %s file(s): %s read from %s file(s) (%s not mail), %s "
               "in %s unchanged file(s) not read again; %s exposure(s) in %s incident(s) in the "
               "database, %s new; this scan recorded %s exposure(s), %s new, %s suppressed; %s "
               "problem(s), %s not scanned; scan %lld in %s\n",
               grouped(s.messages + unchanged_messages).c_str(),
               grouped(read_files + unchanged_files).c_str(), grouped(s.messages).c_str(),
               grouped(read_files).c_str(),
               grouped(s.inputs_not_mail - s.members_not_mail).c_str(),
               grouped(unchanged_messages).c_str(), grouped(unchanged_files).c_str(),
               grouped(totals.exposures).c_str(), grouped(totals.incidents).c_str(),
               grouped(totals.new_incidents).c_str(), grouped(s.findings).c_str(),
               grouped(s.new_findings).c_str(), grouped(s.suppressed).c_str(),
               grouped(s.problems).c_str(), grouped(s.not_scanned()).c_str(),
               static_cast<long long>(scan_id), text::for_terminal(cmd.db).c_str());
  if (s.inputs == 0 && unchanged_files == 0 && s.problems == 0 && !s.interrupted) {
    std::fprintf(stderr, "ccaudit: no file found under the PATH(s): scan %lld read nothing, and "
                         "'ccaudit report' keeps showing the scan before it\n",
                 static_cast<long long>(scan_id));
  }
  if (s.interrupted) {
    const int signal = g_signal.load();
    std::fprintf(stderr, "ccaudit: INTERRUPTED by %s: scan %lld is marked interrupted; what it "
                         "read is recorded, and the next scan reads the rest\n",
                 signal == SIGTERM ? "SIGTERM" : "SIGINT", static_cast<long long>(scan_id));
    return signal == SIGTERM ? ExitCode::terminated : ExitCode::interrupted;
  }
  if (!s.complete()) {
    std::fprintf(stderr, "ccaudit: INCOMPLETE: %llu input(s) or message(s) "
                         "were not scanned; see 'ccaudit report'\n",
                 static_cast<unsigned long long>(s.not_scanned()));
    return ExitCode::incomplete;
  }
  if (cmd.fail_on == "none") {
    return ExitCode::clean;
  }
  if (cmd.fail_on == "any") {
    return store.open_findings() > 0 ? ExitCode::findings : ExitCode::clean;
  }
  return s.new_findings > 0 ? ExitCode::findings : ExitCode::clean;
}

} // namespace ccaudit::cli
