#include "store/sqlite_store.hpp"

#include "core/fatal_error.hpp"
#include "store/schema.hpp"
#include "store/source_records.hpp"
#include "store/triage.hpp"

#include <tuple>

namespace ccaudit::store {

SqliteStore::SqliteStore(const std::filesystem::path& file, OpenMode mode,
                         std::chrono::seconds lock_wait)
  : m_db(file, mode, lock_wait)
{
  if (mode == OpenMode::read_only) {
    check_readable(m_db, file);
    return;
  }
  const bool new_database = make_current(m_db);
  m_writer = std::make_unique<ScanWriter>(m_db, new_database);
  m_triage = std::make_unique<Triage>(m_db);
  m_records = std::make_unique<SourceRecords>(m_db, *m_writer);
}

SqliteStore::~SqliteStore()
{
  // The history and triage go before the writer, which commits what waits.
  m_records.reset();
  m_triage.reset();
  m_writer.reset();
}

ScanWriter&
SqliteStore::writer()
{
  if (!m_writer) {
    throw FatalError("database: opened for reading only");
  }
  return *m_writer;
}

SourceHistory&
SqliteStore::history()
{
  writer();
  return *m_records;
}

Triage&
SqliteStore::triage()
{
  writer();
  return *m_triage;
}

std::int64_t
SqliteStore::begin_scan(const ScanStart& start)
{
  return writer().begin_scan(start);
}

SqliteStore::ScanTotals
SqliteStore::finish_scan(const ScanEnd& end)
{
  auto counted = end;
  const auto scan_id = writer().scan_id();
  if (!writer().changed_findings()) {
    // The findings are as the scan before this one left them: its counts
    // hold, if it made them (a scan killed before its end did not).
    m_db.query("SELECT exposures, incidents FROM scan WHERE id < ?1 ORDER BY id DESC LIMIT 1",
               {Value{scan_id}}, [&](const Row& r) {
                 if (!r.is_null(0) && !r.is_null(1)) {
                   counted.exposures = static_cast<std::uint64_t>(r.integer(0));
                   counted.incidents = static_cast<std::uint64_t>(r.integer(1));
                 }
               });
  }
  if (!counted.exposures) {
    std::tie(counted.exposures, counted.incidents) = count_exposures(scan_id);
  }
  const auto [files, messages] = count_skipped_files(scan_id, end.stored_counts_hold);
  counted.unchanged_files += files;
  counted.unchanged_messages += messages;
  writer().finish_scan(counted);
  ScanTotals out{counted.unchanged_files, counted.unchanged_messages, *counted.exposures,
                 *counted.incidents, 0};
  // Only the scan's own findings: through the index on scan_id.
  m_db.query("SELECT count(DISTINCT incident_id) FROM finding WHERE scan_id = ?1 "
             "AND retired_scan IS NULL AND kind <> 'reply-recipients' AND suppressed = '' "
             "AND status = 'new'",
             {Value{scan_id}},
             [&](const Row& r) { out.new_incidents = static_cast<std::uint64_t>(r.integer(0)); });
  return out;
}

void
SqliteStore::record_source(const SourceInfo& source)
{
  writer().record_source(source);
}

FindingStatus
SqliteStore::record_finding(const MessageLocator& where, const Finding& finding)
{
  // The status first: "seen" counts this scan's findings already recorded.
  const auto status = triage().status_of(finding.fingerprint, writer().scan_id());
  return writer().record_finding(where, finding, status) ? status : FindingStatus::duplicate;
}

void
SqliteStore::record_issue(const MessageLocator& where, const Issue& issue)
{
  writer().record_issue(where, issue);
}

void
SqliteStore::set_baseline(std::map<std::string, FindingStatus> baseline)
{
  triage().set_baseline(std::move(baseline));
}

std::uint64_t
SqliteStore::open_findings()
{
  writer().flush_sources();
  return triage().open_findings();
}

std::size_t
SqliteStore::accept(const std::string& id, const std::string& note, const std::string& by)
{
  return triage().accept(id, note, by);
}

void
SqliteStore::query(const std::string& sql, const std::vector<Value>& bindings,
                   const std::function<void(const Row&)>& on_row)
{
  m_db.query(sql, bindings, on_row);
}

void
SqliteStore::execute(const std::string& sql)
{
  m_db.exec(sql);
}

// The exposures current as of `scan_id` and their incidents, counted over
// every finding.
std::pair<std::uint64_t, std::uint64_t>
SqliteStore::count_exposures(std::int64_t scan_id)
{
  std::pair<std::uint64_t, std::uint64_t> out;
  m_db.query("SELECT coalesce(sum(suppressed = ''), 0), "
             "count(DISTINCT CASE WHEN suppressed = '' THEN incident_id END) "
             "FROM finding WHERE scan_id <= ?1 AND retired_scan IS NULL "
             "AND kind <> 'reply-recipients'",
             {Value{scan_id}}, [&](const Row& r) {
               out = {static_cast<std::uint64_t>(r.integer(0)),
                      static_cast<std::uint64_t>(r.integer(1))};
             });
  return out;
}

// The files of the folders scan `scan_id` skipped as unchanged or left
// alone, and their messages, each file once.
std::pair<std::uint64_t, std::uint64_t>
SqliteStore::count_skipped_files(std::int64_t scan_id, bool stored_counts_hold)
{
  std::pair<std::uint64_t, std::uint64_t> out;
  // The folders the scan skipped as unchanged or left alone, in path order:
  // a folder before the folders below it.
  struct Skipped
  {
    std::string path;
    std::optional<std::uint64_t> files, messages;
    bool outermost = true, has_skipped_below = false;
  };
  std::vector<Skipped> skipped;
  m_db.query("SELECT path, files, messages FROM directory WHERE unchanged_scan = ?1 ORDER BY path",
             {Value{scan_id}}, [&](const Row& r) {
               const auto count = [&](std::size_t i) {
                 return r.is_null(i) ? std::nullopt
                                     : std::optional(static_cast<std::uint64_t>(r.integer(i)));
               };
               skipped.push_back({r.text(0), count(1), count(2)});
             });
  std::map<std::string, std::size_t> outermost; // path to its index
  for (std::size_t i = 0; i < skipped.size(); ++i) {
    const auto& path = skipped[i].path;
    for (auto slash = path.find('/', 1); slash != std::string::npos;
         slash = path.find('/', slash + 1)) {
      if (const auto it = outermost.find(path.substr(0, slash)); it != outermost.end()) {
        skipped[i].outermost = false;
        skipped[it->second].has_skipped_below = true;
        break;
      }
    }
    if (skipped[i].outermost) {
      outermost.emplace(path, i);
    }
  }
  // Each file once: an unchanged Maildir folder by the counts its listing
  // stored (no query per file), unless files below it were seen one by one
  // or the counts are not known; else its files that this scan did not see.
  for (const auto& folder : skipped) {
    if (!folder.outermost) {
      continue;
    }
    if (stored_counts_hold && folder.files && folder.messages && !folder.has_skipped_below) {
      out.first += *folder.files;
      out.second += *folder.messages;
      continue;
    }
    // A folder's files are a range of the path index (dir/ to dir0).
    m_db.query("SELECT count(*), coalesce(sum(messages), 0) FROM source "
               "WHERE path > ?2 || '/' AND path < ?2 || '0' AND gone_scan IS NULL "
               "AND last_scan < ?1",
               {Value{scan_id}, Value{folder.path}}, [&](const Row& r) {
                 out.first += static_cast<std::uint64_t>(r.integer(0));
                 out.second += static_cast<std::uint64_t>(r.integer(1));
               });
  }
  return out;
}

std::optional<std::int64_t>
SqliteStore::review_scan(std::vector<std::int64_t>* passed_over)
{
  // Newest first, with what the scan row says; a scan that read nothing
  // may still have found files unchanged (counted from schema 12; before,
  // their last_scan is its id: no newer scan touched them, or that one
  // would be chosen first).
  std::vector<std::pair<std::int64_t, bool>> scans;
  m_db.query("SELECT id, status = 'running' OR coalesce(sources, 0) > 0 "
             "OR coalesce(messages, 0) > 0 OR coalesce(problems, 0) > 0 "
             "OR coalesce(unchanged_files, 0) > 0 FROM scan ORDER BY id DESC",
             {}, [&](const Row& row) { scans.emplace_back(row.integer(0), row.integer(1) != 0); });
  for (const auto& [id, looked] : scans) {
    bool found_unchanged = false;
    if (!looked) {
      m_db.query("SELECT 1 FROM source WHERE last_scan = ?1 "
                 "UNION ALL SELECT 1 FROM directory WHERE unchanged_scan = ?1 LIMIT 1",
                 {Value{id}}, [&](const Row&) { found_unchanged = true; });
    }
    if (looked || found_unchanged) {
      return id;
    }
    if (passed_over) {
      passed_over->push_back(id);
    }
  }
  if (passed_over) {
    passed_over->clear();
  }
  return scans.empty() ? std::nullopt : std::optional(scans.front().first);
}

} // namespace ccaudit::store
