#include "support/test_message.hpp"

#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ccaudit::test {

std::string
TestMessage::str() const
{
  std::string s = "From: " + from + "\n";
  if (!to.empty()) {
    s += "To: " + to + "\n";
  }
  if (!cc.empty()) {
    s += "Cc: " + cc + "\n";
  }
  s += "Subject: " + subject + "\n";
  s += "Date: " + date + "\n";
  if (!message_id.empty()) {
    s += "Message-ID: " + message_id + "\n";
  }
  s += extra_headers;
  return s + "\n" + body;
}

std::string
address_list(int count, const std::string& domain, const std::string& prefix)
{
  std::string s;
  for (int i = 0; i < count; ++i) {
    s += (i ? ",\n " : "") + prefix + std::to_string(i) + "@" + domain;
  }
  return s;
}

TempDir::TempDir()
{
  std::string tmpl = (std::filesystem::temp_directory_path() / "ccaudit-test-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) {
    throw std::runtime_error("mkdtemp failed");
  }
  m_path = tmpl;
}

TempDir::~TempDir()
{
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
}

std::filesystem::path
TempDir::write(const std::string& name, const std::string& bytes) const
{
  const auto p = m_path / name;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

std::string
read_file(const std::filesystem::path& path)
{
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

RunResult
run_ccaudit(const std::vector<std::string>& args,
            const std::filesystem::path& cwd)
{
  return run_program(CCAUDIT_BINARY, args, cwd);
}

RunResult
run_program(const std::string& program, const std::vector<std::string>& args,
            const std::filesystem::path& cwd)
{
  TempDir io;
  const auto out_path = io.path() / "out", err_path = io.path() / "err";
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) {
      ::_exit(127);
    }
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int in = ::open("/dev/null", O_RDONLY);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::dup2(in, 0);
    std::vector<char*> argv;
    std::string binary = program;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  struct rusage usage {};
  ::wait4(pid, &status, 0, &usage);
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.peak_rss_kib = usage.ru_maxrss;
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  return r;
}

pid_t
spawn_ccaudit(const std::vector<std::string>& args)
{
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    std::string binary = CCAUDIT_BINARY;
    std::vector<std::string> copy = args;
    std::vector<char*> argv{binary.data()};
    for (auto& a : copy) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

void
wait_for_file(const std::filesystem::path& path)
{
  for (int i = 0; i < 2000 && !std::filesystem::exists(path); ++i) {
    ::usleep(5000);
  }
}

bool
wait_for_handler(pid_t pid, int signal)
{
  const auto proc = "/proc/" + std::to_string(pid);
  const auto binary = std::filesystem::canonical(CCAUDIT_BINARY);
  for (int i = 0; i < 6000; ++i) {
    // Until exec, the child is a copy of this test process, whose test
    // framework catches SIGINT and SIGTERM itself.
    std::error_code ec;
    if (std::filesystem::read_symlink(proc + "/exe", ec) != binary) {
      ::usleep(5000);
      continue;
    }
    std::ifstream in(proc + "/status");
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("SigCgt:", 0) == 0
          && (std::stoull(line.substr(7), nullptr, 16) >> (signal - 1) & 1) != 0) {
        return true;
      }
    }
    ::usleep(5000);
  }
  return false;
}

} // namespace ccaudit::test
