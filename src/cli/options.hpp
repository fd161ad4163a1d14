#pragma once

#include "cli/exit_code.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ccaudit::cli {

// One struct per subcommand (what its command line said), filled by the
// parser in commands.cpp and then handed to the command: parsing and running
// never mix. The library's own option structs (scan::ScanOptions, ...) are
// what the commands build from these.

// The flags that decide what is flagged: scan and explain take the same
// ones (and the same configuration keys), and build their rules from them
// with deciding_rules() (rule_flags.hpp).
struct RuleFlags
{
  std::size_t threshold = 25;
  std::vector<std::string> internal_domains;
  std::vector<std::string> bulk_senders; // addresses or @domains
  std::string since;                     // "" or a date
  std::string config;                    // --config
  bool content = false;                  // look inside messages (MIME)
  std::size_t content_threshold = 25;    // addresses in one part
  std::size_t content_max_depth = 32;
  std::size_t content_max_part_mib = 16;
  std::size_t content_max_message_mib = 64;
};

struct ScanCommand : RuleFlags
{
  std::vector<std::string> paths;
  std::string db = "ccaudit.db";
  bool quiet = false;
  bool verbose = false;
  unsigned jobs = 0; // 0: one per core
  std::string fail_on = "new"; // new | any | none
  std::string baseline;        // file of known fingerprints; "" for none
  bool jsonl = false;          // new findings on stdout as they are found
  bool full = false;           // read everything, whatever earlier scans saw
  unsigned lock_wait = 60;     // seconds to wait for another scan's lock
  std::vector<std::string> exclude;      // path patterns (fnmatch)
  std::size_t max_expansion = 1000; // compressed data: see UnpackLimits
  bool recover_deleted = false;     // PST/OST: also libpff's recovered items
  std::string redact_key;           // --jsonl: addresses as keyed hashes
  std::string shard;                // "INDEX/COUNT": one part of the files
};

struct BaselineCommand
{
  std::string db = "ccaudit.db";
  std::string out;                 // export: "" or "-" for stdout
  std::vector<std::string> accept; // accept: incident ids or fingerprints
  std::string note;
  std::string config;
};

// What report and export share: which database, scan and grouping, where
// the output goes, and whether addresses are redacted.
struct ReviewCommand
{
  std::string db = "ccaudit.db";
  std::optional<std::int64_t> scan;
  double campaign_window_days = 7;
  std::string out;        // "" or "-": standard output
  std::string redact_key; // "": no redaction
  bool include_suppressed = false;
  std::string config;     // --config
};

struct ReportCommand : ReviewCommand
{
  std::string format = "text";
  std::string incident; // with art33
  bool art33 = false;
  bool only_new = false; // = status "new"
  std::string status;    // "", new, seen, accepted, open
};

struct LookupCommand : ReviewCommand
{
  std::vector<std::string> addresses;
  std::string format = "text"; // text | json
};

struct ExportCommand : ReviewCommand
{
  std::string incident;
  std::string format = "csv";
};

struct ExplainCommand : RuleFlags
{
  std::string path;
  std::optional<std::string> member; // inside a zip or tar file
  std::optional<std::uint64_t> offset;
  std::string format = "text";
};

struct MergeCommand
{
  std::vector<std::string> sources; // databases to bring in
  std::string db = "ccaudit.db";    // the target
  unsigned lock_wait = 60;
};

// The commands. They throw UsageError for a bad argument found late and
// FatalError when they cannot run; cli::run turns both into exit codes.
ExitCode run_scan(const ScanCommand& options, const std::vector<std::string>& argv);
ExitCode run_report(const ReportCommand& options);
ExitCode run_export(const ExportCommand& options);
ExitCode run_lookup(const LookupCommand& options);
ExitCode run_baseline_export(const BaselineCommand& options);
ExitCode run_baseline_accept(const BaselineCommand& options);
ExitCode run_explain(const ExplainCommand& options);
ExitCode run_merge(const MergeCommand& options);

// An argument that the parser could not check (exit code 2).
struct UsageError : std::runtime_error
{
  using std::runtime_error::runtime_error;
};

// Throws UsageError when --out `out` names the database `db` or a file
// beside it (its -wal, -shm, -journal or lock file), by path or as the same
// file through a link: writing there would destroy the evidence.
void check_output_file(const std::string& out, const std::string& db);

// Writes `text` to `out` ("" or "-": standard output). A file is written
// whole or not at all: into a new file in the same folder (readable by its
// owner only), synced, then renamed over `out`; on any failure the new file
// is removed, `out` is left as it was, and FatalError says why.
void write_output(const std::string& out, std::string_view text);

// A --since value: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC), as seconds
// since the epoch. Throws UsageError for anything else.
std::int64_t parse_since(const std::string& value);

// --bulk-sender values: addresses, or "@domain" for a whole domain,
// normalised. Throws UsageError for a value that is neither.
std::vector<std::string> normalised_senders(const std::vector<std::string>& senders);

// --internal-domain values, normalised (lower case, A-labels). Throws
// UsageError for a value that is not a domain.
std::vector<std::string> normalised_domains(const std::vector<std::string>& domains);

} // namespace ccaudit::cli
