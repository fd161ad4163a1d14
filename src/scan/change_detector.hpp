#pragma once

#include "core/finding_sink.hpp"
#include "core/source_identity.hpp"
#include "scan/message_source.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>

namespace ccaudit::scan {

// A file as it is on disk now.
struct FileState
{
  std::uint64_t size = 0;
  std::uint64_t inode = 0;
  std::int64_t mtime_ns = 0;
};

// What a scan does with a file, from what earlier scans recorded of it.
struct FileDecision
{
  enum class Action {
    read,      // new to the history: read it
    unchanged, // known and unchanged: not read (`known` is what it was)
    resume,    // an mbox that grew: read from `resume`, once its first
               // bytes still hash to `resume_prefix_hash`
    reread,    // known, changed (or read under other settings, or --full):
               // read whole, what it gave before retired; `known` is set
               // when that was under another name (a renamed Maildir message)
  };
  Action action = Action::read;
  std::optional<KnownSource> known;
  std::optional<ResumePoint> resume;
  std::string resume_prefix_hash;
};

// Decides, from the source history, what an incremental scan reads again:
// a file unchanged (size, inode, mtime), an mbox grown (resumed where it
// was left), a Maildir message renamed (a flag change or a move to cur/: the
// same message), or anything else that changed (read whole, its old
// findings retired); and which Maildir folders need not be listed at all.
// What the history knows of a folder being listed is loaded once, when the
// walk enters it, and dropped when it leaves: memory stays bounded.
class ChangeDetector
{
public:
  // How a file is looked at: nullopt if it is not there.
  using Stat = std::function<std::optional<FileState>(const std::filesystem::path&)>;
  static std::optional<FileState> stat_file(const std::filesystem::path& path);

  // `read_all` (--full): every file is read again, whatever the history says.
  ChangeDetector(SourceHistory& history, bool read_all, Stat stat = stat_file);

  // A folder the walk lists, from `dir`'s state now: the state the history
  // has for it when it is a Maildir cur/ or new/ whose listing has not
  // changed (its messages are all known and unchanged: nothing in it need be
  // read), else nullopt.
  std::optional<DirectoryState> unchanged_folder(const std::filesystem::path& dir,
                                                 const DirectoryState& now);
  // The walk enters or leaves `dir` (also when it could not be listed).
  void folder_entered(const std::filesystem::path& dir);
  void folder_left(const std::filesystem::path& dir);

  FileDecision decide(const std::filesystem::path& path);

  // Whether a Maildir cur/ or new/ that was just listed can be skipped by
  // the next scan while its listing stays the same: everything in it was a
  // Maildir message read whole without a problem (`clean`), and its mtime
  // is not so recent that a delivery in the same clock tick could hide
  // behind it.
  static bool folder_settled(bool clean, const DirectoryState& listed,
                             std::int64_t scan_started_ns);

  // Up to this many known files of a folder are held in memory; a larger
  // folder is looked up file by file (slower, still bounded).
  static constexpr std::size_t k_cached = 50000;

  // Whether what an earlier scan gave from `known` still stands: it read
  // the file whole, under these settings, the file was not gone since, and
  // its findings reached someone (the scan that recorded them completed).
  bool reusable(const KnownSource& known) const;

private:
  std::optional<KnownSource> known_file(const std::filesystem::path& path,
                                        const std::optional<MaildirIdentity>& identity);

  SourceHistory& m_history;
  std::string m_settings;
  bool m_read_all;
  Stat m_stat;
  // What the history knows of the folders being listed: by path, and a
  // Maildir's messages by the unique part of their name.
  struct FolderCache
  {
    std::unordered_map<std::string, KnownSource> by_path, by_unique;
  };
  std::map<std::string, FolderCache, std::less<>> m_folders; // by native path
};

} // namespace ccaudit::scan
