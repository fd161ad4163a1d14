#pragma once

// The database schema and its upgrade steps, src/store/schema/*.sql,
// embedded at build time.
namespace ccaudit::store::sql {
extern const char* const schema;
extern const char* const upgrade_from_1;
extern const char* const upgrade_from_2;
extern const char* const upgrade_from_3;
extern const char* const upgrade_from_4;
extern const char* const upgrade_from_5;
extern const char* const upgrade_from_6;
extern const char* const upgrade_from_7;
extern const char* const upgrade_from_8;
extern const char* const upgrade_from_9;
extern const char* const upgrade_from_10;
extern const char* const upgrade_from_11;
} // namespace ccaudit::store::sql
