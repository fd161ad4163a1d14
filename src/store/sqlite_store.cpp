#include "store/sqlite_store.hpp"

#include "core/fatal_error.hpp"

#include <sqlite3.h>

#include <ctime>
#include <sys/stat.h>

namespace ccaudit::store {

namespace {

constexpr int k_schema_version = 2;
constexpr std::size_t k_rows_per_batch = 50000;
constexpr auto k_batch_time = std::chrono::seconds(2);
constexpr std::size_t k_addresses_per_insert = 64;
constexpr std::size_t k_sources_per_insert = 64;

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
  sources          INTEGER,         -- files looked at
  messages         INTEGER,
  findings         INTEGER,
  problems         INTEGER,
  not_scanned      INTEGER          -- inputs or messages NOT scanned
);
CREATE TABLE IF NOT EXISTS source (
  id       INTEGER PRIMARY KEY,
  scan_id  INTEGER NOT NULL REFERENCES scan(id),
  path     TEXT NOT NULL,
  kind     TEXT NOT NULL,           -- mbox | message | not-mail | unreadable
  size     INTEGER,
  mtime    INTEGER,
  inode    INTEGER,
  messages INTEGER NOT NULL
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
  incident_id    TEXT NOT NULL DEFAULT ''  -- I-<12 hex of the key's SHA-256>
);
CREATE TABLE IF NOT EXISTS finding_address (
  finding_id   INTEGER NOT NULL REFERENCES finding(id),
  position     INTEGER NOT NULL,    -- order of first appearance
  address      TEXT NOT NULL,       -- normalised
  display_name TEXT NOT NULL,       -- decoded
  field        TEXT NOT NULL,       -- to | cc | resent-to | resent-cc
  internal     INTEGER NOT NULL,    -- 1: in an --internal-domain
  domain       TEXT NOT NULL DEFAULT '', -- of the address, A-labels
  personal_name INTEGER NOT NULL DEFAULT 0, -- 1: names a person
  PRIMARY KEY (finding_id, position)
) WITHOUT ROWID;
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
CREATE INDEX IF NOT EXISTS source_scan ON source(scan_id);
CREATE INDEX IF NOT EXISTS finding_reference_id ON finding_reference(message_id);
CREATE INDEX IF NOT EXISTS finding_incident ON finding(incident_id);
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

std::string_view
domain_of(std::string_view address)
{
  const auto at = address.rfind('@');
  return at == std::string_view::npos ? std::string_view{} : address.substr(at + 1);
}

} // namespace

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
      return bind(i, std::string_view(*s));
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
    check(sqlite3_bind_text(m_stmt, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC));
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

SqliteStore::SqliteStore(const std::filesystem::path& file, OpenMode mode)
{
  const bool read_only = mode == OpenMode::read_only;
  int flags = read_only ? SQLITE_OPEN_READONLY
                        : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  flags |= SQLITE_OPEN_NOMUTEX;
  std::error_code ec;
  if (read_only && !std::filesystem::exists(file, ec)) {
    throw FatalError("no database at " + file.string()
                     + " (run 'ccaudit scan' first, or pass --db)");
  }
  // The database holds addresses: create it (and its journal files, which
  // SQLite gives the same mode) readable by the owner only.
  const auto old_mask = ::umask(077);
  const int rc = sqlite3_open_v2(file.c_str(), &m_db, flags, nullptr);
  ::umask(old_mask);
  if (rc != SQLITE_OK) {
    const std::string why = m_db ? sqlite3_errmsg(m_db) : "out of memory";
    sqlite3_close(m_db);
    m_db = nullptr;
    throw FatalError("cannot open database " + file.string() + ": " + why);
  }
  sqlite3_busy_timeout(m_db, 10000);
  try {
    if (!read_only) {
      create_schema();
    } else {
      int version = 0;
      query("PRAGMA user_version", {}, [&](const Row& row) {
        version = static_cast<int>(row.integer(0));
      });
      if (version == 1) {
        throw FatalError(file.string() + " was written by an older ccaudit "
                         "(schema 1): run 'ccaudit scan' with it once to "
                         "upgrade it");
      }
      if (version != k_schema_version) {
        throw FatalError(file.string() + " is not a ccaudit database (schema "
                         + std::to_string(version) + ", expected "
                         + std::to_string(k_schema_version) + ")");
      }
    }
  } catch (...) {
    m_insert_source.reset();
    sqlite3_close(m_db);
    m_db = nullptr;
    throw;
  }
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
  sqlite3_close(m_db);
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
  if (has_tables && version != k_schema_version && version != 1) {
    throw FatalError("the database file is not a ccaudit database (schema "
                     + std::to_string(version) + "); pass another --db");
  }
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=NORMAL");
  // Checkpoints sync the disk (tens of ms on a VM): few, large ones. The
  // WAL keeps every commit safe from a crash of the scan itself.
  exec("PRAGMA wal_autocheckpoint=16384");
  exec("PRAGMA foreign_keys=ON");
  exec("BEGIN IMMEDIATE");
  if (has_tables && version == 1) {
    exec(k_upgrade_from_1);
  }
  exec(k_schema);
  exec(("PRAGMA user_version=" + std::to_string(k_schema_version)).c_str());
  exec("COMMIT");
  m_insert_source = std::make_unique<Statement>(
    m_db, "INSERT INTO source(scan_id, path, kind, size, mtime, inode, "
          "messages) VALUES (?,?,?,?,?,?,?)");
  std::string sources = "INSERT INTO source(scan_id, path, kind, size, mtime, inode, "
                        "messages) VALUES (?,?,?,?,?,?,?)";
  for (std::size_t i = 1; i < k_sources_per_insert; ++i) {
    sources += ",(?,?,?,?,?,?,?)";
  }
  m_insert_sources = std::make_unique<Statement>(m_db, sources);
  m_insert_finding = std::make_unique<Statement>(
    m_db, "INSERT INTO finding(scan_id, kind, path, offset, mbox_index, "
          "message_id, date, from_address, from_name, subject, "
          "visible_count, external_count, domain_count, sent_at, subject_key, "
          "recipient_hash, incident_key, incident_id) "
          "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  m_insert_reference = std::make_unique<Statement>(
    m_db, "INSERT INTO finding_reference(finding_id, position, message_id) "
          "VALUES (?,?,?)");
  m_insert_address = std::make_unique<Statement>(
    m_db, "INSERT INTO finding_address(finding_id, position, address, "
          "display_name, field, internal, domain, personal_name) "
          "VALUES (?,?,?,?,?,?,?,?)");
  std::string rows = "INSERT INTO finding_address(finding_id, position, address, "
                     "display_name, field, internal, domain, personal_name) "
                     "VALUES (?,?,?,?,?,?,?,?)";
  for (std::size_t i = 1; i < k_addresses_per_insert; ++i) {
    rows += ",(?,?,?,?,?,?,?,?)";
  }
  m_insert_addresses = std::make_unique<Statement>(m_db, rows);
  m_insert_problem = std::make_unique<Statement>(
    m_db, "INSERT INTO problem(scan_id, path, offset, mbox_index, kind, "
          "detail) VALUES (?,?,?,?,?,?)");
}

