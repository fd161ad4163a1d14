#pragma once

#include "archive/walker.hpp"
#include "core/finding_sink.hpp"
#include "scan/analyse.hpp"
#include "scan/change_detector.hpp"
#include "scan/message_source.hpp"
#include "detect/detector.hpp"
#include "core/source_identity.hpp"

#include <cstdint>
#include <sys/types.h>
#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ccaudit::archive {
class Folder;
}

namespace ccaudit::scan {

class Pipeline;
struct Job;
struct FileJob;
struct UnchangedJob;
struct MemberJob;

struct ScanSummary
{
  std::uint64_t inputs = 0;            // sources looked at: files and export members
  std::uint64_t inputs_not_mail = 0;   // skipped: not mail
  std::uint64_t members = 0;           // of inputs: members of zip/tar exports
  std::uint64_t members_not_mail = 0;  // of inputs_not_mail: members
  std::uint64_t inputs_unreadable = 0; // NOT scanned
  std::uint64_t messages = 0;
  std::uint64_t messages_with_issues = 0;
  std::uint64_t messages_failed = 0;   // internal_error: NOT scanned
  std::uint64_t findings = 0;          // recorded in this scan
  std::uint64_t new_findings = 0;      // of those, with a fingerprint never seen
                                       // (and not suppressed)
  std::uint64_t suppressed = 0;        // of those, list or bulk mail
  std::uint64_t unchanged = 0;         // files known from an earlier scan, not read
  std::uint64_t unchanged_messages = 0; // the messages in them (as last read)
  std::uint64_t problems = 0;          // problem rows recorded
  std::uint64_t bytes = 0;             // size of the files read
  // Progress (ScanOptions::measure_progress): files the walk has listed so
  // far (read or not), the bytes of those to be read, how far into the
  // mbox being split the scan is, and whether the walk has ended (the
  // totals are final).
  std::uint64_t files_listed = 0, bytes_listed = 0, bytes_in_file = 0;
  bool walk_done = false;
  bool interrupted = false;            // stopped before the walk ended

  std::uint64_t not_scanned() const
  {
    return inputs_unreadable + messages_failed;
  }
  bool complete() const { return not_scanned() == 0; }
};

struct ScanOptions
{
  // Files never scanned (the findings database and its journal files),
  // compared by device and inode, and by name in the database's folder: a
  // rollback journal comes and goes during the scan.
  std::vector<std::filesystem::path> excluded_files;
  // Threads that parse messages: jobs - 1 workers and the calling thread
  // (between its writes); 1 parses on the calling thread only. Results
  // reach the sink in the same order whatever the number.
  unsigned jobs = 1;
  // What earlier scans recorded: files found unchanged are not read again,
  // a grown mbox is read from where it was left; what this scan learns of
  // known files (unchanged, retired, gone) is recorded there too, in order
  // with the sink's rows. Null: read everything.
  SourceHistory* history = nullptr;
  // With a history: read every file all the same (what the history knew of
  // a file is retired, so nothing is kept twice). --full.
  bool read_all = false;
  // Paths not walked (fnmatch patterns on the absolute path; a folder also
  // matches with a trailing '/'). Each exclusion is recorded.
  std::vector<std::string> exclude;
  // --content: read each message's body, and its MIME content within these
  // bounds, for the detectors that want it (nullopt: headers only).
  std::optional<mime::ContentLimits> content;
  BodyRead body_read;
  // Compressed and archive files: bounds against bombs (--max-expansion).
  UnpackLimits unpack;
  // Set (by a signal handler) to stop: the walk ends, what was handed out
  // is finished and recorded, an mbox being split is left incomplete (read
  // again next time), and nothing is marked gone. Null: never stops.
  const std::atomic<bool>* stop = nullptr;
  // Count the bytes to read as files are listed (one stat each), for a
  // progress line's percentage; off for scans no one watches.
  bool measure_progress = false;
  // --shard: only this shard's files are read (archive::Shard).
  archive::Shard shard;
};

// The scan: walk -> classify -> split -> parse -> detect -> record, over an
// ordered pipeline (scan/pipeline.hpp). The calling thread walks, splits
// mbox files, and writes to the sink; `jobs` threads read and parse. Every event reaches the sink in walk
// order, so a scan's rows do not depend on the number of threads. Memory is
// bounded: at most a fixed number of messages wait between the stages.
// One isolation boundary per message and per file: bad mail becomes issues
// in the sink, and only FatalError (from the sink) stops the scan.
class Scanner
{
public:
  using Progress = std::function<void(const ScanSummary&)>;

