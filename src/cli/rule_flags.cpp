#include "cli/rule_flags.hpp"

namespace ccaudit::cli {

DecidingRules
deciding_rules(const RuleFlags& flags)
{
  DecidingRules out;
  out.rules.threshold = flags.threshold;
  out.rules.internal_domains = normalised_domains(flags.internal_domains);
  out.rules.bulk_senders = normalised_senders(flags.bulk_senders);
  if (!flags.since.empty()) {
    out.rules.since = parse_since(flags.since);
  }
  if (flags.content) {
    out.rules.content_threshold = flags.content_threshold;
    auto& limits = out.content.emplace();
    limits.max_depth = flags.content_max_depth;
    limits.max_part_bytes = flags.content_max_part_mib << 20;
    limits.max_message_bytes = flags.content_max_message_mib << 20;
    out.body_read.max_bytes = flags.content_max_message_mib << 20;
    out.body_read.max_part_bytes = limits.max_part_bytes;
    out.body_read.max_depth = static_cast<int>(flags.content_max_depth);
  }
  return out;
}

} // namespace ccaudit::cli
