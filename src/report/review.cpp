#include "report/review.hpp"

#include "core/fatal_error.hpp"
#include "report/report_sql.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace ccaudit::report {

namespace {

using store::Row;
using store::Value;

std::optional<std::int64_t>
optional_integer(const Row& r, std::size_t i)
{
  return r.is_null(i) ? std::nullopt : std::optional<std::int64_t>(r.integer(i));
}

} // namespace

namespace {

template <typename T>
const T*
with_id(const std::vector<T>& items, const std::string& id)
{
  const auto it = std::find_if(items.begin(), items.end(),
                               [&](const T& item) { return item.id == id; });
  return it == items.end() ? nullptr : &*it;
}

} // namespace

const Incident*
Review::incident(const std::string& id) const
{
  return with_id(incidents, id);
}

const Campaign*
Review::campaign(const std::string& id) const
{
  return with_id(campaigns, id);
}

std::int64_t
prepare_review(store::SqliteStore& db, std::optional<std::int64_t> scan,
               double campaign_window_days, bool include_suppressed)
{
  if (!scan) {
    scan = db.review_scan();
    if (!scan) {
      throw FatalError("the database holds no scan yet");
    }
  }
  bool exists = false;
  db.query(sql::scan, {Value{*scan}}, [&](const Row&) { exists = true; });
  if (!exists) {
    throw FatalError("no scan " + std::to_string(*scan) + " in the database");
  }
  db.execute(sql::review);
  // Bound, never spliced into the SQL. The store binds integers and text:
  // the window (a finite number of days, checked by the command line and the
  // config) goes as text and is cast, since the view compares it with
  // julianday() differences.
  db.query("UPDATE review_setting SET scan_id = ?1, campaign_window_days = CAST(?2 AS REAL), "
           "include_suppressed = ?3",
           {store::Value{*scan}, store::Value{std::to_string(campaign_window_days)},
            store::Value{std::int64_t{include_suppressed ? 1 : 0}}},
           [](const store::Row&) {});
  return *scan;
}

