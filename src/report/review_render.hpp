#pragma once

#include "report/review.hpp"

#include <ctime>
#include <optional>
#include <ostream>
#include <string>

namespace ccaudit::report {

// Seconds since the epoch of a time as the database stores it (ISO 8601,
// UTC: 2024-06-04T07:30:00Z); nullopt if it is not one.
std::optional<std::time_t> parse_iso(const std::string& iso);

// "N distinct addresses were shown to M distinct recipients".
std::string exposure_statement(std::int64_t exposed, std::int64_t recipients);

// What an incident exposed, in a sentence: exposure_statement() for a
// To/Cc (and a forwarded one), or where inside the message the list was
// ("N distinct exposed addresses were listed in part 2 "a.csv" of the
// message"). Untrusted text in it (a file name) is as stored: escape it.
std::string incident_statement(const Incident& incident);

// The settings a scan decided with, in words: "threshold 25; internal
// domains example.org; bulk senders none; since any date; --content off".
// Untrusted? No: they are the operator's; still for_terminal'd by callers.
std::string settings_text(const std::string& settings_json);

// Renderers of a loaded (and, if asked, redacted) review.
void render_review_text(const Review& review, std::ostream& out);
void render_review_csv(const Review& review, std::ostream& out);
void render_review_json(const Review& review, std::ostream& out);
void render_review_html(const Review& review, std::ostream& out);

// The GDPR Art. 33 worksheet for one incident or campaign id, as text.
// `now` dates the hours elapsed since the scan found it. Throws FatalError
// for an unknown id.
void render_art33(const Review& review, const std::string& id, std::time_t now,
                  std::ostream& out);

// The people to notify (Art. 34), as CSV or JSON.
void render_people_csv(const std::vector<Person>& people, std::ostream& out);
void render_people_json(const std::vector<Person>& people, std::ostream& out);

} // namespace ccaudit::report
