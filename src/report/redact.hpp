#pragma once

#include "core/finding.hpp"
#include "report/review.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace ccaudit::report {

// --redact-key: addresses shown as a keyed hash so a report can leave the
// response team. The same key gives the same hash in every run; without the
// key the hash cannot be reversed or recomputed from a guessed address.
// The domain stays visible; display names are withheld.
class Redactor
{
public:
  // Reads the key file (at least 16 bytes, used as they are). Throws
  // FatalError when it cannot be read or is too short.
  static Redactor from_file(const std::filesystem::path& file);
  explicit Redactor(std::string key) : m_key(std::move(key)) {}

  // "hmac-" + 16 hex digits of HMAC-SHA256(key, address) + "@domain".
  std::string address(std::string_view address) const;
  // "(withheld)" for a non-empty name.
  std::string name(std::string_view name) const;

  void apply(Review& review) const;
  void apply(Finding& finding) const; // sender and every address
  void apply(std::vector<Person>& people) const;

private:
  std::string m_key;
};

} // namespace ccaudit::report
