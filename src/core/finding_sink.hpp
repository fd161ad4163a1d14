#pragma once

#include "core/finding.hpp"
#include "core/issue.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ccaudit {

// What a source is. Stored by name (to_string) in source.kind.
enum class SourceKind {
  mbox,
  message,    // a file holding one message
  not_mail,   // "not-mail"
  unreadable, // could not be read (the scan recorded why)
  compressed, // compressed data: what it held is read as its own kind
  archive,    // zip, tar: its members are sources too
  stream,     // standard input or a FIFO named on the command line
  excluded,   // the findings database: never scanned
  outlook,    // a PST or OST file: its items are messages ("FILE!/folder#id")
  reading,    // its messages were recorded, its own row was not (a scan
              // stopped); keep it last
};
std::string_view to_string(SourceKind kind);
// The kind a stored name names; `reading` for a name this ccaudit does not
// know (such a source is read again).
SourceKind source_kind_named(std::string_view name);

// A file the scanner looked at, and what it made of it.
struct SourceInfo
{
  std::filesystem::path path;
  SourceKind kind = SourceKind::unreadable;
  std::uint64_t size = 0;
  std::int64_t mtime = 0; // seconds since the epoch
  std::uint64_t inode = 0;
  std::uint64_t messages = 0;
  std::int64_t mtime_ns = 0; // nanoseconds since the epoch
  // Read to the end without a problem that left something unscanned: a
  // later scan may skip it while it is unchanged.
  bool complete = false;
  // An mbox: where a later scan resumes when the file has grown (the start
  // of its last message, which is read again), that message's index, and a
  // fingerprint of the bytes before it (see scan/fingerprint.hpp).
  std::uint64_t resume_offset = 0, resume_index = 0;
  std::string prefix_hash;
  std::string member; // a member of the zip or tar file `path` (see MessageLocator)
};

// A file as an earlier scan left it (info.path is left empty: `path` says it).
// Whether it can stand for the file now is the change detector's call
// (scan/change_detector.hpp), from these facts.
struct KnownSource
{
  std::int64_t id = 0;
  std::string path;
  SourceInfo info;
  std::string settings;     // what the scan that read it flagged with
  bool gone = false;        // a scan found it missing (it has come back)
  bool unconfirmed = false; // it holds findings of a scan that did not
                            // complete: they may never have reached anyone
};

// A directory's listing as an earlier scan saw it: while its mtime and inode
// are the same, no entry was added, removed or renamed.
struct DirectoryState
{
  std::int64_t mtime_ns = 0;
  std::uint64_t inode = 0;
  bool subdirectories = true; // it held folders when listed: list it again
  // The messages (files) directly in it when it was listed, and theirs: a
  // scan that skips it as unchanged counts them without a query per file.
  // nullopt: not counted (not listed whole, or an older ccaudit listed it).
  std::optional<std::uint64_t> files, messages;
  bool same_listing(const DirectoryState& other) const
  {
    return mtime_ns == other.mtime_ns && inode == other.inode && mtime_ns != 0;
  }
};

// What earlier scans recorded, so that a scan reads only what changed, and
// what this scan adds to it. A scan without one reads everything.
class SourceHistory
{
public:
  virtual ~SourceHistory() = default;
  virtual std::optional<KnownSource> source(const std::filesystem::path& path) = 0;
  // A Maildir message by its folder (the Maildir) and the unique part of its
  // file name: the same message after a flag change or a move to cur/.
  // Both lookups ignore what the running scan recorded itself.
  virtual std::optional<KnownSource> maildir_message(const std::filesystem::path& folder,
                                                     const std::string& unique) = 0;
  virtual std::optional<DirectoryState> directory(const std::filesystem::path& dir) = 0;
  // Every source an earlier scan knew in `dir`, or, for a Maildir (`dir` is
  // its cur/ or new/), every message of that Maildir: one query per folder
  // instead of one per file. nullopt if there are more than `limit` (the
  // caller then asks file by file: memory stays bounded).
  virtual std::optional<std::vector<KnownSource>> sources_in(const std::filesystem::path& dir,
                                                             std::size_t limit) = 0;
  // What this scan flags with, as it records it with every source it reads
  // (KnownSource::settings): a source read under other settings is read
  // again.
  virtual std::string settings() const = 0;

  // What this scan learns of known sources without reading them anew,
  // recorded in the same order as the sink's rows.
  // A known source found unchanged (at `path`, which differs from the known
  // path when a Maildir message was renamed): nothing was read.
  virtual void source_unchanged(const KnownSource& known, const std::filesystem::path& path) = 0;
  // A source about to be read again from its start (or from `from`, a
  // byte offset): what was recorded from its old content there is retired
  // (kept, but no longer current).
  virtual void retire_findings(const std::filesystem::path& path, std::uint64_t from = 0) = 0;
  // A directory the walk reached; for a Maildir cur/ or new/ listed without
  // a problem, its state before it was listed; whether it was skipped as
  // unchanged.
  virtual void record_directory(const std::filesystem::path& dir, const DirectoryState& state,
                                bool unchanged) = 0;
  // Nothing more will be listed: the results still to come arrive as the
  // workers finish them. Rows held back to be written together are better
  // written now, while the workers still parse (not after, while they idle).
  virtual void listing_done() = 0;
  // The walk of `roots` ended: known sources below them that were not seen
  // are gone (marked, never deleted), except below `not_walked` (folders
  // and files the walk left alone: excluded, or not listable).
  virtual void walk_finished(const std::vector<std::filesystem::path>& roots,
                             const std::vector<std::filesystem::path>& not_walked) = 0;
};

// What recording a finding found: a fingerprint never seen before, one seen
// in an earlier scan or copy, one accepted (baseline), or the same copy
// recorded already (an interrupted scan done again): not recorded twice.
enum class FindingStatus { new_finding, seen, accepted, duplicate };
const char* to_string(FindingStatus status); // "new", "seen", "accepted", "duplicate"

// Where the scanner puts its results: sources read, findings, problems. The
// SQLite store implements it; tests use vectors. So scan/ knows nothing of
// SQLite. Implementations throw FatalError when they cannot record.
class FindingSink
{
public:
  virtual ~FindingSink() = default;
  virtual void record_source(const SourceInfo& source) = 0;
  virtual FindingStatus record_finding(const MessageLocator& where,
                                       const Finding& finding) = 0;
  virtual void record_issue(const MessageLocator& where,
                            const Issue& issue) = 0;
};

} // namespace ccaudit
