#include "report/report.hpp"

#include "core/fatal_error.hpp"
#include "core/text.hpp"
#include "report/report_sql.hpp"

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
  std::vector<Address> addresses;
};

std::vector<FindingRow>
load_findings(store::SqliteStore& db, const Value& scan)
{
  std::vector<FindingRow> rows;
  std::map<std::int64_t, std::size_t> by_id;
  db.query(sql::findings, {scan}, [&](const Row& r) {
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
    by_id[f.id] = rows.size();
    rows.push_back(std::move(f));
  });
  db.query(sql::finding_addresses, {scan}, [&](const Row& r) {
    const auto it = by_id.find(r.integer(0));
    if (it != by_id.end()) {
      rows[it->second].addresses.push_back(
        {r.text(2), r.text(3), r.text(4), r.integer(5) != 0});
    }
  });
  return rows;
}

std::string
t(std::string_view s)
{
  return text::for_terminal(s);
}

void
render_text(store::SqliteStore& db, const Value& scan, std::ostream& out)
{
  db.query(sql::scan, {scan}, [&](const Row& r) {
    out << "scan " << r.text(0) << ": " << r.text(3) << ", started "
        << r.text(1) << " on " << t(r.text(5)) << "\n"
        << "  " << r.text(9) << " file(s), " << r.text(10) << " message(s), "
        << r.text(11) << " finding(s), " << r.text(12) << " problem(s), "
        << r.text(13) << " not scanned; threshold " << r.text(7) << "\n";
    if (r.text(3) == "running") {
      out << "  this scan did not finish: its results are partial\n";
    }
  });
  const auto findings = load_findings(db, scan);
  constexpr std::size_t k_shown = 10;
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const auto& f = findings[i];
    out << "\n[" << i + 1 << "] " << f.external << " exposed address(es)";
    if (f.external != f.visible) {
      out << " (" << f.visible << " visible)";
    }
    out << ", " << f.domains << " domain(s)\n";
    out << "    where:      " << t(f.path);
    if (f.mbox_index) {
      out << " (message " << *f.mbox_index << ", offset " << f.offset << ")";
    }
    out << "\n    date:       " << t(f.date) << "\n    from:       ";
    if (!f.from_name.empty()) {
      out << t(f.from_name) << " ";
    }
    out << "<" << t(f.from_address) << ">\n"
        << "    subject:    " << t(f.subject) << "\n"
        << "    message-id: " << t(f.message_id) << "\n    exposed:    ";
    std::size_t shown = 0, exposed = 0;
    for (const auto& a : f.addresses) {
      if (a.internal) {
        continue;
      }
      ++exposed;
      if (shown < k_shown) {
        out << (shown++ ? ", " : "") << t(a.address);
      }
    }
    if (exposed > shown) {
      out << " ... and " << exposed - shown << " more";
    }
    out << "\n";
  }
  out << "\n" << findings.size() << " finding(s)\n";
  bool first = true;
  db.query(sql::problems, {scan}, [&](const Row& r) {
    out << (first ? "problems by kind:\n" : "") << "  " << r.text(0) << ": "
        << r.text(1) << " in " << r.text(2) << " file(s)"
        << (r.integer(3) ? " (NOT scanned)" : "") << "\n";
    first = false;
  });
  first = true;
  db.query(sql::not_scanned, {scan}, [&](const Row& r) {
    out << (first ? "not scanned:\n" : "") << "  " << t(r.text(0));
    if (!r.is_null(2)) {
      out << " (message " << r.text(2) << ", offset " << r.text(1) << ")";
    }
    out << ": " << r.text(3) << ": " << t(r.text(4)) << "\n";
    first = false;
  });
}

void
render_jsonl(store::SqliteStore& db, const Value& scan, std::ostream& out)
{
  const auto findings = load_findings(db, scan);
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
  if (name == "text") {
    return Format::text;
  }
  if (name == "jsonl") {
    return Format::jsonl;
  }
  return std::nullopt;
}

void
render(store::SqliteStore& db, std::optional<std::int64_t> scan_id,
       Format format, std::ostream& out)
{
  if (!scan_id) {
    scan_id = db.latest_scan();
  }
  if (!scan_id) {
    throw FatalError("the database holds no scan yet");
  }
  bool exists = false;
  db.query(sql::scan, {Value{*scan_id}}, [&](const Row&) { exists = true; });
  if (!exists) {
    throw FatalError("no scan " + std::to_string(*scan_id) + " in the database");
  }
  const Value scan{*scan_id};
  if (format == Format::jsonl) {
    render_jsonl(db, scan, out);
  } else {
    render_text(db, scan, out);
  }
}

} // namespace ccaudit::report
