#include "store/sqlite_store.hpp"

#include "core/digest.hpp"
#include "core/fatal_error.hpp"
#include "core/source_identity.hpp"
#include "core/text.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <set>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <sys/stat.h>

namespace ccaudit::store {

namespace {

constexpr int k_schema_version = 7;
constexpr std::size_t k_rows_per_batch = 50000;
constexpr auto k_batch_time = std::chrono::seconds(2);
constexpr std::size_t k_addresses_per_insert = 64;
constexpr std::size_t k_sources_per_insert = 64;
// Source rows wait in groups this large and are written in path order: in
// walk (readdir) order each row landed somewhere else in the path index,
// and writing a Maildir's rows took a quarter more instructions (2,048
// rows wait in about 400 KiB).
constexpr std::size_t k_sources_waiting = 2048;
// Once the listing is done, rows are written in small groups as they come:
// the last rows then wait for the last files only, not for a whole group
// written after the workers have stopped (12,000 files left 1,760 rows,
// about 5 ms on one core, at the end of every such scan).
constexpr std::size_t k_sources_after_listing = 64;

// Raw facts only; groupings (incidents, campaigns) are queries in reports/.
constexpr const char* k_schema = R"sql(
CREATE TABLE IF NOT EXISTS scan (
  id               INTEGER PRIMARY KEY,
  started_at       TEXT NOT NULL,   -- UTC, ISO 8601
  finished_at      TEXT,            -- NULL while running or if it died
  status           TEXT NOT NULL,   -- running | complete | incomplete
  tool_version     TEXT NOT NULL,
  host             TEXT NOT NULL,
  arguments        TEXT NOT NULL,   -- JSON array: the command line
  threshold        INTEGER NOT NULL,
  internal_domains TEXT NOT NULL,   -- JSON array of A-label domains
  settings         TEXT NOT NULL DEFAULT '{}', -- JSON: all that decides what is flagged
  sources          INTEGER,         -- files looked at
  messages         INTEGER,
  findings         INTEGER,
  problems         INTEGER,
  not_scanned      INTEGER          -- inputs or messages NOT scanned
);
CREATE TABLE IF NOT EXISTS source (   -- one row per file ever read: the
  id             INTEGER PRIMARY KEY, -- state an incremental scan starts from
  path           TEXT NOT NULL UNIQUE,
  dir            TEXT NOT NULL DEFAULT '', -- its folder
  kind           TEXT NOT NULL,     -- mbox | message | not-mail | unreadable | ...
  size           INTEGER,
  mtime          INTEGER,           -- seconds
  mtime_ns       INTEGER,
  inode          INTEGER,
  messages       INTEGER NOT NULL,
  complete       INTEGER NOT NULL,  -- 1: read with nothing left unscanned
  resume_offset  INTEGER NOT NULL DEFAULT 0, -- mbox: where a grown file resumes
  resume_index   INTEGER NOT NULL DEFAULT 0,
  prefix_hash    TEXT NOT NULL DEFAULT '',   -- fingerprint of [0, resume_offset)
  settings       TEXT NOT NULL DEFAULT '',   -- scan.settings it was read with:
                                    -- other settings read it again
  first_scan     INTEGER NOT NULL,  -- first scan that read it
  last_scan      INTEGER NOT NULL,  -- last scan that read it or found it unchanged
  gone_scan      INTEGER            -- scan that found it missing; NULL: present
);
CREATE TABLE IF NOT EXISTS directory ( -- every folder walked; for Maildir
                                       -- cur/ and new/ also their listing state
  path           TEXT PRIMARY KEY,
  mtime_ns       INTEGER NOT NULL,
  inode          INTEGER NOT NULL,
  scan_id        INTEGER NOT NULL,  -- last scan that listed or skipped it
  unchanged_scan INTEGER,           -- last scan that skipped it as unchanged
  settings       TEXT NOT NULL DEFAULT '',
  subdirectories INTEGER NOT NULL DEFAULT 1 -- it held folders when listed
);
CREATE TABLE IF NOT EXISTS acceptance ( -- findings a reviewer accepted
  fingerprint TEXT PRIMARY KEY,
  accepted_at TEXT NOT NULL,
  note        TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS finding (
  id             INTEGER PRIMARY KEY,
  scan_id        INTEGER NOT NULL REFERENCES scan(id),
  kind           TEXT NOT NULL,     -- visible-recipients
  path           TEXT NOT NULL,
  offset         INTEGER NOT NULL,  -- of the mbox "From " line; 0 for a file
  mbox_index     INTEGER,           -- 0-based; NULL for a one-message file
  message_id     TEXT NOT NULL,
  date           TEXT NOT NULL,
  from_address   TEXT NOT NULL,
  from_name      TEXT NOT NULL,
  subject        TEXT NOT NULL,     -- RFC 2047 decoded
  visible_count  INTEGER NOT NULL,  -- distinct visible addresses
  external_count INTEGER NOT NULL,  -- of those, exposed (not internal)
  domain_count   INTEGER NOT NULL,  -- distinct domains of the exposed ones
  sent_at        TEXT,              -- Date in UTC, ISO 8601; NULL if unreadable
  subject_key    TEXT NOT NULL DEFAULT '', -- subject without Re:/Fwd:, folded
  recipient_hash TEXT NOT NULL DEFAULT '', -- SHA-256 of the sorted addresses
  incident_key   TEXT NOT NULL DEFAULT '', -- mid:<Message-ID> or sha256:...
  incident_id    TEXT NOT NULL DEFAULT '', -- I-<12 hex of the key's SHA-256>
  source_id      INTEGER REFERENCES source(id),
  fingerprint    TEXT NOT NULL DEFAULT '', -- SHA-256 of kind, incident key, recipients
  status         TEXT NOT NULL DEFAULT 'new', -- when recorded: new | seen | accepted
  retired_scan   INTEGER,           -- scan that read its source again from the
                                    -- start, or found a Maildir message it was
                                    -- read from renamed: no longer current;
                                    -- NULL: current
  suppressed     TEXT NOT NULL DEFAULT '', -- list or bulk mail: why ("List-Id: ...")
  part_path      TEXT NOT NULL DEFAULT '', -- --content: MIME part, e.g. "2.1";
  part_filename  TEXT NOT NULL DEFAULT '', -- its file name and media type;
  part_type      TEXT NOT NULL DEFAULT '', -- "" for a finding on the header
  address_first  INTEGER NOT NULL DEFAULT 0, -- its addresses: finding_address_row
  address_count  INTEGER NOT NULL DEFAULT 0  -- ids address_first, address_first + 1, ...
);
-- A finding's addresses are read through the view finding_address below.
-- This table holds them in fewer columns, one finding's after another, in
-- their order (a wide finding writes thousands: each row is appended, with
-- no key to look up).
CREATE TABLE IF NOT EXISTS finding_address_row (
  id           INTEGER PRIMARY KEY, -- finding.address_first + position
  address      TEXT NOT NULL,       -- normalised
  display_name TEXT NOT NULL,       -- decoded
  field        TEXT NOT NULL,       -- to | cc | resent-to | resent-cc | ...
  flags        INTEGER NOT NULL     -- 1: internal; 2: names a person; flags >> 2:
                                    -- characters before its domain
);
CREATE VIEW IF NOT EXISTS finding_address AS
SELECT f.id AS finding_id,
       r.id - f.address_first AS position,          -- order of first appearance
       r.address,
       r.display_name,
       r.field,                                      -- to | cc | resent-to | resent-cc
       r.flags & 1 AS internal,                      -- 1: in an --internal-domain
       substr(r.address, (r.flags >> 2) + 1) AS domain, -- of the address, A-labels
       (r.flags >> 1) & 1 AS personal_name           -- 1: names a person
FROM finding AS f
-- CROSS JOIN keeps f outside: r is read by each finding's id range (with a
-- plain join SQLite may scan all of r for each finding).
CROSS JOIN finding_address_row AS r
  ON r.id >= f.address_first AND r.id < f.address_first + f.address_count;
CREATE TABLE IF NOT EXISTS finding_reference (
  finding_id INTEGER NOT NULL REFERENCES finding(id),
  position   INTEGER NOT NULL,      -- In-Reply-To ids first, then References
  message_id TEXT NOT NULL,
  PRIMARY KEY (finding_id, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS problem (
  id         INTEGER PRIMARY KEY,
  scan_id    INTEGER NOT NULL REFERENCES scan(id),
  path       TEXT NOT NULL,
  offset     INTEGER NOT NULL,      -- of the message; 0 for a file
  mbox_index INTEGER,
  kind       TEXT NOT NULL,         -- see README, "Problem kinds"
  detail     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS finding_scan ON finding(scan_id);
CREATE INDEX IF NOT EXISTS problem_scan ON problem(scan_id, kind);
CREATE UNIQUE INDEX IF NOT EXISTS finding_copy ON finding(source_id, offset, kind, part_path)
  WHERE retired_scan IS NULL;
CREATE INDEX IF NOT EXISTS finding_fingerprint ON finding(fingerprint);
CREATE INDEX IF NOT EXISTS finding_reference_id ON finding_reference(message_id);
CREATE INDEX IF NOT EXISTS finding_incident ON finding(incident_id);
)sql";

// From schema 2 (before incremental scans): one source row per path (the
// newest), marked incomplete so the next scan reads everything once;
// findings linked to it, and of each copy recorded by several scans only
// the newest stays current.
constexpr const char* k_upgrade_from_2 = R"sql(
ALTER TABLE scan ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE source RENAME TO source_v2;
CREATE TABLE source (
  id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, dir TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL, size INTEGER,
  mtime INTEGER, mtime_ns INTEGER, inode INTEGER, messages INTEGER NOT NULL,
  complete INTEGER NOT NULL, resume_offset INTEGER NOT NULL DEFAULT 0,
  resume_index INTEGER NOT NULL DEFAULT 0, prefix_hash TEXT NOT NULL DEFAULT '',
  settings TEXT NOT NULL DEFAULT '',
  first_scan INTEGER NOT NULL, last_scan INTEGER NOT NULL, gone_scan INTEGER);
INSERT INTO source (path, dir, kind, size, mtime, mtime_ns, inode, messages,
                    complete, first_scan, last_scan)
SELECT s.path, rtrim(rtrim(s.path, replace(s.path, '/', '')), '/'), s.kind, s.size, s.mtime, s.mtime * 1000000000, s.inode, s.messages, 0,
       (SELECT min(scan_id) FROM source_v2 WHERE path = s.path), s.scan_id
FROM source_v2 AS s
WHERE s.id = (SELECT max(id) FROM source_v2 WHERE path = s.path);
DROP TABLE source_v2;
ALTER TABLE finding ADD COLUMN source_id INTEGER REFERENCES source(id);
ALTER TABLE finding ADD COLUMN fingerprint TEXT NOT NULL DEFAULT '';
ALTER TABLE finding ADD COLUMN status TEXT NOT NULL DEFAULT 'new';
ALTER TABLE finding ADD COLUMN retired_scan INTEGER;
ALTER TABLE finding ADD COLUMN suppressed TEXT NOT NULL DEFAULT '';
UPDATE finding SET source_id = (SELECT id FROM source WHERE source.path = finding.path);
UPDATE finding SET retired_scan = (
  SELECT min(f2.scan_id) FROM finding AS f2
  WHERE f2.path = finding.path AND f2.offset = finding.offset
    AND f2.kind = finding.kind AND f2.id > finding.id);
)sql";

// From schema 3 (before --content): where in the message a finding is; a
// message may now hold several findings of one kind, one per part.
constexpr const char* k_upgrade_from_3 = R"sql(
ALTER TABLE finding ADD COLUMN part_path TEXT NOT NULL DEFAULT '';
ALTER TABLE finding ADD COLUMN part_filename TEXT NOT NULL DEFAULT '';
ALTER TABLE finding ADD COLUMN part_type TEXT NOT NULL DEFAULT '';
DROP INDEX IF EXISTS finding_copy;
)sql";

// From schema 4: the files of a folder are found by a range of the path
// index (dir/ to dir0), not by an index of their own, which cost a Maildir
// scan a fifth of its writing.
constexpr const char* k_upgrade_from_4 = R"sql(
DROP INDEX IF EXISTS source_dir;
)sql";

// From schema 5: a finding's addresses move to finding_address_row (the
// domain and the two flags in one integer: writing a wide finding's rows is
// a fifth of a Maildir scan's instructions, and six columns take 12% fewer
// than eight), read through the view finding_address, which has the
// table's old columns. Each stored domain stays what it was: it is always
// the end of its address (else it would read back empty).
constexpr const char* k_upgrade_from_5 = R"sql(
CREATE TABLE finding_address_row (
  finding_id INTEGER NOT NULL REFERENCES finding(id), position INTEGER NOT NULL,
  address TEXT NOT NULL, display_name TEXT NOT NULL, field TEXT NOT NULL,
  flags INTEGER NOT NULL, PRIMARY KEY (finding_id, position)) WITHOUT ROWID;
INSERT INTO finding_address_row
SELECT finding_id, position, address, display_name, field,
       (internal <> 0) | ((personal_name <> 0) << 1)
         | (CASE WHEN substr(address, length(address) - length(domain) + 1) = domain
                 THEN length(address) - length(domain) ELSE length(address) END << 2)
FROM finding_address;
DROP TABLE finding_address;
)sql";

