// libFuzzer target: the header-block splitter and everything parse_headers
// reads from it (address fields, dates, ids, RFC 2047). Never throws; every
// recipient it counts has an '@' and a domain.
#include "headers/message_headers.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto block = ccaudit::headers::split_header_block(input);
  if (block.value.text.size() > size) {
    std::abort();
  }
  const auto parsed = ccaudit::headers::parse_headers(block.value);
  if (ccaudit::headers::visible_at_signs(block.value) < parsed.value.recipients.size()
      && parsed.issues.empty()) {
    std::abort(); // counted more addresses than the '@' bound allows, silently
  }
  for (const auto& r : parsed.value.recipients) {
    const auto& a = r.mailbox.address;
    const auto at = a.rfind('@');
    if (at == std::string::npos || at == 0 || at + 1 == a.size()) {
      std::abort();
    }
  }
  return 0;
}
