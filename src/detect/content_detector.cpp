#include "detect/content_detector.hpp"

#include "core/text.hpp"
#include "detect/content_addresses.hpp"
#include "detect/incident.hpp"

#include <unordered_set>

namespace ccaudit::detect {

namespace {

bool
is_body_type(std::string_view type)
{
  return type == "text/plain" || type == "text/html";
}

} // namespace

ContentDetector::ContentDetector(const VisibleRecipientsDetector& visible,
                                 std::size_t list_threshold)
  : m_visible(visible), m_list_threshold(list_threshold)
{
}

Finding
ContentDetector::content_finding(const headers::MessageHeaders& message, std::string kind,
                                 std::vector<ExposedAddress> addresses, std::size_t external,
                                 std::size_t domains) const
{
  auto f = make_finding(std::move(kind), message, std::move(addresses), external, domains);
  f.suppressed = message.bulk_marker.empty() ? m_visible.bulk_sender(message.from_address)
                                             : message.bulk_marker;
  return f;
}

// Exposed addresses from a list of normalised ones, with their field.
namespace {

struct Measured
{
  std::vector<ExposedAddress> addresses;
  std::size_t external = 0, domains = 0;
};

Measured
measure_list(const std::vector<std::pair<std::string, std::string>>& items, // address, field
             const std::vector<std::string>& names, // display names, may be shorter
             const std::vector<std::string>& internal_domains)
{
  Measured m;
  std::unordered_set<std::string_view> domains;
  for (std::size_t i = 0; i < items.size(); ++i) {
    ExposedAddress a;
    a.address = items[i].first;
    a.field = items[i].second;
    a.display_name = i < names.size() ? names[i] : std::string();
    a.personal_name = personal_name(a.display_name, a.address);
    const auto domain = text::domain_part(a.address);
    for (const auto& internal : internal_domains) {
      a.internal = a.internal || in_domain(domain, internal);
    }
    m.addresses.push_back(std::move(a));
  }
  for (const auto& a : m.addresses) {
    if (!a.internal) {
      ++m.external;
      domains.insert(text::domain_part(a.address));
    }
  }
  m.domains = domains.size();
  return m;
}

} // namespace

std::optional<Finding>
ContentDetector::address_list(const headers::MessageHeaders& message,
                              std::string_view text,
                              const std::unordered_set<std::string>& quoted) const
{
  const auto found = addresses_in_text(text);
  if (found.size() < m_list_threshold) {
    return std::nullopt;
  }
  std::vector<std::pair<std::string, std::string>> items;
  items.reserve(found.size());
  for (const auto& a : found) {
    if (!quoted.contains(a)) {
      items.emplace_back(a, "content");
    }
  }
  auto m = measure_list(items, {}, m_visible.internal_domains());
  if (m.external < m_list_threshold) {
    return std::nullopt;
  }
  return content_finding(message, "address-list-in-content", std::move(m.addresses), m.external,
                         m.domains);
}

std::optional<Finding>
ContentDetector::quoted(const headers::MessageHeaders& message, std::string_view text,
                        std::unordered_set<std::string>& quoted) const
{
  std::optional<Measured> best;
  for (const auto& block : quoted_headers(text)) {
    std::vector<std::pair<std::string, std::string>> items;
    std::vector<std::string> names;
    std::unordered_set<std::string> seen;
    for (const auto* list : {&block.to, &block.cc}) {
      for (const auto& mailbox : *list) {
        quoted.insert(mailbox.address);
        if (seen.insert(mailbox.address).second) {
          items.emplace_back(mailbox.address, list == &block.to ? "quoted-to" : "quoted-cc");
          names.push_back(mailbox.display_name);
        }
      }
    }
    auto m = measure_list(items, names, m_visible.internal_domains());
    if (!best || m.external > best->external) {
      best = std::move(m);
    }
  }
  if (!best || best->external < m_visible.threshold()) {
    return std::nullopt;
  }
  return content_finding(message, "quoted-recipients", std::move(best->addresses),
                         best->external, best->domains);
}

std::vector<Finding>
ContentDetector::inspect(const Message& message) const
{
  if (!message.content || !in_period(message.headers)) {
    return {};
  }
  return inspect_content(message.headers, *message.content);
}

std::vector<Finding>
ContentDetector::inspect_content(const headers::MessageHeaders& message,
                                 const mime::MessageContent& content) const
{
  std::vector<Finding> out;
  for (const auto& embedded : content.messages) {
    auto parsed = embedded.built ? Parsed<headers::MessageHeaders>{*embedded.built, {}}
                                 : headers::parse_headers(embedded.header);
    parsed.value.references.clear(); // counted as a send, not as a reply
    if (auto f = m_visible.flag(parsed.value); f && !f->context_only) {
      f->kind = "forwarded-recipients";
      f->fingerprint = finding_fingerprint(f->kind, f->incident_key, f->recipient_hash);
      f->part_path = embedded.path;
      f->part_filename = embedded.filename;
      f->part_type = "message/rfc822";
      if (f->suppressed.empty()) {
        f->suppressed = message.bulk_marker;
      }
      out.push_back(std::move(*f));
    }
  }
  for (const auto& part : content.parts) {
    // Addresses of a quoted header block are that block's finding, not
    // also an address list.
    std::unordered_set<std::string> in_quoted;
    // What a reader sees of HTML, worked out once for both detectors.
    std::string rendered;
    std::string_view text = part.text;
    if (part.type == "text/html") {
      rendered = html_to_text(part.text);
      text = rendered;
    }
    auto from_quoted = is_body_type(part.type) ? quoted(message, text, in_quoted) : std::nullopt;
    for (auto f : {std::move(from_quoted), address_list(message, text, in_quoted)}) {
      if (f) {
        f->part_path = part.path;
        f->part_filename = part.filename;
        f->part_type = part.type;
        f->incident_id = content_incident_id(f->incident_id, f->kind, part.path);
        out.push_back(std::move(*f));
      }
    }
  }
  return out;
}

} // namespace ccaudit::detect