// From schema 6: a finding's addresses become consecutive rows of a rowid
// table, found from the finding's address_first and address_count; a
// row no longer holds its finding and position, and is appended without a
// key lookup (the rows of a wide finding cost a third less to write).
// Rows keep their order: by finding, then position.
constexpr const char* k_upgrade_from_6 = R"sql(
DROP VIEW IF EXISTS finding_address;
ALTER TABLE finding ADD COLUMN address_first INTEGER NOT NULL DEFAULT 0;
ALTER TABLE finding ADD COLUMN address_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE finding_address_row RENAME TO finding_address_row_6;
CREATE TABLE finding_address_row (
  id INTEGER PRIMARY KEY, address TEXT NOT NULL, display_name TEXT NOT NULL,
  field TEXT NOT NULL, flags INTEGER NOT NULL);
INSERT INTO finding_address_row(address, display_name, field, flags)
SELECT address, display_name, field, flags FROM finding_address_row_6
ORDER BY finding_id, position;
WITH counted AS (
  SELECT finding_id, count(*) AS n FROM finding_address_row_6 GROUP BY finding_id),
placed AS (
  SELECT finding_id, n,
         1 + coalesce(sum(n) OVER (ORDER BY finding_id ROWS BETWEEN UNBOUNDED PRECEDING
                                                         AND 1 PRECEDING), 0) AS first
  FROM counted)
UPDATE finding SET address_first = placed.first, address_count = placed.n
FROM placed WHERE placed.finding_id = finding.id;
DROP TABLE finding_address_row_6;
)sql";

