#pragma once

#include "core/finding_sink.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

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
  std::uint64_t sources = 0, messages = 0, findings = 0, problems = 0,
                not_scanned = 0;
};

// A value bound to, or read from, a query.
using Value = std::variant<std::monostate, std::int64_t, std::string>;

struct Row
{
  const std::vector<std::string>& columns;
  std::vector<Value> values;
  // The text of a column (numbers formatted); "" for NULL.
  std::string text(std::size_t i) const;
  std::int64_t integer(std::size_t i) const;
  bool is_null(std::size_t i) const
  {
    return std::holds_alternative<std::monostate>(values[i]);
  }
};

enum class OpenMode { read_write, read_only };

// If `file` names the database `database` or a file SQLite or ccaudit keeps
// beside it (-wal, -shm, -journal, .lock), by path or as the same file (a
// symbolic or hard link to it): what it is, e.g. "its write-ahead log".
// Output written there would destroy evidence.
std::optional<std::string> database_file_named(const std::filesystem::path& file,
                                               const std::filesystem::path& database);

// The findings database: the only user of <sqlite3.h>. Writes go through
// prepared statements in batched transactions. A new database file is
// created readable by its owner only. Every failure throws FatalError.
class SqliteStore final : public FindingSink, public SourceHistory
{
public:
  // A read-write store first takes the database's writer lock, waiting at
  // most `lock_wait`: FILE.lock beside it (a regular file of our own: a
  // symbolic link, FIFO, device, hard link or another user's file is
  // refused), then the database file itself (flock), so that two names of
  // one file (hard links) are one lock. Two scans never write at once.
  //
  // A reader never writes to the database and holds no lock, except where
  // SQLite cannot read safely alone. It is turned away while a first scan
  // runs (until then the database has no WAL, and a reader would hold the
  // scan up); it rolls back the journal a killed first scan left only while
  // it holds the writer's lock on the database file; and where the folder
  // cannot be written (read-only media, another user's folder) it reads the
  // database as an immutable file while scans are kept out, refusing with
  // what to do when a -wal or -journal file holds changes it would miss.
  SqliteStore(const std::filesystem::path& file, OpenMode mode,
              std::chrono::seconds lock_wait = std::chrono::seconds(60));
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  // Starts a scan row (status "running") and a write transaction.
  std::int64_t begin_scan(const ScanStart& start);
  // Closes the scan row and commits everything.
  void finish_scan(const ScanEnd& end);

  void record_source(const SourceInfo& source) override;
  FindingStatus record_finding(const MessageLocator& where,
                               const Finding& finding) override;
  void record_issue(const MessageLocator& where, const Issue& issue) override;
  void source_unchanged(const KnownSource& known, const std::filesystem::path& path) override;
  void retire_findings(const std::filesystem::path& path, std::uint64_t from = 0) override;
  void record_directory(const std::filesystem::path& dir, const DirectoryState& state,
                        bool unchanged) override;
  void listing_done() override;
  void walk_finished(const std::vector<std::filesystem::path>& roots,
                     const std::vector<std::filesystem::path>& not_walked) override;

  // SourceHistory: what earlier scans recorded (gone sources are not known).
  std::optional<KnownSource> source(const std::filesystem::path& path) override;
  std::optional<KnownSource> maildir_message(const std::filesystem::path& folder,
                                             const std::string& unique) override;
  std::optional<DirectoryState> directory(const std::filesystem::path& dir) override;
  std::optional<std::vector<KnownSource>> sources_in(const std::filesystem::path& dir,
                                                     std::size_t limit) override;

  // Fingerprints a baseline file lists, with the status they get.
  void set_baseline(std::map<std::string, FindingStatus> baseline);

  // Current findings (not retired, not replies kept as context) that no
  // reviewer accepted.
  std::uint64_t open_findings();

  // Marks the findings of an incident id (I-...) or with a fingerprint as
  // accepted; returns how many fingerprints that was (0: no such finding).
  std::size_t accept(const std::string& id, const std::string& note);

  // Runs a read-only query (a report definition), calling `on_row` per row.
  void query(const std::string& sql, const std::vector<Value>& bindings,
             const std::function<void(const Row&)>& on_row);

