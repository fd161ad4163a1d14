#pragma once

// The report definitions of reports/*.sql, embedded at build time. Each takes
// one optional parameter :scan (NULL: the newest scan).
namespace ccaudit::report::sql {
extern const char* const findings;
extern const char* const finding_addresses;
extern const char* const problems;
extern const char* const not_scanned;
extern const char* const scan;
} // namespace ccaudit::report::sql
