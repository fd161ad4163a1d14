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

} // namespace ccaudit::test
