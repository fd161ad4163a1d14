#include "scan/change_detector.hpp"

#include "core/source_identity.hpp"

#include <sys/stat.h>

namespace ccaudit::scan {

namespace fs = std::filesystem;

std::optional<FileState>
ChangeDetector::stat_file(const fs::path& path)
{
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return std::nullopt;
  }
  return FileState{static_cast<std::uint64_t>(st.st_size), static_cast<std::uint64_t>(st.st_ino),
                   static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

ChangeDetector::ChangeDetector(SourceHistory& history, bool read_all, Stat stat)
  : m_history(history), m_settings(history.settings()), m_read_all(read_all),
    m_stat(std::move(stat))
{
}

bool
ChangeDetector::reusable(const KnownSource& known) const
{
  return known.info.complete && known.settings == m_settings && !known.gone
         && !known.unconfirmed;
}

std::optional<DirectoryState>
ChangeDetector::unchanged_folder(const fs::path& dir, const DirectoryState& now)
{
  const auto name = dir.filename();
  if (m_read_all || (name != "cur" && name != "new")) {
    return std::nullopt;
  }
  // Maildir messages never change, and no name in this folder did: every
  // message in it is known and unchanged.
  if (auto known = m_history.directory(dir); known && known->same_listing(now)) {
    return known;
  }
  return std::nullopt;
}

void
ChangeDetector::folder_entered(const fs::path& dir)
{
  if (auto known = m_history.sources_in(dir, k_cached)) {
    auto& cache = m_folders[dir.native()];
    for (auto& source : *known) {
      if (const auto identity = maildir_identity(source.path)) {
        cache.by_unique.emplace(identity->unique, source);
      }
      auto path = source.path;
      cache.by_path.emplace(std::move(path), std::move(source));
    }
  }
}

void
ChangeDetector::folder_left(const fs::path& dir)
{
  m_folders.erase(dir.native());
}

// What the history knows of a file: from its folder's cache when the walk
// listed the folder, else (a file given on the command line, a large
// folder) by one query. With `identity`, a Maildir message by the unique
// part of its name.
std::optional<KnownSource>
ChangeDetector::known_file(const fs::path& path, const std::optional<MaildirIdentity>& identity)
{
  // String operations: this runs once per file (a Maildir has millions).
  const std::string_view p = path.native();
  const auto slash = p.rfind('/');
  const auto parent = slash == std::string_view::npos ? std::string_view{}
                      : slash == 0                    ? p.substr(0, 1)
                                                      : p.substr(0, slash);
  const auto folder = m_folders.find(parent);
  if (folder == m_folders.end()) {
    return identity ? m_history.maildir_message(fs::path(identity->folder),
                                                std::string(identity->unique))
                    : m_history.source(path);
  }
  const auto& cache = identity ? folder->second.by_unique : folder->second.by_path;
  if (cache.empty()) {
    return std::nullopt; // a folder new to the history: the common first scan
  }
  const auto it = cache.find(identity ? std::string(identity->unique) : path.native());
  return it == cache.end() ? std::nullopt : std::optional(it->second);
}

FileDecision
ChangeDetector::decide(const fs::path& path)
{
  FileDecision out;
  const auto identity = maildir_identity(path.native());
  const bool maildir_name = identity.has_value();
  auto known = known_file(path, identity);
  bool same = false;
  std::optional<FileState> now;
  const auto look = [&] { return (now = m_stat(path)).has_value(); };
  if (known && known->info.kind == SourceKind::message && maildir_name) {
    // A Maildir message's content never changes; renamed, it is the same
    // message, unless the old name is still there (two files share the
    // unique part of a name: a damaged Maildir) or the size differs.
    const bool renamed = known->path != path;
    if (renamed && m_stat(known->path)) {
      known.reset(); // another file: read it as a new one
    } else {
      same = !renamed || (look() && now->size == known->info.size);
    }
  } else if ((known = maildir_name ? known_file(path, std::nullopt) : std::move(known)) && look()) {
    same = now->size == known->info.size && now->inode == known->info.inode
           && now->mtime_ns == known->info.mtime_ns;
    if (!same && !m_read_all && reusable(*known) && known->info.kind == SourceKind::mbox
        && known->info.resume_offset > 0 && now->size > known->info.size
        && now->inode == known->info.inode) {
      out.action = FileDecision::Action::resume;
      out.resume = ResumePoint{known->info.resume_offset, known->info.resume_index};
      out.resume_prefix_hash = known->info.prefix_hash;
    }
  }
  if (known && same && reusable(*known) && !m_read_all) {
    out.action = FileDecision::Action::unchanged;
    out.known = std::move(known);
  } else if (known && out.action != FileDecision::Action::resume) {
    out.action = FileDecision::Action::reread;
    if (known->path != path) {
      out.known = std::move(known); // a renamed Maildir message: retire there
    }
  }
  return out;
}

bool
ChangeDetector::folder_settled(bool clean, const DirectoryState& listed,
                               std::int64_t scan_started_ns)
{
  constexpr std::int64_t k_settle_ns = 2'000'000'000;
  return clean && listed.mtime_ns < scan_started_ns - k_settle_ns;
}

} // namespace ccaudit::scan
