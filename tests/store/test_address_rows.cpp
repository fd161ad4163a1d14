#include "store/address_rows.hpp"

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

using namespace ccaudit;
using namespace ccaudit::store;

namespace {

struct Database
{
  Database()
  {
    REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
    install_address_rows(db);
  }
  ~Database() { sqlite3_close(db); }
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  sqlite3* db = nullptr;
};

struct Row
{
  std::int64_t rowid;
  std::string address, display_name, field;
  std::int64_t flags;
  bool operator==(const Row&) const = default;
};

// Every row of `sql`, whose ?1 `bind` binds.
template <typename Bind>
std::vector<Row>
rows(sqlite3* db, const char* sql, Bind bind)
{
  sqlite3_stmt* raw = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) == SQLITE_OK);
  const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> statement(raw, sqlite3_finalize);
  bind(raw);
  std::vector<Row> out;
  int rc = 0;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    const auto text = [&](int i) {
      const auto* p = sqlite3_column_text(raw, i);
      return p ? std::string(reinterpret_cast<const char*>(p)) : std::string("<null>");
    };
    out.push_back({sqlite3_column_int64(raw, 0), text(1), text(2), text(3),
                   sqlite3_column_int64(raw, 4)});
  }
  REQUIRE(rc == SQLITE_DONE);
  return out;
}

constexpr const char* k_select =
  "SELECT rowid, address, display_name, field, flags FROM ccaudit_address_rows(?1)";

} // namespace

TEST_CASE("address rows: a finding's addresses read back as rows in their order, with their flags")
{
  const Database d;
  const std::vector<ExposedAddress> addresses = {
    {"zed@example.org", "Zed Doe", "to", false, true},
    {"jos\xc3\xa9@example.com", "", "cc", true, false},   // 5 characters before the domain
    {"a@example.net", "Team", "resent-to", true, true},
  };
  const std::span<const ExposedAddress> span(addresses);
  const auto got = rows(d.db, k_select, [&](sqlite3_stmt* s) { bind_address_rows(s, 1, &span); });
  const std::vector<Row> want = {
    {1, "zed@example.org", "Zed Doe", "to", 2 | (4 << 2)},
    {2, "jos\xc3\xa9@example.com", "", "cc", 1 | (5 << 2)},
    {3, "a@example.net", "Team", "resent-to", 1 | 2 | (2 << 2)},
  };
  CHECK(got == want);

  // What the scan writes: an insert from it keeps that order in the ids.
  REQUIRE(sqlite3_exec(d.db, "CREATE TABLE t(id INTEGER PRIMARY KEY, address TEXT)", nullptr,
                       nullptr, nullptr)
          == SQLITE_OK);
  (void)rows(d.db,
             "INSERT INTO t(address) SELECT address FROM ccaudit_address_rows(?1) ORDER BY rowid "
             "RETURNING id, address, '', '', 0",
             [&](sqlite3_stmt* s) { bind_address_rows(s, 1, &span); });
  const auto stored = rows(d.db, "SELECT id, address, '', '', 0 FROM t ORDER BY id",
                           [](sqlite3_stmt*) {});
  REQUIRE(stored.size() == 3);
  CHECK(stored[0].address == "zed@example.org");
  CHECK(stored[2].address == "a@example.net");
}

TEST_CASE("address rows: no span bound, or any other value in its place, gives no rows")
{
  const Database d;
  const auto none = [](sqlite3_stmt*) {};
  CHECK(rows(d.db, k_select, none).empty());
  CHECK(rows(d.db, k_select, [](sqlite3_stmt* s) {
          sqlite3_bind_text(s, 1, "0x7fff0000", -1, SQLITE_STATIC);
        }).empty());
  CHECK(rows(d.db, k_select, [](sqlite3_stmt* s) { sqlite3_bind_int64(s, 1, 4096); }).empty());
  // A pointer of another type is not read as a span.
  int other = 7;
  CHECK(rows(d.db, k_select, [&](sqlite3_stmt* s) {
          sqlite3_bind_pointer(s, 1, &other, "carray", nullptr);
        }).empty());
  // The function without its argument reads nothing either.
  CHECK(rows(d.db, "SELECT rowid, address, display_name, field, flags FROM ccaudit_address_rows",
             none)
          .empty());
  const std::vector<ExposedAddress> empty;
  const std::span<const ExposedAddress> span(empty);
  CHECK(rows(d.db, k_select, [&](sqlite3_stmt* s) { bind_address_rows(s, 1, &span); }).empty());
}

TEST_CASE("address rows: a connection can have the function installed again")
{
  const Database d;
  CHECK_NOTHROW(install_address_rows(d.db));
  const std::vector<ExposedAddress> one = {{"x@example.org", "", "to", false, false}};
  const std::span<const ExposedAddress> span(one);
  CHECK(rows(d.db, k_select, [&](sqlite3_stmt* s) { bind_address_rows(s, 1, &span); }).size()
        == 1);
}
