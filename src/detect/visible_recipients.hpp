#pragma once

#include "detect/detector.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace ccaudit::detect {

// The distinct visible addresses of a message (To, Cc, Resent-To, Resent-Cc;
// addresses are already normalised by headers/), in order of first
// appearance, each with the display name and field it was first seen with.
// `internal` is set for addresses in one of `internal_domains` (normalised
// domains; subdomains included).
std::vector<ExposedAddress>
distinct_visible_addresses(const headers::MessageHeaders& message,
                           const std::vector<std::string>& internal_domains);

// What a message shows its recipients: the distinct visible addresses and
// how many of them are exposed (not internal), over how many domains.
struct Exposure
{
  std::vector<ExposedAddress> addresses;
  std::size_t visible = 0, external = 0, domains = 0;
};
Exposure measure(const headers::MessageHeaders& message,
                 const std::vector<std::string>& internal_domains);

// A finding of `kind` on `message` showing `addresses` (distinct, `external`
// of them exposed over `domains` domains): the message's fields, and the
// identity every kind shares (subject key, recipient hash, incident key and
// id, fingerprint). Detectors add what is theirs.
Finding make_finding(std::string kind, const headers::MessageHeaders& message,
                     std::vector<ExposedAddress> addresses, std::size_t external,
                     std::size_t domains);

// True if `domain` is `parent` or a subdomain of it.
bool in_domain(std::string_view domain, std::string_view parent);

// Flags a message whose exposed addresses number at least `threshold`. With
// no internal domains every visible address is exposed; with them, only
// external ones count, though all are kept in the finding.
//
// A reply (In-Reply-To or References) showing at least half the threshold is
// also recorded, as kind "reply-recipients": not a leak on its own, but a
// reply-all that shows again at least half of an incident's exposed
// addresses (every incident has at least `threshold`) is a re-exposure, and
// the incident review links the two.
class VisibleRecipientsDetector final : public Detector
{
public:
  // `bulk_senders`: addresses, or "@domain" (subdomains included), whose
  // mail is bulk by design: their findings are recorded but suppressed, as
  // are those of mail marked as list or bulk mail.
  // `since`: only messages dated from then (UTC seconds; the Date field,
  // or the file's mtime when it has none that can be read).
  VisibleRecipientsDetector(std::size_t threshold,
                            std::vector<std::string> internal_domains,
                            std::vector<std::string> bulk_senders = {},
                            std::optional<std::int64_t> since = std::nullopt);

  std::string_view id() const override { return "visible-recipients"; }

  // The header's finding, if any.
  std::vector<Finding> inspect(const Message& message) const override;
  std::optional<Finding> inspect_header(const headers::MessageHeaders& message) const;

  // inspect() without the --since filter: for a message inside a message.
  std::optional<Finding> flag(const headers::MessageHeaders& message) const;

  std::size_t threshold() const { return m_threshold; }
  // --since: dated from then on (Date, or the file's mtime without one).
  bool in_period(const headers::MessageHeaders& message) const
  {
    return !m_since || message.sent_at.value_or(message.file_mtime) >= *m_since;
  }
  const std::vector<std::string>& internal_domains() const { return m_internal_domains; }
  // The --bulk-sender match for `from_address`: "bulk sender X", or "".
  std::string bulk_sender(std::string_view from_address) const;

  std::size_t fewest_at_signs(bool is_reply) const override
  {
    return is_reply ? reply_threshold() : m_threshold;
  }
  std::size_t reply_threshold() const { return (m_threshold + 1) / 2; }

private:
  std::size_t m_threshold;
  std::vector<std::string> m_internal_domains;
  std::vector<std::string> m_bulk_senders;
  std::optional<std::int64_t> m_since;
};

} // namespace ccaudit::detect
