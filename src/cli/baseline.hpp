#pragma once

#include "core/finding_sink.hpp"

#include <map>
#include <string>

namespace ccaudit::cli {

// Reads a baseline file as 'ccaudit baseline export' writes it: one
// fingerprint (64 hex digits) and a status (accepted or seen) per line,
// anything after them ignored; blank lines and lines starting with '#'
// skipped. Throws UsageError naming the file and line of a bad entry.
std::map<std::string, FindingStatus> read_baseline(const std::string& file);

} // namespace ccaudit::cli
