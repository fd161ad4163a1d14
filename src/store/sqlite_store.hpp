#pragma once

#include "core/finding_sink.hpp"
#include "store/connection.hpp"
#include "store/scan_writer.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ccaudit::store {

class SourceRecords;
class Triage;

// The findings database, as the rest of ccaudit sees it: the only user of
// <sqlite3.h> is src/store/. It is made of parts of one concept each,
// sharing one Connection (see src/ARCHITECTURE.md):
// - Connection: the file, the writer's lock, readers' recovery;
// - schema.hpp: the schema (src/store/schema/*.sql) and its upgrades;
// - ScanWriter: what a scan writes, in batched transactions;
// - SourceRecords: the source history incremental scans start from, and add to;
// - Triage: baselines, acceptances, open findings.
// It is the scan's FindingSink; history() is its SourceHistory.
// A new database file is created readable by its owner only. Every failure
// throws FatalError.
class SqliteStore final : public FindingSink
{
public:
  // Opens `file` (see Connection for the locks), and for a writer makes its
  // schema current; a reader is refused a database it cannot read.
  SqliteStore(const std::filesystem::path& file, OpenMode mode,
              std::chrono::seconds lock_wait = std::chrono::seconds(60));
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  // Starts a scan row (status "running") and a write transaction.
  std::int64_t begin_scan(const ScanStart& start);
  // What a finished scan amounts to, in a responder's words: the files it
  // found unchanged and did not read again, and the messages in them; the
  // exposures (findings shown: current, not suppressed, not replies kept as
  // context) in the database as of the scan and the incidents they belong
  // to; the incidents the scan found a new copy of.
  struct ScanTotals
  {
    std::uint64_t unchanged_files = 0, unchanged_messages = 0;
    std::uint64_t exposures = 0, incidents = 0, new_incidents = 0;
  };
  // Closes the scan row (its counts above stored in it, but the new
  // incidents) and commits everything.
  ScanTotals finish_scan(const ScanEnd& end);

  void record_source(const SourceInfo& source) override;
  FindingStatus record_finding(const MessageLocator& where,
                               const Finding& finding) override;
  void record_issue(const MessageLocator& where, const Issue& issue) override;

  // What earlier scans recorded, and what this one adds to it: the history
  // an incremental scan reads and writes (a writer's only).
  SourceHistory& history();

  // Fingerprints a baseline file lists, with the status they get.
  void set_baseline(std::map<std::string, FindingStatus> baseline);

  // Current findings (not retired, not replies kept as context) that no
  // reviewer accepted.
  std::uint64_t open_findings();

  // Marks the findings of an incident id (I-...) or with a fingerprint as
  // accepted; returns how many fingerprints that was (0: no such finding).
  // `by` names who accepted (a login name).
  std::size_t accept(const std::string& id, const std::string& note, const std::string& by);

  // Runs a read-only query (a report definition), calling `on_row` per row.
  void query(const std::string& sql, const std::vector<Value>& bindings,
             const std::function<void(const Row&)>& on_row);

  // Runs SQL statements that return no rows (a script such as
  // reports/review.sql); on a read-only database only TEMP objects can be
  // created.
  void execute(const std::string& sql);


  // The scan a review shows when none is named: the newest one that looked
  // at a file (read it, found it unchanged, or recorded a problem) or is
  // still running. A scan that found nothing at all to look at (an empty
  // folder) never hides the one before it; when no scan looked at anything,
  // the newest. nullopt: no scan yet. `passed_over` gets the newer scans
  // skipped, newest first.
  std::optional<std::int64_t> review_scan(std::vector<std::int64_t>* passed_over = nullptr);
  // (A scan "looked" when it read, found unchanged or could not read a file,
  // or found a Maildir folder unchanged.)

private:
  std::pair<std::uint64_t, std::uint64_t> count_exposures(std::int64_t scan_id);
  std::pair<std::uint64_t, std::uint64_t>
  count_skipped_files(std::int64_t scan_id, bool stored_counts_hold);

  // A writer's parts; a reader has none.
  ScanWriter& writer();
  Triage& triage();

  // Declared first, so destroyed last: the parts finalize their
  // statements (and the writer commits) before the connection closes.
  Connection m_db;
  std::unique_ptr<ScanWriter> m_writer;
  std::unique_ptr<Triage> m_triage;
  std::unique_ptr<SourceRecords> m_records;
};

} // namespace ccaudit::store
