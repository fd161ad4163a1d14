#pragma once

#include <cstddef>
#include <span>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;
struct sqlite3_context;

namespace ccaudit::store {

// Rows in memory that one statement inserts, without a bound parameter per
// value: a table-valued function installed on the writer's connection,
// `name(?)`, yields one row per element of the RowSpan bound to its
// argument, in order (rowid 1 first). Binding each value, in statements of
// 64 rows, took 85 M of the 459 M instructions that writing the findings of
// a corporate Maildir of 12,000 messages took.
//
// The functions live on the writer's connection only: the database's schema
// and views never name them, so `sqlite3` reads the database without them.
struct RowSpan
{
  const void* rows = nullptr;
  std::size_t count = 0;
  // Gives column `n` of row `i` with sqlite3_result_*(). Text given as
  // SQLITE_STATIC must live until the statement has run.
  void (*column)(const void* rows, std::size_t i, int n, sqlite3_context* out) = nullptr;
};

// A RowSpan over `rows`, whose columns Column(row, n, out) gives.
template <typename T, void (*Column)(const T&, int, sqlite3_context*)>
RowSpan
row_span(std::span<const T> rows)
{
  const auto column = [](const void* all, std::size_t i, int n, sqlite3_context* out) {
    Column(static_cast<const T*>(all)[i], n, out);
  };
  return {rows.data(), rows.size(), column};
}

// Installs the function `name` with `columns` ("a TEXT, b INTEGER", the
// hidden argument left out) on `db`; installed again, it is replaced.
void install_row_function(sqlite3* db, const char* name, const char* columns);

// Binds `*rows` to parameter `index` of `statement`: the RowSpan and the
// rows it names must live until the statement has run.
void bind_rows(sqlite3_stmt* statement, int index, const RowSpan* rows);

// sqlite3_result_text() of text that outlives the statement's step.
void result_text(sqlite3_context* out, std::string_view text);

} // namespace ccaudit::store
