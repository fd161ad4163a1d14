#include "store/triage.hpp"

#include "store/connection.hpp"

namespace ccaudit::store {

Triage::Triage(Connection& db) : m_db(db)
{
  m_fingerprint_known = LazyStatement(
    m_db.get(), "SELECT (SELECT 1 FROM acceptance WHERE fingerprint = ?1), "
          // Seen: recorded by this scan, or by one that completed. A scan
          // that was interrupted, failed or could not read everything
          // delivered nothing for sure: its findings stay new.
          "(SELECT 1 FROM finding f JOIN scan s ON s.id = f.scan_id WHERE f.fingerprint = ?1 "
          "AND (s.id = ?2 OR s.status = 'complete') LIMIT 1)");
}

Triage::~Triage() = default;

std::uint64_t
Triage::open_findings()
{
  std::uint64_t n = 0;
  // Every kind counts (a customer list in an attachment as much as a wide
  // To), but replies kept only to link reply-alls, as in reports/.
  m_db.query("SELECT count(*) FROM finding AS f WHERE f.retired_scan IS NULL "
        "AND f.kind <> 'reply-recipients' AND f.status <> 'accepted' AND f.suppressed = '' "
        "AND NOT EXISTS (SELECT 1 FROM acceptance AS a WHERE a.fingerprint = f.fingerprint)",
        {}, [&](const Row& r) { n = static_cast<std::uint64_t>(r.integer(0)); });
  return n;
}

std::size_t
Triage::accept(const std::string& id, const std::string& note, const std::string& by)
{
  Statement insert(m_db.get(), "INSERT OR IGNORE INTO acceptance(fingerprint, accepted_at, note, "
                         "accepted_by) SELECT DISTINCT fingerprint, ?1, ?2, ?4 FROM finding "
                         "WHERE fingerprint <> '' AND (incident_id = ?3 OR fingerprint = ?3)");
  std::size_t matched = 0;
  m_db.query("SELECT count(DISTINCT fingerprint) FROM finding WHERE fingerprint <> '' "
        "AND (incident_id = ?1 OR fingerprint = ?1)",
        {Value{id}}, [&](const Row& r) { matched = static_cast<std::size_t>(r.integer(0)); });
  insert.bind(1, utc_now()).bind(2, note).bind(3, id).bind(4, by).run();
  return matched;
}

void
Triage::set_baseline(std::map<std::string, FindingStatus> baseline)
{
  m_baseline = std::move(baseline);
}

FindingStatus
Triage::status_of(const std::string& fingerprint, std::int64_t scan_id)
{
  if (fingerprint.empty()) {
    return FindingStatus::new_finding;
  }
  if (const auto it = m_baseline.find(fingerprint); it != m_baseline.end()) {
    return it->second;
  }
  bool accepted = false, seen = false;
  m_fingerprint_known->bind(1, fingerprint).bind(2, scan_id);
  if (m_fingerprint_known->step()) {
    accepted = !m_fingerprint_known->is_null(0);
    seen = !m_fingerprint_known->is_null(1);
  }
  m_fingerprint_known->reset();
  return accepted ? FindingStatus::accepted
                  : seen ? FindingStatus::seen : FindingStatus::new_finding;
}

} // namespace ccaudit::store
