#include "cli/baseline.hpp"

#include "cli/options.hpp"
#include "core/fatal_error.hpp"
#include "core/text.hpp"
#include "report/report_sql.hpp"
#include "store/sqlite_store.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include <pwd.h>
#include <unistd.h>

namespace ccaudit::cli {

namespace {

bool
is_fingerprint(const std::string& s)
{
  return s.size() == 64
         && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// Who is accepting: the login name of the effective user, and who ran sudo.
std::string
reviewer()
{
  const auto uid = geteuid();
  std::string name = "uid " + std::to_string(uid);
  passwd entry{};
  passwd* found = nullptr;
  std::vector<char> buffer(16384);
  if (getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found) {
    name = found->pw_name;
  }
  const char* sudo = std::getenv("SUDO_USER");
  if (uid == 0 && sudo && *sudo) {
    name += " (sudo by " + text::for_terminal(sudo) + ")";
  }
  return name;
}

} // namespace

std::map<std::string, FindingStatus>
read_baseline(const std::string& file)
{
  std::ifstream in(file);
  if (!in) {
    throw UsageError("--baseline: cannot read " + text::for_terminal(file));
  }
  std::map<std::string, FindingStatus> out;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    const auto content = text::trim(line);
    if (content.empty() || content.front() == '#') {
      continue;
    }
    std::istringstream fields{std::string(content)};
    std::string fingerprint, status;
    fields >> fingerprint >> status;
    const auto where = text::for_terminal(file) + " line " + std::to_string(number);
    if (!is_fingerprint(fingerprint)) {
      throw UsageError("--baseline: " + where + ": not a fingerprint (64 hex digits): '"
                       + text::for_terminal(fingerprint) + "'");
    }
    if (status != "accepted" && status != "seen") {
      throw UsageError("--baseline: " + where + ": status must be accepted or seen, got '"
                       + text::for_terminal(status) + "'");
    }
    out[fingerprint] = status == "accepted" ? FindingStatus::accepted : FindingStatus::seen;
  }
  return out;
}

ExitCode
run_baseline_export(const BaselineCommand& cmd)
{
  check_output_file(cmd.out, cmd.db);
  store::SqliteStore store(cmd.db, store::OpenMode::read_only);
  std::ostringstream out;
  out << "# ccaudit baseline: fingerprints of known findings (no addresses).\n"
         "# Use: ccaudit scan --baseline FILE ...; status is accepted or seen.\n";
  store.query(report::sql::baseline, {}, [&](const store::Row& r) {
    out << r.text(0) << " " << r.text(1) << " " << r.text(2);
    // Who accepted, when and why: a comment, which --baseline ignores.
    if (!r.text(3).empty()) {
      out << " # accepted " << r.text(3)
          << (r.text(4).empty() ? "" : " by " + text::for_terminal(r.text(4)))
          << (r.text(5).empty() ? "" : ": " + text::for_terminal(r.text(5)));
    }
    out << "\n";
  });
  write_output(cmd.out, out.view());
  return ExitCode::clean;
}

ExitCode
run_baseline_accept(const BaselineCommand& cmd)
{
  store::SqliteStore store(cmd.db, store::OpenMode::read_write);
  for (const auto& id : cmd.accept) {
    const auto n = store.accept(id, cmd.note, reviewer());
    if (n == 0) {
      throw FatalError("no finding with incident id or fingerprint '" + text::for_terminal(id)
                       + "' (ids are listed by 'ccaudit report')");
    }
    std::fprintf(stderr, "ccaudit: %s: %zu fingerprint(s) accepted\n",
                 text::for_terminal(id).c_str(), n);
  }
  return ExitCode::clean;
}

} // namespace ccaudit::cli
