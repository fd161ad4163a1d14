#include "cli/options.hpp"
#include "core/fatal_error.hpp"
#include "core/text.hpp"
#include "report/report.hpp"
#include "store/sqlite_store.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

#include <sys/stat.h>

namespace ccaudit::cli {

namespace {

report::Request
request_for(const ReviewOptions& options)
{
  report::Request request;
  request.scan = options.scan;
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
write_output(const ReviewOptions& options, Render&& render)
{
  std::ostringstream text;
  render(text);
  if (options.out.empty() || options.out == "-") {
    std::cout << text.str();
    std::cout.flush();
    if (!std::cout) {
      throw FatalError("cannot write to standard output");
    }
    return;
  }
  // Reports name people: readable by the owner only, like the database.
  const auto old_mask = ::umask(077);
  std::ofstream file(options.out, std::ios::binary | std::ios::trunc);
  ::umask(old_mask);
  file << text.str();
  file.close();
  if (!file) {
    throw FatalError("cannot write " + text::for_terminal(options.out));
  }
}

} // namespace

ExitCode
run_report(const ReportOptions& cmd)
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
  const auto request = request_for(cmd);
  store::SqliteStore store(cmd.db, store::OpenMode::read_only);
  write_output(cmd, [&](std::ostream& out) {
    if (cmd.art33) {
      report::render_art33(store, request, cmd.incident, std::time(nullptr), out);
    } else {
      report::render(store, request, *format, out);
    }
  });
  return ExitCode::clean;
}

ExitCode
run_export(const ExportOptions& cmd)
{
  if (cmd.format != "csv" && cmd.format != "json") {
    throw UsageError("--format: expected csv or json, got '"
                     + text::for_terminal(cmd.format) + "'");
  }
  const auto request = request_for(cmd);
  store::SqliteStore store(cmd.db, store::OpenMode::read_only);
  write_output(cmd, [&](std::ostream& out) {
    report::render_people(store, request, cmd.incident,
                          cmd.format == "csv" ? report::PeopleFormat::csv
                                              : report::PeopleFormat::json,
                          out);
  });
  return ExitCode::clean;
}

} // namespace ccaudit::cli
