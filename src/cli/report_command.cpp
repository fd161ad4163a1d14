#include "cli/options.hpp"
#include "core/fatal_error.hpp"
#include "core/text.hpp"
#include "report/report.hpp"
#include "store/sqlite_store.hpp"

#include <iostream>

namespace ccaudit::cli {

ExitCode
run_report(const ReportOptions& cmd)
{
  const auto format = report::parse_format(cmd.format);
  if (!format) {
    throw UsageError("--format: expected text or jsonl, got '"
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

} // namespace ccaudit::cli
