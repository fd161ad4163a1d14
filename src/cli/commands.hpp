#pragma once

namespace ccaudit::cli {

// Parses the command line, runs the subcommand and returns the process exit
// code (see exit_code.hpp). The only place that catches FatalError.
int run(int argc, char** argv);

} // namespace ccaudit::cli
