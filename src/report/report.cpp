#include "report/report.hpp"

#include "core/fatal_error.hpp"
#include "core/text.hpp"
#include "report/report_sql.hpp"
#include "report/review_render.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <vector>

namespace ccaudit::report {

namespace {

using store::Row;
using store::Value;

// One row of findings.sql with its addresses.
struct FindingRow
{
  std::int64_t id = 0;
  MessageLocator where;
  Finding finding;
  std::string status;
  std::string sent_at; // ISO UTC, "" when unreadable
};

std::vector<FindingRow>
load_findings(store::SqliteStore& db, const Value& scan, bool include_suppressed)
{
  std::vector<FindingRow> rows;
  std::map<std::int64_t, std::size_t> by_id;
  const Value include{std::int64_t{include_suppressed ? 1 : 0}};
  db.query(sql::findings, {scan, include}, [&](const Row& r) {
    FindingRow row;
    row.id = r.integer(0);
    row.where.archive = r.text(1);
    row.where.byte_offset = static_cast<std::uint64_t>(r.integer(2));
    row.where.in_mbox = !r.is_null(3);
    row.where.index = static_cast<std::uint64_t>(r.integer(3));
    auto& f = row.finding;
    f.message_id = r.text(4);
    f.date = r.text(5);
    f.from_address = r.text(6);
    f.from_name = r.text(7);
    f.subject = r.text(8);
    f.visible_count = static_cast<std::size_t>(r.integer(9));
    f.external_count = static_cast<std::size_t>(r.integer(10));
    f.domain_count = static_cast<std::size_t>(r.integer(11));
    f.suppressed = r.text(12);
    f.incident_id = r.text(13);
    row.status = r.text(14);
    f.kind = r.text(15);
    f.part_path = r.text(16);
    f.part_filename = r.text(17);
    f.part_type = r.text(18);
    row.sent_at = r.text(19);
    by_id[row.id] = rows.size();
    rows.push_back(std::move(row));
  });
  db.query(sql::finding_addresses, {scan, include}, [&](const Row& r) {
    const auto it = by_id.find(r.integer(0));
    if (it != by_id.end()) {
      rows[it->second].finding.addresses.push_back(
        {r.text(2), r.text(3), r.text(4), r.integer(5) != 0});
    }
  });
  return rows;
}

void
render_jsonl(store::SqliteStore& db, const Value& scan, bool include_suppressed,
             const std::optional<Redactor>& redactor, std::ostream& out)
{
  auto rows = load_findings(db, scan, include_suppressed);
  for (auto& row : rows) {
    auto& f = row.finding;
    if (redactor) {
      redactor->apply(f);
    }
    out << finding_jsonl(row.where, f, row.status, {row.sent_at, std::nullopt, {}, {}});
  }
}

} // namespace

std::string
finding_jsonl(const MessageLocator& where, const Finding& f, std::string_view status,
              const JsonlContext& context)
{
  const auto u = [](std::string_view s) { return text::to_valid_utf8(s); };
  nlohmann::ordered_json j;
  j["path"] = u(where.path_text());
  j["offset"] = where.byte_offset;
  j["mbox_index"] = where.in_mbox ? nlohmann::ordered_json(where.index)
                                  : nlohmann::ordered_json(nullptr);
  j["kind"] = f.kind;
  j["part"] = f.part_path.empty()
                ? nlohmann::ordered_json(nullptr)
                : nlohmann::ordered_json{{"path", f.part_path},
                                         {"filename", u(f.part_filename)},
                                         {"type", u(f.part_type)}};
  j["message_id"] = u(f.message_id);
  j["date"] = u(f.date);
  j["sent_at"] = context.sent_at.empty() ? nlohmann::ordered_json(nullptr)
                                         : nlohmann::ordered_json(context.sent_at);
  j["from"] = u(f.from_address);
  j["from_name"] = u(f.from_name);
  j["subject"] = u(f.subject);
  j["visible_count"] = f.visible_count;
  j["external_count"] = f.external_count;
  j["domain_count"] = f.domain_count;
  j["incident_id"] = f.incident_id;
  j["status"] = status;
  j["suppressed"] = f.suppressed.empty() ? nlohmann::ordered_json(nullptr)
                                         : nlohmann::ordered_json(u(f.suppressed));
  if (!f.fingerprint.empty()) {
    j["fingerprint"] = f.fingerprint;
  }
  if (context.scan_id) {
    j["scan_id"] = *context.scan_id;
    j["host"] = u(context.host);
    j["detected_at"] = context.detected_at;
  }
  // Built apart, then added: a reference into an ordered_json does not
  // survive the insertion of another key.
  auto exposed = nlohmann::ordered_json::array();
  auto internal = nlohmann::ordered_json::array();
  for (const auto& a : f.addresses) {
    (a.internal ? internal : exposed).push_back(u(a.address));
  }
  j["addresses"] = std::move(exposed);
  j["internal_addresses"] = std::move(internal);
  return text::json_escape_c1_and_bidi(
           j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
         + "\n";
}

std::optional<Format>
parse_format(std::string_view name)
{
  for (const auto& [text, format] : {std::pair{"text", Format::text}, std::pair{"csv", Format::csv},
                                     std::pair{"json", Format::json}, std::pair{"html", Format::html},
                                     std::pair{"jsonl", Format::jsonl}}) {
    if (name == text) {
      return format;
    }
  }
  return std::nullopt;
}

namespace {

Review
reviewed(store::SqliteStore& db, const Request& request)
{
  prepare_review(db, request.scan, request.campaign_window_days, request.include_suppressed);
  auto review = load_review(db);
  if (!request.status.empty()) {
    keep_status(review, request.status);
  }
  if (request.redactor) {
    request.redactor->apply(review);
  }
  return review;
}

} // namespace

void
render(store::SqliteStore& db, const Request& request, Format format, std::ostream& out)
{
  if (format == Format::jsonl) {
    // The raw findings: no grouping into incidents to compute.
    const auto scan = prepare_review(db, request.scan, request.campaign_window_days,
                                     request.include_suppressed); // checks the scan exists
    render_jsonl(db, Value{scan}, request.include_suppressed, request.redactor, out);
    return;
  }
  auto review = reviewed(db, request); // checks the scan exists
  switch (format) {
  case Format::text: render_review_text(review, out); break;
  case Format::csv: render_review_csv(review, out); break;
  case Format::json: render_review_json(review, out); break;
  case Format::html: render_review_html(review, out); break;
  case Format::jsonl: break; // above
  }
}

void
render_art33(store::SqliteStore& db, const Request& request, const std::string& id,
             std::time_t now, std::ostream& out)
{
  report::render_art33(reviewed(db, request), id, now, out);
}

void
render_people(store::SqliteStore& db, const Request& request, const std::string& id,
              PeopleFormat format, std::ostream& out)
{
  prepare_review(db, request.scan, request.campaign_window_days, request.include_suppressed);
  // Every incident and campaign exposes someone: no one means no such id.
  auto people = load_people(db, id);
  if (people.empty()) {
    std::string scan;
    db.query("SELECT id FROM review_scan", {}, [&](const Row& r) { scan = r.text(0); });
    throw FatalError("no incident or campaign " + text::for_terminal(id) + " in scan " + scan
                     + " (ids are listed by 'ccaudit report')");
  }
  if (request.redactor) {
    request.redactor->apply(people);
  }
  if (format == PeopleFormat::csv) {
    render_people_csv(people, out);
  } else {
    render_people_json(people, out);
  }
}

} // namespace ccaudit::report
