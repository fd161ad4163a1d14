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

struct Address
{
  std::string address, display_name, field;
  bool internal = false;
};

struct FindingRow
{
  std::int64_t id = 0;
  std::string path, message_id, date, from_address, from_name, subject;
  std::int64_t offset = 0;
  std::optional<std::int64_t> mbox_index;
  std::int64_t visible = 0, external = 0, domains = 0;
  std::string suppressed, incident_id, status;
  std::vector<Address> addresses;
};

std::vector<FindingRow>
load_findings(store::SqliteStore& db, const Value& scan, bool include_suppressed)
{
  std::vector<FindingRow> rows;
  std::map<std::int64_t, std::size_t> by_id;
  const Value include{std::int64_t{include_suppressed ? 1 : 0}};
  db.query(sql::findings, {scan, include}, [&](const Row& r) {
    FindingRow f;
    f.id = r.integer(0);
    f.path = r.text(1);
    f.offset = r.integer(2);
    if (!r.is_null(3)) {
      f.mbox_index = r.integer(3);
    }
    f.message_id = r.text(4);
    f.date = r.text(5);
    f.from_address = r.text(6);
    f.from_name = r.text(7);
    f.subject = r.text(8);
    f.visible = r.integer(9);
    f.external = r.integer(10);
    f.domains = r.integer(11);
    f.suppressed = r.text(12);
    f.incident_id = r.text(13);
    f.status = r.text(14);
    by_id[f.id] = rows.size();
    rows.push_back(std::move(f));
  });
  db.query(sql::finding_addresses, {scan, include}, [&](const Row& r) {
    const auto it = by_id.find(r.integer(0));
    if (it != by_id.end()) {
      rows[it->second].addresses.push_back(
        {r.text(2), r.text(3), r.text(4), r.integer(5) != 0});
    }
  });
  return rows;
}

void
render_jsonl(store::SqliteStore& db, const Value& scan, bool include_suppressed,
             const std::optional<Redactor>& redactor, std::ostream& out)
{
  auto findings = load_findings(db, scan, include_suppressed);
  if (redactor) {
    for (auto& f : findings) {
      f.from_address = redactor->address(f.from_address);
      f.from_name = redactor->name(f.from_name);
      for (auto& a : f.addresses) {
        a.address = redactor->address(a.address);
        a.display_name = redactor->name(a.display_name);
      }
    }
  }
  const auto u = [](std::string_view s) { return text::to_valid_utf8(s); };
  for (const auto& f : findings) {
    nlohmann::ordered_json j;
    j["path"] = u(f.path);
    j["offset"] = f.offset;
    j["mbox_index"] = f.mbox_index ? nlohmann::ordered_json(*f.mbox_index)
                                   : nlohmann::ordered_json(nullptr);
    j["message_id"] = u(f.message_id);
    j["date"] = u(f.date);
    j["from"] = u(f.from_address);
    j["from_name"] = u(f.from_name);
    j["subject"] = u(f.subject);
    j["visible_count"] = f.visible;
    j["external_count"] = f.external;
    j["domain_count"] = f.domains;
    j["incident_id"] = f.incident_id;
    j["status"] = f.status;
    j["suppressed"] = f.suppressed.empty() ? nlohmann::ordered_json(nullptr)
                                           : nlohmann::ordered_json(u(f.suppressed));
    auto& exposed = j["addresses"] = nlohmann::ordered_json::array();
    auto& internal = j["internal_addresses"] = nlohmann::ordered_json::array();
    for (const auto& a : f.addresses) {
      (a.internal ? internal : exposed).push_back(u(a.address));
    }
    out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
        << "\n";
  }
}

} // namespace

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
  if (request.redactor) {
    request.redactor->apply(review);
  }
  return review;
}

} // namespace

void
render(store::SqliteStore& db, const Request& request, Format format, std::ostream& out)
{
  auto review = reviewed(db, request); // checks the scan exists
  switch (format) {
  case Format::text: render_review_text(review, out); break;
  case Format::csv: render_review_csv(review, out); break;
  case Format::json: render_review_json(review, out); break;
  case Format::html: render_review_html(review, out); break;
  case Format::jsonl:
    render_jsonl(db, Value{review.scan.id}, request.include_suppressed, request.redactor, out);
    break;
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
  const auto review = reviewed(db, request);
  if (!review.incident(id) && !review.campaign(id)) {
    throw FatalError("no incident or campaign " + text::for_terminal(id) + " in scan "
                     + std::to_string(review.scan.id)
                     + " (ids are listed by 'ccaudit report')");
  }
  auto people = load_people(db, id);
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
