// libFuzzer target: the MIME walk (mimetic, decoders, charsets) and the
// content detectors on what it finds. The input is a header block and a
// body, split at the first blank line. Never throws, stays in its bounds.
#include "detect/content_detector.hpp"
#include "headers/message_headers.hpp"
#include "mime/content.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
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
  // Parts cut before mimetic sees them (every skipped part here, however
  // small) change nothing of what is read.
  auto whole = limits, cut = limits;
  whole.cut_parts_from = 0;
  cut.cut_parts_from = 1;
  const auto a = ccaudit::mime::read_content(header, body, whole);
  const auto b = ccaudit::mime::read_content(header, body, cut);
  // Read whole, a body over a bound that protects mimetic (part count,
  // nesting, header field size) is refused; cut, the attachments' bytes do
  // not count against it, so only a body within them reads the same.
  const bool whole_over_bound = std::any_of(a.issues.begin(), a.issues.end(), [](const auto& i) {
    return i.detail.find(" parts (over ") != std::string::npos
           || i.detail.find("parts were not read") != std::string::npos
           || i.detail.starts_with("a part header field over ");
  });
  bool same = a.value.parts.size() == b.value.parts.size()
              && a.value.messages.size() == b.value.messages.size()
              && a.issues.size() == b.issues.size();
  for (std::size_t i = 0; same && i < a.value.parts.size(); ++i) {
    const auto &x = a.value.parts[i], &y = b.value.parts[i];
    same = x.path == y.path && x.type == y.type && x.filename == y.filename && x.text == y.text;
  }
  for (std::size_t i = 0; same && i < a.value.messages.size(); ++i) {
    const auto &x = a.value.messages[i], &y = b.value.messages[i];
    same = x.path == y.path && x.filename == y.filename && x.header == y.header;
  }
  for (std::size_t i = 0; same && i < a.issues.size(); ++i) {
    same = a.issues[i].kind == b.issues[i].kind && a.issues[i].detail == b.issues[i].detail;
  }
  if (!same && !whole_over_bound) {
    std::fprintf(stderr, "cutting skipped parts changed what was read\n");
    std::abort();
  }
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
