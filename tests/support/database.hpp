#pragma once

#include "store/sqlite_store.hpp"

#include <cstdint>
#include <filesystem>
#include <string>

namespace ccaudit::test {

// The first column of the first row of `sql` run on a findings database,
// opened read-only (-1 if there is no row).
inline std::int64_t
scalar(const std::filesystem::path& db, const std::string& sql)
{
  store::SqliteStore store(db, store::OpenMode::read_only);
  std::int64_t n = -1;
  store.query(sql, {}, [&](const store::Row& r) { n = r.integer(0); });
  return n;
}

// The same, as text ("" if there is no row).
inline std::string
scalar_text(const std::filesystem::path& db, const std::string& sql)
{
  store::SqliteStore store(db, store::OpenMode::read_only);
  std::string out;
  store.query(sql, {}, [&](const store::Row& r) { out = r.text(0); });
  return out;
}

} // namespace ccaudit::test
