#pragma once

namespace ccaudit::cli {

// The contract with scripts and CI. When several apply, the highest wins:
// a partial scan must never look complete.
enum class ExitCode : int {
  clean = 0,      // scan complete, nothing flagged
  findings = 1,   // scan complete, findings recorded
  usage = 2,      // bad command line; nothing was scanned
  incomplete = 3, // some inputs or messages could not be scanned
  fatal = 4,      // could not run: database, internal error
  interrupted = 130, // SIGINT (128 + 2): stopped, what was read is recorded
  terminated = 143,  // SIGTERM (128 + 15): the same
};

} // namespace ccaudit::cli
