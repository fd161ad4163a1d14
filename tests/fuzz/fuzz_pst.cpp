// libFuzzer target: PST and OST files read through libpff from memory
// (outlook::read_store), every e-mail item turned into header fields
// (scan::read_outlook_item) and, for mail written in Outlook, its recipients
// counted (detect::measure). Invariants: only as many items as the summary
// says, and never an exception, a crash, a hang or unbounded memory.
#include "core/byte_source.hpp"
#include "detect/visible_recipients.hpp"
#include "outlook/pst_store.hpp"
#include "scan/outlook_message.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  ccaudit::MemorySource bytes(std::string_view(reinterpret_cast<const char*>(data), size));
  std::uint64_t items = 0;
  ccaudit::outlook::StoreCallbacks callbacks;
  callbacks.on_item = [&items](std::string, ccaudit::outlook::Item&& item) {
    ++items;
    const auto message = ccaudit::scan::read_outlook_item(std::move(item));
    if (message.built) {
      (void)ccaudit::detect::measure(*message.built, {});
    }
    return true;
  };
  callbacks.on_issue = [](const std::string&, const ccaudit::Issue&) {};
  const auto summary = ccaudit::outlook::read_store(bytes, size, callbacks);
  if (summary.items != items) {
    std::abort();
  }
  return 0;
}
