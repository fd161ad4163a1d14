// libFuzzer target: the mbox splitter. Invariants: messages come in order,
// inside the input, each at or after the previous one's end; never throws.
#include "mbox/mbox_reader.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  ccaudit::MemorySource source(std::string_view(reinterpret_cast<const char*>(data), size));
  ccaudit::mbox::MboxReader reader(source);
  std::uint64_t previous_end = 0, index = 0;
  while (auto message = reader.next()) {
    const auto& m = message->value;
    if (m.offset < previous_end || m.end < m.offset || m.end > size || m.index != index
        || m.body_offset < m.offset || m.body_offset > m.end) {
      std::abort();
    }
    previous_end = m.end;
    ++index;
  }
  (void)reader.take_file_issues();
  return 0;
}
