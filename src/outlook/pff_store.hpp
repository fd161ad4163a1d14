#pragma once

// PST and OST files through libpff: the formats outlook/pst_store.cpp does
// not read itself (4 KB pages, cyclic encryption), and the deleted items
// libpff recovers (--recover-deleted). libpff 20180714 builds an index of
// every item when it opens a file and finds a folder's i-th message by a
// walk of its children: time grows with the square of a folder's messages,
// memory with the file (tests/bench/README.md, "large PSTs").

#include "outlook/pst_store.hpp"

namespace ccaudit::outlook {

enum class PffPass
{
  everything,     // every folder, the orphans, then (if asked) recovered items
  recovered_only, // only what libpff recovers from unallocated space
};

// As read_store, through libpff.
StoreSummary read_store_libpff(ByteSource& bytes, std::uint64_t size,
                               const StoreCallbacks& callbacks, const StoreLimits& limits,
                               PffPass pass = PffPass::everything);

} // namespace ccaudit::outlook
