#pragma once

#include "report/report.hpp"
#include "report/review.hpp"
#include "store/sqlite_store.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace ccaudit::report {

// Where one address was shown: every incident of the review whose copies
// showed it (header lists, and with scan --content the lists inside
// messages), with the messages that showed it. The first question of a
// data subject request: "was I exposed, and where?".
struct AddressLookup
{
  std::string given;      // as typed
  std::string address;    // normalised as the scan normalises
  struct Hit
  {
    Incident incident;    // its addresses left out
    std::string display_name;
    bool internal = false;
    std::vector<NotifiedMessage> messages; // copies and reply-alls that showed it
  };
  std::vector<Hit> hits;
};

// `addresses`: (as given, normalised) pairs. Reads the review of
// `request.scan` (the newest by default).
std::vector<AddressLookup>
lookup_addresses(store::SqliteStore& db, const Request& request,
                 const std::vector<std::pair<std::string, std::string>>& addresses);

// Renderers (review_render.cpp, with the review's).
void render_lookup_text(const std::vector<AddressLookup>& found, std::ostream& out);
void render_lookup_json(const std::vector<AddressLookup>& found, std::ostream& out);

} // namespace ccaudit::report