  // Runs SQL statements that return no rows (a script such as
  // reports/review.sql); on a read-only database only TEMP objects can be
  // created.
  void execute(const std::string& sql);

  // The id of the newest scan, if any.
  std::optional<std::int64_t> latest_scan();

private:
  class Statement;
  // A file descriptor, closed when destroyed.
  struct Descriptor
  {
    int fd = -1;
    Descriptor() = default;
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    ~Descriptor() { reset(); }
    void reset(int new_fd = -1);
  };

  void open_for_reading(const std::filesystem::path& file);
  void roll_back_killed_scan(const std::filesystem::path& file);
  void open_immutable(const std::filesystem::path& file);
  void check_readable_schema(const std::filesystem::path& file);
  void exec(const char* sql);
  void create_schema();
  void prepare_statements();
  void begin_write();
  void wrote_row();
  void commit_batch();
  void flush_sources();
  void settle_renamed(const std::string& maildir);
  // The statement in `slot`, prepared from `sql` on first use.
  Statement& prepared(std::unique_ptr<Statement>& slot, const std::string& sql);
  std::vector<std::pair<std::string, std::string>> direct_ranges(const std::string& dir);
  std::int64_t source_id(const MessageLocator& where);
  std::optional<KnownSource> known(Statement& query);
  std::optional<KnownSource> known_row(Statement& query); // one step, no reset
  FindingStatus status_of(const std::string& fingerprint);
  void fingerprint_old_findings();

  void lock(const std::filesystem::path& file, std::chrono::seconds wait);

  // Declared first, so closed last: after the connection, which the
  // statements below keep open until they are finalized. Closing any
  // descriptor of the database file drops every POSIX lock this process
  // holds on it, SQLite's own included.
  Descriptor m_lock_file;     // FILE.lock, held by a writer
  Descriptor m_database_file; // the database itself: a writer's flock, or a reader's
  sqlite3* m_db = nullptr;
  std::int64_t m_scan_id = 0;
  bool m_had_sources = false; // the database knew files when this scan began
  bool m_new_database = false; // created by this run: no WAL until its scan ends
  std::string m_settings; // what the scan flags with: see source.settings
  std::string m_insert_sources_sql, m_insert_addresses_sql; // prepared when first used
  std::unique_ptr<Statement> m_insert_source, m_insert_finding, m_insert_reference,
    m_insert_address, m_insert_addresses, m_set_address_first, m_insert_problem,
    m_insert_sources,
    m_placeholder_source, m_source_id, m_known_by_path, m_known_in_dir, m_folders_below,
    m_mark_gone,
    m_known_by_name,
    m_known_directory, m_source_seen, m_move_findings, m_retire, m_record_directory,
    m_fingerprint_known, m_retire_members, m_members_seen;
  std::string m_last_source_path;
  std::int64_t m_last_source_id = 0;
  std::map<std::string, FindingStatus> m_baseline;
  // A source row waiting for a multi-row insert: the path as a string
  // (copying a std::filesystem::path copies its parsed components too).
  struct PendingSource
  {
    explicit PendingSource(const SourceInfo& s)
      : path(MessageLocator::locator_text(s.path, s.member)), file(s.path.native()), kind(s.kind), prefix_hash(s.prefix_hash), size(s.size),
        inode(s.inode), messages(s.messages), resume_offset(s.resume_offset),
        resume_index(s.resume_index), mtime(s.mtime), mtime_ns(s.mtime_ns),
        complete(s.complete)
    {
    }
    std::string path, file, kind, prefix_hash; // file: the file holding it (path for a member)
    std::uint64_t size, inode, messages, resume_offset, resume_index;
    std::int64_t mtime, mtime_ns;
    bool complete;
  };
  std::vector<PendingSource> m_sources;
  std::size_t m_sources_group = 0; // rows that wait before they are written
  std::size_t m_rows_in_batch = 0;
  std::chrono::steady_clock::time_point m_batch_started;
  bool m_in_transaction = false;
};

} // namespace ccaudit::store
