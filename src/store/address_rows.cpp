#include "store/address_rows.hpp"

#include "core/fatal_error.hpp"
#include "core/text.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <string>
#include <string_view>

namespace ccaudit::store {

namespace {

// The pointer type SQLite checks when the function reads its argument
// (sqlite3_bind_pointer): no other value can pass for a span.
constexpr const char* k_pointer_type = "ccaudit-exposed-addresses";
enum Column { address, display_name, field, flags, rows };

struct Cursor
{
  sqlite3_vtab_cursor base; // first: SQLite sees this part only
  const std::span<const ExposedAddress>* rows = nullptr;
  std::size_t at = 0;
};

Cursor&
cursor(sqlite3_vtab_cursor* c)
{
  return *reinterpret_cast<Cursor*>(c);
}

int
rows_connect(sqlite3* db, void*, int, const char* const*, sqlite3_vtab** out, char**)
{
  const int rc = sqlite3_declare_vtab(
    db, "CREATE TABLE x(address TEXT, display_name TEXT, field TEXT, flags INTEGER, rows HIDDEN)");
  if (rc != SQLITE_OK) {
    return rc;
  }
  *out = static_cast<sqlite3_vtab*>(sqlite3_malloc(sizeof(sqlite3_vtab)));
  if (*out == nullptr) {
    return SQLITE_NOMEM;
  }
  **out = sqlite3_vtab{};
  return SQLITE_OK;
}

int
rows_disconnect(sqlite3_vtab* table)
{
  sqlite3_free(table);
  return SQLITE_OK;
}

// Only `rows = ?` can be used (the function's argument); ORDER BY rowid is
// the order the rows come in anyway.
int
rows_best_index(sqlite3_vtab*, sqlite3_index_info* info)
{
  int argument = -1;
  for (int i = 0; i < info->nConstraint; ++i) {
    const auto& c = info->aConstraint[i];
    if (c.iColumn == Column::rows && c.op == SQLITE_INDEX_CONSTRAINT_EQ) {
      if (!c.usable) {
        return SQLITE_CONSTRAINT;
      }
      argument = i;
    }
  }
  if (argument < 0) {
    info->estimatedCost = 1e12; // no rows without the argument
    return SQLITE_OK;
  }
  info->aConstraintUsage[argument].argvIndex = 1;
  info->aConstraintUsage[argument].omit = 1;
  info->idxNum = 1;
  info->estimatedCost = 10;
  info->estimatedRows = 100;
  if (info->nOrderBy == 1 && info->aOrderBy[0].iColumn == -1 && !info->aOrderBy[0].desc) {
    info->orderByConsumed = 1;
  }
  return SQLITE_OK;
}

int
rows_open(sqlite3_vtab*, sqlite3_vtab_cursor** out)
{
  auto* c = static_cast<Cursor*>(sqlite3_malloc(sizeof(Cursor)));
  if (c == nullptr) {
    return SQLITE_NOMEM;
  }
  *c = Cursor{};
  *out = &c->base;
  return SQLITE_OK;
}

int
rows_close(sqlite3_vtab_cursor* c)
{
  sqlite3_free(&cursor(c));
  return SQLITE_OK;
}

int
rows_filter(sqlite3_vtab_cursor* c, int index_number, const char*, int argc, sqlite3_value** argv)
{
  auto& cur = cursor(c);
  cur.at = 0;
  cur.rows = index_number == 1 && argc == 1
               ? static_cast<const std::span<const ExposedAddress>*>(
                   sqlite3_value_pointer(argv[0], k_pointer_type))
               : nullptr;
  return SQLITE_OK;
}

int
rows_next(sqlite3_vtab_cursor* c)
{
  ++cursor(c).at;
  return SQLITE_OK;
}

int
rows_eof(sqlite3_vtab_cursor* c)
{
  const auto& cur = cursor(c);
  return cur.rows == nullptr || cur.at >= cur.rows->size();
}

void
result_text(sqlite3_context* context, std::string_view s)
{
  // SQLITE_STATIC: the text outlives the statement's step (see
  // bind_address_rows()); the insert copies it into its record.
  sqlite3_result_text(context, s.data() ? s.data() : "", static_cast<int>(s.size()),
                      SQLITE_STATIC);
}

int
rows_column(sqlite3_vtab_cursor* c, sqlite3_context* context, int n)
{
  const auto& cur = cursor(c);
  const auto& a = (*cur.rows)[cur.at];
  switch (n) {
  case Column::address:
    result_text(context, a.address);
    break;
  case Column::display_name:
    result_text(context, a.display_name);
    break;
  case Column::field:
    result_text(context, a.field);
    break;
  case Column::flags:
    sqlite3_result_int64(context, address_flags(a));
    break;
  default:
    sqlite3_result_null(context);
  }
  return SQLITE_OK;
}

int
rows_rowid(sqlite3_vtab_cursor* c, sqlite3_int64* out)
{
  *out = static_cast<sqlite3_int64>(cursor(c).at + 1);
  return SQLITE_OK;
}

sqlite3_module
module()
{
  sqlite3_module m{};
  m.iVersion = 0;
  m.xCreate = nullptr; // eponymous only: used as ccaudit_address_rows(?)
  m.xConnect = rows_connect;
  m.xBestIndex = rows_best_index;
  m.xDisconnect = rows_disconnect;
  m.xOpen = rows_open;
  m.xClose = rows_close;
  m.xFilter = rows_filter;
  m.xNext = rows_next;
  m.xEof = rows_eof;
  m.xColumn = rows_column;
  m.xRowid = rows_rowid;
  return m;
}

} // namespace

void
install_address_rows(sqlite3* db)
{
  static const sqlite3_module k_module = module();
  if (sqlite3_create_module(db, "ccaudit_address_rows", &k_module, nullptr) != SQLITE_OK) {
    throw FatalError(std::string("database: ") + sqlite3_errmsg(db));
  }
}

void
bind_address_rows(sqlite3_stmt* statement, int index,
                  const std::span<const ExposedAddress>* addresses)
{
  // The span is not SQLite's to free: no destructor.
  if (sqlite3_bind_pointer(statement, index, const_cast<std::span<const ExposedAddress>*>(addresses),
                           k_pointer_type, nullptr)
      != SQLITE_OK) {
    throw FatalError(std::string("database: ")
                     + sqlite3_errmsg(sqlite3_db_handle(statement)));
  }
}

std::int64_t
address_flags(const ExposedAddress& a)
{
  // Where the domain starts, in characters (SQL's substr() counts them).
  const auto domain = text::domain_part(a.address);
  const auto before = std::string_view(a.address).substr(0, a.address.size() - domain.size());
  const auto characters = static_cast<std::int64_t>(
    std::count_if(before.begin(), before.end(),
                  [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  return (a.internal ? 1 : 0) | (a.personal_name ? 2 : 0) | (characters << 2);
}

} // namespace ccaudit::store
