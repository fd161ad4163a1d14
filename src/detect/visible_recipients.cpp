#include "detect/visible_recipients.hpp"

#include "core/text.hpp"
#include "detect/incident.hpp"

#include <unordered_map>
#include <unordered_set>

namespace ccaudit::detect {

bool
in_domain(std::string_view domain, std::string_view parent)
{
  if (parent.empty() || domain.size() < parent.size()) {
    return false;
  }
  if (domain.size() == parent.size()) {
    return domain == parent;
  }
  return domain.ends_with(parent)
         && domain[domain.size() - parent.size() - 1] == '.';
}


std::vector<ExposedAddress>
distinct_visible_addresses(const headers::MessageHeaders& message,
                           const std::vector<std::string>& internal_domains)
{
  std::vector<ExposedAddress> out;
  out.reserve(message.recipients.size());
  // Open addressing over indices into `out`: a wide message has thousands
  // of recipients, and a node-based map allocated one node for each.
  std::size_t slots = 16;
  while (slots < 2 * message.recipients.size()) {
    slots *= 2;
  }
  std::vector<std::uint32_t> table(slots, 0); // index + 1; 0: empty
  const std::hash<std::string_view> hash;
  const auto find_or_add = [&](std::string_view address, std::size_t index) -> std::size_t {
    for (auto i = hash(address) & (slots - 1);; i = (i + 1) & (slots - 1)) {
      if (table[i] == 0) {
        table[i] = static_cast<std::uint32_t>(index + 1);
        return index;
      }
      if (out[table[i] - 1].address == address) {
        return table[i] - 1;
      }
    }
  };
  for (const auto& recipient : message.recipients) {
    const auto& mailbox = recipient.mailbox;
    const auto at = find_or_add(mailbox.address, out.size());
    if (at != out.size()) {
      auto& first = out[at];
      if (first.display_name.empty() && !mailbox.display_name.empty()) {
        first.display_name = mailbox.display_name;
        first.personal_name = personal_name(first.display_name, first.address);
      }
      continue;
    }
    ExposedAddress address;
    address.address = mailbox.address;
    address.display_name = mailbox.display_name;
    address.field = std::string(headers::to_string(recipient.field));
    address.personal_name = personal_name(mailbox.display_name, mailbox.address);
    const auto domain = text::domain_part(mailbox.address);
    for (const auto& internal : internal_domains) {
      address.internal = address.internal || in_domain(domain, internal);
    }
    out.push_back(std::move(address));
  }
  return out;
}

Exposure
measure(const headers::MessageHeaders& message,
        const std::vector<std::string>& internal_domains)
{
  Exposure out;
  out.addresses = distinct_visible_addresses(message, internal_domains);
  std::unordered_set<std::string_view> domains;
  for (const auto& a : out.addresses) {
    if (!a.internal) {
      ++out.external;
      domains.insert(text::domain_part(a.address));
    }
  }
  out.visible = out.addresses.size();
  out.domains = domains.size();
  return out;
}

Finding
make_finding(std::string kind, const headers::MessageHeaders& message,
             std::vector<ExposedAddress> addresses, std::size_t external, std::size_t domains)
{
  Finding f;
  f.kind = std::move(kind);
  f.message_id = message.message_id;
  f.date = message.date;
  f.from_address = message.from_address;
  f.from_name = message.from_name;
  f.subject = message.subject;
  f.sent_at = message.sent_at;
  f.subject_key = subject_key(message.subject);
  f.visible_count = addresses.size();
  f.external_count = external;
  f.domain_count = domains;
  f.addresses = std::move(addresses);
  f.recipient_hash = recipient_hash(f.addresses);
  f.incident_key = incident_key(message.message_id, message.sent_at, message.date,
                                message.from_address, message.subject, f.recipient_hash);
  f.incident_id = incident_id(f.incident_key);
  f.fingerprint = finding_fingerprint(f.kind, f.incident_key, f.recipient_hash);
  return f;
}

VisibleRecipientsDetector::VisibleRecipientsDetector(
  std::size_t threshold, std::vector<std::string> internal_domains,
  std::vector<std::string> bulk_senders, std::optional<std::int64_t> since)
  : m_threshold(threshold), m_internal_domains(std::move(internal_domains)),
    m_bulk_senders(std::move(bulk_senders)), m_since(since)
{
}

std::optional<Finding>
VisibleRecipientsDetector::inspect_header(const headers::MessageHeaders& message) const
{
  if (!in_period(message)) {
    return std::nullopt;
  }
  return flag(message);
}

std::vector<Finding>
VisibleRecipientsDetector::inspect(const Message& message) const
{
  std::vector<Finding> out;
  if (auto finding = inspect_header(message.headers)) {
    out.push_back(std::move(*finding));
  }
  return out;
}

std::string
VisibleRecipientsDetector::bulk_sender(std::string_view from_address) const
{
  for (const auto& sender : m_bulk_senders) {
    const bool match = sender.starts_with("@")
                         ? in_domain(text::domain_part(from_address), std::string_view(sender).substr(1))
                         : from_address == sender;
    if (match) {
      return "bulk sender " + sender;
    }
  }
  return {};
}

std::optional<Finding>
VisibleRecipientsDetector::flag(const headers::MessageHeaders& message) const
{
  const bool reply = !message.references.empty();
  const auto needed = reply ? reply_threshold() : m_threshold;
  // Cheap bound first: most mail has a handful of recipients.
  if (message.recipients.size() < needed) {
    return std::nullopt;
  }
  auto exposure = measure(message, m_internal_domains);
  if (exposure.external < needed) {
    return std::nullopt;
  }
  auto finding = make_finding(exposure.external >= m_threshold ? std::string(id())
                                                                : "reply-recipients",
                              message, std::move(exposure.addresses), exposure.external,
                              exposure.domains);
  finding.context_only = exposure.external < m_threshold;
  finding.references = message.references;
  finding.suppressed = message.bulk_marker.empty() ? bulk_sender(message.from_address)
                                                   : message.bulk_marker;
  return finding;
}

} // namespace ccaudit::detect
