#include "archive/walker.hpp"

#include <algorithm>
#include <system_error>

namespace ccaudit::archive {

namespace fs = std::filesystem;

namespace {

Issue
unreadable(const std::error_code& ec, const char* what)
{
  return {IssueKind::unreadable_input, std::string(what) + ": " + ec.message()};
}

std::size_t
count_files(const fs::path& dir)
{
  std::error_code ec;
  std::size_t n = 0;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    n += it->is_regular_file(ec) ? 1 : 0;
  }
  return n;
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

void
walk_directory(const fs::path& dir, const WalkCallbacks& callbacks)
{
  std::error_code ec;
  std::vector<fs::directory_entry> entries;
  fs::directory_iterator it(dir, ec);
  for (fs::directory_iterator end; !ec && it != end; it.increment(ec)) {
    entries.push_back(*it);
  }
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
