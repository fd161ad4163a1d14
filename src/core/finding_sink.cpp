#include "core/finding_sink.hpp"

namespace ccaudit {

const char*
to_string(FindingStatus status)
{
  switch (status) {
  case FindingStatus::new_finding: return "new";
  case FindingStatus::seen: return "seen";
  case FindingStatus::accepted: return "accepted";
  case FindingStatus::duplicate: return "duplicate";
  }
  return "unknown";
}

} // namespace ccaudit
