// libFuzzer target: .msg files (an Outlook item saved alone: an OLE compound
// file read through libolecf from memory, outlook::read_msg), the item
// turned into header fields (scan::read_outlook_item) and, for mail written
// in Outlook, its recipients counted (detect::measure). For an input of odd
// size the content is read too (--content, with the scan's default bounds):
// bodies, attachments and attached items (sub-storages), each part's text
// searched for addresses (detect::addresses_in_text). Invariants: content
// exactly when it was asked for, and never an exception, a crash, a hang or
// unbounded memory.
#include "core/byte_source.hpp"
#include "detect/content_addresses.hpp"
#include "detect/visible_recipients.hpp"
#include "outlook/msg_file.hpp"
#include "scan/outlook_message.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  ccaudit::MemorySource bytes(std::string_view(reinterpret_cast<const char*>(data), size));
  // The content for half the inputs: the size's parity, as no byte of an
  // OLE file is free to decide it (run.sh seeds both).
  ccaudit::outlook::StoreLimits limits;
  limits.content = size % 2 == 1;
  limits.content_bounds.max_depth = 32; // the scan's default (--content-max-depth)
  auto read = ccaudit::outlook::read_msg(bytes, size, limits);
  if (read.result != ccaudit::outlook::MsgRead::Result::item) {
    return 0;
  }
  const auto message = ccaudit::scan::read_outlook_item(std::move(read.item));
  if (message.built) {
    (void)ccaudit::detect::measure(*message.built, {});
  }
  if ((message.content != nullptr) != limits.content) {
    std::abort();
  }
  if (message.content) {
    volatile std::size_t n = 0;
    for (const auto& part : message.content->parts) {
      n = n + part.text.size() + ccaudit::detect::addresses_in_text(part.text).size();
    }
    for (const auto& embedded : message.content->messages) {
      n = n + embedded.header.size() + (embedded.built ? embedded.built->recipients.size() : 0);
    }
  }
  return 0;
}
