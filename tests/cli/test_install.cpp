// Installs like a tool: cmake --install puts the program, its man page and
// completion scripts (generated from the option tables) and reports/ where
// a Debian user looks; cpack -G DEB packages the same with its Depends.
#include "cli/manual.hpp"
#include "cli/option_table.hpp"
#include "cli/options.hpp"
#include "core/text.hpp"
#include "support/test_message.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

using namespace ccaudit;
using namespace ccaudit::cli;
using ccaudit::test::TempDir;
using ccaudit::test::read_file;
using ccaudit::test::run_ccaudit;
using ccaudit::test::run_program;
using ccaudit::test::RunResult;

namespace fs = std::filesystem;

namespace {

// Runs `script` with /bin/sh, $1... being `args`.
RunResult
sh(const std::string& script, const std::vector<std::string>& args = {})
{
  std::vector<std::string> all = {"-c", script, "sh"};
  all.insert(all.end(), args.begin(), args.end());
  return run_program("/bin/sh", all);
}

// `cmake --install` of this build tree under `prefix`.
void
install_into(const fs::path& prefix)
{
  const auto r = run_program(CCAUDIT_CMAKE, {"--install", CCAUDIT_BINARY_DIR, "--prefix",
                                             prefix.string()});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
}

// The option tables, by command, as the man page and completions name them.
struct Tables
{
  ScanCommand scan;
  ReportCommand report;
  ExportCommand export_command;
  LookupCommand lookup;
  ExplainCommand explain;
  BaselineCommand baseline;
  std::map<std::string, std::vector<Option>> by_command = {
    {"scan", scan_options(scan)},
    {"report", report_options(report)},
    {"export", export_options(export_command)},
    {"lookup", lookup_options(lookup)},
    {"explain", explain_options(explain)},
    {"baseline export", baseline_options(baseline)},
    {"baseline accept", baseline_options(baseline)},
  };
};

// The part of the man page under `.SS "ccaudit COMMAND"`, up to the next
// heading.
std::string
man_section(const std::string& page, const std::string& command)
{
  const auto heading = ".SS \"ccaudit " + roff_text(command) + "\"\n";
  const auto start = page.find(heading);
  if (start == std::string::npos) {
    return "";
  }
  auto end = page.size();
  for (const auto* next : {"\n.SS ", "\n.SH "}) {
    end = std::min(end, page.find(next, start + heading.size()));
  }
  return page.substr(start, end - start);
}

// The flags --help lists in its Options: "-o", "--out", ... (not those its
// footer mentions).
std::vector<std::string>
help_flags(const std::string& help)
{
  std::vector<std::string> out;
  std::istringstream lines(help);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("  -")) {
      continue;
    }
    const auto names = line.substr(2, line.find(' ', 2) - 2);
    std::istringstream parts(names);
    for (std::string name; std::getline(parts, name, ',');) {
      out.push_back(name);
    }
  }
  return out;
}

std::string
bold(const std::string& flag)
{
  return "\\fB" + roff_text(flag) + "\\fR";
}

// What the bash completion script offers for the command line `words` (the
// last one being completed).
std::vector<std::string>
bash_complete(const fs::path& script, const std::vector<std::string>& words)
{
  std::vector<std::string> args = {
    "-c",
    "f=$1; shift; source \"$f\" || exit 9; COMP_WORDS=(\"$@\"); COMP_CWORD=$(( $# - 1 )); "
    "_ccaudit; printf '%s\\n' \"${COMPREPLY[@]}\"",
    "bash", script.string()};
  args.insert(args.end(), words.begin(), words.end());
  const auto r = run_program("/bin/bash", args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> out;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) {
      out.push_back(line);
    }
  }
  return out;
}

std::vector<std::string>
split(const std::string& text, char separator)
{
  std::vector<std::string> out;
  std::istringstream parts(text);
  for (std::string part; std::getline(parts, part, separator);) {
    out.push_back(part);
  }
  return out;
}

} // namespace

TEST_CASE("install: roff text escapes what roff would read as requests or escapes", "[install]")
{
  CHECK(roff_text(".x\n'y \\ a-b") == "\\&.x\n\\&'y \\e a\\-b");
  CHECK(roff_text("b\xc3\xbc\x63her") == "b\\[u00FC]cher");
  CHECK(roff_text("cut \xc3") == "cut ?");
}

