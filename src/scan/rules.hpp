#pragma once

#include "detect/detector.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ccaudit::scan {

// Everything that decides what is flagged. A scan and `explain` make their
// detectors from it with make_detectors(), so they decide alike.
struct Rules
{
  std::size_t threshold = 25;
  std::vector<std::string> internal_domains; // normalised
  std::vector<std::string> bulk_senders;     // normalised addresses or "@domain"
  std::optional<std::int64_t> since;         // UTC seconds
  // --content: addresses in one part that flag it; nullopt: headers only.
  std::optional<std::size_t> content_threshold;
};

// The detectors, in the order their findings are recorded: the header's
// (visible recipients), then, with a content threshold, what is inside the
// message, judged by the header's rules.
std::vector<std::unique_ptr<detect::Detector>> make_detectors(const Rules& rules);

} // namespace ccaudit::scan
