#include "store/source_records.hpp"

#include "core/source_identity.hpp"
#include "store/connection.hpp"
#include "store/scan_writer.hpp"

#include <algorithm>
#include <set>

namespace ccaudit::store {

namespace {

// ?9 of the queries of known sources: whether to look for their findings
// of scans that did not complete.
std::int64_t
look_in_findings(const ScanWriter& writer)
{
  return writer.incomplete_before() ? 1 : 0;
}

} // namespace

SourceRecords::SourceRecords(Connection& db, ScanWriter& writer) : m_db(db), m_writer(writer)
{
  constexpr const char* k_known =
    "SELECT id, path, kind, size, mtime, mtime_ns, inode, messages, complete, "
    "resume_offset, resume_index, prefix_hash, settings, gone_scan, "
    // Findings of it that a scan recorded and did not complete: they may
    // never have reached anyone (exit 3, 4, 130, 143). Looked for only when
    // an earlier scan did not complete (?9): this one's own findings the
    // writer knows (known_row()), and reading the finding rows of every
    // known file was most of what a rescan of an mbox spent in SQLite.
    "CASE WHEN ?9 THEN EXISTS (SELECT 1 FROM finding f JOIN scan s ON s.id = f.scan_id "
    "WHERE f.source_id = source.id AND f.retired_scan IS NULL AND s.status <> 'complete') "
    "ELSE 0 END FROM source ";
  // Only what earlier scans recorded (last_scan < this scan).
  m_known_by_path = LazyStatement(
    m_db.get(), std::string(k_known) + "WHERE path = ?1 AND last_scan < ?2");
  // A Maildir message by the unique part of its name, whatever its flags:
  // "unique" or "unique:2,..." (':' is followed by ';' in byte order).
  m_known_by_name = LazyStatement(
    m_db.get(), std::string(k_known) + "WHERE (path = ?1 OR (path > ?1 || ':' AND path < ?1 || ';')) "
                                 "AND last_scan < ?2 ORDER BY gone_scan IS NOT NULL LIMIT 1");

  // The files directly in folder ?1 within one range of the path index
  // (see direct_ranges()).
  m_known_in_dir = LazyStatement(
    m_db.get(), std::string(k_known)
            + "WHERE path >= ?4 AND path < ?5 AND dir = ?1 AND last_scan < ?2 LIMIT ?3");
  m_folders_below = LazyStatement(
    m_db.get(), "SELECT path FROM directory WHERE path > ?1 AND path < ?2");
  m_mark_gone = LazyStatement(
    m_db.get(), "UPDATE source SET gone_scan = ?1 WHERE path >= ?3 AND path < ?4 AND dir = ?2 "
          "AND gone_scan IS NULL AND last_scan < ?1");
  m_known_directory = LazyStatement(
    m_db.get(), "SELECT mtime_ns, inode, subdirectories, files, messages FROM directory "
                "WHERE path = ? AND settings = ?");
  m_source_seen = LazyStatement(
    m_db.get(), "UPDATE OR IGNORE source SET last_scan = ?, gone_scan = NULL, path = ?, dir = ? "
          "WHERE id = ?");
  m_move_findings = LazyStatement(
    m_db.get(), "UPDATE finding SET path = ? WHERE source_id = ? AND path <> ?");
  // A zip or tar file's members ("FILE!member"): found unchanged with it,
  // or their findings retired when it is read again.
  m_members_seen = LazyStatement(m_db.get(), "UPDATE source SET last_scan = ?1, gone_scan = NULL "
                                             "WHERE path > ?2 || '!' AND path < ?2 || '\"'");
  m_retire_members = LazyStatement(
    m_db.get(), "UPDATE finding SET retired_scan = ?1 WHERE retired_scan IS NULL AND source_id IN "
                "(SELECT id FROM source WHERE path > ?2 || '!' AND path < ?2 || '\"')");
  m_retire = LazyStatement(
    m_db.get(), "UPDATE finding SET retired_scan = ? WHERE retired_scan IS NULL AND source_id = "
          "(SELECT id FROM source WHERE path = ?) AND offset >= ?");
  m_record_directory = LazyStatement(
    m_db.get(), "INSERT INTO directory(path, mtime_ns, inode, scan_id, unchanged_scan, settings, "
          "subdirectories, files, messages) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(path) DO "
          "UPDATE SET mtime_ns=excluded.mtime_ns, inode=excluded.inode, "
          "scan_id=excluded.scan_id, settings=excluded.settings, "
          "subdirectories=excluded.subdirectories, files=excluded.files, "
          "messages=excluded.messages, "
          "unchanged_scan=coalesce(excluded.unchanged_scan, directory.unchanged_scan)");
}

SourceRecords::~SourceRecords() = default;

std::string
SourceRecords::settings() const
{
  return m_writer.settings();
}

void
SourceRecords::listing_done()
{
  m_writer.listing_done();
}

std::optional<KnownSource>
SourceRecords::known(Statement& query)
{
  std::optional<KnownSource> out;
  if (auto row = known_row(query)) {
    out = std::move(row);
  }
  query.reset();
  return out;
}

std::optional<std::vector<KnownSource>>
SourceRecords::sources_in(const std::filesystem::path& dir, std::size_t limit)
{
  std::vector<KnownSource> out;
  const auto add = [&](const std::string& folder) {
    for (const auto& [low, high] : direct_ranges(folder)) {
      m_known_in_dir->bind(1, folder)
        .bind(2, m_writer.scan_id())
        .bind(3, static_cast<std::int64_t>(limit - out.size() + 1))
        .bind(4, low)
        .bind(5, high)
        .bind(9, look_in_findings(m_writer));
      while (auto row = known_row(*m_known_in_dir)) {
        out.push_back(std::move(*row));
      }
      m_known_in_dir->reset();
      if (out.size() > limit) {
        break;
      }
    }
  };
  const auto name = dir.filename();
  if (name == "cur" || name == "new") {
    // A Maildir message may have moved between new/ and cur/.
    add((dir.parent_path() / "cur").string());
    if (out.size() <= limit) {
      add((dir.parent_path() / "new").string());
    }
  } else {
    add(dir.string());
  }
  if (out.size() > limit) {
    return std::nullopt;
  }
  return out;
}

std::optional<KnownSource>
SourceRecords::known_row(Statement& query)
{
  std::optional<KnownSource> out;
  if (query.step()) {
    const auto text = [&](int i) { return query.text(i); };
    const auto number = [&](int i) { return query.integer(i); };
    KnownSource k;
    k.id = number(0);
    k.path = text(1);
    k.info.kind = source_kind_named(text(2));
    k.info.size = static_cast<std::uint64_t>(number(3));
    k.info.mtime = number(4);
    k.info.mtime_ns = number(5);
    k.info.inode = static_cast<std::uint64_t>(number(6));
    k.info.messages = static_cast<std::uint64_t>(number(7));
    k.info.complete = number(8) != 0;
    k.info.resume_offset = static_cast<std::uint64_t>(number(9));
    k.info.resume_index = static_cast<std::uint64_t>(number(10));
    k.info.prefix_hash = text(11);
    k.settings = text(12);
    k.gone = !query.is_null(13);
    k.unconfirmed = number(14) != 0 || m_writer.recorded_findings_of(k.id);
    out = std::move(k);
  }
  return out;
}

std::optional<KnownSource>
SourceRecords::source(const std::filesystem::path& path)
{
  const auto text = path.string();
  m_known_by_path->bind(1, text).bind(2, m_writer.scan_id()).bind(9, look_in_findings(m_writer));
  return known(*m_known_by_path);
}

std::optional<KnownSource>
SourceRecords::maildir_message(const std::filesystem::path& folder, const std::string& unique)
{
  for (const char* sub : {"cur", "new"}) {
    const auto prefix = (folder / sub / unique).string();
    m_known_by_name->bind(1, prefix)
      .bind(2, m_writer.scan_id())
      .bind(9, look_in_findings(m_writer));
    if (auto found = known(*m_known_by_name)) {
      return found;
    }
  }
  return std::nullopt;
}

std::optional<DirectoryState>
SourceRecords::directory(const std::filesystem::path& dir)
{
  const auto text = dir.string();
  m_known_directory->bind(1, text).bind(2, m_writer.settings());
  std::optional<DirectoryState> out;
  if (m_known_directory->step()) {
    auto& row = *m_known_directory;
    const auto count = [&](int i) {
      return row.is_null(i) ? std::nullopt
                            : std::optional(static_cast<std::uint64_t>(row.integer(i)));
    };
    out = DirectoryState{row.integer(0), static_cast<std::uint64_t>(row.integer(1)),
                         row.integer(2) != 0, count(3), count(4)};
  }
  m_known_directory->reset();
  return out;
}

void
SourceRecords::source_unchanged(const KnownSource& known, const std::filesystem::path& path)
{
  const auto text = path.string();
  m_source_seen->bind(1, m_writer.scan_id()).bind(2, text).bind(3, folder_of(text)).bind(4, known.id).run();
  if (m_db.changes() == 0) {
    // Its new name is another row's already: that one is present.
    Statement present(m_db.get(), "UPDATE source SET last_scan = ?, gone_scan = NULL WHERE path = ?");
    present.bind(1, m_writer.scan_id()).bind(2, text).run();
  } else if (text != known.path) {
    m_move_findings->bind(1, text).bind(2, known.id).bind(3, text).run();
  }
  if (known.info.kind == SourceKind::archive || known.info.kind == SourceKind::compressed) {
    // Its members ("FILE!member") are unchanged too.
    m_members_seen->bind(1, m_writer.scan_id()).bind(2, text).run();
  }
  m_writer.wrote_row();
}

void
SourceRecords::retire_findings(const std::filesystem::path& path, std::uint64_t from)
{
  const auto text = path.string();
  m_writer.note_findings_changed();
  m_retire->bind(1, m_writer.scan_id()).bind(2, text).bind(3, from).run();
  if (from == 0) {
    // A zip or tar file read again: its members' findings too.
    m_retire_members->bind(1, m_writer.scan_id()).bind(2, text).run();
  }
  m_writer.wrote_row();
}

void
SourceRecords::record_directory(const std::filesystem::path& dir, const DirectoryState& state,
                              bool unchanged)
{
  // A folder's state must never be committed before its files' rows: a scan
  // killed in between would skip the folder next time. (A visit without a
  // state skips nothing: no need to write the waiting rows one by one.)
  if (state.mtime_ns != 0) {
    m_writer.flush_sources();
  }
  const auto text = dir.string();
  m_record_directory->bind(1, text)
    .bind(2, std::int64_t{state.mtime_ns})
    .bind(3, state.inode)
    .bind(4, m_writer.scan_id())
    .bind(5, unchanged ? Value{m_writer.scan_id()} : Value{})
    .bind(6, m_writer.settings())
    .bind(7, std::int64_t{state.subdirectories ? 1 : 0})
    .bind(8, state.files ? Value{static_cast<std::int64_t>(*state.files)} : Value{})
    .bind(9, state.messages ? Value{static_cast<std::int64_t>(*state.messages)} : Value{})
    .run();
  m_writer.wrote_row();
}

void
SourceRecords::walk_finished(const std::vector<std::filesystem::path>& roots,
                           const std::vector<std::filesystem::path>& not_walked)
{
  m_writer.flush_sources();
  // What the walk did not look into counts as unchanged: a folder (and the
  // folders below it) and a file.
  Statement keep_folders(m_db.get(), "UPDATE directory SET unchanged_scan = ?1 WHERE path = ?2 "
                               "OR substr(path, 1, length(?2) + 1) = ?2 || '/'");
  Statement keep_file(m_db.get(), "UPDATE source SET last_scan = ?1 WHERE path = ?2");
  for (const auto& p : not_walked) {
    const auto text = p.string();
    keep_folders.bind(1, m_writer.scan_id()).bind(2, text).run();
    keep_file.bind(1, m_writer.scan_id()).bind(2, text).run();
  }
  if (!m_writer.had_sources()) {
    return; // a first scan: nothing known can be gone
  }
  // Files can only have gone from folders listed by this scan (not those
  // skipped as unchanged) or from folders it did not reach at all.
  std::vector<std::string> folders;
  for (const auto& root : roots) {
    auto text = root.string();
    while (text.size() > 1 && text.back() == '/') {
      text.pop_back();
    }
    m_db.query("SELECT path FROM directory WHERE (path = ?2 OR substr(path, 1, length(?2) + 1) "
          "= ?2 || '/') AND unchanged_scan IS NOT ?1",
          {Value{m_writer.scan_id()}, Value{text}}, [&](const Row& r) { folders.push_back(r.text(0)); });
  }
  std::set<std::string> maildirs;
  for (const auto& folder : folders) {
    for (const auto& [low, high] : direct_ranges(folder)) {
      m_mark_gone->bind(1, m_writer.scan_id()).bind(2, folder).bind(3, low).bind(4, high).run();
    }
    const auto slash = folder.rfind('/');
    const auto name = std::string_view(folder).substr(slash == std::string::npos ? 0 : slash + 1);
    if (slash != std::string::npos && (name == "cur" || name == "new")) {
      maildirs.insert(folder.substr(0, slash));
    }
  }
  for (const auto& maildir : maildirs) {
    settle_renamed(maildir);
  }
}

// A Maildir message renamed while a scan listed its folders (new/ to cur/,
// or a change of flags) can be read under both names: the old name is gone
// next time, and a gone source keeps its findings (deleted mail was still
// sent). Here the message is not gone, it is under its new name: the old
// name's findings that the new name also holds are retired, leaving one copy
// as a clean scan gives. Only same-fingerprint findings of a present file
// with the same unique name are settled this way (two different messages
// sharing a unique name, a damaged Maildir, keep both).
void
SourceRecords::settle_renamed(const std::string& maildir)
{
  Statement gone(m_db.get(), "SELECT id, path FROM source WHERE path >= ?2 AND path < ?3 AND dir = ?1 "
                       "AND gone_scan IS NOT NULL AND EXISTS (SELECT 1 FROM finding AS f "
                       "WHERE f.source_id = source.id AND f.retired_scan IS NULL)");
  std::vector<std::pair<std::int64_t, std::string>> old_names;
  for (const char* sub : {"/cur", "/new"}) {
    const auto folder = maildir + sub;
    for (const auto& [low, high] : direct_ranges(folder)) {
      gone.bind(1, folder).bind(2, low).bind(3, high);
      while (gone.step()) {
        old_names.emplace_back(gone.integer(0), gone.text(1));
      }
      gone.reset();
    }
  }
  if (old_names.empty()) {
    return;
  }
  m_writer.note_findings_changed();
  // "unique" or "unique:2,..." (':' is followed by ';' in byte order).
  Statement present(m_db.get(), "SELECT id FROM source WHERE (path = ?1 OR (path > ?1 || ':' "
                          "AND path < ?1 || ';')) AND gone_scan IS NULL");
  Statement retire(m_db.get(), "UPDATE finding SET retired_scan = ?1 WHERE source_id = ?2 "
                         "AND retired_scan IS NULL AND fingerprint IN (SELECT fingerprint "
                         "FROM finding WHERE source_id = ?3 AND retired_scan IS NULL)");
  for (const auto& [id, path] : old_names) {
    const auto identity = maildir_identity(path);
    if (!identity) {
      continue;
    }
    std::vector<std::int64_t> renamed;
    for (const char* sub : {"/cur/", "/new/"}) {
      const auto prefix = maildir + sub + std::string(identity->unique);
      present.bind(1, prefix);
      while (present.step()) {
        renamed.push_back(present.integer(0));
      }
      present.reset();
    }
    for (const auto new_id : renamed) {
      retire.bind(1, m_writer.scan_id()).bind(2, id).bind(3, new_id).run();
      m_writer.wrote_row();
    }
  }
}

// The ranges of the path index that hold the files directly in `dir`: from
// "dir/" to "dir0" ('0' is the byte after '/'), less the range of each
// folder in it that a scan walked, so that a folder's files are found
// without reading those of the folders below it (a Maildir's root holds
// none of its own). Queries also ask for dir = `dir`: a folder missing from
// the directory table costs time, not a wrong answer.
std::vector<std::pair<std::string, std::string>>
SourceRecords::direct_ranges(const std::string& dir)
{
  const std::string base = dir == "/" ? "" : dir;
  std::vector<std::string> children; // "child/", the start of its range
  const auto first = base + "/", end = base + "0"; // bound without a copy
  m_folders_below->bind(1, first).bind(2, end);
  while (m_folders_below->step()) {
    const auto path = m_folders_below->text(0);
    if (path.size() > base.size() + 1 && path.find('/', base.size() + 1) == std::string::npos) {
      children.push_back(std::string(path) + "/");
    }
  }
  m_folders_below->reset();
  // Ranges of sibling folders do not overlap; sorted by their start, they
  // leave the gaps that hold dir's own files ("a-b/" sorts before "a/").
  std::sort(children.begin(), children.end());
  std::vector<std::pair<std::string, std::string>> out;
  std::string low = first;
  for (auto& child : children) {
    out.emplace_back(low, child);
    low = std::move(child);
    low.back() = '0';
  }
  out.emplace_back(std::move(low), end);
  return out;
}

} // namespace ccaudit::store