TEST_CASE("install: cmake --install puts the program, its man page, bash and zsh completions "
          "and the report queries under the prefix",
          "[install]")
{
  TempDir dir;
  install_into(dir.path());
  const auto& p = dir.path();
  const auto bin = p / "bin" / "ccaudit";
  REQUIRE(fs::exists(bin));
  CHECK((fs::status(bin).permissions() & fs::perms::others_exec) != fs::perms::none);
  const auto version = run_program(bin.string(), {"--version"});
  CHECK(version.exit_code == 0);
  CHECK(version.out.starts_with("ccaudit "));
  CHECK(fs::is_regular_file(p / "share/man/man1/ccaudit.1.gz"));
  CHECK(fs::is_regular_file(p / "share/bash-completion/completions/ccaudit"));
  CHECK(fs::is_regular_file(p / "share/zsh/vendor-completions/_ccaudit"));
  const auto reports = p / "share/ccaudit/reports";
  std::size_t sql = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(CCAUDIT_SOURCE_DIR) / "reports")) {
    const auto name = entry.path().filename();
    INFO(name);
    if (entry.path().extension() == ".sql") {
      ++sql;
      CHECK(read_file(reports / name) == read_file(entry.path()));
    }
  }
  CHECK(sql >= 10);
  CHECK(fs::is_regular_file(reports / "review.html"));
  CHECK(fs::is_regular_file(reports / "README.md"));
  // Installed files are readable by everyone (the generated ones are written
  // 0600 in the build tree).
  CHECK((fs::status(p / "share/man/man1/ccaudit.1.gz").permissions() & fs::perms::others_read)
        != fs::perms::none);
}

TEST_CASE("install: the man page names every option of every command's table and of its --help, "
          "with its configuration key, and renders without warnings",
          "[install]")
{
  TempDir dir;
  install_into(dir.path());
  const auto man = dir.path() / "share/man/man1/ccaudit.1.gz";
  const auto text = sh("exec zcat \"$1\"", {man.string()});
  REQUIRE(text.exit_code == 0);
  const auto& page = text.out;
  CHECK(page.find(".TH CCAUDIT 1") != std::string::npos);
  for (const auto* heading : {".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH COMMANDS",
                              ".SH \"EXIT STATUS\"", ".SH FILES", ".SH EXAMPLES",
                              ".SH \"SEE ALSO\""}) {
    CHECK(page.find(std::string(heading) + "\n") != std::string::npos);
  }
  CHECK(page.find("share/ccaudit/reports") != std::string::npos);
  CHECK(page.find("\\fBsqlite3\\fR(1)") != std::string::npos);

  Tables tables;
  for (const auto& [command, table] : tables.by_command) {
    const auto section = man_section(page, command);
    INFO("ccaudit " << command);
    REQUIRE(!section.empty());
    for (const auto& option : table) {
      INFO(option.long_flag());
      CHECK(section.find(bold(option.long_flag())) != std::string::npos);
      if (option.key) {
        CHECK(section.find("\\%" + roff_text(option.key)) != std::string::npos);
      }
      for (const auto& choice : option.choices) {
        CHECK(section.find(roff_text(choice)) != std::string::npos);
      }
    }
    // And what the tables do not hold (--scan, --offset, -o, --note...):
    // the man page lists what --help lists.
    auto args = split(command, ' ');
    args.push_back("--help");
    const auto help = run_ccaudit(args);
    REQUIRE(help.exit_code == 0);
    const auto flags = help_flags(help.out);
    CHECK(flags.size() > table.size());
    for (const auto& flag : flags) {
      INFO(flag);
      CHECK((flag == "-h" || flag == "--help" || section.find(bold(flag)) != std::string::npos));
    }
  }

  // The man page's generator is hidden: --help does not list it, and a
  // mistyped command is not matched with it.
  const auto help = run_ccaudit({"--help"});
  CHECK(help.out.find("generate") == std::string::npos);
  const auto typo = run_ccaudit({"generat"});
  CHECK(typo.exit_code == 2);
  CHECK(typo.err.find("generate") == std::string::npos);
  CHECK(page.find("generate man") != std::string::npos); // its comment line only
  CHECK(page.find("ccaudit generate\"") == std::string::npos);

  // Rendered by man (or groff) with warnings on: none.
  const auto rendered =
    sh("if command -v man >/dev/null 2>&1; then "
       "  MANWIDTH=80 exec man --warnings -E UTF-8 -l \"$1\"; "
       "elif command -v groff >/dev/null 2>&1; then "
       "  zcat \"$1\" | groff -man -Tutf8 -ww; "
       "else exit 77; fi",
       {man.string()});
  if (rendered.exit_code == 77) {
    WARN("neither man nor groff: the man page was not rendered");
  } else {
    INFO(rendered.err);
    CHECK(rendered.exit_code == 0);
    CHECK(rendered.err.empty());
    CHECK(rendered.out.find("EXIT STATUS") != std::string::npos);
    CHECK(rendered.out.find("ccaudit baseline accept") != std::string::npos);
  }
}

