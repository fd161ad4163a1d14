#pragma once

#include <filesystem>

namespace ccaudit::store {

class Connection;

// The version of the schema in src/store/schema/schema.sql
// (PRAGMA user_version).
constexpr int k_schema_version = 12;

// Makes a writer's database current: creates the tables of a new (empty)
// file, or upgrades an older ccaudit's database step by step
// (schema/upgrade_from_N.sql) in one transaction; refuses a newer
// ccaudit's database and a file that is not ccaudit's. Sets the pragmas a
// scan writes with. Returns true for a new database (it has no WAL until
// its first scan ends: see ScanWriter::finish_scan).
bool make_current(Connection& db);

// Refuses, saying why, a database a reader cannot read: an older schema
// (a scan upgrades it), a newer one, a file that is not ccaudit's, or one
// whose first scan has only just created it.
void check_readable(Connection& db, const std::filesystem::path& file);

} // namespace ccaudit::store
