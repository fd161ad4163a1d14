#pragma once

#include "core/finding.hpp"
#include "headers/message_headers.hpp"

#include <optional>
#include <string_view>

namespace ccaudit::detect {

// One kind of leak. Detectors are pure: they look at one message's headers
// and answer; they never touch files, the database or the terminal, so they
// can run on any thread.
class Detector
{
public:
  virtual ~Detector() = default;

  // Stable id, stored with every finding: never change it.
  virtual std::string_view id() const = 0;

  virtual std::optional<Finding>
  inspect(const headers::MessageHeaders& message) const = 0;

  // False if no message whose visible fields hold `at_signs` '@' characters
  // (and that is a reply, or not) can be flagged, so parsing its addresses
  // can be skipped.
  virtual bool could_flag(std::size_t at_signs, bool is_reply) const
  {
    (void)at_signs;
    (void)is_reply;
    return true;
  }
};

} // namespace ccaudit::detect
