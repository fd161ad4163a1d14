#pragma once

#include "core/finding.hpp"
#include "detect/visible_recipients.hpp"
#include "headers/message_headers.hpp"
#include "mime/content.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace ccaudit::detect {

// Leaks inside a message (ccaudit scan --content):
// - forwarded-recipients: a message inside it (message/rfc822, an attached
//   .eml) whose own visible recipients reach the header threshold, counted
//   exactly as a top-level message's. Its incident is the original's (same
//   Message-ID), so a forward links to the send it passes on.
// - address-list-in-content: a text part (body, CSV, TSV, vCard, HTML) or a
//   .csv/.tsv/.txt/.vcf attachment holding at least `list_threshold`
//   distinct exposed addresses.
// - quoted-recipients: a body quoting an earlier message's header block
//   whose To and Cc list at least the header threshold of exposed addresses.
// Content findings belong to the incident of the message that carries them
// (its Message-ID), apart from forwarded ones. It finds nothing in a
// message whose content was not read.
class ContentDetector final : public Detector
{
public:
  // `visible` decides the header rules it applies to what it finds (the
  // threshold, internal domains, list and bulk mail, --since): it must
  // outlive this detector.
  ContentDetector(const VisibleRecipientsDetector& visible, std::size_t list_threshold);

  std::string_view id() const override { return "content"; }
  std::vector<Finding> inspect(const Message& message) const override;
  // A message dated in the period scanned (--since): its content is read.
  bool wants_content(const headers::MessageHeaders& message) const override
  {
    return in_period(message);
  }
  std::vector<Finding> inspect_content(const headers::MessageHeaders& message,
                                       const mime::MessageContent& content) const;

  std::size_t list_threshold() const { return m_list_threshold; }
  // --since: the message is dated in the period scanned (its content is
  // not read otherwise).
  bool in_period(const headers::MessageHeaders& message) const
  {
    return m_visible.in_period(message);
  }

private:
  // `text`: what a reader sees of the part (HTML already rendered).
  std::optional<Finding> address_list(const headers::MessageHeaders& message,
                                      std::string_view text,
                                      const std::unordered_set<std::string>& quoted) const;
  // Also collects every address of every quoted header block in `quoted`.
  std::optional<Finding> quoted(const headers::MessageHeaders& message, std::string_view text,
                                std::unordered_set<std::string>& quoted) const;
  Finding content_finding(const headers::MessageHeaders& message, std::string kind,
                          std::vector<ExposedAddress> addresses, std::size_t external,
                          std::size_t domains) const;

  const VisibleRecipientsDetector& m_visible;
  std::size_t m_list_threshold;
};

} // namespace ccaudit::detect
