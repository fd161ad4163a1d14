#include "report/lookup.hpp"

#include "core/text.hpp"
#include "report/review_render.hpp"

#include <nlohmann/json.hpp>

#include <map>

namespace ccaudit::report {

namespace {

using json = nlohmann::ordered_json;
constexpr auto t = &text::for_terminal;
constexpr auto u = &text::to_valid_utf8;

json
date_or_null(const std::string& iso)
{
  return iso.empty() ? json(nullptr) : json(iso);
}

} // namespace

std::vector<AddressLookup>
lookup_addresses(store::SqliteStore& db, const Request& request,
                 const std::vector<std::pair<std::string, std::string>>& addresses)
{
  prepare_review(db, request.scan, request.campaign_window_days, request.include_suppressed);
  auto review = load_review(db);
  std::vector<AddressLookup> out;
  for (const auto& [given, address] : addresses) {
    out.push_back({given, address, {}});
  }
  // Each incident's people are read once, for every address it showed.
  std::map<std::string, std::vector<Person>> people;
  for (auto& incident : review.incidents) {
    for (auto& wanted : out) {
      for (const auto& shown : incident.addresses) {
        if (shown.address != wanted.address) {
          continue;
        }
        AddressLookup::Hit hit;
        hit.display_name = shown.display_name;
        hit.internal = shown.internal;
        if (!shown.internal) {
          auto [it, inserted] = people.try_emplace(incident.id);
          if (inserted) {
            it->second = load_people(db, incident.id);
          }
          for (const auto& p : it->second) {
            if (p.address == wanted.address) {
              hit.messages = p.messages;
            }
          }
        } else {
          // Internal addresses are not people to notify: the copies showed it.
          for (const auto& c : incident.copies) {
            hit.messages.push_back({"", c.path, incident.first_sent, "copy", c.offset});
          }
        }
        hit.incident = incident;
        hit.incident.addresses.clear();
        wanted.hits.push_back(std::move(hit));
        break;
      }
    }
  }
  return out;
}

void
render_lookup_text(const std::vector<AddressLookup>& found, std::ostream& out)
{
  for (const auto& f : found) {
    if (f.hits.empty()) {
      out << t(f.address) << ": never exposed in this review\n";
      continue;
    }
    out << t(f.address) << ": shown by " << f.hits.size() << " incident(s)\n";
    for (const auto& hit : f.hits) {
      const auto& i = hit.incident;
      out << "  [" << i.id << "] " << (i.first_sent.empty() ? "date unknown" : i.first_sent)
          << "  from <" << t(i.sender) << ">  subject: " << t(i.subject) << "\n"
          << "      " << t(incident_statement(i)) << "; " << i.kind << ", " << i.status
          << (i.campaign_id.empty() ? "" : ", campaign " + i.campaign_id)
          << (hit.internal ? "; internal address (not counted as exposed)" : "") << "\n";
      if (!hit.display_name.empty()) {
        out << "      shown as \"" << t(hit.display_name) << "\"\n";
      }
      for (const auto& m : hit.messages) {
        out << "      " << (m.how == "reexposure" ? "reply-all " : "copy      ")
            << (m.sent_at.empty() ? "date unknown        " : m.sent_at) << "  " << t(m.path)
            << (m.offset ? " @" + std::to_string(m.offset) : "") << "\n";
      }
    }
  }
}

void
render_lookup_json(const std::vector<AddressLookup>& found, std::ostream& out)
{
  json j = json::array();
  for (const auto& f : found) {
    json hits = json::array();
    for (const auto& hit : f.hits) {
      const auto& i = hit.incident;
      json messages = json::array();
      for (const auto& m : hit.messages) {
        messages.push_back({{"how", m.how}, {"date", date_or_null(m.sent_at)},
                            {"path", u(m.path)}, {"offset", m.offset},
                            {"message_id", u(m.message_id)}});
      }
      hits.push_back({{"incident_id", i.id}, {"kind", i.kind},
                      {"part_path", i.part_path.empty() ? json(nullptr) : json(u(i.part_path))},
                      {"campaign_id", i.campaign_id.empty() ? json(nullptr) : json(i.campaign_id)},
                      {"first_sent", date_or_null(i.first_sent)}, {"sender", u(i.sender)},
                      {"subject", u(i.subject)}, {"message_id", u(i.message_id)},
                      {"exposed_count", i.exposed}, {"status", i.status},
                      {"display_name", u(hit.display_name)}, {"internal", hit.internal},
                      {"messages", std::move(messages)}});
    }
    j.push_back({{"address", u(f.given)}, {"normalised", u(f.address)},
                 {"exposed", !f.hits.empty()}, {"incidents", std::move(hits)}});
  }
  out << text::json_escape_c1_and_bidi(j.dump(2, ' ', false, json::error_handler_t::replace))
      << "\n";
}

} // namespace ccaudit::report
