#include "store/connection.hpp"

#include "core/fatal_error.hpp"
#include "core/text.hpp"

#include <sqlite3.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ccaudit::store {

std::string
iso_utc(std::time_t t)
{
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) {
    return {};
  }
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string
utc_now()
{
  return iso_utc(std::time(nullptr));
}

// The folder part of a path ("" for a bare name).
std::string_view
folder_of(std::string_view path)
{
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view{} : path.substr(0, slash);
}

namespace {

// How long a reader waits for SQLite's locks (a scan's commit).
constexpr int k_busy_ms = 10000;
// How long a writer waits for them: a reader of a database without a WAL
// (any SQLite client: ccaudit's own readers keep away from a first scan)
// holds a shared lock while a query runs, which a commit must outwait.
constexpr int k_writer_busy_ms = 120000;
constexpr int k_read_flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;

// Opens `file` (a name, or a URI with SQLITE_OPEN_URI) with `flags`,
// waiting up to `busy_ms` for SQLite's locks.
sqlite3*
open_connection(const std::string& file, int flags, int busy_ms = k_busy_ms)
{
  // SQLite counts every allocation for sqlite3_memory_used() under a global
  // mutex unless told not to; nothing here reads the count. Only before
  // SQLite initialises (the first open), once.
  static const bool k_configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)k_configured;
  sqlite3* db = nullptr;
  // The database holds addresses: create it (and its journal files, which
  // SQLite gives the same mode) readable by the owner only.
  const auto old_mask = ::umask(077);
  const int rc = sqlite3_open_v2(file.c_str(), &db, flags, nullptr);
  ::umask(old_mask);
  if (rc != SQLITE_OK) {
    const std::string why = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw FatalError("cannot open database " + file + ": " + why);
  }
  sqlite3_busy_timeout(db, busy_ms);
  return db;
}

// The first read of a connection, where SQLite finds the journal files
// and what state they are in: SQLITE_OK or the extended error code.
int
first_read(sqlite3* db)
{
  if (sqlite3_exec(db, "SELECT 1 FROM sqlite_schema LIMIT 1", nullptr, nullptr, nullptr)
      == SQLITE_OK) {
    return SQLITE_OK;
  }
  return sqlite3_extended_errcode(db);
}

std::string
shown(const std::filesystem::path& file)
{
  return text::for_terminal(file.string());
}

// The folder of `file` ("." for a bare name).
std::filesystem::path
parent_folder(const std::filesystem::path& file)
{
  return file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
}


// Whether the database file open as `fd` is in WAL mode (its header's
// read and write versions are 2); a new, empty file is not.
bool
has_wal(int fd)
{
  unsigned char versions[2] = {};
  return ::pread(fd, versions, sizeof versions, 18) == 2 && versions[0] == 2
         && versions[1] == 2;
}

std::string
being_written(const std::filesystem::path& file)
{
  return shown(file) + " is being written by its first scan, and can be read when that "
                       "scan ends: until then it has no write-ahead log, and a reader "
                       "would hold the scan up";
}