std::int64_t
SqliteStore::begin_scan(const ScanStart& start)
{
  Statement insert(m_db, "INSERT INTO scan(started_at, status, tool_version, "
                         "host, arguments, threshold, internal_domains) "
                         "VALUES (?, 'running', ?, ?, ?, ?, ?)");
  insert.bind(1, utc_now())
    .bind(2, start.tool_version)
    .bind(3, start.host)
    .bind(4, start.arguments_json)
    .bind(5, start.threshold)
    .bind(6, start.internal_domains_json)
    .run();
  m_scan_id = sqlite3_last_insert_rowid(m_db);
  exec("BEGIN");
  m_in_transaction = true;
  m_batch_started = std::chrono::steady_clock::now();
  return m_scan_id;
}

void
SqliteStore::commit_batch()
{
  if (m_in_transaction) {
    exec("COMMIT");
    m_in_transaction = false;
  }
  exec("BEGIN");
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
}

void
SqliteStore::record_source(const SourceInfo& source)
{
  // A Maildir has one source per message: rows go in groups, in order.
  m_sources.push_back(source);
  if (m_sources.size() == k_sources_per_insert) {
    flush_sources();
  }
}

void
SqliteStore::flush_sources()
{
  std::vector<std::string> paths; // alive until run(): SQLite does not copy
  paths.reserve(m_sources.size());
  const auto bind_row = [&](Statement& statement, int column, const SourceInfo& source) {
    paths.push_back(source.path.string());
    statement.bind(column, m_scan_id)
      .bind(column + 1, paths.back())
      .bind(column + 2, source.kind)
      .bind(column + 3, source.size)
      .bind(column + 4, std::int64_t{source.mtime})
      .bind(column + 5, source.inode)
      .bind(column + 6, source.messages);
  };
  if (m_sources.size() == k_sources_per_insert) {
    for (std::size_t i = 0; i < m_sources.size(); ++i) {
      bind_row(*m_insert_sources, static_cast<int>(i * 7 + 1), m_sources[i]);
    }
    m_insert_sources->run();
  } else {
    for (const auto& source : m_sources) {
      bind_row(*m_insert_source, 1, source);
      m_insert_source->run();
    }
  }
  const auto rows = m_sources.size();
  m_sources.clear();
  for (std::size_t i = 0; i < rows; ++i) {
    wrote_row();
  }
}

void
SqliteStore::record_finding(const MessageLocator& where, const Finding& finding)
{
  m_insert_finding->bind(1, Value{m_scan_id})
    .bind(2, finding.kind)
    .bind(3, where.archive.string())
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
    .run();
  const auto id = sqlite3_last_insert_rowid(m_db);
  for (std::size_t i = 0; i < finding.references.size(); ++i) {
    m_insert_reference->bind(1, static_cast<std::int64_t>(id))
      .bind(2, std::uint64_t{i})
      .bind(3, finding.references[i])
      .run();
  }
  // Wide messages hold thousands of addresses: many rows per statement.
  const auto& all = finding.addresses;
  std::size_t done = 0;
  const auto bind_row = [&](Statement& statement, int column, std::size_t position) {
    const auto& a = all[position];
    statement.bind(column, static_cast<std::int64_t>(id))
      .bind(column + 1, std::uint64_t{position})
      .bind(column + 2, a.address)
      .bind(column + 3, a.display_name)
      .bind(column + 4, a.field)
      .bind(column + 5, std::int64_t{a.internal ? 1 : 0})
      .bind(column + 6, domain_of(a.address))
      .bind(column + 7, std::int64_t{a.personal_name ? 1 : 0});
  };
  for (; all.size() - done >= k_addresses_per_insert; done += k_addresses_per_insert) {
    for (std::size_t r = 0; r < k_addresses_per_insert; ++r) {
      bind_row(*m_insert_addresses, static_cast<int>(r * 8 + 1), done + r);
    }
    m_insert_addresses->run();
  }
  for (; done < all.size(); ++done) {
    bind_row(*m_insert_address, 1, done);
    m_insert_address->run();
  }
  wrote_row();
}

void
SqliteStore::record_issue(const MessageLocator& where, const Issue& issue)
{
  m_insert_problem->bind(1, Value{m_scan_id})
    .bind(2, where.archive.string())
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
