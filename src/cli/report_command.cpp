#include "cli/options.hpp"
#include "core/fatal_error.hpp"
#include "core/text.hpp"
#include "report/report.hpp"
#include "store/sqlite_store.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

namespace ccaudit::cli {

namespace {

report::Request
request_for(const ReviewCommand& options, store::SqliteStore& store)
{
  report::Request request;
  request.scan = options.scan;
  if (!request.scan) {
    // The newest scan, unless it looked at nothing: then say which it is.
    std::vector<std::int64_t> passed_over;
    request.scan = store.review_scan(&passed_over);
    if (request.scan && !passed_over.empty()) {
      std::fprintf(stderr,
                   "ccaudit: scan %lld looked at no file (nothing under its paths): this is "
                   "scan %lld, the newest that did; --scan %lld shows the other\n",
                   static_cast<long long>(passed_over.front()),
                   static_cast<long long>(*request.scan),
                   static_cast<long long>(passed_over.front()));
    }
  }
  request.campaign_window_days = options.campaign_window_days;
  request.include_suppressed = options.include_suppressed;
  if (!options.redact_key.empty()) {
    request.redactor = report::Redactor::from_file(options.redact_key);
  }
  return request;
}

// Renders into memory, then writes: a failed report leaves no half file.
template <typename Render>
void
render_output(const ReviewCommand& options, Render&& render)
{
  std::ostringstream text;
  render(text);
  write_output(options.out, text.view());
}

// Writes all of `text` to `fd`: 0, or the errno of the failure.
int
write_all(int fd, std::string_view text)
{
  while (!text.empty()) {
    const auto n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return n < 0 ? errno : EIO;
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

// SIGXFSZ ignored while it lives: past a file size limit (ulimit -f), a
// write then fails with EFBIG, and the new file is removed, instead of the
// process being killed with it left behind.
class FileSizeSignalIgnored
{
public:
  FileSizeSignalIgnored()
  {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    ::sigemptyset(&ignore.sa_mask);
    ::sigaction(SIGXFSZ, &ignore, &m_previous);
  }
  ~FileSizeSignalIgnored() { ::sigaction(SIGXFSZ, &m_previous, nullptr); }
  FileSizeSignalIgnored(const FileSizeSignalIgnored&) = delete;
  FileSizeSignalIgnored& operator=(const FileSizeSignalIgnored&) = delete;

private:
  struct sigaction m_previous {};
};

} // namespace

void
check_output_file(const std::string& out, const std::string& db)
{
  if (out.empty() || out == "-") {
    return;
  }
  if (const auto what = store::database_file_named(out, db)) {
    throw UsageError("--out " + text::for_terminal(out) + " is " + *what
                     + ": refused, the output would replace it; choose another file");
  }
}

void
write_output(const std::string& out, std::string_view text)
{
  if (out.empty() || out == "-") {
    std::cout << text;
    std::cout.flush();
    if (!std::cout) {
      throw FatalError("cannot write to standard output");
    }
    return;
  }
  namespace fs = std::filesystem;
  // A symbolic link keeps pointing where it did: its file is replaced.
  fs::path target = out;
  std::error_code ec;
  if (fs::is_symlink(target, ec)) {
    if (auto resolved = fs::weakly_canonical(target, ec); !ec) {
      target = resolved;
    }
  }
  const auto folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  // Reports name people: readable by the owner only, like the database
  // (mkstemp creates it 0600).
  auto temp = (folder / ("." + target.filename().string() + ".ccaudit-XXXXXX")).string();
  const FileSizeSignalIgnored no_signal;
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) {
    throw FatalError("cannot write " + text::for_terminal(out) + ": cannot create a file in "
                     + text::for_terminal(folder.string()) + ": " + std::strerror(errno));
  }
  int error = write_all(fd, text);
  if (error == 0 && ::fsync(fd) != 0) {
    error = errno;
  }
  if (::close(fd) != 0 && error == 0) {
    error = errno;
  }
  if (error == 0 && ::rename(temp.c_str(), target.c_str()) != 0) {
    error = errno;
  }
  if (error != 0) {
    ::unlink(temp.c_str());
    throw FatalError("cannot write " + text::for_terminal(out) + ": " + std::strerror(error)
                     + (fs::exists(target, ec) ? " (the file there is unchanged)" : ""));
  }
  // The rename itself reaches the disk with the folder.
  if (const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

namespace {

} // namespace

ExitCode
run_report(const ReportCommand& cmd)
{
  const auto format = report::parse_format(cmd.format);
  if (!format) {
    throw UsageError("--format: expected " + std::string(report::k_format_names) + ", got '"
                     + text::for_terminal(cmd.format) + "'");
  }
  if (cmd.art33 && cmd.incident.empty()) {
    throw UsageError("--art33 needs --incident ID (ids are listed by 'ccaudit report')");
  }
  if (!cmd.incident.empty() && !cmd.art33) {
    throw UsageError("--incident is for --art33 here; for the people to notify, "
                     "use 'ccaudit export --incident " + text::for_terminal(cmd.incident) + "'");
  }
  if (cmd.only_new && !cmd.status.empty() && cmd.status != "new") {
    throw UsageError("--only-new is --status new: not with --status " + text::for_terminal(cmd.status));
  }
  const auto status = cmd.only_new ? std::string("new") : cmd.status;
  if (!status.empty() && (*format == report::Format::jsonl || cmd.art33)) {
    throw UsageError("--only-new and --status choose incidents of the review (text, csv, json, "
                     "html): not with " + std::string(cmd.art33 ? "--art33" : "--format jsonl")
                     + " (scan --jsonl prints each new finding)");
  }
  check_output_file(cmd.out, cmd.db);
  store::SqliteStore store(cmd.db, store::OpenMode::read_only);
  auto request = request_for(cmd, store);
  request.status = status;
  render_output(cmd, [&](std::ostream& out) {
    if (cmd.art33) {
      report::render_art33(store, request, cmd.incident, std::time(nullptr), out);
    } else {
      report::render(store, request, *format, out);
    }
  });
  return ExitCode::clean;
}

ExitCode
run_export(const ExportCommand& cmd)
{
  if (cmd.format != "csv" && cmd.format != "json") {
    throw UsageError("--format: expected csv or json, got '"
                     + text::for_terminal(cmd.format) + "'");
  }
  check_output_file(cmd.out, cmd.db);
  store::SqliteStore store(cmd.db, store::OpenMode::read_only);
  const auto request = request_for(cmd, store);
  render_output(cmd, [&](std::ostream& out) {
    report::render_people(store, request, cmd.incident,
                          cmd.format == "csv" ? report::PeopleFormat::csv
                                              : report::PeopleFormat::json,
                          out);
  });
  return ExitCode::clean;
}

} // namespace ccaudit::cli
