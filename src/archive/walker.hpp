#pragma once

#include "archive/input_file.hpp"
#include "core/issue.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
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

// One part of a walk split into shards (scan --shard INDEX/COUNT): a file
// is in shard INDEX when the first 8 bytes of the SHA-256 of its shard key,
// as a big-endian number, modulo COUNT are INDEX. Shards are disjoint and
// together cover every file, on any machine and mount point.
struct Shard
{
  std::uint64_t index = 0;
  std::uint64_t count = 1; // 1: no split
};

// A file's shard key: its path relative to the path given (its name when the
// path given is the file), '/'-separated. A Maildir message (a file in a
// folder named cur or new) is keyed by its Maildir folder and its unique
// name, the part before ':' (the flags): moved from new/ to cur/ or
// flagged, it stays in its shard.
std::string shard_key(const std::filesystem::path& root, const std::filesystem::path& file);
bool in_shard(const Shard& shard, std::string_view key);

// Walks the given paths, each folder in the order the file system lists it
// (stable while the folder is unchanged; reports sort their rows), holding
// no list of entries: memory does not grow with a folder's size. A path
// given by the user is followed even if it is a symlink; inside a tree,
// directory symlinks are not followed (reported), and the tmp/ folder of a
// Maildir (a folder beside cur/ or new/) is skipped (reported with its file
// count). Never throws for file system errors: they become issues.
// With a shard, only the files of that shard reach on_file (and a stream
// only shard 0); folders are walked by every shard, and an issue reaches
// on_issue in the shard of its path only.
void walk(const std::vector<std::filesystem::path>& roots,
          const WalkCallbacks& callbacks, const Shard& shard = {});

} // namespace ccaudit::archive
