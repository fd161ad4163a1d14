#pragma once

#include "core/finding_sink.hpp"
#include "store/connection.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace ccaudit::store {

// What reviewers decided about findings, and what it makes of a new one:
// a baseline file's fingerprints, acceptances (`baseline accept`), and
// whether a finding is new, seen or accepted.
class Triage
{
public:
  explicit Triage(Connection& db);
  ~Triage();
  Triage(const Triage&) = delete;
  Triage& operator=(const Triage&) = delete;

  // Fingerprints a baseline file lists, with the status they get.
  void set_baseline(std::map<std::string, FindingStatus> baseline);

  // A finding's status in scan `scan_id`, before it is recorded: accepted
  // (baseline or acceptance), seen (recorded by this scan, or by one that
  // completed), else new.
  FindingStatus status_of(const std::string& fingerprint, std::int64_t scan_id);

  // Current findings of every kind (not retired, not suppressed, not
  // replies kept as context) that no reviewer accepted: --fail-on any.
  std::uint64_t open_findings();

  // Marks the findings of an incident id (I-...) or with a fingerprint as
  // accepted; returns how many fingerprints that was (0: no such finding).
  std::size_t accept(const std::string& id, const std::string& note, const std::string& by);

private:
  Connection& m_db;
  std::map<std::string, FindingStatus> m_baseline;
  LazyStatement m_fingerprint_known;
};

} // namespace ccaudit::store