// From schema 1 (ccaudit before incident review): the columns it lacks.
// Old findings get no incident identity; the reports treat each as its own
// incident and say that a new scan gives them one.
constexpr const char* k_upgrade_from_1 = R"sql(
ALTER TABLE finding ADD COLUMN sent_at TEXT;
ALTER TABLE finding ADD COLUMN subject_key TEXT NOT NULL DEFAULT '';
ALTER TABLE finding ADD COLUMN recipient_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE finding ADD COLUMN incident_key TEXT NOT NULL DEFAULT '';
ALTER TABLE finding ADD COLUMN incident_id TEXT NOT NULL DEFAULT '';
ALTER TABLE finding_address ADD COLUMN domain TEXT NOT NULL DEFAULT '';
ALTER TABLE finding_address ADD COLUMN personal_name INTEGER NOT NULL DEFAULT 0;
UPDATE finding_address SET domain = substr(address, instr(address, '@') + 1);
)sql";

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

// A database a newer ccaudit wrote: this one must not read or change it.
std::string
newer_schema(const std::filesystem::path& file, int version)
{
  return file.string() + " was written by a newer ccaudit (schema " + std::to_string(version)
         + "; this one knows schemas up to " + std::to_string(k_schema_version)
         + "): use that ccaudit, or pass another --db";
}

} // namespace

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

class SqliteStore::Statement
{
public:
  Statement(sqlite3* db, const std::string& sql) : m_db(db)
  {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &m_stmt, nullptr) != SQLITE_OK) {
      throw FatalError(std::string("database: ") + sqlite3_errmsg(db));
    }
  }
  ~Statement() { sqlite3_finalize(m_stmt); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, const Value& v)
  {
    if (const auto* n = std::get_if<std::int64_t>(&v)) {
      return bind(i, *n);
    }
    if (const auto* s = std::get_if<std::string>(&v)) {
      // A Value is often a temporary: SQLite copies its text.
      check(sqlite3_bind_text(m_stmt, i, s->data(), static_cast<int>(s->size()),
                              SQLITE_TRANSIENT));
      return *this;
    }
    check(sqlite3_bind_null(m_stmt, i));
    return *this;
  }
  Statement& bind(int i, std::int64_t n)
  {
    check(sqlite3_bind_int64(m_stmt, i, n));
    return *this;
  }
  Statement& bind(int i, std::uint64_t n) { return bind(i, static_cast<std::int64_t>(n)); }
  // The text must live until run() or step(): SQLite does not copy it.
  Statement& bind(int i, std::string_view s)
  {
    // An empty view may have no data: still text, never NULL.
    check(sqlite3_bind_text(m_stmt, i, s.data() ? s.data() : "", static_cast<int>(s.size()),
                            SQLITE_STATIC));
    return *this;
  }
  Statement& bind(int i, const std::string& s) { return bind(i, std::string_view(s)); }

  // Runs a statement that returns no rows.
  void run()
  {
    const int rc = sqlite3_step(m_stmt);
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
    if (rc != SQLITE_DONE) {
      check(rc);
    }
  }

  // Ends a query early (or after its last row) so the statement can run again.
  void reset()
  {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
  }

  // Steps once; false when there are no more rows.
  bool step()
  {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) {
      return true;
    }
    if (rc != SQLITE_DONE) {
      check(rc);
    }
    return false;
  }

  sqlite3_stmt* get() { return m_stmt; }

private:
  void check(int rc)
  {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
      throw FatalError(std::string("database: ") + sqlite3_errmsg(m_db));
    }
  }

  sqlite3* m_db;
  sqlite3_stmt* m_stmt = nullptr;
};

std::string
Row::text(std::size_t i) const
{
  if (const auto* n = std::get_if<std::int64_t>(&values[i])) {
    return std::to_string(*n);
  }
  if (const auto* s = std::get_if<std::string>(&values[i])) {
    return *s;
  }
  return {};
}

std::int64_t
Row::integer(std::size_t i) const
{
  if (const auto* n = std::get_if<std::int64_t>(&values[i])) {
    return *n;
  }
  return 0;
}

SqliteStore::SqliteStore(const std::filesystem::path& file, OpenMode mode,
                         std::chrono::seconds lock_wait)
  : m_sources_group(k_sources_waiting)
{
  if (mode == OpenMode::read_only) {
    open_for_reading(file);
  } else {
    lock(file, lock_wait);
    m_db = open_connection(file.string(),
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           k_writer_busy_ms);
  }
  try {
    if (mode == OpenMode::read_only) {
      check_readable_schema(file);
    } else {
      create_schema();
    }
  } catch (...) {
    m_insert_source.reset();
    sqlite3_close_v2(m_db); // closes once the statements are finalized
    m_db = nullptr;
    throw;
  }
}

// Readers and a first scan. A new database has no WAL until its first scan
// ends: until then a reader's query holds a shared lock that the scan's
// every commit must wait for (a long query stopped the scan with "database
// is locked"), and SQLite can take the scan's live journal for a dead
// one's. A scan holds the database file's flock while it runs; a reader
// that finds it held on a database without a WAL is turned away, and
// only holds the database up when it has to (see open_immutable()).
void
SqliteStore::open_for_reading(const std::filesystem::path& file)
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
SqliteStore::roll_back_killed_scan(const std::filesystem::path& file)
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
SqliteStore::open_immutable(const std::filesystem::path& file)
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
SqliteStore::check_readable_schema(const std::filesystem::path& file)
{
  int version = 0;
  query("PRAGMA user_version", {},
        [&](const Row& row) { version = static_cast<int>(row.integer(0)); });
  if (version >= 1 && version < k_schema_version) {
    throw FatalError(shown(file) + " was written by an older ccaudit "
                     "(schema " + std::to_string(version)
                     + "): run 'ccaudit scan' with it once to upgrade it");
  }
  if (version > k_schema_version) {
    throw FatalError(newer_schema(file, version));
  }
  if (version != k_schema_version) {
    bool has_tables = false;
    query("SELECT 1 FROM sqlite_schema LIMIT 1", {}, [&](const Row&) { has_tables = true; });
    if (!has_tables) {
      // A first scan that has only just created the file.
      throw FatalError("the database holds no scan yet");
    }
    throw FatalError(shown(file) + " is not a ccaudit database (schema "
                     + std::to_string(version) + ", expected "
                     + std::to_string(k_schema_version) + ")");
  }
}

void
SqliteStore::Descriptor::reset(int new_fd)
{
  if (fd >= 0) {
    ::close(fd); // releases its flock
  }
  fd = new_fd;
}

SqliteStore::~SqliteStore()
{
  try {
    if (!m_sources.empty() && m_in_transaction) {
      flush_sources(); // a scan cut short keeps what it read
    }
  } catch (const std::exception&) {
    // the database is failing: what was committed stays
  }
  if (m_in_transaction) {
    sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr);
  }
  m_insert_source.reset();
  m_insert_finding.reset();
  m_insert_reference.reset();
  m_insert_address.reset();
  m_insert_addresses.reset();
  m_insert_sources.reset();
  m_insert_problem.reset();
  // Closes once the statements still prepared are finalized, as the
  // members are destroyed; the locks go after that (see m_lock_file).
  sqlite3_close_v2(m_db);
}

