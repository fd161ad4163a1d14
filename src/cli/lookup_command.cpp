// `ccaudit lookup ADDRESS...`: where an address was exposed.
#include "cli/options.hpp"
#include "core/text.hpp"
#include "headers/address_list.hpp"
#include "report/lookup.hpp"
#include "store/sqlite_store.hpp"

#include <cstdio>
#include <sstream>

namespace ccaudit::cli {

ExitCode
run_lookup(const LookupCommand& cmd)
{
  if (cmd.format != "text" && cmd.format != "json") {
    throw UsageError("--format: expected text or json, got '" + text::for_terminal(cmd.format)
                     + "'");
  }
  std::vector<std::pair<std::string, std::string>> addresses;
  for (const auto& given : cmd.addresses) {
    auto address = headers::normalize_address(text::trim(given));
    if (address.empty()) {
      throw UsageError("not an address: '" + text::for_terminal(given) + "'");
    }
    addresses.emplace_back(given, std::move(address));
  }
  store::SqliteStore store(cmd.db, store::OpenMode::read_only);
  report::Request request;
  request.scan = cmd.scan ? cmd.scan : store.review_scan();
  request.campaign_window_days = cmd.campaign_window_days;
  request.include_suppressed = cmd.include_suppressed;
  const auto found = report::lookup_addresses(store, request, addresses);
  std::ostringstream out;
  if (cmd.format == "json") {
    report::render_lookup_json(found, out);
  } else {
    report::render_lookup_text(found, out);
  }
  write_output("", out.view());
  for (const auto& f : found) {
    if (!f.hits.empty()) {
      return ExitCode::clean;
    }
  }
  return ExitCode::findings; // 1: never exposed, as grep finds nothing
}

} // namespace ccaudit::cli
