// Walking with readdir's d_type: a regular file or a directory is known
// without a stat call (a Maildir has one file per message, so this is most
// of the walk's cost); symlinks and file systems without d_type are stat'ed.
#include "archive/walker.hpp"

#include "core/digest.hpp"

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace ccaudit::archive {

namespace fs = std::filesystem;

namespace {

enum class Type { file, directory, symlink_to_directory, dangling, other };

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

// Opens a directory with O_NOATIME where allowed: reading a folder of
// evidence must not change its access time.
DIR*
open_directory(const fs::path& dir)
{
  constexpr int k_flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
  int fd = ::open(dir.c_str(), k_flags | O_NOATIME);
  if (fd < 0 && errno == EPERM) {
    fd = ::open(dir.c_str(), k_flags);
  }
  DIR* d = fd < 0 ? nullptr : ::fdopendir(fd);
  if (!d && fd >= 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
  }
  return d;
}

// Calls `visit(path, type, folder)` for each entry of `dir`, in the order
// the file system lists them, until it returns false: entries are not
// collected, so a folder of a million messages costs no memory. `folder()`
// gives the listed folder, open (a copy of the listing's descriptor, made
// once; null if none: the file is then opened by its path). With
// `files` false, regular files are passed over unseen (no path is even
// built). Returns the error that stopped the listing.
template <typename F>
std::error_code
for_each_entry(const fs::path& dir, F&& visit, bool files = true)
{
  DIR* d = open_directory(dir);
  if (!d) {
    return {errno, std::generic_category()};
  }
  std::shared_ptr<const Folder> open_folder;
  bool tried = false;
  const auto folder = [&]() -> const std::shared_ptr<const Folder>& {
    if (!tried) {
      tried = true;
      open_folder = Folder::open(::dirfd(d));
    }
    return open_folder;
  };
  std::error_code ec;
  errno = 0;
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    const auto d_type = e->d_type;
    if (name != "." && name != ".." && (files || d_type != DT_REG)) {
      auto path = dir / name;
      if (!visit(path, type_of(path, d_type), folder)) {
        break;
      }
    }
    errno = 0;
  }
  if (errno != 0) {
    ec.assign(errno, std::generic_category());
  }
  ::closedir(d);
  return ec;
}

// A Maildir has cur/ or new/ beside its tmp/.
bool
is_maildir(const fs::path& dir)
{
  struct stat st {};
  return (::stat((dir / "cur").c_str(), &st) == 0 && S_ISDIR(st.st_mode))
         || (::stat((dir / "new").c_str(), &st) == 0 && S_ISDIR(st.st_mode));
}

// Regular files below `dir`, without following symlinks.
std::size_t
count_files(const fs::path& dir)
{
  std::size_t n = 0;
  for_each_entry(dir, [&](const fs::path& path, Type type, const auto&) {
    if (type == Type::directory) {
      n += count_files(path);
    } else if (type == Type::file) {
      ++n;
    }
    return true;
  });
  return n;
}

void
walk_directory(const fs::path& root, const fs::path& dir, const WalkCallbacks& callbacks,
               const Shard& shard)
{
  const auto listing =
    callbacks.on_directory ? callbacks.on_directory(dir) : Listing::everything;
  if (listing == Listing::nothing) {
    return;
  }
  const bool files = listing == Listing::everything;
  bool subdirectories = false;
  bool stopped = false;
  const auto ec = for_each_entry(dir, [&](const fs::path& path, Type type, const auto& folder) {
    if (callbacks.should_stop && callbacks.should_stop()) {
      stopped = true;
      return false;
    }
    switch (type) {
    case Type::file:
    case Type::dangling: // opening it reports what is wrong
      if (files && (shard.count <= 1 || in_shard(shard, shard_key(root, path)))) {
        callbacks.on_file(path, folder());
      }
      break;
    case Type::symlink_to_directory:
      callbacks.on_issue(path, {IssueKind::symlink_not_followed,
                                "directory symlink not followed; pass its "
                                "target as a path to scan it"});
      break;
    case Type::directory:
      subdirectories = true;
      if (path.filename() == "tmp" && is_maildir(dir)) {
        if (const auto n = count_files(path); n > 0) {
          callbacks.on_issue(path, {IssueKind::maildir_tmp_skipped,
                                    std::to_string(n)
                                      + " file(s) still in delivery not scanned"});
        }
      } else {
        walk_directory(root, path, callbacks, shard);
      }
      break;
    case Type::other:
      if (files) {
        callbacks.on_issue(path, {IssueKind::not_regular_file,
                                  "not a regular file (FIFO, socket or device)"});
      }
      break;
    }
    return true;
  }, files);
  if (stopped) {
    return;
  }
  if (ec) {
    callbacks.on_issue(dir, unreadable(ec, "cannot list directory"));
  } else if (callbacks.on_directory_end) {
    callbacks.on_directory_end(dir, subdirectories);
  }
}

// Whether the path from `from` on has no empty, "." or ".." component
// (which lexically_relative() would read otherwise than its text).
bool
plain_components(std::string_view p, std::size_t from)
{
  for (auto i = p.find('/', from); i != std::string_view::npos; i = p.find('/', i + 1)) {
    const auto next = p.find('/', i + 1);
    const auto part = p.substr(i + 1, next == std::string_view::npos ? next : next - i - 1);
    if (part.empty() || part == "." || part == "..") {
      return false;
    }
  }
  return true;
}

} // namespace

