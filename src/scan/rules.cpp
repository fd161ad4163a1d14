#include "scan/rules.hpp"

#include "detect/content_detector.hpp"
#include "detect/visible_recipients.hpp"

namespace ccaudit::scan {

std::vector<std::unique_ptr<detect::Detector>>
make_detectors(const Rules& rules)
{
  std::vector<std::unique_ptr<detect::Detector>> out;
  auto visible = std::make_unique<detect::VisibleRecipientsDetector>(
    rules.threshold, rules.internal_domains, rules.bulk_senders, rules.since);
  // The content detector refers to the header's: it stays where it is in
  // `out` (a unique_ptr moves, its detector does not).
  const auto& header_rules = *visible;
  out.push_back(std::move(visible));
  if (rules.content_threshold) {
    out.push_back(std::make_unique<detect::ContentDetector>(header_rules, *rules.content_threshold));
  }
  return out;
}

} // namespace ccaudit::scan