// The writer's lock: FILE.lock (which says who holds it), then the database
// file itself. Holding both, waiting at most `wait` in all: the path lock
// names the holder; the file lock makes two names of one file (hard links,
// which SQLite would give two -wal files) one lock. A new database file is
// created here, empty, readable by its owner only.
void
SqliteStore::lock(const std::filesystem::path& file, std::chrono::seconds wait)
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
  const auto holder = "pid " + std::to_string(::getpid());
  if (::ftruncate(m_lock_file.fd, 0) == 0) {
    [[maybe_unused]] const auto n = ::pwrite(m_lock_file.fd, holder.data(), holder.size(), 0);
  }
}

void
SqliteStore::exec(const char* sql)
{
  char* error = nullptr;
  if (sqlite3_exec(m_db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string why = error ? error : sqlite3_errmsg(m_db);
    sqlite3_free(error);
    throw FatalError("database: " + why);
  }
}

void
SqliteStore::create_schema()
{
  int version = 0;
  query("PRAGMA user_version", {}, [&](const Row& row) {
    version = static_cast<int>(row.integer(0));
  });
  bool has_tables = false;
  query("SELECT 1 FROM sqlite_schema LIMIT 1", {},
        [&](const Row&) { has_tables = true; });
  if (has_tables && version > k_schema_version) {
    throw FatalError(newer_schema(sqlite3_db_filename(m_db, "main"), version));
  }
  if (has_tables && version < 1) {
    throw FatalError("the database file is not a ccaudit database (schema "
                     + std::to_string(version) + "); pass another --db");
  }
  // A new database has no reader whose snapshot a WAL would keep: its first
  // scan writes each page once, beside a rollback journal, instead of to
  // the WAL and again at the closing checkpoint (that copy and its syncs
  // were a seventh of a first Maildir scan's time). finish_scan() turns the
  // WAL on for the scans and reports that follow.
  m_new_database = !has_tables;
  exec(m_new_database ? "PRAGMA journal_mode=DELETE" : "PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=NORMAL");
  // Checkpoints sync the disk (tens of ms on a VM): few, large ones. The
  // WAL keeps every commit safe from a crash of the scan itself.
  exec("PRAGMA wal_autocheckpoint=16384");
  // Statement journals (a multi-row upsert keeps one) and temporary
  // b-trees stay in memory instead of temporary files written page by page.
  exec("PRAGMA temp_store=MEMORY");
  // The REFERENCES clauses document the model and let other tools check it
  // (PRAGMA foreign_key_check, which the tests run after scans); they are not
  // enforced on insert: a finding's rows are written by this class right
  // after it, and the check per address row was a fifth of a wide
  // finding's cost.
  exec("PRAGMA foreign_keys=OFF");
  if (has_tables && version == k_schema_version) {
    prepare_statements();
    return; // nothing to create or upgrade
  }
  // Creating the tables of a new file protects nothing yet: no sync (the
  // next commit's sync writes these pages too). Upgrades do sync.
  if (m_new_database) {
    exec("PRAGMA synchronous=OFF");
  }
  exec("BEGIN IMMEDIATE");
  if (has_tables && version == 1) {
    exec(k_upgrade_from_1);
  }
  if (has_tables && version <= 2) {
    exec(k_upgrade_from_2);
  }
  if (has_tables && version <= 3) {
    exec(k_upgrade_from_3);
  }
  if (has_tables && version <= 4) {
    exec(k_upgrade_from_4);
  }
  if (has_tables && version <= 5) {
    exec(k_upgrade_from_5);
  }
  if (has_tables && version <= 6) {
    exec(k_upgrade_from_6);
  }
  exec(k_schema);
  if (has_tables && version <= 2) {
    fingerprint_old_findings();
  }
  exec(("PRAGMA user_version=" + std::to_string(k_schema_version)).c_str());
  exec("COMMIT");
  exec("PRAGMA synchronous=NORMAL");
  prepare_statements();
}

void
SqliteStore::prepare_statements()
{
  // One row per path: a later scan updates it (upsert).
  constexpr const char* k_source_columns =
    "INSERT INTO source(path, dir, kind, size, "
    "mtime, mtime_ns, inode, messages, complete, resume_offset, resume_index, "
    "prefix_hash, settings, first_scan, last_scan, gone_scan) VALUES ";
  constexpr const char* k_source_row = "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,NULL)";
  constexpr const char* k_source_upsert =
    " ON CONFLICT(path) DO UPDATE SET dir=excluded.dir, kind=excluded.kind, size=excluded.size, mtime=excluded.mtime, "
    "mtime_ns=excluded.mtime_ns, inode=excluded.inode, messages=excluded.messages, "
    "complete=excluded.complete, resume_offset=excluded.resume_offset, "
    "resume_index=excluded.resume_index, prefix_hash=excluded.prefix_hash, "
    "settings=excluded.settings, last_scan=excluded.last_scan, gone_scan=NULL";
  m_insert_source = std::make_unique<Statement>(
    m_db, std::string(k_source_columns) + k_source_row + k_source_upsert);
  std::string sources = std::string(k_source_columns) + k_source_row;
  for (std::size_t i = 1; i < k_sources_per_insert; ++i) {
    sources += std::string(",") + k_source_row;
  }
  // The multi-row statements are prepared when first used: parsing them is
  // most of what a rescan that finds nothing changed spends in SQLite.
  m_insert_sources_sql = sources + k_source_upsert;
  m_placeholder_source = std::make_unique<Statement>(
    m_db, "INSERT INTO source(path, dir, kind, messages, complete, first_scan, last_scan) "
          "VALUES (?, ?, 'reading', 0, 0, ?, ?) ON CONFLICT(path) DO NOTHING");
  m_source_id = std::make_unique<Statement>(m_db, "SELECT id FROM source WHERE path = ?");
  constexpr const char* k_known =
    "SELECT id, path, kind, size, mtime, mtime_ns, inode, messages, complete, "
    "resume_offset, resume_index, prefix_hash, settings, gone_scan, "
    // Findings of it that a scan recorded and did not complete: they may
    // never have reached anyone (exit 3, 4, 130, 143).
    "EXISTS (SELECT 1 FROM finding f JOIN scan s ON s.id = f.scan_id "
    "WHERE f.source_id = source.id AND f.retired_scan IS NULL AND s.status <> 'complete') "
    "FROM source ";
  // Only what earlier scans recorded (last_scan < this scan).
  m_known_by_path = std::make_unique<Statement>(
    m_db, std::string(k_known) + "WHERE path = ?1 AND last_scan < ?2");
  // A Maildir message by the unique part of its name, whatever its flags:
  // "unique" or "unique:2,..." (':' is followed by ';' in byte order).
  m_known_by_name = std::make_unique<Statement>(
    m_db, std::string(k_known) + "WHERE (path = ?1 OR (path > ?1 || ':' AND path < ?1 || ';')) "
                                 "AND last_scan < ?2 ORDER BY gone_scan IS NOT NULL LIMIT 1");

  // The files directly in folder ?1 within one range of the path index
  // (see direct_ranges()).
  m_known_in_dir = std::make_unique<Statement>(
    m_db, std::string(k_known)
            + "WHERE path >= ?4 AND path < ?5 AND dir = ?1 AND last_scan < ?2 LIMIT ?3");
  m_folders_below = std::make_unique<Statement>(
    m_db, "SELECT path FROM directory WHERE path > ?1 AND path < ?2");
  m_mark_gone = std::make_unique<Statement>(
    m_db, "UPDATE source SET gone_scan = ?1 WHERE path >= ?3 AND path < ?4 AND dir = ?2 "
          "AND gone_scan IS NULL AND last_scan < ?1");
  m_known_directory = std::make_unique<Statement>(
    m_db, "SELECT mtime_ns, inode, subdirectories FROM directory WHERE path = ? AND settings = ?");
  m_source_seen = std::make_unique<Statement>(
    m_db, "UPDATE OR IGNORE source SET last_scan = ?, gone_scan = NULL, path = ?, dir = ? "
          "WHERE id = ?");
  m_move_findings = std::make_unique<Statement>(
    m_db, "UPDATE finding SET path = ? WHERE source_id = ? AND path <> ?");
  m_retire = std::make_unique<Statement>(
    m_db, "UPDATE finding SET retired_scan = ? WHERE retired_scan IS NULL AND source_id = "
          "(SELECT id FROM source WHERE path = ?) AND offset >= ?");
  m_record_directory = std::make_unique<Statement>(
    m_db, "INSERT INTO directory(path, mtime_ns, inode, scan_id, unchanged_scan, settings, "
          "subdirectories) VALUES (?,?,?,?,?,?,?) ON CONFLICT(path) DO UPDATE SET "
          "mtime_ns=excluded.mtime_ns, inode=excluded.inode, scan_id=excluded.scan_id, "
          "settings=excluded.settings, subdirectories=excluded.subdirectories, "
          "unchanged_scan=coalesce(excluded.unchanged_scan, directory.unchanged_scan)");
  m_fingerprint_known = std::make_unique<Statement>(
    m_db, "SELECT (SELECT 1 FROM acceptance WHERE fingerprint = ?1), "
          // Seen: recorded by this scan, or by one that completed. A scan
          // that was interrupted, failed or could not read everything
          // delivered nothing for sure: its findings stay new.
          "(SELECT 1 FROM finding f JOIN scan s ON s.id = f.scan_id WHERE f.fingerprint = ?1 "
          "AND (s.id = ?2 OR s.status = 'complete') LIMIT 1)");
  m_insert_finding = std::make_unique<Statement>(
    m_db, "INSERT INTO finding(scan_id, kind, path, offset, mbox_index, "
          "message_id, date, from_address, from_name, subject, "
          "visible_count, external_count, domain_count, sent_at, subject_key, "
          "recipient_hash, incident_key, incident_id, source_id, fingerprint, status, "
          "suppressed, part_path, part_filename, part_type, address_count) "
          "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
          "ON CONFLICT DO NOTHING");
  m_insert_reference = std::make_unique<Statement>(
    m_db, "INSERT INTO finding_reference(finding_id, position, message_id) "
          "VALUES (?,?,?)");
  // The id is left to SQLite: one more than the largest, so a finding's
  // rows are consecutive; the finding learns where they start after them.
  constexpr const char* k_address_columns =
    "INSERT INTO finding_address_row(address, display_name, field, flags) VALUES ";
  m_insert_address = std::make_unique<Statement>(m_db, std::string(k_address_columns) + "(?,?,?,?)");
  std::string rows = k_address_columns;
  for (std::size_t i = 0; i < k_addresses_per_insert; ++i) {
    rows += i == 0 ? "(?,?,?,?)" : ",(?,?,?,?)";
  }
  m_insert_addresses_sql = rows;
  m_set_address_first =
    std::make_unique<Statement>(m_db, "UPDATE finding SET address_first = ? WHERE id = ?");
  m_insert_problem = std::make_unique<Statement>(
    m_db, "INSERT INTO problem(scan_id, path, offset, mbox_index, kind, "
          "detail) VALUES (?,?,?,?,?,?)");
}

std::int64_t
SqliteStore::begin_scan(const ScanStart& start)
{
  Statement insert(m_db, "INSERT INTO scan(started_at, status, tool_version, "
                         "host, arguments, threshold, internal_domains, settings) "
                         "VALUES (?, 'running', ?, ?, ?, ?, ?, ?)");
  insert.bind(1, utc_now())
    .bind(2, start.tool_version)
    .bind(3, start.host)
    .bind(4, start.arguments_json)
    .bind(5, start.threshold)
    .bind(6, start.internal_domains_json)
    .bind(7, start.settings_json.empty() ? std::string("{}") : start.settings_json)
    .run();
  m_scan_id = sqlite3_last_insert_rowid(m_db);
  m_had_sources = false;
  query("SELECT EXISTS (SELECT 1 FROM source)", {},
        [&](const Row& r) { m_had_sources = r.integer(0) != 0; });
  m_settings = start.settings_json.empty()
                 ? std::to_string(start.threshold) + " " + start.internal_domains_json
                 : start.settings_json;
  begin_write();
  m_in_transaction = true;
  m_batch_started = std::chrono::steady_clock::now();
  return m_scan_id;
}

// A write transaction that holds its write lock from its start. A deferred
// one (plain BEGIN) reads first and asks for the lock at its first write,
// and SQLite then answers "database is locked" at once, without waiting,
// when another connection has the lock (waiting could deadlock two
// connections that both read first): the scan would die instead of wait.
void
SqliteStore::begin_write()
{
  exec("BEGIN IMMEDIATE");
}

void
SqliteStore::commit_batch()
{
  if (m_in_transaction) {
    exec("COMMIT");
    m_in_transaction = false;
  }
  begin_write();
  m_in_transaction = true;
  m_rows_in_batch = 0;
  m_batch_started = std::chrono::steady_clock::now();
}

void
SqliteStore::wrote_row()
{
  if (++m_rows_in_batch >= k_rows_per_batch
      || std::chrono::steady_clock::now() - m_batch_started > k_batch_time) {
    commit_batch();
  }
}

void
SqliteStore::finish_scan(const ScanEnd& end)
{
  flush_sources();
  Statement update(m_db, "UPDATE scan SET finished_at=?, status=?, sources=?, "
                         "messages=?, findings=?, problems=?, not_scanned=? "
                         "WHERE id=?");
  update.bind(1, utc_now())
    .bind(2, end.status)
    .bind(3, end.sources)
    .bind(4, end.messages)
    .bind(5, end.findings)
    .bind(6, end.problems)
    .bind(7, end.not_scanned)
    .bind(8, Value{m_scan_id})
    .run();
  if (m_in_transaction) {
    exec("COMMIT");
    m_in_transaction = false;
  }
  if (m_new_database) {
    // Everything is committed. A reader can hold the switch off past the
    // busy timeout (it needs the only lock): the database then keeps its
    // rollback journal until the next scan opens it, which switches it.
    sqlite3_exec(m_db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
    m_new_database = false;
  }
}

void
SqliteStore::record_source(const SourceInfo& source)
{
  // A Maildir has one source per message: rows go in groups.
  m_sources.emplace_back(source);
  if (m_sources.size() >= m_sources_group) {
    flush_sources();
  }
}

void
SqliteStore::listing_done()
{
  flush_sources();
  m_sources_group = k_sources_after_listing;
}

void
SqliteStore::flush_sources()
{
  const auto bind_row = [&](Statement& statement, int column, const PendingSource& source) {
    statement.bind(column, source.path)
      .bind(column + 1, folder_of(source.file))
      .bind(column + 2, source.kind)
      .bind(column + 3, source.size)
      .bind(column + 4, std::int64_t{source.mtime})
      .bind(column + 5, std::int64_t{source.mtime_ns})
      .bind(column + 6, source.inode)
      .bind(column + 7, source.messages)
      .bind(column + 8, std::int64_t{source.complete ? 1 : 0})
      .bind(column + 9, source.resume_offset)
      .bind(column + 10, source.resume_index)
      .bind(column + 11, source.prefix_hash)
      .bind(column + 12, m_settings)
      .bind(column + 13, m_scan_id)
      .bind(column + 14, m_scan_id);
  };
  constexpr int k_columns = 15;
  // Sorted by reference (the rows are large to move). Stable: of two rows
  // for one path, the later still wins.
  std::vector<const PendingSource*> order;
  order.reserve(m_sources.size());
  for (const auto& source : m_sources) {
    order.push_back(&source);
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const PendingSource* a, const PendingSource* b) { return a->path < b->path; });
  std::size_t done = 0;
  for (; order.size() - done >= k_sources_per_insert; done += k_sources_per_insert) {
    auto& insert = prepared(m_insert_sources, m_insert_sources_sql);
    for (std::size_t i = 0; i < k_sources_per_insert; ++i) {
      bind_row(insert, static_cast<int>(i * k_columns + 1), *order[done + i]);
    }
    insert.run();
  }
  for (; done < order.size(); ++done) {
    bind_row(*m_insert_source, 1, *order[done]);
    m_insert_source->run();
  }
  const auto rows = m_sources.size();
  m_sources.clear();
  for (std::size_t i = 0; i < rows; ++i) {
    wrote_row();
  }
}

std::int64_t
SqliteStore::source_id(const MessageLocator& where)
{
  const auto text = where.path_text();
  if (text == m_last_source_path) {
    return m_last_source_id;
  }
  // The file's own row comes after its messages: hold its place.
  m_placeholder_source->bind(1, text)
    .bind(2, folder_of(where.archive.native()))
    .bind(3, m_scan_id)
    .bind(4, m_scan_id)
    .run();
  m_source_id->bind(1, text);
  std::int64_t id = 0;
  if (m_source_id->step()) {
    id = sqlite3_column_int64(m_source_id->get(), 0);
  }
  m_source_id->reset();
  m_last_source_path = text;
  m_last_source_id = id;
  return id;
}

std::optional<KnownSource>
SqliteStore::known(Statement& query)
{
  std::optional<KnownSource> out;
  if (auto row = known_row(query)) {
    out = std::move(row);
  }
  query.reset();
  return out;
}

std::optional<std::vector<KnownSource>>
SqliteStore::sources_in(const std::filesystem::path& dir, std::size_t limit)
{
  std::vector<KnownSource> out;
  const auto add = [&](const std::string& folder) {
    for (const auto& [low, high] : direct_ranges(folder)) {
      m_known_in_dir->bind(1, folder)
        .bind(2, m_scan_id)
        .bind(3, static_cast<std::int64_t>(limit - out.size() + 1))
        .bind(4, low)
        .bind(5, high);
      while (auto row = known_row(*m_known_in_dir)) {
        out.push_back(std::move(*row));
      }
      m_known_in_dir->reset();
      if (out.size() > limit) {
        break;
      }
    }
  };
  const auto name = dir.filename();
  if (name == "cur" || name == "new") {
    // A Maildir message may have moved between new/ and cur/.
    add((dir.parent_path() / "cur").string());
    if (out.size() <= limit) {
      add((dir.parent_path() / "new").string());
    }
  } else {
    add(dir.string());
  }
  if (out.size() > limit) {
    return std::nullopt;
  }
  return out;
}

std::optional<KnownSource>
SqliteStore::known_row(Statement& query)
{
  std::optional<KnownSource> out;
  if (query.step()) {
    auto* st = query.get();
    const auto text = [&](int i) {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
      return std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(st, i)));
    };
    const auto number = [&](int i) { return sqlite3_column_int64(st, i); };
    KnownSource k;
    k.id = number(0);
    k.path = text(1);
    k.info.kind = text(2);
    k.info.size = static_cast<std::uint64_t>(number(3));
    k.info.mtime = number(4);
    k.info.mtime_ns = number(5);
    k.info.inode = static_cast<std::uint64_t>(number(6));
    k.info.messages = static_cast<std::uint64_t>(number(7));
    k.info.complete = number(8) != 0;
    k.info.resume_offset = static_cast<std::uint64_t>(number(9));
    k.info.resume_index = static_cast<std::uint64_t>(number(10));
    k.info.prefix_hash = text(11);
    // Read with another threshold or other internal domains: what it gave
    // then says nothing now, so it is read again (as if incomplete).
    // ... and one that was gone has come back: its content may be new.
    // ... and one whose findings were recorded by a scan that did not
    // complete is read again, so that they are new and reported again.
    k.info.complete = k.info.complete && text(12) == m_settings
                      && sqlite3_column_type(st, 13) == SQLITE_NULL && number(14) == 0;
    out = std::move(k);
  }
  return out;
}

