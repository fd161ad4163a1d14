#pragma once

// ccaudit merge: the databases of shards or hosts brought into one review
// database, remembering where each row came from (merged_database).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ccaudit::store {

struct MergedDatabase
{
  std::filesystem::path path;
  std::string host;       // of its newest scan
  std::int64_t scans = 0;
  std::int64_t findings = 0;
  std::int64_t problems = 0;
  bool replaced = false;  // merged before: what it brought then is gone
};

// Brings every scan, source, finding (with its addresses and references),
// problem and acceptance of each source database into `target` (created if
// missing), in one transaction: on any error nothing of it is kept. Row ids
// are renumbered after the target's; scans keep their order within each
// source. A source merged before (the same database_info id, under any path)
// replaces what it brought then. An acceptance already in the target stays
// as it is. Throws FatalError: a source missing, not a ccaudit database, of
// an older or newer schema, being written by a scan, itself a merge, or the
// target itself; a target holding scans of its own.
std::vector<MergedDatabase> merge_databases(const std::filesystem::path& target,
                                            const std::vector<std::filesystem::path>& sources,
                                            std::chrono::seconds lock_wait);

} // namespace ccaudit::store
