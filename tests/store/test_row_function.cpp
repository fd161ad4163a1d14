#include "store/row_function.hpp"

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

using namespace ccaudit::store;

namespace {

struct Item
{
  std::string name;
  std::int64_t size;
};

void
item_column(const Item& item, int n, sqlite3_context* out)
{
  if (n == 0) {
    result_text(out, item.name);
  } else {
    sqlite3_result_int64(out, item.size);
  }
}

struct Database
{
  Database()
  {
    REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
    install_row_function(db, "items", "name TEXT, size INTEGER");
  }
  ~Database() { sqlite3_close(db); }
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  sqlite3* db = nullptr;
};

// Every row of `sql` as "rowid|name|size", after `bind` bound its parameters.
template <typename Bind>
std::vector<std::string>
rows(sqlite3* db, const char* sql, Bind bind)
{
  sqlite3_stmt* raw = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) == SQLITE_OK);
  const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> statement(raw, sqlite3_finalize);
  bind(raw);
  std::vector<std::string> out;
  int rc = 0;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    std::string row;
    for (int i = 0; i < sqlite3_column_count(raw); ++i) {
      const auto* p = sqlite3_column_text(raw, i);
      row += (i ? "|" : "") + (p ? std::string(reinterpret_cast<const char*>(p)) : "NULL");
    }
    out.push_back(row);
  }
  REQUIRE(rc == SQLITE_DONE);
  return out;
}

constexpr const char* k_select = "SELECT rowid, name, size FROM items(?1)";

} // namespace

TEST_CASE("row function: rows in memory read back in their order, and an insert keeps it")
{
  const Database d;
  const std::vector<Item> items = {{"zed", 3}, {"", -1}, {"a\xc3\xa9", 1LL << 40}};
  const auto span = row_span<Item, item_column>(items);
  const auto bind = [&](sqlite3_stmt* s) { bind_rows(s, 1, &span); };
  CHECK(rows(d.db, k_select, bind)
        == std::vector<std::string>{"1|zed|3", "2||-1", "3|a\xc3\xa9|1099511627776"});

  REQUIRE(sqlite3_exec(d.db, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT UNIQUE, size)",
                       nullptr, nullptr, nullptr)
          == SQLITE_OK);
  (void)rows(d.db, "INSERT INTO t(name, size) SELECT name, size FROM items(?1) ORDER BY rowid",
             bind);
  CHECK(rows(d.db, "SELECT id, name, size FROM t ORDER BY id", [](sqlite3_stmt*) {})
        == std::vector<std::string>{"1|zed|3", "2||-1", "3|a\xc3\xa9|1099511627776"});

  // As an upsert (the source rows): of two rows for one key, the later wins.
  const std::vector<Item> again = {{"zed", 30}, {"new", 5}, {"zed", 31}};
  const auto span2 = row_span<Item, item_column>(again);
  (void)rows(d.db,
             "INSERT INTO t(name, size) SELECT name, size FROM items(?1) WHERE true ORDER BY rowid "
             "ON CONFLICT(name) DO UPDATE SET size = excluded.size",
             [&](sqlite3_stmt* s) { bind_rows(s, 1, &span2); });
  CHECK(rows(d.db, "SELECT id, name, size FROM t ORDER BY id", [](sqlite3_stmt*) {})
        == std::vector<std::string>{"1|zed|31", "2||-1", "3|a\xc3\xa9|1099511627776", "4|new|5"});
}

TEST_CASE("row function: no rows bound, or any other value in their place, gives no rows")
{
  const Database d;
  const auto none = [](sqlite3_stmt*) {};
  CHECK(rows(d.db, k_select, none).empty());
  CHECK(rows(d.db, k_select, [](sqlite3_stmt* s) {
          sqlite3_bind_text(s, 1, "0x7fff0000", -1, SQLITE_STATIC);
        }).empty());
  CHECK(rows(d.db, k_select, [](sqlite3_stmt* s) { sqlite3_bind_int64(s, 1, 4096); }).empty());
  // A pointer of another type is not read as rows.
  int other = 7;
  CHECK(rows(d.db, k_select, [&](sqlite3_stmt* s) {
          sqlite3_bind_pointer(s, 1, &other, "carray", nullptr);
        }).empty());
  // The function without its argument reads nothing either.
  CHECK(rows(d.db, "SELECT rowid, name, size FROM items", none).empty());
  const std::vector<Item> empty;
  const auto span = row_span<Item, item_column>(empty);
  CHECK(rows(d.db, k_select, [&](sqlite3_stmt* s) { bind_rows(s, 1, &span); }).empty());
}

TEST_CASE("row function: a connection can have a function installed again")
{
  const Database d;
  CHECK_NOTHROW(install_row_function(d.db, "items", "name TEXT, size INTEGER"));
  const std::vector<Item> one = {{"x", 1}};
  const auto span = row_span<Item, item_column>(one);
  CHECK(rows(d.db, k_select, [&](sqlite3_stmt* s) { bind_rows(s, 1, &span); })
        == std::vector<std::string>{"1|x|1"});
}