std::optional<KnownSource>
SqliteStore::source(const std::filesystem::path& path)
{
  const auto text = path.string();
  m_known_by_path->bind(1, text).bind(2, m_scan_id);
  return known(*m_known_by_path);
}

std::optional<KnownSource>
SqliteStore::maildir_message(const std::filesystem::path& folder, const std::string& unique)
{
  for (const char* sub : {"cur", "new"}) {
    const auto prefix = (folder / sub / unique).string();
    m_known_by_name->bind(1, prefix).bind(2, m_scan_id);
    if (auto found = known(*m_known_by_name)) {
      return found;
    }
  }
  return std::nullopt;
}

std::optional<DirectoryState>
SqliteStore::directory(const std::filesystem::path& dir)
{
  const auto text = dir.string();
  m_known_directory->bind(1, text).bind(2, m_settings);
  std::optional<DirectoryState> out;
  if (m_known_directory->step()) {
    out = DirectoryState{sqlite3_column_int64(m_known_directory->get(), 0),
                         static_cast<std::uint64_t>(
                           sqlite3_column_int64(m_known_directory->get(), 1)),
                         sqlite3_column_int64(m_known_directory->get(), 2) != 0};
  }
  m_known_directory->reset();
  return out;
}

void
SqliteStore::source_unchanged(const KnownSource& known, const std::filesystem::path& path)
{
  const auto text = path.string();
  m_source_seen->bind(1, m_scan_id).bind(2, text).bind(3, folder_of(text)).bind(4, known.id).run();
  if (sqlite3_changes(m_db) == 0) {
    // Its new name is another row's already: that one is present.
    Statement present(m_db, "UPDATE source SET last_scan = ?, gone_scan = NULL WHERE path = ?");
    present.bind(1, m_scan_id).bind(2, text).run();
  } else if (text != known.path) {
    m_move_findings->bind(1, text).bind(2, known.id).bind(3, text).run();
  }
  if (known.info.kind == "archive" || known.info.kind == "compressed") {
    // Its members ("FILE!member") are unchanged too.
    auto& members = prepared(m_members_seen,
                             "UPDATE source SET last_scan = ?1, gone_scan = NULL "
                             "WHERE path > ?2 || '!' AND path < ?2 || '\"'");
    members.bind(1, m_scan_id).bind(2, text).run();
  }
  wrote_row();
}

