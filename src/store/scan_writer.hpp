#pragma once

#include "core/finding_sink.hpp"
#include "store/connection.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace ccaudit::store {

// What a scan row holds at its start.
struct ScanStart
{
  std::string tool_version;
  std::string host;
  std::string arguments_json;        // the command line, as a JSON array
  std::string internal_domains_json; // JSON array
  std::uint64_t threshold = 0;
  // Everything that decides what is flagged, as a JSON object (threshold,
  // internal domains, bulk senders, --since): files read under other
  // settings are read again.
  std::string settings_json;
};

// What a scan row holds at its end.
struct ScanEnd
{
  std::string status; // "complete" or "incomplete"
  // Files read (an export's members not on their own) and messages read.
  std::uint64_t sources = 0, messages = 0, findings = 0, problems = 0,
                not_scanned = 0;
  // Files found unchanged and not read again, and their messages: those the
  // scan found one by one (SqliteStore::finish_scan adds the files of the
  // Maildir folders it skipped as unchanged).
  std::uint64_t unchanged_files = 0, unchanged_messages = 0;
  // No file of a folder skipped as unchanged was seen one by one
  // (Scanner::paths_overlap()): the counts its listing stored can be used.
  bool stored_counts_hold = false;
  // The exposures in the database as of the scan's end and their incidents
  // (SqliteStore::finish_scan counts them); nullopt: not counted.
  std::optional<std::uint64_t> exposures, incidents;
};

// Writes what one scan found: its scan row, a source row per file read,
// findings with their address rows and references, and problems. Writes
// go through prepared statements in batched transactions (at most 50,000
// rows or 2 s each), committed in order, so a scan that is stopped keeps
// everything before its last commit.
class ScanWriter
{
public:
  // `new_database`: created by this run (see make_current()).
  ScanWriter(Connection& db, bool new_database);
  // Writes the source rows that wait and commits: a scan cut short keeps
  // what it read.
  ~ScanWriter();
  ScanWriter(const ScanWriter&) = delete;
  ScanWriter& operator=(const ScanWriter&) = delete;

  // Starts a scan row (status "running") and a write transaction.
  std::int64_t begin_scan(const ScanStart& start);
  // Closes the scan row and commits everything.
  void finish_scan(const ScanEnd& end);

  std::int64_t scan_id() const { return m_scan_id; }
  // What the scan flags with, as stored in source.settings: a file read
  // under other settings is read again.
  const std::string& settings() const { return m_settings; }
  // Whether the database knew any file when this scan began.
  bool had_sources() const { return m_had_sources; }
  // Whether a scan before this one did not complete (it may have recorded
  // findings that never reached anyone), and whether this one recorded a
  // finding of the source with row id `source_id`.
  bool incomplete_before() const { return m_incomplete_before; }
  // Only a source whose row this scan has not written can be asked about
  // (a known source is one whose row an earlier scan wrote last).
  bool recorded_findings_of(std::int64_t source_id) const
  {
    return m_findings_of_file.count(source_id) > 0 || m_findings_row_waiting.count(source_id) > 0;
  }

  // Source rows wait in groups and are written in path order.
  void record_source(const SourceInfo& source);
  // The walk has listed every folder: from now on rows wait in small groups.
  void listing_done();
  // Writes the source rows that wait.
  void flush_sources();

  // Writes a finding with `status` and its rows; false if this copy (the
  // same source, offset, kind and part) is recorded already.
  bool record_finding(const MessageLocator& where, const Finding& finding, FindingStatus status);
  void record_issue(const MessageLocator& where, const Issue& issue);

  // Counts a row written: commits the batch when it is full or old.
  void wrote_row();
  // Whether this scan recorded a finding or retired one (note_findings_changed()
  // says it did): if not, the database's findings are as the scan before
  // left them.
  bool changed_findings() const { return m_changed_findings; }
  void note_findings_changed() { m_changed_findings = true; }

private:
  // A source row waiting for a multi-row insert: the path as a string
  // (copying a std::filesystem::path copies its parsed components too).
  struct PendingSource
  {
    explicit PendingSource(const SourceInfo& s);
    std::string path, file, kind, prefix_hash; // file: the file holding it (path for a member)
    std::uint64_t size, inode, messages, resume_offset, resume_index;
    std::int64_t mtime, mtime_ns;
    bool complete;
  };

  // The rows of ccaudit_source_rows() (see store/row_function.hpp).
  static const char* const k_source_row_columns;
  static void source_column(const PendingSource* const& source, int n, sqlite3_context* out);

  void begin_write();
  void commit_batch();
  std::int64_t source_id(const MessageLocator& where);

  Connection& m_db;
  bool m_new_database; // no WAL until its scan ends
  std::int64_t m_scan_id = 0;
  bool m_had_sources = false;
  bool m_changed_findings = false;
  bool m_incomplete_before = false;
  // The sources this scan recorded findings of: of the file being read
  // (its row not given yet), and of those whose rows wait in m_sources.
  // Once written, a row is this scan's and no longer asked about: the sets
  // hold at most a group of rows' sources, not every flagged file's.
  std::unordered_set<std::int64_t> m_findings_of_file, m_findings_row_waiting;
  std::string m_settings;
  LazyStatement m_insert_sources, m_placeholder_source, m_source_id,
    m_insert_finding, m_insert_reference, m_insert_addresses,
    m_set_address_first, m_insert_problem;
  std::string m_last_source_path;
  std::int64_t m_last_source_id = 0;
  std::vector<PendingSource> m_sources;
  std::size_t m_sources_group; // rows that wait before they are written
  std::size_t m_rows_in_batch = 0;
  std::chrono::steady_clock::time_point m_batch_started;
  bool m_in_transaction = false;
};

} // namespace ccaudit::store
