#include "store/scan_writer.hpp"

#include "core/text.hpp"
#include "store/connection.hpp"
#include "store/row_function.hpp"

#include <sqlite3.h>

#include <algorithm>

namespace ccaudit::store {

namespace {

constexpr std::size_t k_rows_per_batch = 50000;
constexpr auto k_batch_time = std::chrono::seconds(2);
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

// The columns of ccaudit_address_rows(), in address_column()'s order.
constexpr const char* k_address_row_columns =
  "address TEXT, display_name TEXT, field TEXT, flags INTEGER";

void
address_column(const ExposedAddress& a, int n, sqlite3_context* out)
{
  switch (n) {
  case 0: return result_text(out, a.address);
  case 1: return result_text(out, a.display_name);
  case 2: return result_text(out, a.field);
  default: {
    // flags: 1 internal, 2 names a person, and where the domain starts, in
    // characters (SQL's substr() counts them), shifted left 2.
    const auto domain = text::domain_part(a.address);
    const auto before = std::string_view(a.address).substr(0, a.address.size() - domain.size());
    const auto characters = static_cast<std::int64_t>(
      std::count_if(before.begin(), before.end(),
                    [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
    sqlite3_result_int64(out, (a.internal ? 1 : 0) | (a.personal_name ? 2 : 0) | (characters << 2));
  }
  }
}

} // namespace

// The columns of ccaudit_source_rows(), in source_column()'s order.
const char* const ScanWriter::k_source_row_columns =
  "path TEXT, dir TEXT, kind TEXT, size INTEGER, mtime INTEGER, mtime_ns INTEGER, "
  "inode INTEGER, messages INTEGER, complete INTEGER, resume_offset INTEGER, "
  "resume_index INTEGER, prefix_hash TEXT";

void
ScanWriter::source_column(const PendingSource* const& s, int n, sqlite3_context* out)
{
  const auto integer = [&](std::int64_t v) { sqlite3_result_int64(out, v); };
  switch (n) {
  case 0: return result_text(out, s->path);
  case 1: return result_text(out, folder_of(s->file));
  case 2: return result_text(out, s->kind);
  case 3: return integer(static_cast<std::int64_t>(s->size));
  case 4: return integer(s->mtime);
  case 5: return integer(s->mtime_ns);
  case 6: return integer(static_cast<std::int64_t>(s->inode));
  case 7: return integer(static_cast<std::int64_t>(s->messages));
  case 8: return integer(s->complete ? 1 : 0);
  case 9: return integer(static_cast<std::int64_t>(s->resume_offset));
  case 10: return integer(static_cast<std::int64_t>(s->resume_index));
  default: return result_text(out, s->prefix_hash);
  }
}

ScanWriter::PendingSource::PendingSource(const SourceInfo& s)
  : path(MessageLocator::locator_text(s.path, s.member)), file(s.path.native()), kind(to_string(s.kind)),
    prefix_hash(s.prefix_hash), size(s.size), inode(s.inode), messages(s.messages),
    resume_offset(s.resume_offset), resume_index(s.resume_index), mtime(s.mtime),
    mtime_ns(s.mtime_ns), complete(s.complete)
{
}

ScanWriter::ScanWriter(Connection& db, bool new_database)
  : m_db(db), m_new_database(new_database), m_sources_group(k_sources_waiting)
{
  // One row per path: a later scan updates it (upsert; WHERE true tells
  // SQLite the ON CONFLICT is the insert's). In path order: of two rows for
  // one path, the later wins.
  install_row_function(m_db.get(), "ccaudit_source_rows", k_source_row_columns);
  m_insert_sources = LazyStatement(
    m_db.get(),
    "INSERT INTO source(path, dir, kind, size, mtime, mtime_ns, inode, messages, complete, "
    "resume_offset, resume_index, prefix_hash, settings, first_scan, last_scan, gone_scan) "
    "SELECT path, dir, kind, size, mtime, mtime_ns, inode, messages, complete, "
    "resume_offset, resume_index, prefix_hash, ?2, ?3, ?3, NULL "
    "FROM ccaudit_source_rows(?1) WHERE true ORDER BY rowid "
    "ON CONFLICT(path) DO UPDATE SET dir=excluded.dir, kind=excluded.kind, size=excluded.size, "
    "mtime=excluded.mtime, mtime_ns=excluded.mtime_ns, inode=excluded.inode, "
    "messages=excluded.messages, complete=excluded.complete, "
    "resume_offset=excluded.resume_offset, resume_index=excluded.resume_index, "
    "prefix_hash=excluded.prefix_hash, settings=excluded.settings, "
    "last_scan=excluded.last_scan, gone_scan=NULL");
  m_placeholder_source = LazyStatement(
    m_db.get(), "INSERT INTO source(path, dir, kind, messages, complete, first_scan, last_scan) "
          "VALUES (?, ?, 'reading', 0, 0, ?, ?) ON CONFLICT(path) DO NOTHING");
  m_source_id = LazyStatement(m_db.get(), "SELECT id FROM source WHERE path = ?");
  m_insert_finding = LazyStatement(
    m_db.get(), "INSERT INTO finding(scan_id, kind, path, offset, mbox_index, "
          "message_id, date, from_address, from_name, subject, "
          "visible_count, external_count, domain_count, sent_at, subject_key, "
          "recipient_hash, incident_key, incident_id, source_id, fingerprint, status, "
          "suppressed, part_path, part_filename, part_type, address_count) "
          "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
          "ON CONFLICT DO NOTHING");
  m_insert_reference = LazyStatement(
    m_db.get(), "INSERT INTO finding_reference(finding_id, position, message_id) "
          "VALUES (?,?,?)");
  // The id is left to SQLite: one more than the largest, so a finding's
  // rows are consecutive, in its order; the finding learns where they start
  // after them.
  install_row_function(m_db.get(), "ccaudit_address_rows", k_address_row_columns);
  m_insert_addresses = LazyStatement(
    m_db.get(), "INSERT INTO finding_address_row(address, display_name, field, flags) "
                "SELECT address, display_name, field, flags FROM ccaudit_address_rows(?1) "
                "ORDER BY rowid");
  m_set_address_first =
    LazyStatement(m_db.get(), "UPDATE finding SET address_first = ? WHERE id = ?");
  m_insert_problem = LazyStatement(
    m_db.get(), "INSERT INTO problem(scan_id, path, offset, mbox_index, kind, "
                "detail) VALUES (?,?,?,?,?,?)");
}

ScanWriter::~ScanWriter()
{
  try {
    if (!m_sources.empty() && m_in_transaction) {
      flush_sources(); // a scan cut short keeps what it read
    }
  } catch (const std::exception&) {
    // the database is failing: what was committed stays
  }
  if (m_in_transaction) {
    sqlite3_exec(m_db.get(), "COMMIT", nullptr, nullptr, nullptr);
  }
}

std::int64_t
ScanWriter::begin_scan(const ScanStart& start)
{
  Statement insert(m_db.get(), "INSERT INTO scan(started_at, status, tool_version, "
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
  m_scan_id = m_db.last_insert_rowid();
  m_had_sources = false;
  m_changed_findings = false;
  m_findings_of_file.clear();
  m_findings_row_waiting.clear();
  m_db.query("SELECT EXISTS (SELECT 1 FROM source), "
             "EXISTS (SELECT 1 FROM scan WHERE id < ?1 AND status <> 'complete')",
             {Value{m_scan_id}}, [&](const Row& r) {
               m_had_sources = r.integer(0) != 0;
               m_incomplete_before = r.integer(1) != 0;
             });
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
ScanWriter::begin_write()
{
  m_db.exec("BEGIN IMMEDIATE");
}

void
ScanWriter::commit_batch()
{
  if (m_in_transaction) {
    m_db.exec("COMMIT");
    m_in_transaction = false;
  }
  begin_write();
  m_in_transaction = true;
  m_rows_in_batch = 0;
  m_batch_started = std::chrono::steady_clock::now();
}

void
ScanWriter::wrote_row()
{
  if (++m_rows_in_batch >= k_rows_per_batch
      || std::chrono::steady_clock::now() - m_batch_started > k_batch_time) {
    commit_batch();
  }
}

void
ScanWriter::finish_scan(const ScanEnd& end)
{
  flush_sources();
  Statement update(m_db.get(), "UPDATE scan SET finished_at=?, status=?, sources=?, "
                         "messages=?, findings=?, problems=?, not_scanned=?, exposures=?, "
                         "incidents=?, unchanged_files=?, unchanged_messages=? WHERE id=?");
  update.bind(1, utc_now())
    .bind(2, end.status)
    .bind(3, end.sources)
    .bind(4, end.messages)
    .bind(5, end.findings)
    .bind(6, end.problems)
    .bind(7, end.not_scanned)
    .bind(8, end.exposures ? Value{static_cast<std::int64_t>(*end.exposures)} : Value{})
    .bind(9, end.incidents ? Value{static_cast<std::int64_t>(*end.incidents)} : Value{})
    .bind(10, end.unchanged_files)
    .bind(11, end.unchanged_messages)
    .bind(12, Value{m_scan_id})
    .run();
  if (m_in_transaction) {
    m_db.exec("COMMIT");
    m_in_transaction = false;
  }
  if (m_new_database) {
    // Everything is committed. A reader can hold the switch off past the
    // busy timeout (it needs the only lock): the database then keeps its
    // rollback journal until the next scan opens it, which switches it.
    sqlite3_exec(m_db.get(), "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
    m_new_database = false;
  }
}

void
ScanWriter::record_source(const SourceInfo& source)
{
  // A Maildir has one source per message: rows go in groups.
  m_sources.emplace_back(source);
  m_findings_row_waiting.merge(m_findings_of_file);
  m_findings_of_file.clear();
  if (m_sources.size() >= m_sources_group) {
    flush_sources();
  }
}

void
ScanWriter::listing_done()
{
  flush_sources();
  m_sources_group = k_sources_after_listing;
}

void
ScanWriter::flush_sources()
{
  m_findings_row_waiting.clear(); // their rows are written now, as this scan's
  // Sorted by reference (the rows are large to move). Stable: of two rows
  // for one path, the later still wins.
  std::vector<const PendingSource*> order;
  order.reserve(m_sources.size());
  for (const auto& source : m_sources) {
    order.push_back(&source);
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const PendingSource* a, const PendingSource* b) { return a->path < b->path; });
  if (!order.empty()) {
    const auto rows = row_span<const PendingSource*, source_column>(order);
    bind_rows(m_insert_sources->get(), 1, &rows);
    m_insert_sources->bind(2, m_settings).bind(3, m_scan_id).run();
  }
  const auto rows = m_sources.size();
  m_sources.clear();
  for (std::size_t i = 0; i < rows; ++i) {
    wrote_row();
  }
}

std::int64_t
ScanWriter::source_id(const MessageLocator& where)
{
  const auto text = where.source_text();
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
    id = m_source_id->integer(0);
  }
  m_source_id->reset();
  m_last_source_path = text;
  m_last_source_id = id;
  return id;
}

bool
ScanWriter::record_finding(const MessageLocator& where, const Finding& finding,
                           FindingStatus status)
{
  const auto source = source_id(where);
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
  if (m_db.changes() == 0) {
    return false; // this copy is recorded already
  }
  m_changed_findings = true;
  m_findings_of_file.insert(source);
  const auto id = m_db.last_insert_rowid();
  for (std::size_t i = 0; i < finding.references.size(); ++i) {
    m_insert_reference->bind(1, static_cast<std::int64_t>(id))
      .bind(2, std::uint64_t{i})
      .bind(3, finding.references[i])
      .run();
  }
  // Wide messages hold thousands of addresses: one statement reads them all.
  if (!all.empty()) {
    const auto rows = row_span<ExposedAddress, address_column>(all);
    bind_rows(m_insert_addresses->get(), 1, &rows);
    m_insert_addresses->run();
  }
  if (!all.empty()) {
    // Consecutive ids (each one more than the largest): the last one tells
    // where the first went.
    const std::int64_t last = m_db.last_insert_rowid();
    m_set_address_first->bind(1, last - static_cast<std::int64_t>(all.size()) + 1)
      .bind(2, static_cast<std::int64_t>(id))
      .run();
  }
  wrote_row();
  return true;
}

void
ScanWriter::record_issue(const MessageLocator& where, const Issue& issue)
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

} // namespace ccaudit::store