void
SqliteStore::retire_findings(const std::filesystem::path& path, std::uint64_t from)
{
  const auto text = path.string();
  m_retire->bind(1, m_scan_id).bind(2, text).bind(3, from).run();
  if (from == 0) {
    // A zip or tar file read again: its members' findings too.
    auto& members = prepared(
      m_retire_members,
      "UPDATE finding SET retired_scan = ?1 WHERE retired_scan IS NULL AND source_id IN "
      "(SELECT id FROM source WHERE path > ?2 || '!' AND path < ?2 || '\"')");
    members.bind(1, m_scan_id).bind(2, text).run();
  }
  wrote_row();
}

void
SqliteStore::record_directory(const std::filesystem::path& dir, const DirectoryState& state,
                              bool unchanged)
{
  // A folder's state must never be committed before its files' rows: a scan
  // killed in between would skip the folder next time. (A visit without a
  // state skips nothing: no need to write the waiting rows one by one.)
  if (state.mtime_ns != 0) {
    flush_sources();
  }
  const auto text = dir.string();
  m_record_directory->bind(1, text)
    .bind(2, std::int64_t{state.mtime_ns})
    .bind(3, state.inode)
    .bind(4, m_scan_id)
    .bind(5, unchanged ? Value{m_scan_id} : Value{})
    .bind(6, m_settings)
    .bind(7, std::int64_t{state.subdirectories ? 1 : 0})
    .run();
  wrote_row();
}

