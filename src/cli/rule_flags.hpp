#pragma once

#include "cli/options.hpp"
#include "mime/content.hpp"
#include "scan/message_source.hpp"
#include "scan/rules.hpp"

#include <optional>

namespace ccaudit::cli {

// What RuleFlags decide, checked and normalised: the detectors' rules and,
// with --content, the bounds of the MIME walk. `scan` and `explain` both
// build theirs here, so they cannot decide differently.
struct DecidingRules
{
  scan::Rules rules;
  std::optional<mime::ContentLimits> content; // --content
  scan::BodyRead body_read;                   // --content: what is read of a body
};

// Throws UsageError for a domain, sender or date that is not one.
DecidingRules deciding_rules(const RuleFlags& flags);

} // namespace ccaudit::cli
