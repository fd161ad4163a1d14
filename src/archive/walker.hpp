#pragma once

#include "archive/input_file.hpp"
#include "core/issue.hpp"

#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

namespace ccaudit::archive {

// What to do with a directory's entries.
enum class Listing { everything, subdirectories_only, nothing };

struct WalkCallbacks
{
  // A file to read (regular, or a symlink to one, or a path that could not
  // be examined: opening it will tell what is wrong), and the folder the
  // walk listed it in, open (see Folder).
  std::function<void(const std::filesystem::path&, const std::shared_ptr<const Folder>&)>
    on_file;
  // Something not read, with why: a directory that cannot be listed, a
  // directory symlink, a Maildir tmp/ folder, a FIFO or device.
  std::function<void(const std::filesystem::path&, const Issue&)> on_issue;
  // Optional: asked before a directory is listed (its files can be left
  // out: an incremental scan knows them), and told when it was.
  std::function<Listing(const std::filesystem::path&)> on_directory;
  std::function<void(const std::filesystem::path&, bool had_subdirectories)>
    on_directory_end;
  // Optional: asked before each entry; true ends the walk there (a folder
  // left early gets no on_directory_end).
  std::function<bool()> should_stop;
  // Optional: a path given that is a stream to read once, front to back:
  // "-" (standard input), a FIFO or a character device (/dev/stdin, a
  // process substitution). Without it, these are not_regular_file.
  std::function<void(const std::filesystem::path&)> on_stream;
};

// Walks the given paths, each folder in the order the file system lists it
// (stable while the folder is unchanged; reports sort their rows), holding
// no list of entries: memory does not grow with a folder's size. A path
// given by the user is followed even if it is a symlink; inside a tree,
// directory symlinks are not followed (reported), and the tmp/ folder of a
// Maildir (a folder beside cur/ or new/) is skipped (reported with its file
// count). Never throws for file system errors: they become issues.
void walk(const std::vector<std::filesystem::path>& roots,
          const WalkCallbacks& callbacks);

} // namespace ccaudit::archive
