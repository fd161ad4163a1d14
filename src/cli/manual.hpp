#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
class Option;
}

namespace ccaudit::cli {

// What the build installs besides the program, written from the command
// line that run() builds from the option tables (the one --help shows), so
// that neither can list an option the other lacks:
//   "man"   the manual page ccaudit(1), in roff
//   "bash"  the bash completion script (function _ccaudit)
//   "zsh"   the zsh completion script (#compdef ccaudit)
// Hidden commands (CLI11 group "") are left out. Throws std::invalid_argument
// for another kind.
std::string generated_file(const CLI::App& app, std::string_view kind);

// "-" -> "\-", "\" -> "\e", a leading "." or "'" made literal, non-ASCII
// UTF-8 as \[uXXXX]: text as roff prints it, one line per input line.
std::string roff_text(std::string_view text);

// "-j", "--jobs": every name of an option, short ones first.
std::vector<std::string> option_names(const CLI::Option* option);

} // namespace ccaudit::cli