void
SqliteStore::walk_finished(const std::vector<std::filesystem::path>& roots,
                           const std::vector<std::filesystem::path>& not_walked)
{
  flush_sources();
  // What the walk did not look into counts as unchanged: a folder (and the
  // folders below it) and a file.
  Statement keep_folders(m_db, "UPDATE directory SET unchanged_scan = ?1 WHERE path = ?2 "
                               "OR substr(path, 1, length(?2) + 1) = ?2 || '/'");
  Statement keep_file(m_db, "UPDATE source SET last_scan = ?1 WHERE path = ?2");
  for (const auto& p : not_walked) {
    const auto text = p.string();
    keep_folders.bind(1, m_scan_id).bind(2, text).run();
    keep_file.bind(1, m_scan_id).bind(2, text).run();
  }
  if (!m_had_sources) {
    return; // a first scan: nothing known can be gone
  }
  // Files can only have gone from folders listed by this scan (not those
  // skipped as unchanged) or from folders it did not reach at all.
  std::vector<std::string> folders;
  for (const auto& root : roots) {
    auto text = root.string();
    while (text.size() > 1 && text.back() == '/') {
      text.pop_back();
    }
    query("SELECT path FROM directory WHERE (path = ?2 OR substr(path, 1, length(?2) + 1) "
          "= ?2 || '/') AND unchanged_scan IS NOT ?1",
          {Value{m_scan_id}, Value{text}}, [&](const Row& r) { folders.push_back(r.text(0)); });
  }
  std::set<std::string> maildirs;
  for (const auto& folder : folders) {
    for (const auto& [low, high] : direct_ranges(folder)) {
      m_mark_gone->bind(1, m_scan_id).bind(2, folder).bind(3, low).bind(4, high).run();
    }
    const auto slash = folder.rfind('/');
    const auto name = std::string_view(folder).substr(slash == std::string::npos ? 0 : slash + 1);
    if (slash != std::string::npos && (name == "cur" || name == "new")) {
      maildirs.insert(folder.substr(0, slash));
    }
  }
  for (const auto& maildir : maildirs) {
    settle_renamed(maildir);
  }
}

// A Maildir message renamed while a scan listed its folders (new/ to cur/,
// or a change of flags) can be read under both names: the old name is gone
// next time, and a gone source keeps its findings (deleted mail was still
// sent). Here the message is not gone, it is under its new name: the old
// name's findings that the new name also holds are retired, leaving one copy
// as a clean scan gives. Only same-fingerprint findings of a present file
// with the same unique name are settled this way (two different messages
// sharing a unique name, a damaged Maildir, keep both).
void
SqliteStore::settle_renamed(const std::string& maildir)
{
  Statement gone(m_db, "SELECT id, path FROM source WHERE path >= ?2 AND path < ?3 AND dir = ?1 "
                       "AND gone_scan IS NOT NULL AND EXISTS (SELECT 1 FROM finding AS f "
                       "WHERE f.source_id = source.id AND f.retired_scan IS NULL)");
  std::vector<std::pair<std::int64_t, std::string>> old_names;
  for (const char* sub : {"/cur", "/new"}) {
    const auto folder = maildir + sub;
    for (const auto& [low, high] : direct_ranges(folder)) {
      gone.bind(1, folder).bind(2, low).bind(3, high);
      while (gone.step()) {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(gone.get(), 1));
        old_names.emplace_back(sqlite3_column_int64(gone.get(), 0), p ? p : "");
      }
      gone.reset();
    }
  }
  if (old_names.empty()) {
    return;
  }
  // "unique" or "unique:2,..." (':' is followed by ';' in byte order).
  Statement present(m_db, "SELECT id FROM source WHERE (path = ?1 OR (path > ?1 || ':' "
                          "AND path < ?1 || ';')) AND gone_scan IS NULL");
  Statement retire(m_db, "UPDATE finding SET retired_scan = ?1 WHERE source_id = ?2 "
                         "AND retired_scan IS NULL AND fingerprint IN (SELECT fingerprint "
                         "FROM finding WHERE source_id = ?3 AND retired_scan IS NULL)");
  for (const auto& [id, path] : old_names) {
    const auto identity = maildir_identity(path);
    if (!identity) {
      continue;
    }
    std::vector<std::int64_t> renamed;
    for (const char* sub : {"/cur/", "/new/"}) {
      const auto prefix = maildir + sub + std::string(identity->unique);
      present.bind(1, prefix);
      while (present.step()) {
        renamed.push_back(sqlite3_column_int64(present.get(), 0));
      }
      present.reset();
    }
    for (const auto new_id : renamed) {
      retire.bind(1, m_scan_id).bind(2, id).bind(3, new_id).run();
      wrote_row();
    }
  }
}

SqliteStore::Statement&
SqliteStore::prepared(std::unique_ptr<Statement>& slot, const std::string& sql)
{
  if (!slot) {
    slot = std::make_unique<Statement>(m_db, sql);
  }
  return *slot;
}

// The ranges of the path index that hold the files directly in `dir`: from
// "dir/" to "dir0" ('0' is the byte after '/'), less the range of each
// folder in it that a scan walked, so that a folder's files are found
// without reading those of the folders below it (a Maildir's root holds
// none of its own). Queries also ask for dir = `dir`: a folder missing from
// the directory table costs time, not a wrong answer.
std::vector<std::pair<std::string, std::string>>
SqliteStore::direct_ranges(const std::string& dir)
{
  const std::string base = dir == "/" ? "" : dir;
  std::vector<std::string> children; // "child/", the start of its range
  const auto first = base + "/", end = base + "0"; // bound without a copy
  m_folders_below->bind(1, first).bind(2, end);
  while (m_folders_below->step()) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_folders_below->get(), 0));
    const std::string_view path = p ? p : "";
    if (path.size() > base.size() + 1 && path.find('/', base.size() + 1) == std::string::npos) {
      children.push_back(std::string(path) + "/");
    }
  }
  m_folders_below->reset();
  // Ranges of sibling folders do not overlap; sorted by their start, they
  // leave the gaps that hold dir's own files ("a-b/" sorts before "a/").
  std::sort(children.begin(), children.end());
  std::vector<std::pair<std::string, std::string>> out;
  std::string low = first;
  for (auto& child : children) {
    out.emplace_back(low, child);
    low = std::move(child);
    low.back() = '0';
  }
  out.emplace_back(std::move(low), end);
  return out;
}

