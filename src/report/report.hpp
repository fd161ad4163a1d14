#pragma once

#include "store/sqlite_store.hpp"

#include <cstdint>
#include <optional>
#include <ostream>
#include <string_view>

namespace ccaudit::report {

enum class Format { text, jsonl };

// Parses "text" or "jsonl".
std::optional<Format> parse_format(std::string_view name);

// Renders the findings of scan `scan_id` (or the newest scan) from the
// definitions in reports/. Text is for a terminal: every value from a
// message has its control characters neutralised. jsonl is one JSON object
// per finding, valid UTF-8. Throws FatalError when the database has no scan.
void render(store::SqliteStore& store, std::optional<std::int64_t> scan_id,
            Format format, std::ostream& out);

} // namespace ccaudit::report
