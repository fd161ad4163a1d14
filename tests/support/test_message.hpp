#pragma once

#include <filesystem>
#include <sys/types.h>
#include <string>
#include <vector>

namespace ccaudit::test {

// A valid message; override only what a test is about. Reserved example
// domains only (RFC 2606).
struct TestMessage
{
  std::string from = "Alice <alice@example.org>";
  std::string to = "Bob <bob@example.org>";
  std::string cc;
  std::string subject = "test";
  std::string date = "Mon, 04 Mar 2019 10:15:00 +0000";
  std::string message_id = "<test@example.org>"; // "" leaves the field out
  std::string extra_headers; // whole lines, each ending in "\n"
  std::string body = "Hello.\n";

  std::string str() const; // header block, blank line, body
};

// "n0@domain, n1@domain, ..." with `count` addresses.
std::string address_list(int count, const std::string& domain = "example.com",
                         const std::string& prefix = "user");

// A fresh directory under the system temp dir, removed at the end.
class TempDir
{
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path write(const std::string& name,
                              const std::string& bytes) const;

private:
  std::filesystem::path m_path;
};

struct RunResult
{
  int exit_code = -1; // 128 + signal when killed by one
  std::string out, err;
  long peak_rss_kib = 0; // of the program (wait4)
};

// Runs the ccaudit binary with `args` (no shell), capturing both streams.
RunResult run_ccaudit(const std::vector<std::string>& args,
                      const std::filesystem::path& cwd = {});

// Runs `program` (a path, no shell) the same way.
RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const std::filesystem::path& cwd = {});

// Starts the ccaudit binary with `args` in the background, its output
// discarded: for tests that signal or race a running scan. waitpid() it.
pid_t spawn_ccaudit(const std::vector<std::string>& args);

// Waits (up to 10 s) until `path` exists: a scan's "-wal" file appears when
// it opens its database, before it reads anything.
void wait_for_file(const std::filesystem::path& path);

// Waits (up to 30 s) until process `pid` catches `signal` (/proc/PID/status,
// SigCgt): a scan installs its SIGINT/SIGTERM handler once it has begun,
// and a signal sent before would kill it outright.
bool wait_for_handler(pid_t pid, int signal);

std::string read_file(const std::filesystem::path& path);

} // namespace ccaudit::test
