#pragma once

// The report definitions of reports/, embedded at build time.

// Queries. The listing ones take one optional parameter :scan (NULL: the
// newest scan); the incident ones read the TEMP views of review.sql, and
// notify takes :incident.
namespace ccaudit::report::sql {
extern const char* const findings;
extern const char* const finding_addresses;
extern const char* const problems;
extern const char* const not_scanned;
extern const char* const scan;
extern const char* const review;
extern const char* const incidents;
extern const char* const incident_copies;
extern const char* const incident_addresses;
extern const char* const incident_domains;
extern const char* const reexposures;
extern const char* const campaigns;
extern const char* const senders;
extern const char* const notify;
extern const char* const baseline;
extern const char* const content_findings;
} // namespace ccaudit::report::sql

// Templates, with {{slot}} markers the renderers fill with escaped text.
namespace ccaudit::report::html {
extern const char* const review;
} // namespace ccaudit::report::html
