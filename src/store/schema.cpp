#include "store/schema.hpp"

#include "core/digest.hpp"
#include "core/fatal_error.hpp"
#include "core/issue.hpp"
#include "core/text.hpp"
#include "store/connection.hpp"
#include "store/schema_sql.hpp"

#include <sqlite3.h>

#include <iterator>
#include <map>
#include <string>
#include <vector>

namespace ccaudit::store {

namespace {

std::string
shown(const std::filesystem::path& file)
{
  return text::for_terminal(file.string());
}

// A database a newer ccaudit wrote: this one must not read or change it.
std::string
newer_schema(const std::filesystem::path& file, int version)
{
  return file.string() + " was written by a newer ccaudit (schema " + std::to_string(version)
         + "; this one knows schemas up to " + std::to_string(k_schema_version)
         + "): use that ccaudit, or pass another --db";
}

// Findings an older ccaudit recorded without a fingerprint (schema 2 and
// before) get the one a scan would give them.
void
fingerprint_old_findings(Connection& db)
{
  struct Old
  {
    std::int64_t id;
    std::string kind, key, hash;
  };
  std::vector<Old> old;
  db.query("SELECT id, kind, incident_key, recipient_hash FROM finding "
        "WHERE fingerprint = '' AND incident_key <> ''",
        {}, [&](const Row& r) { old.push_back({r.integer(0), r.text(1), r.text(2), r.text(3)}); });
  Statement update(db.get(), "UPDATE finding SET fingerprint = ? WHERE id = ?");
  for (const auto& f : old) { // inside the upgrade's transaction
    std::string fields = f.kind + "\n" + f.key + "\n" + f.hash;
    update.bind(1, digest::sha256_hex(fields)).bind(2, f.id).run();
  }
}

// Columns a later schema added to a table an earlier one created (CREATE
// TABLE IF NOT EXISTS leaves such a table as it was). Inside the upgrade's
// transaction.
void
add_missing_columns(Connection& db)
{
  const struct
  {
    const char* table;
    const char* column;
    const char* definition;
  } added[] = {
    {"acceptance", "accepted_by", "TEXT NOT NULL DEFAULT ''"},             // schema 9
    {"scan", "origin", "INTEGER REFERENCES merged_database(id)"},           // schema 10
    {"scan", "origin_scan_id", "INTEGER"},                                  // schema 10
    {"source", "origin", "INTEGER REFERENCES merged_database(id)"},         // schema 10
    {"scan", "exposures", "INTEGER"},                                       // schema 11
    {"scan", "incidents", "INTEGER"},                                       // schema 11
    {"directory", "files", "INTEGER"},                                      // schema 11
    {"directory", "messages", "INTEGER"},                                   // schema 11
    {"scan", "unchanged_files", "INTEGER"},                                 // schema 12
    {"scan", "unchanged_messages", "INTEGER"},                              // schema 12
  };
  for (const auto& a : added) {
    bool has = false;
    db.query("SELECT 1 FROM pragma_table_info(?) WHERE name = ?",
             {Value(std::string(a.table)), Value(std::string(a.column))},
             [&](const Row&) { has = true; });
    if (!has) {
      db.exec(std::string("ALTER TABLE ") + a.table + " ADD COLUMN " + a.column + " "
              + a.definition);
    }
  }
}

// The problem kinds this ccaudit records, and which mean NOT scanned.
std::map<std::string, std::int64_t>
problem_kinds()
{
  std::map<std::string, std::int64_t> out;
  for (const auto kind : all_issue_kinds()) {
    out.emplace(std::string(to_string(kind)), means_not_scanned(kind) ? 1 : 0);
  }
  return out;
}

bool
problem_kinds_current(Connection& db)
{
  std::map<std::string, std::int64_t> stored;
  db.query("SELECT kind, not_scanned FROM problem_kind", {},
           [&](const Row& r) { stored.emplace(r.text(0), r.integer(1)); });
  for (const auto& [kind, not_scanned] : problem_kinds()) {
    if (const auto it = stored.find(kind); it == stored.end() || it->second != not_scanned) {
      return false;
    }
  }
  return true;
}

// Inside a write transaction. Kinds an older ccaudit wrote and this one no
// longer records stay: old problem rows still name them.
void
write_problem_kinds(Connection& db)
{
  Statement upsert(db.get(), "INSERT INTO problem_kind(kind, not_scanned) VALUES (?, ?) "
                             "ON CONFLICT(kind) DO UPDATE SET not_scanned = excluded.not_scanned");
  for (const auto& [kind, not_scanned] : problem_kinds()) {
    upsert.bind(1, kind).bind(2, not_scanned).run();
  }
}

} // namespace

bool
make_current(Connection& db)
{
  int version = 0;
  db.query("PRAGMA user_version", {}, [&](const Row& row) {
    version = static_cast<int>(row.integer(0));
  });
  bool has_tables = false;
  db.query("SELECT 1 FROM sqlite_schema LIMIT 1", {},
        [&](const Row&) { has_tables = true; });
  if (has_tables && version > k_schema_version) {
    throw FatalError(newer_schema(sqlite3_db_filename(db.get(), "main"), version));
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
  const bool new_database = !has_tables;
  db.exec(new_database ? "PRAGMA journal_mode=DELETE" : "PRAGMA journal_mode=WAL");
  db.exec("PRAGMA synchronous=NORMAL");
  // Checkpoints sync the disk (tens of ms on a VM): few, large ones. The
  // WAL keeps every commit safe from a crash of the scan itself.
  db.exec("PRAGMA wal_autocheckpoint=16384");
  // Statement journals (a multi-row upsert keeps one) and temporary
  // b-trees stay in memory instead of temporary files written page by page.
  db.exec("PRAGMA temp_store=MEMORY");
  // The REFERENCES clauses document the model and let other tools check it
  // (PRAGMA foreign_key_check, which the tests run after scans); they are not
  // enforced on insert: a finding's rows are written by this class right
  // after it, and the check per address row was a fifth of a wide
  // finding's cost.
  db.exec("PRAGMA foreign_keys=OFF");
  if (has_tables && version == k_schema_version) {
    if (!problem_kinds_current(db)) {
      db.exec("BEGIN IMMEDIATE");
      write_problem_kinds(db);
      db.exec("COMMIT");
    }
    return false; // nothing to create or upgrade
  }
  // Creating the tables of a new file protects nothing yet: no sync (the
  // next commit's sync writes these pages too). Upgrades do sync.
  if (new_database) {
    db.exec("PRAGMA synchronous=OFF");
  }
  db.exec("BEGIN IMMEDIATE");
  // Each step takes a database of schema N to N + 1.
  const char* const upgrade_from[] = {nullptr,
                                      sql::upgrade_from_1,
                                      sql::upgrade_from_2,
                                      sql::upgrade_from_3,
                                      sql::upgrade_from_4,
                                      sql::upgrade_from_5,
                                      sql::upgrade_from_6,
                                      sql::upgrade_from_7,
                                      sql::upgrade_from_8,
                                      sql::upgrade_from_9,
                                      sql::upgrade_from_10,
                                      sql::upgrade_from_11};
  static_assert(std::size(upgrade_from) == k_schema_version);
  for (int from = version; has_tables && from < k_schema_version; ++from) {
    db.exec(upgrade_from[from]);
  }
  db.exec(sql::schema);
  add_missing_columns(db);
  if (has_tables) {
    // An upgrade may change findings: the next scan counts them again.
    db.exec("UPDATE scan SET exposures = NULL, incidents = NULL");
  }
  if (has_tables && version <= 2) {
    fingerprint_old_findings(db);
  }
  write_problem_kinds(db);
  db.exec(("PRAGMA user_version=" + std::to_string(k_schema_version)).c_str());
  db.exec("COMMIT");
  db.exec("PRAGMA synchronous=NORMAL");
  return new_database;
}

void
check_readable(Connection& db, const std::filesystem::path& file)
{
  int version = 0;
  db.query("PRAGMA user_version", {},
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
    db.query("SELECT 1 FROM sqlite_schema LIMIT 1", {}, [&](const Row&) { has_tables = true; });
    if (!has_tables) {
      // A first scan that has only just created the file.
      throw FatalError("the database holds no scan yet");
    }
    throw FatalError(shown(file) + " is not a ccaudit database (schema "
                     + std::to_string(version) + ", expected "
                     + std::to_string(k_schema_version) + ")");
  }
}

} // namespace ccaudit::store