std::string
shard_key(const fs::path& root, const fs::path& file)
{
  // The walk names files root/..., so the relative path is most often what
  // follows the root's text; lexically_relative() was a tenth of a shard.
  const auto& f = file.native();
  const auto& r = root.native();
  fs::path rel;
  if (!r.empty() && f.size() > r.size() + 1 && f.compare(0, r.size(), r) == 0
      && (r.back() == '/' || f[r.size()] == '/') && plain_components(f, r.size() - 1)) {
    rel = f.substr(r.back() == '/' ? r.size() : r.size() + 1);
  } else {
    rel = file.lexically_relative(root);
  }
  if (rel.empty() || rel == ".") {
    rel = file.filename();
  }
  const auto folder = rel.parent_path();
  if (folder.filename() == "cur" || folder.filename() == "new") {
    const auto name = rel.filename().string();
    return (folder.parent_path() / name.substr(0, name.find(':'))).generic_string();
  }
  return rel.generic_string();
}

bool
in_shard(const Shard& shard, std::string_view key)
{
  if (shard.count <= 1) {
    return true;
  }
  const auto hex = digest::sha256_hex(key);
  return std::stoull(hex.substr(0, 16), nullptr, 16) % shard.count == shard.index;
}

void
walk(const std::vector<fs::path>& roots, const WalkCallbacks& given, const Shard& shard)
{
  // Every shard walks every folder: what is wrong with a folder or an entry
  // that is no file is told by the one shard its path falls in.
  auto callbacks = given;
  const fs::path* current_root = nullptr;
  if (shard.count > 1) {
    callbacks.on_issue = [&](const fs::path& path, const Issue& issue) {
      if (in_shard(shard, shard_key(current_root ? *current_root : path, path))) {
        given.on_issue(path, issue);
      }
    };
  }
  for (const auto& root : roots) {
    current_root = &root;
    if (callbacks.should_stop && callbacks.should_stop()) {
      return;
    }
    if (root == "-" && callbacks.on_stream) {
      if (shard.index == 0) {
        callbacks.on_stream(root);
      }
      continue;
    }
    std::error_code ec;
    const auto status = fs::status(root, ec);
    if (!ec && callbacks.on_stream
        && (fs::is_fifo(status) || fs::is_character_file(status))) {
      if (shard.index == 0) {
        callbacks.on_stream(root);
      }
    } else if (ec) {
      callbacks.on_issue(root, unreadable(ec, "cannot open"));
    } else if (fs::is_directory(status)) {
      walk_directory(root, root, callbacks, shard);
    } else if (fs::is_regular_file(status)) {
      if (in_shard(shard, shard_key(root, root))) {
        callbacks.on_file(root, nullptr); // a path given: opened by that path
      }
    } else {
      callbacks.on_issue(root, {IssueKind::not_regular_file,
                                "not a regular file (FIFO, socket or device)"});
    }
  }
}

} // namespace ccaudit::archive