// Waits until `fd` is flock()ed as `operation` (LOCK_EX or LOCK_SH), or
// `deadline` passes: false then.
bool
wait_for_flock(int fd, int operation, std::chrono::steady_clock::time_point deadline,
               const std::string& what)
{
  while (::flock(fd, operation | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      throw FatalError("cannot lock " + what + ": " + std::strerror(errno));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

// Why the lock file a writer is about to truncate and write cannot be
// trusted, or "" if it can: a symbolic link (to any file, which would be
// truncated, or created anywhere), anything but a regular file (a FIFO
// could block, a device do worse), another user's file, or a file with
// other names (a hard link to a file elsewhere).
std::string
untrusted_lock_file(const struct stat& st)
{
  if (S_ISLNK(st.st_mode)) {
    return "is a symbolic link";
  }
  if (!S_ISREG(st.st_mode)) {
    return "is not a regular file";
  }
  if (st.st_uid != ::geteuid()) {
    return "belongs to another user (uid " + std::to_string(st.st_uid) + ")";
  }
  if (st.st_nlink != 1) {
    return "has other names (hard links)";
  }
  return {};
}

// Opens (creating it if needed) the lock file beside a database, refusing
// one that untrusted_lock_file() rejects: ccaudit truncates and writes it,
// and a root scan must not do that to a file someone else placed there.
int
open_lock_file(const std::filesystem::path& database, const std::string& lock_file)
{
  const auto refuse = [&](const std::string& why) {
    return FatalError("cannot open database " + shown(database) + ": its lock file "
                      + shown(lock_file) + " " + why
                      + "; refused (ccaudit creates that file itself: remove it if no "
                        "ccaudit run is using the database)");
  };
  struct stat before {};
  const bool existed = ::lstat(lock_file.c_str(), &before) == 0;
  if (existed) {
    if (const auto why = untrusted_lock_file(before); !why.empty()) {
      throw refuse(why);
    }
  }
  const auto old_mask = ::umask(077);
  const int fd = ::open(lock_file.c_str(),
                        O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
  const int open_error = errno;
  ::umask(old_mask);
  if (fd < 0) {
    if (open_error == ELOOP) {
      throw refuse("is a symbolic link");
    }
    throw FatalError("cannot open database " + shown(database)
                     + ": cannot create its lock file " + shown(lock_file) + ": "
                     + std::strerror(open_error));
  }
  struct stat st {};
  std::string why;
  if (::fstat(fd, &st) != 0) {
    why = std::string("cannot be examined: ") + std::strerror(errno);
  } else if (why = untrusted_lock_file(st); why.empty() && existed
             && (st.st_dev != before.st_dev || st.st_ino != before.st_ino)) {
    why = "was replaced while it was opened";
  }
  if (!why.empty()) {
    ::close(fd);
    throw refuse(why);
  }
  return fd;
}

} // namespace

// A URI naming `file` for sqlite3_open_v2(): every byte that is not plainly
// safe in one is percent-encoded.
std::string
file_uri(const std::filesystem::path& file)
{
  const auto absolute = std::filesystem::absolute(file).string();
  std::string uri = "file:";
  constexpr const char* k_hex = "0123456789ABCDEF";
  for (const unsigned char c : absolute) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '/' || c == '.' || c == '-' || c == '_' || c == '~') {
      uri += static_cast<char>(c);
    } else {
      uri += '%';
      uri += k_hex[c >> 4];
      uri += k_hex[c & 15];
    }
  }
  return uri;
}

std::optional<std::string>
database_file_named(const std::filesystem::path& file, const std::filesystem::path& database)
{
  namespace fs = std::filesystem;
  const auto same_file = [](const fs::path& a, const fs::path& b) {
    std::error_code ea, eb;
    const auto ca = fs::weakly_canonical(a, ea), cb = fs::weakly_canonical(b, eb);
    if (!ea && !eb && ca == cb) {
      return true;
    }
    struct stat sa {}, sb {};
    return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0
           && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  };
  for (const auto& [suffix, what] : {
         std::pair<const char*, const char*>{"", "the database"},
         {"-wal", "its write-ahead log"},
         {"-shm", "its write-ahead log's index"},
         {"-journal", "its rollback journal"},
         {".lock", "its lock file"},
       }) {
    if (same_file(file, database.string() + suffix)) {
      return std::string(what) + " (" + shown(database.string() + suffix) + ")";
    }
  }
  return std::nullopt;
}

Connection::Connection(const std::filesystem::path& file, OpenMode mode,
                       std::chrono::seconds lock_wait)
  : m_file(file)
{
  if (mode == OpenMode::read_only) {
    open_for_reading(file);
  } else {
    lock(file, lock_wait);
    m_db = open_connection(file.string(),
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           k_writer_busy_ms);
  }
}

Connection::~Connection()
{
  // Closes once the statements still prepared are finalized; the locks go
  // after that (see m_lock_file).
  sqlite3_close_v2(m_db);
}

// Readers and a first scan. A new database has no WAL until its first scan
// ends: until then a reader's query holds a shared lock that the scan's
// every commit must wait for (a long query stopped the scan with "database
// is locked"), and SQLite can take the scan's live journal for a dead
// one's. A scan holds the database file's flock while it runs; a reader
// that finds it held on a database without a WAL is turned away, and
// only holds the database up when it has to (see open_immutable()).
void
Connection::open_for_reading(const std::filesystem::path& file)
{
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    throw FatalError("no database at " + shown(file)
                     + " (run 'ccaudit scan' first, or pass --db)");
  }
  m_database_file.reset(::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (m_database_file.fd < 0) {
    throw FatalError("cannot open database " + shown(file) + ": " + std::strerror(errno));
  }
  if (::flock(m_database_file.fd, LOCK_SH | LOCK_NB) != 0) {
    if (!has_wal(m_database_file.fd)) {
      throw FatalError(being_written(file));
    }
  } else {
    ::flock(m_database_file.fd, LOCK_UN);
  }
  m_db = open_connection(file.string(), k_read_flags);
  const int rc = first_read(m_db);
  if (rc == SQLITE_OK) {
    return;
  }
  if (rc == SQLITE_READONLY_ROLLBACK) {
    sqlite3_close(m_db);
    m_db = nullptr;
    roll_back_killed_scan(file);
    return;
  }
  // Reading a WAL database takes its -shm index, which a reader creates if
  // it is missing: not where the folder cannot be written.
  if (::access(parent_folder(file).c_str(), W_OK) != 0) {
    sqlite3_close(m_db);
    m_db = nullptr;
    open_immutable(file);
  }
  // Otherwise the reads that follow say what is wrong.
}

// A scan killed in its first transaction left a rollback journal, which
// must be rolled back before anything can be read (as the next scan would
// do). Only while no scan holds the database: never a live scan's journal,
// and no scan starts meanwhile.
void
Connection::roll_back_killed_scan(const std::filesystem::path& file)
{
  if (::flock(m_database_file.fd, LOCK_EX | LOCK_NB) != 0) {
    throw FatalError(being_written(file));
  }
  bool rolled_back = false;
  try {
    sqlite3* writer = open_connection(file.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX);
    rolled_back = first_read(writer) == SQLITE_OK;
    sqlite3_close(writer);
  } catch (const FatalError&) {
    // said below
  }
  ::flock(m_database_file.fd, LOCK_UN);
  if (!rolled_back) {
    throw FatalError(shown(file.string() + "-journal")
                     + " holds the unfinished transaction of a scan that was stopped, "
                       "which must be rolled back before " + shown(file)
                     + " can be read, and that needs write access to it and its folder: run "
                       "'ccaudit report' once where it can be written, or copy both "
                       "files together to a folder you can write and pass the copy "
                       "with --db");
  }
  m_db = open_connection(file.string(), k_read_flags);
}

// Where a reader cannot write the database's folder (read-only media, a
// folder of another user), SQLite cannot create the -shm index it reads a
// WAL database through. The database is then opened as immutable (no
// index, no locks, no journal read), which is exact only if nothing waits
// in a -wal or -journal file and nothing writes meanwhile: a scan holds the
// database file's flock, so a shared one is held while reading (a scan
// that starts meanwhile waits for it, --lock-wait), and a -wal or -journal
// with content is refused with what to do, not ignored.
void
Connection::open_immutable(const std::filesystem::path& file)
{
  if (::flock(m_database_file.fd, LOCK_SH | LOCK_NB) != 0) {
    throw FatalError("a scan is writing to " + shown(file)
                     + ", and its folder cannot be written from here, which reading it "
                       "meanwhile needs (SQLite's -shm file): try again when the scan ends");
  }
  for (const auto& [suffix, what] :
       {std::pair<const char*, const char*>{"-wal", "changes not yet merged into"},
        {"-journal", "an unfinished transaction of a stopped scan on"}}) {
    const auto companion = file.string() + suffix;
    struct stat st {};
    if (::stat(companion.c_str(), &st) == 0 && st.st_size > 0) {
      throw FatalError(shown(companion) + " holds " + what + " " + shown(file)
                       + ", and its folder cannot be written from here (read-only), "
                         "which reading them together needs: reading the database "
                         "alone would miss them. Copy "
                       + shown(file) + " and " + shown(companion)
                       + " together to a folder you can write and pass the copy with "
                         "--db");
    }
  }
  m_db = open_connection(file_uri(file) + "?immutable=1", k_read_flags | SQLITE_OPEN_URI);
}

void
Connection::Descriptor::reset(int new_fd)
{
  if (fd >= 0) {
    ::close(fd); // releases its flock
  }
  fd = new_fd;
}

// The writer's lock: FILE.lock (which says who holds it), then the database
// file itself. Holding both, waiting at most `wait` in all: the path lock
// names the holder; the file lock makes two names of one file (hard links,
// which SQLite would give two -wal files) one lock. A new database file is
// created here, empty, readable by its owner only.
void
Connection::lock(const std::filesystem::path& file, std::chrono::seconds wait)
{
  const auto lock_file = file.string() + ".lock";
  const auto deadline = std::chrono::steady_clock::now() + wait;
  const auto busy = [&](const std::string& holder) {
    return FatalError("another ccaudit run (" + holder + ") is writing to " + shown(file)
                      + "; waited " + std::to_string(wait.count())
                      + " s (--lock-wait). Nothing was scanned.");
  };
  m_lock_file.reset(open_lock_file(file, lock_file));
  if (!wait_for_flock(m_lock_file.fd, LOCK_EX, deadline, shown(lock_file))) {
    char holder[64] = {};
    const auto n = ::pread(m_lock_file.fd, holder, sizeof holder - 1, 0);
    m_lock_file.reset();
    throw busy(text::for_terminal(std::string_view(holder, n > 0 ? n : 0)));
  }
  const auto old_mask = ::umask(077);
  m_database_file.reset(::open(file.c_str(), O_RDWR | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0600));
  const int open_error = errno;
  ::umask(old_mask);
  if (m_database_file.fd < 0) {
    throw FatalError("cannot open database " + shown(file) + ": " + std::strerror(open_error));
  }
  struct stat st {};
  if (::fstat(m_database_file.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    throw FatalError("cannot open database " + shown(file) + ": not a regular file");
  }
  if (!wait_for_flock(m_database_file.fd, LOCK_EX, deadline, shown(file))) {
    throw busy("through another name of the same file, such as a hard link");
  }
  // Written over the last holder, then cut to its length: truncating to 0
  // first freed the file's block for the write to take again (ext4: 0.2 ms
  // of each run's journal work).
  const auto holder = "pid " + std::to_string(::getpid());
  const auto n = ::pwrite(m_lock_file.fd, holder.data(), holder.size(), 0);
  if (n >= 0) {
    [[maybe_unused]] const auto cut = ::ftruncate(m_lock_file.fd, n);
  }
}

void
Connection::exec(const char* sql)
{
  char* error = nullptr;
  if (sqlite3_exec(m_db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string why = error ? error : sqlite3_errmsg(m_db);
    sqlite3_free(error);
    throw FatalError("database: " + why);
  }
}

void
Connection::query(const std::string& sql, const std::vector<Value>& bindings,
                   const std::function<void(const Row&)>& on_row)
{
  Statement statement(m_db, sql);
  for (std::size_t i = 0; i < bindings.size(); ++i) {
    statement.bind(static_cast<int>(i + 1), bindings[i]);
  }
  auto* stmt = statement.get();
  std::vector<std::string> columns;
  const int n = sqlite3_column_count(stmt);
  for (int i = 0; i < n; ++i) {
    columns.emplace_back(sqlite3_column_name(stmt, i));
  }
  while (statement.step()) {
    Row row{columns, {}};
    for (int i = 0; i < n; ++i) {
      switch (sqlite3_column_type(stmt, i)) {
      case SQLITE_NULL: row.values.emplace_back(); break;
      case SQLITE_INTEGER:
        row.values.emplace_back(std::int64_t{sqlite3_column_int64(stmt, i)});
        break;
      default: {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
        row.values.emplace_back(
          std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt, i))));
      }
      }
    }
    on_row(row);
  }
}

std::int64_t
Connection::last_insert_rowid()
{
  return sqlite3_last_insert_rowid(m_db);
}

int
Connection::changes()
{
  return sqlite3_changes(m_db);
}

} // namespace ccaudit::store
