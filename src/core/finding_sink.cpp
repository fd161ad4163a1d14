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

std::string_view
to_string(SourceKind kind)
{
  switch (kind) {
  case SourceKind::mbox: return "mbox";
  case SourceKind::message: return "message";
  case SourceKind::not_mail: return "not-mail";
  case SourceKind::unreadable: return "unreadable";
  case SourceKind::compressed: return "compressed";
  case SourceKind::archive: return "archive";
  case SourceKind::stream: return "stream";
  case SourceKind::excluded: return "excluded";
  case SourceKind::outlook: return "outlook";
  case SourceKind::reading: return "reading";
  }
  return "reading";
}

SourceKind
source_kind_named(std::string_view name)
{
  // The kinds are numbered from 0, `reading` last.
  for (int i = 0; i < static_cast<int>(SourceKind::reading); ++i) {
    if (to_string(static_cast<SourceKind>(i)) == name) {
      return static_cast<SourceKind>(i);
    }
  }
  return SourceKind::reading;
}

} // namespace ccaudit
