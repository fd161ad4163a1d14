#pragma once

#include "core/finding.hpp"
#include "core/issue.hpp"
#include "report/redact.hpp"
#include "store/sqlite_store.hpp"

#include <cstdint>
#include <ctime>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace ccaudit::report {

// text: the incident review for a terminal. csv: one row per incident.
// json: incidents, campaigns and senders. html: one self-contained page.
// jsonl: one object per finding (the raw findings, not grouped).
enum class Format { text, csv, json, html, jsonl };

std::optional<Format> parse_format(std::string_view name);
constexpr const char* k_format_names = "text, csv, json, html or jsonl";

struct Request
{
  std::optional<std::int64_t> scan; // nullopt: the newest
  double campaign_window_days = 7;
  std::optional<Redactor> redactor;
  bool include_suppressed = false; // list and bulk mail too
  // "": every incident; new, seen, accepted or open (see keep_status()).
  std::string status;
};

// Renders a report from the definitions in reports/. Throws FatalError when
// the database has no such scan.
void render(store::SqliteStore& db, const Request& request, Format format,
            std::ostream& out);

// The Art. 33 worksheet for one incident or campaign id ("I-..." or "C-...").
void render_art33(store::SqliteStore& db, const Request& request,
                  const std::string& id, std::time_t now, std::ostream& out);

// What a JSON line says beside its finding: the send time in UTC (ISO
// 8601; "" when the Date cannot be read), and for 'scan --jsonl' (a SIEM
// reads them one at a time) the scan, the host and when it was found.
struct JsonlContext
{
  std::string sent_at;
  std::optional<std::int64_t> scan_id;
  std::string host, detected_at;
};

// One finding as a JSON line, with the keys of 'report --format jsonl'
// (and 'scan --jsonl', whose findings also carry their fingerprint and
// the context's scan id, host and detection time).
std::string finding_jsonl(const MessageLocator& where, const Finding& finding,
                          std::string_view status, const JsonlContext& context);

// The people to notify for an incident or campaign id. Throws FatalError for
// an unknown id.
enum class PeopleFormat { csv, json };
void render_people(store::SqliteStore& db, const Request& request,
                   const std::string& id, PeopleFormat format, std::ostream& out);

} // namespace ccaudit::report
