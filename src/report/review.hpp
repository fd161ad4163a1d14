#pragma once

#include "store/sqlite_store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ccaudit::report {

// What incident review shows, read from the views of reports/review.sql.
// Every string came out of a message or a path: renderers escape it.

struct Copy
{
  std::string path;
  std::int64_t offset = 0;
  std::optional<std::int64_t> mbox_index;
  std::string recipient_hash;
  std::int64_t visible = 0, exposed = 0;
  std::string status; // new | seen | accepted
  bool gone = false;  // its file is no longer there (the finding stays)
  // What showed the list here: visible-recipients (the To/Cc), or with
  // scan --content a forwarded message, a list in a part, a quoted block,
  // with the MIME part ("" for the header).
  std::string kind, part_path, part_filename;
};

struct Reexposure
{
  std::string path;
  std::int64_t offset = 0;
  std::string message_id, sender, sent_at, date; // sent_at: ISO UTC or ""
  std::int64_t shared = 0;
};

struct DomainCount
{
  std::string domain;
  std::int64_t exposed = 0;
};

struct ShownAddress
{
  std::string address, display_name;
  bool internal = false, personal_name = false;
};

struct Incident
{
  std::string id, message_id, sender, sender_name, subject, date;
  std::string first_sent; // ISO 8601 UTC; "" when no copy has a readable Date
  std::int64_t exposed = 0, recipients = 0, identifiable = 0, domains = 0;
  std::int64_t recipient_sets = 0;
  bool divergent = false;
  std::string campaign_id;   // "" when not part of a campaign
  std::string reexposure_of; // incident ids this reply-all re-exposed
  std::string found_at;      // first scan (any) that found it, ISO UTC
  std::string status;        // new (first found by this scan) | seen | accepted
  bool all_gone = false;     // every copy's file is gone
  // Its first copy's kind and part (a header copy's before a forward's):
  // visible-recipients, forwarded-recipients, address-list-in-content or
  // quoted-recipients.
  std::string kind, part_path, part_filename, part_type;
  bool in_content() const { return kind != "visible-recipients"; }
  // A reviewer's acceptance (baseline accept): when (ISO UTC, "" if never),
  // by whom (login names), and the notes given.
  std::string accepted_at, accepted_by, accepted_note;
  std::vector<Copy> copies;
  std::vector<Reexposure> reexposures;
  std::vector<DomainCount> by_domain;
  std::vector<ShownAddress> addresses; // external first, then internal
};

struct Campaign
{
  std::string id, sender, subject, first_sent, last_sent;
  std::vector<std::string> incident_ids; // in batch order
  std::int64_t exposed_unique = 0, recipients_unique = 0,
               identifiable_unique = 0, exposed_total = 0;
};

struct SenderRecurrence
{
  std::string sender, first_sent, last_sent;
  std::int64_t incidents = 0, exposed_total = 0;
};

struct ScanInfo
{
  std::int64_t id = 0;
  std::string started_at, finished_at, status, host, internal_domains_json;
  std::string settings_json; // what decided its findings (scan.settings)
  // Read (sources: files, an export's members not on their own), and found
  // unchanged and not read again.
  std::int64_t threshold = 0, sources = 0, messages = 0, findings = 0,
               problems = 0, not_scanned = 0;
  std::int64_t unchanged_files = 0, unchanged_messages = 0;
};

struct ProblemCount
{
  std::string kind;
  std::int64_t problems = 0, files = 0;
  bool not_scanned = false;
};

struct NotScanned
{
  std::string path, kind, detail;
  std::int64_t offset = 0;
  std::optional<std::int64_t> mbox_index;
};

// A leak inside a message (scan --content).
struct ContentFinding
{
  std::string kind, path, part_path, part_filename, part_type;
  std::int64_t offset = 0;
  std::optional<std::int64_t> mbox_index;
  std::string message_id, sender, subject, sent_at; // sent_at: ISO UTC or ""
  std::int64_t exposed = 0, visible = 0;
  std::string incident_id;
  bool linked = false; // its incident is in this review (a forward of it)
  std::string status;
};

struct Review
{
  ScanInfo scan;
  double campaign_window_days = 7;
  std::vector<Incident> incidents;
  std::vector<Campaign> campaigns;
  std::vector<SenderRecurrence> senders;
  std::vector<ContentFinding> content_findings;
  std::vector<ProblemCount> problems;
  std::vector<NotScanned> not_scanned; // inputs the scan could not read
  std::int64_t suppressed_hidden = 0;  // list or bulk mail findings left out
  std::string status_filter;           // keep_status(): "" for every incident
  std::size_t incidents_before_filter = 0;
  bool has_internal_domains() const { return scan.internal_domains_json != "[]"; }
  const Incident* incident(const std::string& id) const;
  const Campaign* campaign(const std::string& id) const;
};

// Installs the review views on the connection (TEMP: works read-only) and
// points them at a scan (nullopt: the newest) and a campaign window; returns
// that scan's id. Throws FatalError if the scan does not exist.
std::int64_t prepare_review(store::SqliteStore& db, std::optional<std::int64_t> scan,
                            double campaign_window_days, bool include_suppressed = false);

// Reads the whole review. prepare_review() first.
Review load_review(store::SqliteStore& db);

// Keeps the incidents whose status is `status`: new (first found by the
// reviewed scan), seen, accepted, or open (new or seen: not accepted); and
// the campaigns, senders and content findings of those. Throws FatalError
// for another word.
void keep_status(Review& review, const std::string& status);

// One exposed person and the messages that showed them (Art. 34).
struct NotifiedMessage
{
  std::string message_id, path, sent_at, how; // how: "copy" or "reexposure"
  std::int64_t offset = 0;
};
struct Person
{
  std::string address, display_name;
  std::vector<NotifiedMessage> messages;
};

// The people to notify for an incident or campaign id. prepare_review() first.
std::vector<Person> load_people(store::SqliteStore& db, const std::string& id);

} // namespace ccaudit::report