TEST_CASE("install: the bash completion completes commands, options and their choices, and the zsh "
          "one names every option",
          "[install]")
{
  TempDir dir;
  install_into(dir.path());
  const auto bash = dir.path() / "share/bash-completion/completions/ccaudit";
  using Words = std::vector<std::string>;
  CHECK(bash_complete(bash, {"ccaudit", "sc"}) == Words{"scan"});
  CHECK(bash_complete(bash, {"ccaudit", "report", "--fo"}) == Words{"--format"});
  CHECK(bash_complete(bash, {"ccaudit", "baseline", ""}) == Words{"export", "accept"});
  CHECK(bash_complete(bash, {"ccaudit", "baseline", "export", "--o"}) == Words{"--out"});
  CHECK(bash_complete(bash, {"ccaudit", "g"}).empty()); // generate is hidden
  // A PATH or a file value: nothing, so that bash completes file names.
  CHECK(bash_complete(bash, {"ccaudit", "scan", "--db", ""}).empty());

  Tables tables;
  // --format html and --format=html alike.
  const auto& format = *std::find_if(tables.by_command["report"].begin(),
                                     tables.by_command["report"].end(),
                                     [](const Option& o) { return o.long_flag() == "--format"; });
  CHECK(bash_complete(bash, {"ccaudit", "report", "--format", ""}) == format.choices);
  CHECK(bash_complete(bash, {"ccaudit", "report", "--format", "=", "js"}) == Words{"json", "jsonl"});
  CHECK(bash_complete(bash, {"ccaudit", "scan", "--fail-on", "a"}) == Words{"any"});
  for (const auto& [command, table] : tables.by_command) {
    auto words = split(command, ' ');
    words.insert(words.begin(), "ccaudit");
    words.push_back("--");
    const auto offered = bash_complete(bash, words);
    for (const auto& option : table) {
      INFO("ccaudit " << command << " " << option.long_flag());
      CHECK(std::find(offered.begin(), offered.end(), option.long_flag()) != offered.end());
    }
  }
  const auto registered = run_program("/bin/bash", {"-c", "source \"$1\" && complete -p ccaudit",
                                                    "bash", bash.string()});
  CHECK(registered.out.find("-F _ccaudit ccaudit") != std::string::npos);

  const auto zsh = dir.path() / "share/zsh/vendor-completions/_ccaudit";
  const auto script = read_file(zsh);
  CHECK(script.starts_with("#compdef ccaudit\n"));
  for (const auto& [command, table] : tables.by_command) {
    auto function = "_ccaudit_" + command;
    std::replace(function.begin(), function.end(), ' ', '_');
    INFO(function);
    CHECK(script.find("\n" + function + "()\n") != std::string::npos);
    for (const auto& option : table) {
      CHECK(script.find(option.long_flag()) != std::string::npos);
    }
  }
  const auto checked = sh("command -v zsh >/dev/null 2>&1 || exit 77; exec zsh -n \"$1\"",
                          {zsh.string()});
  if (checked.exit_code == 77) {
    WARN("no zsh: the zsh completion's syntax was not checked");
  } else {
    INFO(checked.err);
    CHECK(checked.exit_code == 0);
  }
}

TEST_CASE("install: cpack -G DEB builds a package of the same files, depending on the Debian "
          "packages of the libraries the program links",
          "[install][package]")
{
  TempDir dir;
  const auto packed = sh("cd \"$1\" && exec \"$2\" -G DEB --config \"$3/CPackConfig.cmake\" -B \"$1\"",
                         {dir.path().string(), CCAUDIT_CPACK, CCAUDIT_BINARY_DIR});
  INFO(packed.out << packed.err);
  REQUIRE(packed.exit_code == 0);
  fs::path deb;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    if (entry.path().extension() == ".deb") {
      deb = entry.path();
    }
  }
  REQUIRE(!deb.empty());

  const auto field = [&](const std::string& name) {
    const auto r = sh("exec dpkg-deb -f \"$1\" \"$2\"", {deb.string(), name});
    REQUIRE(r.exit_code == 0);
    return std::string(text::trim(r.out));
  };
  CHECK(field("Package") == "ccaudit");
  const auto version = run_ccaudit({"--version"});
  CHECK("ccaudit " + field("Version") + "\n" == version.out);
  CHECK(!field("Maintainer").empty());
  CHECK(!field("Description").empty());
  CHECK(field("Section") == "mail");

  // Depends: "libc6 (>= 2.34), libgmime-3.0-0 (>= 3.0.0), ..." (versions from
  // dpkg-shlibdeps), or the names alone.
  std::vector<std::string> depends;
  for (auto clause : split(field("Depends"), ',')) {
    clause = std::string(text::trim(clause));
    depends.push_back(clause.substr(0, clause.find_first_of(" (|")));
  }
  INFO(field("Depends"));
  for (const auto& package : split(CCAUDIT_DEB_DEPENDS, ',')) {
    INFO(package);
    CHECK(std::find(depends.begin(), depends.end(), package) != depends.end());
  }

  const auto listed = sh("exec dpkg-deb -c \"$1\"", {deb.string()});
  REQUIRE(listed.exit_code == 0);
  for (const auto* path :
       {"./usr/bin/ccaudit", "./usr/share/man/man1/ccaudit.1.gz",
        "./usr/share/bash-completion/completions/ccaudit",
        "./usr/share/zsh/vendor-completions/_ccaudit", "./usr/share/ccaudit/reports/review.sql",
        "./usr/share/ccaudit/reports/incidents.sql", "./usr/share/ccaudit/reports/review.html",
        "./usr/share/ccaudit/reports/README.md"}) {
    INFO(path);
    CHECK(listed.out.find(std::string(" ") + path + "\n") != std::string::npos);
  }
}
