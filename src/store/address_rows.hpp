#pragma once

#include "core/finding.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

struct sqlite3;
struct sqlite3_stmt;

namespace ccaudit::store {

// A finding's addresses as SQLite reads them, without a bound parameter per
// value: the table-valued function `ccaudit_address_rows(?)` that
// install_address_rows() adds to a connection yields one row (address,
// display_name, field, flags) per address of the span bound to its
// argument by bind_address_rows(), in the span's order (its rowid, 1
// first). Binding four values per row took a third of the instructions
// of writing a wide finding's rows.
//
// It lives on the writer's connection only: the database's schema and
// views never name it, so `sqlite3` reads the database without it.
void install_address_rows(sqlite3* db);

// Binds `*addresses` to parameter `index` of `statement`: the span and the
// addresses it holds must live until the statement has run.
void bind_address_rows(sqlite3_stmt* statement, int index,
                       const std::span<const ExposedAddress>* addresses);

// The `flags` column of finding_address_row for one address: 1 internal,
// 2 names a person, and the characters before its domain shifted left 2.
std::int64_t address_flags(const ExposedAddress& address);

} // namespace ccaudit::store
