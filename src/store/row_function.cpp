#include "store/row_function.hpp"

#include "core/fatal_error.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>

namespace ccaudit::store {

namespace {

// The pointer type SQLite checks when a function reads its argument
// (sqlite3_bind_pointer): no other value can pass for a RowSpan.
constexpr const char* k_pointer_type = "ccaudit-row-span";

// One installed function: its table's declaration, and which column is the
// hidden argument.
struct Function
{
  std::string declaration;
  int argument = 0;
};

struct Cursor
{
  sqlite3_vtab_cursor base; // first: SQLite sees this part only
  const RowSpan* rows = nullptr;
  std::size_t at = 0;
};

// The table, with the argument's column number.
struct Table
{
  sqlite3_vtab base; // first, as for Cursor
  int argument = 0;
};

Cursor&
cursor(sqlite3_vtab_cursor* c)
{
  return *reinterpret_cast<Cursor*>(c);
}

int
rows_connect(sqlite3* db, void* aux, int, const char* const*, sqlite3_vtab** out, char**)
{
  const auto& function = *static_cast<const Function*>(aux);
  const int rc = sqlite3_declare_vtab(db, function.declaration.c_str());
  if (rc != SQLITE_OK) {
    return rc;
  }
  auto* table = static_cast<Table*>(sqlite3_malloc(sizeof(Table)));
  if (table == nullptr) {
    return SQLITE_NOMEM;
  }
  *table = Table{};
  table->argument = function.argument;
  *out = &table->base;
  return SQLITE_OK;
}

int
rows_disconnect(sqlite3_vtab* table)
{
  sqlite3_free(table);
  return SQLITE_OK;
}

// Only `argument = ?` can be used (the function's argument); ORDER BY rowid
// is the order the rows come in anyway.
int
rows_best_index(sqlite3_vtab* table, sqlite3_index_info* info)
{
  const int column = reinterpret_cast<Table*>(table)->argument;
  int argument = -1;
  for (int i = 0; i < info->nConstraint; ++i) {
    const auto& c = info->aConstraint[i];
    if (c.iColumn == column && c.op == SQLITE_INDEX_CONSTRAINT_EQ) {
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
               ? static_cast<const RowSpan*>(sqlite3_value_pointer(argv[0], k_pointer_type))
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
  return cur.rows == nullptr || cur.at >= cur.rows->count;
}

int
rows_column(sqlite3_vtab_cursor* c, sqlite3_context* out, int n)
{
  const auto& cur = cursor(c);
  if (n == reinterpret_cast<Table*>(c->pVtab)->argument) {
    sqlite3_result_null(out);
  } else {
    cur.rows->column(cur.rows->rows, cur.at, n, out);
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
  m.xCreate = nullptr; // eponymous only: used as name(?)
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
install_row_function(sqlite3* db, const char* name, const char* columns)
{
  static const sqlite3_module k_module = module();
  auto function = std::make_unique<Function>();
  function->declaration = std::string("CREATE TABLE x(") + columns + ", rows HIDDEN)";
  const std::string_view listed(columns);
  function->argument = static_cast<int>(std::count(listed.begin(), listed.end(), ',')) + 1;
  // SQLite owns the Function from here, even when it fails.
  const int rc = sqlite3_create_module_v2(db, name, &k_module, function.release(),
                                          [](void* p) { delete static_cast<Function*>(p); });
  if (rc != SQLITE_OK) {
    throw FatalError(std::string("database: ") + sqlite3_errmsg(db));
  }
}

void
bind_rows(sqlite3_stmt* statement, int index, const RowSpan* rows)
{
  // The span is not SQLite's to free: no destructor.
  if (sqlite3_bind_pointer(statement, index, const_cast<RowSpan*>(rows), k_pointer_type, nullptr)
      != SQLITE_OK) {
    throw FatalError(std::string("database: ")
                     + sqlite3_errmsg(sqlite3_db_handle(statement)));
  }
}

void
result_text(sqlite3_context* out, std::string_view text)
{
  // SQLITE_STATIC: the text outlives the statement's step; an insert copies
  // it into its record.
  sqlite3_result_text(out, text.data() ? text.data() : "", static_cast<int>(text.size()),
                      SQLITE_STATIC);
}

} // namespace ccaudit::store
