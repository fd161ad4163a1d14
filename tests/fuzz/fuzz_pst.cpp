// libFuzzer target: PST and OST files read through libpff from memory
// (outlook::read_store), every e-mail item turned into header fields
// (scan::read_outlook_item) and, for mail written in Outlook, its recipients
// counted (detect::measure). For an input of odd size the content is read
// too (--content, with the scan's default bounds): bodies, attachments and
// attached items, each part's text searched for addresses
// (detect::addresses_in_text). Invariants: only as many items as the summary
// says, content exactly when it was asked for, and never an exception, a
// crash, a hang or unbounded memory.
#include "core/byte_source.hpp"
#include "detect/content_addresses.hpp"
#include "detect/visible_recipients.hpp"
#include "outlook/pst_store.hpp"
#include "scan/outlook_message.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

// What a scan with --content does with the parts (in part): their text.
std::size_t
touch(const ccaudit::mime::MessageContent& content)
{
  std::size_t n = 0;
  for (const auto& part : content.parts) {
    n += part.text.size() + ccaudit::detect::addresses_in_text(part.text).size();
  }
  for (const auto& message : content.messages) {
    n += message.header.size() + (message.built ? message.built->recipients.size() : 0);
  }
  return n;
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  ccaudit::MemorySource bytes(std::string_view(reinterpret_cast<const char*>(data), size));
  // The content for half the inputs: the size's parity, as no byte of a
  // PST file is free to decide it (run.sh seeds both).
  ccaudit::outlook::StoreLimits limits;
  limits.content = size % 2 == 1;
  limits.content_bounds.max_depth = 32; // the scan's default (--content-max-depth)
  std::uint64_t items = 0;
  volatile std::size_t touched = 0;
  ccaudit::outlook::StoreCallbacks callbacks;
  callbacks.on_item = [&](std::string, ccaudit::outlook::Item&& item) {
    ++items;
    const auto message = ccaudit::scan::read_outlook_item(std::move(item));
    if (message.built) {
      (void)ccaudit::detect::measure(*message.built, {});
    }
    if ((message.content != nullptr) != limits.content) {
      std::abort();
    }
    if (message.content) {
      touched = touched + touch(*message.content);
    }
    return true;
  };
  callbacks.on_issue = [](const std::string&, const ccaudit::Issue&) {};
  const auto summary = ccaudit::outlook::read_store(bytes, size, callbacks, limits);
  if (summary.items != items) {
    std::abort();
  }
  return 0;
}
