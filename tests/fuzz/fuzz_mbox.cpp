// libFuzzer target: the mbox splitter. Invariants: messages come in order,
// inside the input, each at or after the previous one's end; a reader that
// shares its buffer (--content) splits as one that does not, with buffers of
// the same size (4 KiB here, so that inputs cross many refills), and hands
// out each body as the input holds it; never throws.
#include "mbox/mbox_reader.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  ccaudit::MemorySource source(input), again(input);
  ccaudit::mbox::MboxReader reader(source, 4096);
  ccaudit::mbox::MboxReader sharing(again, ccaudit::mbox::MboxReader::SharingBodies{}, 4096);
  std::uint64_t previous_end = 0, index = 0;
  while (auto message = reader.next()) {
    const auto& m = message->value;
    if (m.offset < previous_end || m.end < m.offset || m.end > size || m.index != index
        || m.body_offset < m.offset || m.body_offset > m.end) {
      std::abort();
    }
    const auto same = sharing.next();
    if (!same || same->value.offset != m.offset || same->value.end != m.end
        || same->value.body_offset != m.body_offset || same->value.header != m.header) {
      std::abort();
    }
    if (auto body = sharing.body(same->value);
        body && body->view() != input.substr(m.body_offset, m.end - m.body_offset)) {
      std::abort();
    }
    previous_end = m.end;
    ++index;
  }
  if (sharing.next()) {
    std::abort();
  }
  (void)reader.take_file_issues();
  return 0;
}