  Scanner(FindingSink& sink,
          std::vector<std::unique_ptr<detect::Detector>> detectors,
          ScanOptions options, Progress progress = {});

  void scan_paths(const std::vector<std::filesystem::path>& paths);
  const ScanSummary& summary() const { return m_summary; }
  // Whether a file could be handed out both by the listing of its folder
  // and otherwise: a path given is not a folder, or lies inside (or is)
  // another one given. Else no file of a folder skipped as unchanged was
  // seen one by one, and its stored counts hold.
  bool paths_overlap() const { return m_paths_overlap; }

private:
  // On a worker: reads a file, or parses a message (scan/job.hpp).
  void run(Job& job);
  bool stopped() const { return m_options.stop && m_options.stop->load(); }
  const BodyRead* body_read() const
  {
    return m_options.content ? &m_options.body_read : nullptr;
  }
  const mime::ContentLimits* content_limits() const
  {
    return m_options.content ? &*m_options.content : nullptr;
  }
  // On the calling thread, in walk order: counts and rows.
  void apply(Job& job);
  void apply_file(FileJob& file);
  void apply_message(const MessageLocator& where, const Analysis& result);
  void apply_unchanged(const UnchangedJob& job);
  void apply_directory_end(const std::filesystem::path& dir);
  void apply_member(const MemberJob& job);
  void record_file_issue(const MessageLocator& where, const Issue& issue);
  void split(FileJob& file);
  SourceInfo read_streamed(const std::filesystem::path& name, const FileCallbacks& callbacks);
  void submit_file(const std::filesystem::path& path,
                   const std::shared_ptr<const archive::Folder>& folder, Pipeline& pipeline,
                   bool named = false);
  void record(const MessageLocator& where, const Issue& issue);
  void not_only_messages(const std::filesystem::path& file);

  FindingSink& m_sink;
  std::vector<std::unique_ptr<detect::Detector>> m_detectors;
  ScanOptions m_options;
  Progress m_progress;
  ExcludedFiles m_excluded;
  struct ExcludedName
  {
    std::string name;       // e.g. "ccaudit.db-journal"
    dev_t device;           // of the folder holding it
    ino_t inode;
  };
  std::vector<ExcludedName> m_excluded_names;
  bool is_excluded_name(const std::filesystem::path& path) const;
  ScanSummary m_summary;
  // --content: body bytes of mbox messages split but not yet analysed.
  std::atomic<std::size_t> m_body_bytes_waiting{0};
  // Maildir cur/ and new/ being listed: their state before listing, and the
  // not-scanned count when their first job was applied.
  struct Listing
  {
    DirectoryState state;       // before it was listed
    std::uint64_t not_scanned = 0; // when its first job was applied
    bool clean = true; // only Maildir messages, all read, none excluded
    std::uint64_t files = 0, messages = 0; // read or found unchanged in it
  };
  std::map<std::filesystem::path, Listing> m_listing;
  std::map<std::filesystem::path, Listing>::iterator listing_of(const std::filesystem::path& file);
  void count_in_listing(const std::filesystem::path& file, std::uint64_t messages);
  static void ask_ahead(Job& job);
  bool m_paths_overlap = false;
  std::set<std::filesystem::path> m_open_dirs; // being listed
  // Folders and files this walk did not look into (excluded, or a folder
  // that could not be listed): what was known there is not gone.
  std::vector<std::filesystem::path> m_not_walked;
  std::int64_t m_started_ns = 0; // when the scan began (wall clock)
  // What earlier scans recorded decides what is read (with a history).
  std::optional<ChangeDetector> m_changes;
  Pipeline* m_pipeline = nullptr; // while scan_paths() runs
  // Loads GMime and libcrypto once a file is to be read: from the disk (a
  // cold cache) that took 30-40 ms, which the walk and the first reads now
  // overlap instead of waiting for. A scan that reads nothing loads neither.
  std::thread m_loading;
  // Reads wait for the disk: the pipeline has its one worker more.
  bool m_widened = false;
};

} // namespace ccaudit::scan
