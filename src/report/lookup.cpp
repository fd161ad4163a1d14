#include "report/lookup.hpp"

#include <map>

namespace ccaudit::report {

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

} // namespace ccaudit::report
