#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;
struct sqlite3_context;

namespace ccaudit::store {

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

// "2026-12-05T15:42:00Z" for a time_t; "" if it has no such date.
std::string iso_utc(std::time_t t);
std::string utc_now();
// The folder part of a path ("" for a bare name).
std::string_view folder_of(std::string_view path);
// A URI naming `file` (absolute, every byte that is not plainly safe in one
// percent-encoded), for sqlite3_open_v2() and ATTACH.
std::string file_uri(const std::filesystem::path& file);

// A prepared statement. Every failure throws FatalError.
class Statement
{
public:
  Statement(sqlite3* db, const std::string& sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, const Value& v);
  Statement& bind(int i, std::int64_t n);
  Statement& bind(int i, std::uint64_t n) { return bind(i, static_cast<std::int64_t>(n)); }
  // The text must live until run() or step(): SQLite does not copy it.
  Statement& bind(int i, std::string_view s);
  Statement& bind(int i, const std::string& s) { return bind(i, std::string_view(s)); }

  // Runs a statement that returns no rows.
  void run();
  // Ends a query early (or after its last row) so the statement can run again.
  void reset();
  // Steps once; false when there are no more rows.
  bool step();

  // The current row's columns.
  std::int64_t integer(int column);
  std::string text(int column);
  bool is_null(int column);

  sqlite3_stmt* get() { return m_stmt; }

private:
  void check(int rc);

  sqlite3* m_db;
  sqlite3_stmt* m_stmt = nullptr;
};

// A statement prepared when first used: a rescan that finds nothing changed
// runs few of the statements a writer keeps, and preparing them all (the
// multi-row inserts are long) took about 8% of its samples.
class LazyStatement
{
public:
  LazyStatement() = default;
  LazyStatement(sqlite3* db, std::string sql) : m_db(db), m_sql(std::move(sql)) {}

  Statement& operator*()
  {
    if (!m_statement) {
      m_statement = std::make_unique<Statement>(m_db, m_sql);
    }
    return *m_statement;
  }
  Statement* operator->() { return &**this; }

private:
  sqlite3* m_db = nullptr;
  std::string m_sql;
  std::unique_ptr<Statement> m_statement;
};

// One connection to the findings database, and the locks that guard it:
// the only place that opens the file. The store's parts (schema, scan
// writer, source history, triage) all run their SQL through it.
class Connection
{
public:
  // A read-write connection first takes the database's writer lock,
  // waiting at most `lock_wait`: FILE.lock beside it (a regular file of our
  // own: a symbolic link, FIFO, device, hard link or another user's file is
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
  Connection(const std::filesystem::path& file, OpenMode mode, std::chrono::seconds lock_wait);
  // Closes once every Statement is finalized (sqlite3_close_v2); the locks
  // go with it: destroy the statements' owners first.
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* get() { return m_db; }
  const std::filesystem::path& file() const { return m_file; }

  // Runs SQL statements that return no rows.
  void exec(const char* sql);
  void exec(const std::string& sql) { exec(sql.c_str()); }
  // Runs a query, calling `on_row` per row.
  void query(const std::string& sql, const std::vector<Value>& bindings,
             const std::function<void(const Row&)>& on_row);
  std::int64_t last_insert_rowid();
  // Rows changed by the last statement run.
  int changes();

private:
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
  void lock(const std::filesystem::path& file, std::chrono::seconds wait);

  std::filesystem::path m_file;
  // Declared first, so closed last: after the connection, which prepared
  // statements keep open until they are finalized. Closing any descriptor
  // of the database file drops every POSIX lock this process holds on it,
  // SQLite's own included.
  Descriptor m_lock_file;     // FILE.lock, held by a writer
  Descriptor m_database_file; // the database itself: a writer's flock, or a reader's
  sqlite3* m_db = nullptr;
};

} // namespace ccaudit::store
