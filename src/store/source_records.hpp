#pragma once

#include "core/finding_sink.hpp"
#include "store/connection.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ccaudit::store {

class ScanWriter;
class Statement;

// The source history of incremental scans: what earlier scans recorded of
// each file and folder (SourceHistory), and what this scan learns of them
// that is not a new reading: a file unchanged, moved (a Maildir message
// whose flags changed), read again from the start (its findings retired),
// gone, or a folder's listing state. Rows are written through the scan's
// ScanWriter, in its transactions.
class SourceRecords final : public SourceHistory
{
public:
  SourceRecords(Connection& db, ScanWriter& writer);
  ~SourceRecords() override;
  SourceRecords(const SourceRecords&) = delete;
  SourceRecords& operator=(const SourceRecords&) = delete;

  // SourceHistory: what earlier scans recorded (the change detector
  // decides what it means).
  std::optional<KnownSource> source(const std::filesystem::path& path) override;
  std::optional<KnownSource> maildir_message(const std::filesystem::path& folder,
                                             const std::string& unique) override;
  std::optional<DirectoryState> directory(const std::filesystem::path& dir) override;
  std::optional<std::vector<KnownSource>> sources_in(const std::filesystem::path& dir,
                                                     std::size_t limit) override;
  std::string settings() const override;

  void source_unchanged(const KnownSource& known, const std::filesystem::path& path) override;
  void retire_findings(const std::filesystem::path& path, std::uint64_t from = 0) override;
  void record_directory(const std::filesystem::path& dir, const DirectoryState& state,
                        bool unchanged) override;
  // The scan writer's source rows go in small groups from now on.
  void listing_done() override;
  // Marks gone the files of the folders this scan listed (or did not
  // reach) that it did not see, and settles Maildir messages renamed
  // while it ran.
  void walk_finished(const std::vector<std::filesystem::path>& roots,
                     const std::vector<std::filesystem::path>& not_walked) override;

private:
  void settle_renamed(const std::string& maildir);
  std::vector<std::pair<std::string, std::string>> direct_ranges(const std::string& dir);
  std::optional<KnownSource> known(Statement& query);
  std::optional<KnownSource> known_row(Statement& query); // one step, no reset

  Connection& m_db;
  ScanWriter& m_writer;
  LazyStatement m_known_by_path, m_known_by_name, m_known_in_dir, m_folders_below, m_mark_gone,
    m_known_directory, m_source_seen, m_move_findings, m_retire, m_record_directory,
    m_retire_members, m_members_seen;
};

} // namespace ccaudit::store