std::uint64_t
SqliteStore::open_findings()
{
  flush_sources();
  std::uint64_t n = 0;
  query("SELECT count(*) FROM finding AS f WHERE f.retired_scan IS NULL "
        "AND f.kind = 'visible-recipients' AND f.status <> 'accepted' AND f.suppressed = '' "
        "AND NOT EXISTS (SELECT 1 FROM acceptance AS a WHERE a.fingerprint = f.fingerprint)",
        {}, [&](const Row& r) { n = static_cast<std::uint64_t>(r.integer(0)); });
  return n;
}

std::size_t
SqliteStore::accept(const std::string& id, const std::string& note)
{
  Statement insert(m_db, "INSERT OR IGNORE INTO acceptance(fingerprint, accepted_at, note) "
                         "SELECT DISTINCT fingerprint, ?1, ?2 FROM finding "
                         "WHERE fingerprint <> '' AND (incident_id = ?3 OR fingerprint = ?3)");
  std::size_t matched = 0;
  query("SELECT count(DISTINCT fingerprint) FROM finding WHERE fingerprint <> '' "
        "AND (incident_id = ?1 OR fingerprint = ?1)",
        {Value{id}}, [&](const Row& r) { matched = static_cast<std::size_t>(r.integer(0)); });
  insert.bind(1, utc_now()).bind(2, note).bind(3, id).run();
  return matched;
}

void
SqliteStore::set_baseline(std::map<std::string, FindingStatus> baseline)
{
  m_baseline = std::move(baseline);
}

FindingStatus
SqliteStore::status_of(const std::string& fingerprint)
{
  if (fingerprint.empty()) {
    return FindingStatus::new_finding;
  }
  if (const auto it = m_baseline.find(fingerprint); it != m_baseline.end()) {
    return it->second;
  }
  bool accepted = false, seen = false;
  m_fingerprint_known->bind(1, fingerprint).bind(2, m_scan_id);
  if (m_fingerprint_known->step()) {
    accepted = sqlite3_column_type(m_fingerprint_known->get(), 0) != SQLITE_NULL;
    seen = sqlite3_column_type(m_fingerprint_known->get(), 1) != SQLITE_NULL;
  }
  m_fingerprint_known->reset();
  return accepted ? FindingStatus::accepted
                  : seen ? FindingStatus::seen : FindingStatus::new_finding;
}

void
SqliteStore::fingerprint_old_findings()
{
  struct Old
  {
    std::int64_t id;
    std::string kind, key, hash;
  };
  std::vector<Old> old;
  query("SELECT id, kind, incident_key, recipient_hash FROM finding "
        "WHERE fingerprint = '' AND incident_key <> ''",
        {}, [&](const Row& r) { old.push_back({r.integer(0), r.text(1), r.text(2), r.text(3)}); });
  Statement update(m_db, "UPDATE finding SET fingerprint = ? WHERE id = ?");
  for (const auto& f : old) { // inside the upgrade's transaction
    std::string fields = f.kind + "\n" + f.key + "\n" + f.hash;
    update.bind(1, digest::sha256_hex(fields)).bind(2, f.id).run();
  }
}

FindingStatus
SqliteStore::record_finding(const MessageLocator& where, const Finding& finding)
{
  const auto source = source_id(where);
  const auto status = status_of(finding.fingerprint);
  const auto& all = finding.addresses;
  const auto path = where.path_text();
  m_insert_finding->bind(1, Value{m_scan_id})
    .bind(2, finding.kind)
    .bind(3, path)
    .bind(4, where.byte_offset)
    .bind(5, where.in_mbox ? Value{static_cast<std::int64_t>(where.index)}
                           : Value{})
    .bind(6, finding.message_id)
    .bind(7, finding.date)
    .bind(8, finding.from_address)
    .bind(9, finding.from_name)
    .bind(10, finding.subject)
    .bind(11, std::uint64_t{finding.visible_count})
    .bind(12, std::uint64_t{finding.external_count})
    .bind(13, std::uint64_t{finding.domain_count})
    .bind(14, finding.sent_at ? Value{iso_utc(static_cast<std::time_t>(*finding.sent_at))}
                              : Value{})
    .bind(15, finding.subject_key)
    .bind(16, finding.recipient_hash)
    .bind(17, finding.incident_key)
    .bind(18, finding.incident_id)
    .bind(19, source)
    .bind(20, finding.fingerprint)
    .bind(21, std::string(to_string(status)))
    .bind(22, finding.suppressed)
    .bind(23, finding.part_path)
    .bind(24, finding.part_filename)
    .bind(25, finding.part_type)
    .bind(26, std::uint64_t{all.size()})
    .run();
  if (sqlite3_changes(m_db) == 0) {
    return FindingStatus::duplicate; // this copy is recorded already
  }
  const auto id = sqlite3_last_insert_rowid(m_db);
  for (std::size_t i = 0; i < finding.references.size(); ++i) {
    m_insert_reference->bind(1, static_cast<std::int64_t>(id))
      .bind(2, std::uint64_t{i})
      .bind(3, finding.references[i])
      .run();
  }
  // Wide messages hold thousands of addresses: many rows per statement.
  std::size_t done = 0;
  const auto bind_row = [&](Statement& statement, int column, std::size_t position) {
    const auto& a = all[position];
    // Where the domain starts, in characters (SQL's substr() counts them).
    const auto domain = text::domain_part(a.address);
    const auto before = std::string_view(a.address).substr(0, a.address.size() - domain.size());
    const auto characters = static_cast<std::int64_t>(
      std::count_if(before.begin(), before.end(),
                    [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
    statement.bind(column, a.address)
      .bind(column + 1, a.display_name)
      .bind(column + 2, a.field)
      .bind(column + 3, std::int64_t{(a.internal ? 1 : 0) | (a.personal_name ? 2 : 0)
                                     | (characters << 2)});
  };
  for (; all.size() - done >= k_addresses_per_insert; done += k_addresses_per_insert) {
    auto& insert = prepared(m_insert_addresses, m_insert_addresses_sql);
    for (std::size_t r = 0; r < k_addresses_per_insert; ++r) {
      bind_row(insert, static_cast<int>(1 + r * 4), done + r);
    }
    insert.run();
  }
  for (; done < all.size(); ++done) {
    bind_row(*m_insert_address, 1, done);
    m_insert_address->run();
  }
  if (!all.empty()) {
    // Consecutive ids (each one more than the largest): the last one tells
    // where the first went.
    const std::int64_t last = sqlite3_last_insert_rowid(m_db);
    m_set_address_first->bind(1, last - static_cast<std::int64_t>(all.size()) + 1)
      .bind(2, static_cast<std::int64_t>(id))
      .run();
  }
  wrote_row();
  return status;
}

void
SqliteStore::record_issue(const MessageLocator& where, const Issue& issue)
{
  m_insert_problem->bind(1, Value{m_scan_id})
    .bind(2, where.path_text())
    .bind(3, where.byte_offset)
    .bind(4, where.in_mbox ? Value{static_cast<std::int64_t>(where.index)}
                           : Value{})
    .bind(5, std::string(to_string(issue.kind)))
    .bind(6, issue.detail)
    .run();
  wrote_row();
}

void
SqliteStore::query(const std::string& sql, const std::vector<Value>& bindings,
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

void
SqliteStore::execute(const std::string& sql)
{
  exec(sql.c_str());
}

std::optional<std::int64_t>
SqliteStore::latest_scan()
{
  std::optional<std::int64_t> id;
  query("SELECT max(id) FROM scan", {}, [&](const Row& row) {
    if (!row.is_null(0)) {
      id = row.integer(0);
    }
  });
  return id;
}

} // namespace ccaudit::store
