// libFuzzer target: address-list parsing, and the rule that makes the simple
// reader safe: wherever it returns a list, that list is GMime's.
#include "headers/address_list.hpp"
#include "headers/address_text.hpp"
#include "headers/simple_address_list.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string input(reinterpret_cast<const char*>(data), size);
  using namespace ccaudit::headers;
  const auto parsed = parse_address_list(input);
  for (const auto& m : parsed.value) {
    if (m.address.empty() || m.address.find('@') == std::string::npos) {
      std::abort();
    }
  }
  // A list whose items GMime reads alone is read item by item: the result,
  // problems included, must be what GMime reading the whole list gives.
  if (detail::items_read_alone(input)) {
    const auto whole = detail::parse_address_list_with_gmime(input);
    bool same = parsed.value.size() == whole.value.size()
                && parsed.issues.size() == whole.issues.size();
    for (std::size_t i = 0; same && i < parsed.value.size(); ++i) {
      same = parsed.value[i].address == whole.value[i].address
             && parsed.value[i].display_name == whole.value[i].display_name
             && parsed.value[i].group == whole.value[i].group;
    }
    for (std::size_t i = 0; same && i < parsed.issues.size(); ++i) {
      same = parsed.issues[i].kind == whole.issues[i].kind
             && parsed.issues[i].detail == whole.issues[i].detail;
    }
    if (!same) {
      std::fprintf(stderr, "item by item and GMime's whole list differ on [%s]\n",
                   input.c_str());
      std::abort();
    }
  }
  // Appended to a vector that holds mailboxes already (the items after a
  // broken one share one), the same reading, or nothing added.
  const auto simple = detail::parse_simple_address_list(input);
  std::vector<Mailbox> appended = {{"kept@example.com", "", ""}};
  const bool taken = detail::append_simple_address_list(input, appended);
  bool same_appended = taken == simple.has_value()
                       && appended.size() == 1 + (simple ? simple->size() : 0);
  for (std::size_t i = 1; same_appended && taken && i < appended.size(); ++i) {
    same_appended = appended[i].address == (*simple)[i - 1].address
                    && appended[i].display_name == (*simple)[i - 1].display_name;
  }
  if (!same_appended) {
    std::fprintf(stderr, "the simple reader appended differs on [%s]\n", input.c_str());
    std::abort();
  }
  if (simple) {
    const auto gmime = detail::parse_address_list_with_gmime(input);
    bool same = gmime.issues.empty() && simple->size() == gmime.value.size();
    for (std::size_t i = 0; same && i < simple->size(); ++i) {
      same = (*simple)[i].address == gmime.value[i].address
             && (*simple)[i].display_name == gmime.value[i].display_name
             && (*simple)[i].group == gmime.value[i].group;
    }
    if (!same) {
      std::fprintf(stderr, "simple reader and GMime differ on [%s]\n", input.c_str());
      std::abort();
    }
    // The lenient recovery skips the text check for items the simple reader
    // takes: a reader must see no address there that the list lacks.
    if (!detail::missing_from(input, *simple).addresses.empty()) {
      std::fprintf(stderr, "the text shows an address the simple reader missed in [%s]\n",
                   input.c_str());
      std::abort();
    }
  }
  return 0;
}
