#include "store/connection.hpp"

#include "core/fatal_error.hpp"

#include <sqlite3.h>

namespace ccaudit::store {

Statement::Statement(sqlite3* db, const std::string& sql) : m_db(db)
{
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &m_stmt, nullptr) != SQLITE_OK) {
    throw FatalError(std::string("database: ") + sqlite3_errmsg(db));
  }
}

Statement::~Statement()
{
  sqlite3_finalize(m_stmt);
}

Statement&
Statement::bind(int i, const Value& v)
{
  if (const auto* n = std::get_if<std::int64_t>(&v)) {
    return bind(i, *n);
  }
  if (const auto* s = std::get_if<std::string>(&v)) {
    // A Value is often a temporary: SQLite copies its text.
    check(sqlite3_bind_text(m_stmt, i, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT));
    return *this;
  }
  check(sqlite3_bind_null(m_stmt, i));
  return *this;
}

Statement&
Statement::bind(int i, std::int64_t n)
{
  check(sqlite3_bind_int64(m_stmt, i, n));
  return *this;
}

Statement&
Statement::bind(int i, std::string_view s)
{
  // An empty view may have no data: still text, never NULL.
  check(sqlite3_bind_text(m_stmt, i, s.data() ? s.data() : "", static_cast<int>(s.size()),
                          SQLITE_STATIC));
  return *this;
}

void
Statement::run()
{
  const int rc = sqlite3_step(m_stmt);
  sqlite3_reset(m_stmt);
  sqlite3_clear_bindings(m_stmt);
  if (rc != SQLITE_DONE) {
    check(rc);
  }
}

void
Statement::reset()
{
  sqlite3_reset(m_stmt);
  sqlite3_clear_bindings(m_stmt);
}

bool
Statement::step()
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

std::int64_t
Statement::integer(int column)
{
  return sqlite3_column_int64(m_stmt, column);
}

std::string
Statement::text(int column)
{
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
  return std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column)));
}

bool
Statement::is_null(int column)
{
  return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

void
Statement::check(int rc)
{
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    throw FatalError(std::string("database: ") + sqlite3_errmsg(m_db));
  }
}

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

} // namespace ccaudit::store
