#include "detect/visible_recipients.hpp"

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

namespace {

std::string_view
domain_of(std::string_view address)
{
  const auto at = address.rfind('@');
  return at == std::string_view::npos ? std::string_view{} : address.substr(at + 1);
}

} // namespace

std::vector<ExposedAddress>
distinct_visible_addresses(const headers::MessageHeaders& message,
                           const std::vector<std::string>& internal_domains)
{
  std::vector<ExposedAddress> out;
  std::unordered_map<std::string_view, std::size_t> seen;
  seen.reserve(message.recipients.size());
  for (const auto& recipient : message.recipients) {
    const auto& mailbox = recipient.mailbox;
    const auto [it, inserted] = seen.try_emplace(mailbox.address, out.size());
    if (!inserted) {
      if (out[it->second].display_name.empty()) {
        out[it->second].display_name = mailbox.display_name;
      }
      continue;
    }
    ExposedAddress address;
    address.address = mailbox.address;
    address.display_name = mailbox.display_name;
    address.field = std::string(headers::to_string(recipient.field));
    const auto domain = domain_of(mailbox.address);
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
      domains.insert(domain_of(a.address));
    }
  }
  out.visible = out.addresses.size();
  out.domains = domains.size();
  return out;
}

VisibleRecipientsDetector::VisibleRecipientsDetector(
  std::size_t threshold, std::vector<std::string> internal_domains)
  : m_threshold(threshold), m_internal_domains(std::move(internal_domains))
{
}

std::optional<Finding>
VisibleRecipientsDetector::inspect(const headers::MessageHeaders& message) const
{
  // Cheap bound first: most mail has a handful of recipients.
  if (message.recipients.size() < m_threshold) {
    return std::nullopt;
  }
  auto exposure = measure(message, m_internal_domains);
  if (exposure.external < m_threshold) {
    return std::nullopt;
  }
  Finding finding;
  finding.kind = std::string(id());
  finding.message_id = message.message_id;
  finding.date = message.date;
  finding.from_address = message.from_address;
  finding.from_name = message.from_name;
  finding.subject = message.subject;
  finding.visible_count = exposure.visible;
  finding.external_count = exposure.external;
  finding.domain_count = exposure.domains;
  finding.addresses = std::move(exposure.addresses);
  return finding;
}

} // namespace ccaudit::detect
