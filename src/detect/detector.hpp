#pragma once

#include "core/finding.hpp"
#include "headers/message_headers.hpp"
#include "mime/content.hpp"

#include <cstddef>
#include <string_view>
#include <vector>

namespace ccaudit::detect {

// What a detector looks at: one message's parsed header and, when the scan
// reads inside messages (--content), its MIME content.
struct Message
{
  const headers::MessageHeaders& headers;
  const mime::MessageContent* content = nullptr; // null: the header only
};

// One rule for what is a leak. Detectors are pure: they look at one message
// and answer; they never touch files, the database or the terminal, so
// they can run on any thread. Header and content rules share this one
// interface: a scan, and explain, run whatever detectors they are given.
class Detector
{
public:
  virtual ~Detector() = default;

  // A name for the rule ("visible-recipients", "content"). The findings'
  // kinds are stored with them.
  virtual std::string_view id() const = 0;

  // Every finding on `message` (none, most of the time).
  virtual std::vector<Finding> inspect(const Message& message) const = 0;

  // Part of the rule, for readers that skip work: the fewest '@' a
  // message's visible address fields (To, Cc, Resent-To, Resent-Cc) must
  // hold for this rule to flag it, as a reply or not. 0: any message may be
  // flagged, its addresses must be read.
  virtual std::size_t fewest_at_signs(bool is_reply) const
  {
    (void)is_reply;
    return 0;
  }

  // Whether this rule needs the message's MIME content (read only then).
  virtual bool wants_content(const headers::MessageHeaders& message) const
  {
    (void)message;
    return false;
  }
};

} // namespace ccaudit::detect