Review
load_review(store::SqliteStore& db)
{
  Review review;
  db.query("SELECT campaign_window_days FROM review_setting", {}, [&](const Row& r) {
    review.campaign_window_days = std::stod(r.text(0));
  });
  db.query("SELECT id, started_at, coalesce(finished_at, ''), status, host, "
           "internal_domains, threshold, coalesce(sources, 0), "
           "coalesce(messages, 0), coalesce(findings, 0), coalesce(problems, 0), "
           "coalesce(not_scanned, 0), settings, coalesce(unchanged_files, 0), "
           "coalesce(unchanged_messages, 0) FROM reviewed_scans",
           {}, [&](const Row& r) {
             auto& s = review.scan;
             s.id = r.integer(0);
             s.started_at = r.text(1);
             s.finished_at = r.text(2);
             s.status = r.text(3);
             s.host = r.text(4);
             s.internal_domains_json = r.text(5);
             s.threshold = r.integer(6);
             s.sources = r.integer(7);
             s.messages = r.integer(8);
             s.findings = r.integer(9);
             s.problems = r.integer(10);
             s.not_scanned = r.integer(11);
             s.settings_json = r.text(12);
             s.unchanged_files = r.integer(13);
             s.unchanged_messages = r.integer(14);
           });
  std::map<std::string, std::size_t> by_id;
  db.query(sql::incidents, {}, [&](const Row& r) {
    Incident i;
    i.id = r.text(0);
    i.message_id = r.text(1);
    i.sender = r.text(2);
    i.sender_name = r.text(3);
    i.subject = r.text(4);
    i.date = r.text(5);
    i.first_sent = r.text(6);
    i.exposed = r.integer(7);
    i.recipients = r.integer(8);
    i.identifiable = r.integer(9);
    i.domains = r.integer(10);
    i.recipient_sets = r.integer(12);
    i.divergent = r.integer(13) != 0;
    i.campaign_id = r.text(14);
    i.reexposure_of = r.text(15);
    i.found_at = r.text(16);
    i.status = r.text(17);
    i.all_gone = r.integer(18) != 0;
    i.kind = r.text(19);
    i.part_path = r.text(20);
    i.part_filename = r.text(21);
    i.part_type = r.text(22);
    i.accepted_at = r.text(23);
    i.accepted_by = r.text(24);
    i.accepted_note = r.text(25);
    by_id[i.id] = review.incidents.size();
    review.incidents.push_back(std::move(i));
  });
  const auto find = [&](const std::string& id) -> Incident* {
    const auto it = by_id.find(id);
    return it == by_id.end() ? nullptr : &review.incidents[it->second];
  };
  db.query(sql::incident_copies, {}, [&](const Row& r) {
    if (auto* i = find(r.text(0))) {
      i->copies.push_back({r.text(2), r.integer(3), optional_integer(r, 4), r.text(5),
                           r.integer(6), r.integer(7), r.text(8), r.integer(9) != 0,
                           r.text(10), r.text(11), r.text(12)});
    }
  });
  db.query(sql::reexposures, {}, [&](const Row& r) {
    if (auto* i = find(r.text(0))) {
      i->reexposures.push_back({r.text(2), r.integer(3), r.text(5), r.text(6),
                                r.text(7), r.text(8), r.integer(9)});
    }
  });
  db.query(sql::incident_addresses, {}, [&](const Row& r) {
    if (auto* i = find(r.text(0))) {
      i->addresses.push_back({r.text(1), r.text(2), r.integer(3) != 0, r.integer(4) != 0});
    }
  });
  db.query(sql::incident_domains, {}, [&](const Row& r) {
    if (auto* i = find(r.text(0))) {
      i->by_domain.push_back({r.text(1), r.integer(2)});
    }
  });
  std::map<std::string, std::size_t> campaign_by_id;
  db.query(sql::campaigns, {}, [&](const Row& r) {
    Campaign c;
    c.id = r.text(0);
    c.sender = r.text(1);
    c.subject = r.text(2);
    c.exposed_unique = r.integer(5);
    c.recipients_unique = r.integer(6);
    c.identifiable_unique = r.integer(7);
    c.exposed_total = r.integer(8);
    c.first_sent = r.text(9);
    c.last_sent = r.text(10);
    campaign_by_id[c.id] = review.campaigns.size();
    review.campaigns.push_back(std::move(c));
  });
  // Batch order, from the membership view.
  db.query("SELECT campaign_id, incident_id FROM campaign_member "
           "ORDER BY campaign_id, batch", {}, [&](const Row& r) {
    const auto it = campaign_by_id.find(r.text(0));
    if (it != campaign_by_id.end()) {
      review.campaigns[it->second].incident_ids.push_back(r.text(1));
    }
  });
  db.query(sql::senders, {}, [&](const Row& r) {
    review.senders.push_back({r.text(0), r.text(3), r.text(4), r.integer(1), r.integer(2)});
  });
  db.query(sql::content_findings, {}, [&](const Row& r) {
    ContentFinding c;
    c.kind = r.text(0);
    c.path = r.text(1);
    c.offset = r.integer(2);
    c.mbox_index = optional_integer(r, 3);
    c.part_path = r.text(4);
    c.part_filename = r.text(5);
    c.part_type = r.text(6);
    c.message_id = r.text(7);
    c.sender = r.text(8);
    c.subject = r.text(9);
    c.sent_at = r.text(10);
    c.exposed = r.integer(11);
    c.visible = r.integer(12);
    c.incident_id = r.text(13);
    c.linked = r.integer(14) != 0;
    c.status = r.text(15);
    review.content_findings.push_back(std::move(c));
  });
  db.query(sql::problems, {Value{review.scan.id}}, [&](const Row& r) {
    review.problems.push_back({r.text(0), r.integer(1), r.integer(2), r.integer(3) != 0});
  });
  db.query("SELECT count(*) FROM suppressed_finding", {}, [&](const Row& r) {
    review.suppressed_hidden = r.integer(0);
  });
  db.query(sql::not_scanned, {Value{review.scan.id}}, [&](const Row& r) {
    review.not_scanned.push_back({r.text(0), r.text(3), r.text(4), r.integer(1),
                                  optional_integer(r, 2)});
  });
  return review;
}

void
keep_status(Review& review, const std::string& status)
{
  if (status != "new" && status != "seen" && status != "accepted" && status != "open") {
    throw FatalError("--status: expected new, seen, accepted or open, got '" + status + "'");
  }
  review.status_filter = status;
  review.incidents_before_filter = review.incidents.size();
  const auto kept = [&](const std::string& s) {
    return status == "open" ? s != "accepted" : s == status;
  };
  std::erase_if(review.incidents, [&](const Incident& i) { return !kept(i.status); });
  std::set<std::string> ids, senders;
  for (const auto& i : review.incidents) {
    ids.insert(i.id);
    senders.insert(i.sender);
  }
  std::erase_if(review.campaigns, [&](const Campaign& c) {
    return std::none_of(c.incident_ids.begin(), c.incident_ids.end(),
                        [&](const std::string& id) { return ids.contains(id); });
  });
  std::erase_if(review.senders,
                [&](const SenderRecurrence& s) { return !senders.contains(s.sender); });
  std::erase_if(review.content_findings,
                [&](const ContentFinding& c) { return !ids.contains(c.incident_id); });
}

std::vector<Person>
load_people(store::SqliteStore& db, const std::string& id)
{
  std::vector<Person> people;
  db.query(sql::notify, {Value{id}}, [&](const Row& r) {
    if (people.empty() || people.back().address != r.text(0)) {
      people.push_back({r.text(0), r.text(1), {}});
    }
    auto& p = people.back();
    if (p.display_name.empty()) {
      p.display_name = r.text(1);
    }
    p.messages.push_back({r.text(2), r.text(3), r.text(5), r.text(6), r.integer(4)});
  });
  return people;
}

} // namespace ccaudit::report
