#include "archive/walker.hpp"

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <system_error>
#include <unistd.h>

namespace ccaudit::archive {

namespace fs = std::filesystem;

namespace {

Issue
unreadable(const std::error_code& ec, const char* what)
{
  return {IssueKind::unreadable_input, std::string(what) + ": " + ec.message()};
}

bool
is_maildir(const std::vector<fs::directory_entry>& entries)
{
  bool cur = false, neu = false;
  for (const auto& e : entries) {
    std::error_code ec;
    if (!e.is_directory(ec) || e.is_symlink(ec)) {
      continue;
    }
    cur = cur || e.path().filename() == "cur";
    neu = neu || e.path().filename() == "new";
  }
  return cur || neu;
}

void walk_directory(const fs::path& dir, const WalkCallbacks& callbacks);
std::size_t count_files(const fs::path& dir);

void
visit(const fs::directory_entry& entry, bool in_maildir,
      const WalkCallbacks& callbacks)
{
  std::error_code ec;
  const auto& path = entry.path();
  const bool symlink = entry.is_symlink(ec);
  const auto status = entry.status(ec); // follows symlinks
  if (ec) {
    callbacks.on_file(path); // dangling link, vanished file: open() reports it
    return;
  }
  if (fs::is_directory(status)) {
    if (symlink) {
      callbacks.on_issue(path, {IssueKind::symlink_not_followed,
                                "directory symlink not followed; pass its "
                                "target as a path to scan it"});
    } else if (in_maildir && path.filename() == "tmp") {
      if (const auto n = count_files(path); n > 0) {
        callbacks.on_issue(path, {IssueKind::maildir_tmp_skipped,
                                  std::to_string(n)
                                    + " file(s) still in delivery not scanned"});
      }
    } else {
      walk_directory(path, callbacks);
    }
  } else if (fs::is_regular_file(status)) {
    callbacks.on_file(path);
  } else {
    callbacks.on_issue(path, {IssueKind::not_regular_file,
                              "not a regular file (FIFO, socket or device)"});
  }
}

// Lists a directory opened with O_NOATIME where allowed: std::filesystem
// cannot, and reading a folder of evidence must not change its access time.
std::vector<fs::directory_entry>
list_directory(const fs::path& dir, std::error_code& ec)
{
  std::vector<fs::directory_entry> entries;
  constexpr int k_flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
  int fd = ::open(dir.c_str(), k_flags | O_NOATIME);
  if (fd < 0 && errno == EPERM) {
    fd = ::open(dir.c_str(), k_flags);
  }
  DIR* d = fd < 0 ? nullptr : ::fdopendir(fd);
  if (!d) {
    ec.assign(errno, std::generic_category());
    if (fd >= 0) {
      ::close(fd);
    }
    return entries;
  }
  errno = 0;
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    if (name != "." && name != "..") {
      entries.emplace_back(dir / name, ec);
      ec.clear(); // a vanished entry is reported when it is opened
    }
    errno = 0;
  }
  if (errno != 0) {
    ec.assign(errno, std::generic_category());
  }
  ::closedir(d);
  return entries;
}

// Regular files below `dir`, without following symlinks.
std::size_t
count_files(const fs::path& dir)
{
  std::error_code ec;
  std::size_t n = 0;
  for (const auto& e : list_directory(dir, ec)) {
    std::error_code e_ec;
    if (e.is_symlink(e_ec)) {
      continue;
    }
    if (e.is_directory(e_ec)) {
      n += count_files(e.path());
    } else if (e.is_regular_file(e_ec)) {
      ++n;
    }
  }
  return n;
}

void
walk_directory(const fs::path& dir, const WalkCallbacks& callbacks)
{
  std::error_code ec;
  auto entries = list_directory(dir, ec);
  if (ec) {
    callbacks.on_issue(dir, unreadable(ec, "cannot list directory"));
    if (entries.empty()) {
      return;
    }
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.path() < b.path(); });
  const bool maildir = is_maildir(entries);
  for (const auto& entry : entries) {
    visit(entry, maildir, callbacks);
  }
}

} // namespace

void
walk(const std::vector<fs::path>& roots, const WalkCallbacks& callbacks)
{
  for (const auto& root : roots) {
    std::error_code ec;
    const auto status = fs::status(root, ec);
    if (ec) {
      callbacks.on_issue(root, unreadable(ec, "cannot open"));
    } else if (fs::is_directory(status)) {
      walk_directory(root, callbacks);
    } else if (fs::is_regular_file(status)) {
      callbacks.on_file(root);
    } else {
      callbacks.on_issue(root, {IssueKind::not_regular_file,
                                "not a regular file (FIFO, socket or device)"});
    }
  }
}

} // namespace ccaudit::archive
