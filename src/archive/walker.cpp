// Walking with readdir's d_type: a regular file or a directory is known
// without a stat call (a Maildir has one file per message, so this is most
// of the walk's cost); symlinks and file systems without d_type are stat'ed.
#include "archive/walker.hpp"

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace ccaudit::archive {

namespace fs = std::filesystem;

namespace {

enum class Type { file, directory, symlink_to_directory, dangling, other };

struct Entry
{
  fs::path path;
  Type type = Type::other;
};

Issue
unreadable(const std::error_code& ec, const char* what)
{
  return {IssueKind::unreadable_input, std::string(what) + ": " + ec.message()};
}

// The type of `path`, following a symlink to tell file from directory.
Type
type_of(const fs::path& path, unsigned char d_type)
{
  if (d_type == DT_REG) {
    return Type::file;
  }
  if (d_type == DT_DIR) {
    return Type::directory;
  }
  struct stat st {};
  if (d_type == DT_UNKNOWN) {
    if (::lstat(path.c_str(), &st) != 0) {
      return Type::dangling; // vanished: opening it will say why
    }
    if (S_ISREG(st.st_mode)) {
      return Type::file;
    }
    if (S_ISDIR(st.st_mode)) {
      return Type::directory;
    }
    if (!S_ISLNK(st.st_mode)) {
      return Type::other;
    }
  } else if (d_type != DT_LNK) {
    return Type::other;
  }
  if (::stat(path.c_str(), &st) != 0) {
    return Type::dangling;
  }
  if (S_ISDIR(st.st_mode)) {
    return Type::symlink_to_directory;
  }
  return S_ISREG(st.st_mode) ? Type::file : Type::other;
}

// Lists a directory opened with O_NOATIME where allowed: reading a folder
// of evidence must not change its access time.
std::vector<Entry>
list_directory(const fs::path& dir, std::error_code& ec)
{
  std::vector<Entry> entries;
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
      auto path = dir / name;
      const auto type = type_of(path, e->d_type);
      entries.push_back({std::move(path), type});
    }
    errno = 0;
  }
  if (errno != 0) {
    ec.assign(errno, std::generic_category());
  }
  ::closedir(d);
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.path < b.path; });
  return entries;
}

bool
is_maildir(const std::vector<Entry>& entries)
{
  return std::any_of(entries.begin(), entries.end(), [](const Entry& e) {
    return e.type == Type::directory
           && (e.path.filename() == "cur" || e.path.filename() == "new");
  });
}

// Regular files below `dir`, without following symlinks.
std::size_t
count_files(const fs::path& dir)
{
  std::error_code ec;
  std::size_t n = 0;
  for (const auto& e : list_directory(dir, ec)) {
    if (e.type == Type::directory) {
      n += count_files(e.path);
    } else if (e.type == Type::file) {
      ++n;
    }
  }
  return n;
}

void
walk_directory(const fs::path& dir, const WalkCallbacks& callbacks)
{
  std::error_code ec;
  const auto entries = list_directory(dir, ec);
  if (ec) {
    callbacks.on_issue(dir, unreadable(ec, "cannot list directory"));
  }
  const bool maildir = is_maildir(entries);
  for (const auto& entry : entries) {
    switch (entry.type) {
    case Type::file:
    case Type::dangling: // opening it reports what is wrong
      callbacks.on_file(entry.path);
      break;
    case Type::symlink_to_directory:
      callbacks.on_issue(entry.path, {IssueKind::symlink_not_followed,
                                      "directory symlink not followed; pass its "
                                      "target as a path to scan it"});
      break;
    case Type::directory:
      if (maildir && entry.path.filename() == "tmp") {
        if (const auto n = count_files(entry.path); n > 0) {
          callbacks.on_issue(entry.path,
                             {IssueKind::maildir_tmp_skipped,
                              std::to_string(n) + " file(s) still in delivery not scanned"});
        }
      } else {
        walk_directory(entry.path, callbacks);
      }
      break;
    case Type::other:
      callbacks.on_issue(entry.path, {IssueKind::not_regular_file,
                                      "not a regular file (FIFO, socket or device)"});
      break;
    }
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
