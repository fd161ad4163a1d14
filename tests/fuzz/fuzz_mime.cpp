// libFuzzer target: the MIME walk (mimetic, decoders, charsets) and the
// content detectors on what it finds. The input is a header block and a
// body, split at the first blank line. Never throws, stays in its bounds.
#include "detect/content_detector.hpp"
#include "headers/message_headers.hpp"
#include "mime/content.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto split = input.find("\n\n");
  split = split == std::string_view::npos ? input.size() : split + 2;
  const auto header = input.substr(0, split);
  const auto body = input.substr(split);
  ccaudit::mime::ContentLimits limits;
  limits.max_part_bytes = 1 << 20;
  limits.max_message_bytes = 4 << 20;
  const auto content = ccaudit::mime::read_content(header, body, limits);
  std::size_t text = 0;
  for (const auto& part : content.value.parts) {
    text += part.text.size();
  }
  // UTF-8 conversion can grow text; decoded bytes are bounded.
  if (text > 3 * limits.max_message_bytes) {
    std::abort();
  }
  static const ccaudit::detect::VisibleRecipientsDetector visible(5, {});
  static const ccaudit::detect::ContentDetector detector(visible, 5);
  const auto headers = ccaudit::headers::parse_headers(header);
  (void)detector.inspect({headers.value, &content.value});
  return 0;
}
