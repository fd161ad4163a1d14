// The scan: the calling thread walks the paths and is the only one that
// writes to the sink, in walk order (scan/pipeline.hpp keeps the order).
// Worker threads take whole files (open, classify, read the header, parse,
// detect): a Maildir is read on all cores. An mbox is split on the calling
// thread when its turn comes, and its messages go to the workers ahead of
// anything else, so one large mbox also uses all cores. What waits between
// the stages is bounded, so memory does not grow with the archive.
#include "scan/scanner.hpp"

#include "archive/walker.hpp"
#include "core/digest.hpp"
#include "core/fatal_error.hpp"
#include "archive/input_file.hpp"
#include "core/source_identity.hpp"
#include "headers/address_list.hpp"
#include "scan/analyse.hpp"
#include "scan/change_detector.hpp"
#include "scan/fingerprint.hpp"
#include "scan/message_source.hpp"
#include "scan/pipeline.hpp"

#include <algorithm>

#include <fcntl.h>
#include <fnmatch.h>
#include <unistd.h>
#include <sys/stat.h>
#include <system_error>

namespace ccaudit::scan {

namespace fs = std::filesystem;

namespace {

// --content: body bytes of an mbox's messages waiting to be analysed, at most
// (then the splitting thread helps). Most are views of the reader's buffers
// (LineReader::k_max_shared_buffers of 1 MiB): below that, they are rarely
// read twice for want of a buffer to share.
constexpr std::size_t k_max_body_bytes_waiting = std::size_t{24} << 20;
// What read_ahead asks for of each file when reading from the disk: the
// first read of a message file (headers, and most of a small message).
constexpr std::size_t k_read_ahead = std::size_t{64} << 10;

// Whether `inner` is `outer` or lies inside it (absolute, normal paths).
bool
inside(const fs::path& inner, const fs::path& outer)
{
  const std::string_view a = inner.native(), b = outer.native();
  return a.starts_with(b) && (a.size() == b.size() || b == "/" || a[b.size()] == '/');
}

// Whether a file could be handed out both by its folder's listing and
// otherwise: a path given is not a folder, or one lies inside another.
bool
overlapping(const std::vector<fs::path>& paths)
{
  for (const auto& p : paths) {
    std::error_code ec;
    if (!fs::is_directory(p, ec)) {
      return true;
    }
    for (const auto& other : paths) {
      if (&p != &other && inside(p, other)) {
        return true;
      }
    }
  }
  return false;
}

} // namespace

Scanner::Scanner(FindingSink& sink,
                 std::vector<std::unique_ptr<detect::Detector>> detectors,
                 ScanOptions options, Progress progress)
  : m_sink(sink), m_detectors(std::move(detectors)),
    m_options(std::move(options)), m_progress(std::move(progress))
{
}

void
Scanner::scan_paths(const std::vector<fs::path>& paths)
{
  {
    struct timespec now {};
    ::clock_gettime(CLOCK_REALTIME, &now);
    m_started_ns = static_cast<std::int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
  }
  for (const auto& file : m_options.excluded_files) {
    struct stat st {};
    if (::stat(file.c_str(), &st) == 0) {
      m_excluded.emplace(st.st_dev, st.st_ino);
    }
    // By name in its folder too: a rollback journal comes and goes.
    std::error_code ec;
    auto folder = fs::absolute(file, ec).parent_path();
    if (::stat(folder.c_str(), &st) == 0) {
      m_excluded_names.push_back({file.filename().native(), st.st_dev, st.st_ino});
    }
  }
  if (m_options.history) {
    m_changes.emplace(*m_options.history, m_options.read_all);
  }
  m_paths_overlap = overlapping(paths);
  struct JoinLoading
  {
    std::thread& loading;
    ~JoinLoading()
    {
      if (loading.joinable()) {
        loading.join();
      }
    }
  } join_loading{m_loading};
  Pipeline pipeline(
    m_options.jobs, [this](Job& job) { run(job); }, [this](Job& job) { apply(job); },
    [](Job& job) { ask_ahead(job); });
  // apply() splits an mbox through it.
  struct Current
  {
    Pipeline*& at;
    ~Current() { at = nullptr; }
  } current{m_pipeline = &pipeline};
  const auto excluded = [&](const fs::path& path, bool folder) -> const std::string* {
    for (const auto& pattern : m_options.exclude) {
      if (::fnmatch(pattern.c_str(), path.c_str(), 0) == 0
          || (folder && ::fnmatch(pattern.c_str(), (path.native() + "/").c_str(), 0) == 0)) {
        return &pattern;
      }
    }
    return nullptr;
  };
  const auto record_exclusion = [&](const fs::path& path, const std::string& pattern) {
    m_not_walked.push_back(path);
    if (const auto it = m_listing.find(path.parent_path()); it != m_listing.end()) {
      it->second.clean = false; // list this folder again once the file is in
    }
    pipeline.submit(std::make_unique<Job>(IssueJob{
      MessageLocator{path}, {IssueKind::excluded_by_configuration, "matches '" + pattern + "'"}}));
  };
  archive::WalkCallbacks callbacks;
  if (m_options.stop) {
    callbacks.should_stop = [this] { return stopped(); };
  }
  callbacks.on_file = [&](const fs::path& path,
                          const std::shared_ptr<const archive::Folder>& folder) {
    if (is_excluded_name(path)) {
      return; // the findings database: not part of the archive
    }
    if (const auto* pattern = excluded(path, false)) {
      record_exclusion(path, *pattern);
      return;
    }
    submit_file(path, folder, pipeline, std::find(paths.begin(), paths.end(), path) != paths.end());
  };
  callbacks.on_stream = [&](const fs::path& path) {
    FileJob file;
    file.where = MessageLocator{path};
    file.stream = true;
    file.named = true;
    file.split_later = true;
    // Read whole every time: what it gave before is replaced.
    file.retire_first = m_options.history && m_options.history->source(path).has_value();
    pipeline.submit(std::make_unique<Job>(std::move(file)));
  };
  callbacks.on_issue = [&](const fs::path& path, const Issue& issue) {
    if (m_open_dirs.erase(path) > 0) {
      // A folder that could not be listed: nothing known in it is gone.
      m_not_walked.push_back(path);
      m_changes->folder_left(path);
      m_listing.erase(path);
    }
    pipeline.submit(std::make_unique<Job>(IssueJob{MessageLocator{path}, issue}));
  };
  if (m_options.history || !m_options.exclude.empty()) {
    callbacks.on_directory = [&](const fs::path& dir) {
      if (const auto* pattern = excluded(dir, true)) {
        record_exclusion(dir, *pattern);
        return archive::Listing::nothing;
      }
      if (!m_options.history) {
        return archive::Listing::everything;
      }
      const auto name = dir.filename();
      if (name == "cur" || name == "new") {
        struct stat st {};
        if (::stat(dir.c_str(), &st) == 0) {
          const DirectoryState state{
            static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
            static_cast<std::uint64_t>(st.st_ino)};
          if (const auto known = m_changes->unchanged_folder(dir, state)) {
            // Only folders inside it (not Maildir, but possible) are walked.
            m_options.history->record_directory(dir, *known, true);
            return known->subdirectories ? archive::Listing::subdirectories_only
                                         : archive::Listing::nothing;
          }
          m_listing[dir] = Listing{state};
          pipeline.submit(std::make_unique<Job>(DirectoryStart{dir}));
        }
      }
      // Visited; a Maildir folder's state is written once it is listed
      // without a problem.
      m_options.history->record_directory(dir, DirectoryState{}, false);
      m_open_dirs.insert(dir);
      m_changes->folder_entered(dir);
      return archive::Listing::everything;
    };
  }
  if (m_options.history) {
    callbacks.on_directory_end = [&](const fs::path& dir, bool subdirectories) {
      m_changes->folder_left(dir);
      m_open_dirs.erase(dir);
      if (const auto it = m_listing.find(dir); it != m_listing.end()) {
        it->second.state.subdirectories = subdirectories;
        pipeline.submit(std::make_unique<Job>(DirectoryEnd{dir}));
      }
    };
  }
  archive::walk(paths, callbacks, m_options.shard);
  m_summary.walk_done = true;
  // The history hears that the listing is done once the workers have every
  // file: rows held back can be written while they still parse.
  pipeline.finish([this] {
    if (m_options.history) {
      m_options.history->listing_done();
    }
  });

  m_summary.interrupted = stopped();
  // An interrupted walk did not see everything: nothing is known gone.
  if (m_options.history && !m_summary.interrupted) {
    std::vector<fs::path> walked;
    for (const auto& p : paths) {
      std::error_code ec;
      if (fs::exists(p, ec)) {
        walked.push_back(p); // a missing root says nothing of what it held
      }
    }
    m_options.history->walk_finished(walked, m_not_walked);
  }
}

// A file named like one of the database's, in the database's folder
// (whatever path reaches it: the folder is compared by device and inode).
bool
Scanner::is_excluded_name(const fs::path& path) const
{
  const std::string_view p = path.native();
  const auto name = p.substr(p.rfind('/') + 1); // npos + 1: the whole path
  for (const auto& excluded : m_excluded_names) {
    if (excluded.name != name) {
      continue;
    }
    struct stat st {};
    if (::stat(path.parent_path().c_str(), &st) == 0 && st.st_dev == excluded.device
        && st.st_ino == excluded.inode) {
      return true;
    }
  }
  return false;
}

// On the calling thread: decides from the history whether a file is read,
// read from where an earlier scan left it, or not read at all.
void
Scanner::submit_file(const fs::path& path, const std::shared_ptr<const archive::Folder>& folder,
                     Pipeline& pipeline, bool named)
{
  FileJob file;
  file.named = named;
  file.where = MessageLocator{path};
  file.folder = folder;
  ++m_summary.files_listed;
  if (m_changes) {
    auto decision = m_changes->decide(path);
    switch (decision.action) {
    case FileDecision::Action::read:
      break;
    case FileDecision::Action::unchanged:
      pipeline.submit(std::make_unique<Job>(UnchangedJob{path, std::move(*decision.known), named}));
      return;
    case FileDecision::Action::resume:
      file.resume = decision.resume;
      file.resume_prefix_hash = std::move(decision.resume_prefix_hash);
      break;
    case FileDecision::Action::reread:
      file.retire_first = true;
      file.renamed_from = std::move(decision.known); // set if it was under another name
      break;
    }
  }
  if (!m_loading.joinable()) {
    m_loading = std::thread([] {
      headers::load_gmime();
      digest::load();
    });
  }
  if (m_options.measure_progress) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
      m_summary.bytes_listed += static_cast<std::uint64_t>(st.st_size);
    }
  }
  // From the disk (a cold cache) a thread waits for each read and its core
  // idles meanwhile: one worker more keeps the cores busy. With the files
  // cached, the same thread more cost a fifth.
  if (!m_widened && archive::reads_wait_for_disk()) {
    pipeline.add_worker();
    m_widened = true;
  }
  pipeline.submit(std::make_unique<Job>(std::move(file)));
}

// On a worker, before it reads a batch of files, when reads wait for the
// disk (a cold cache): the head of each file of the batch is asked of the
// disk now, so that the disk has many reads in its queue (as `xargs -P 16
// head` gives it) instead of one per worker; the file stays open for run().
// The walk asked for each file as it handed it out before: it then opened
// every file on the thread that also lists folders and writes the database,
// and the files it had handed out before the disk was found slow (up to
// Pipeline::k_max_waiting) were read one by one.
void
Scanner::ask_ahead(Job& job)
{
  auto* file = std::get_if<FileJob>(&job.work);
  if (file != nullptr && !file->stream && archive::reads_wait_for_disk()) {
    file->ahead = archive::read_ahead(file->where.archive, file->folder.get(), k_read_ahead);
  }
}

// On a worker (or the calling thread with --jobs 1): the part of a job that
// needs no ordering. Never throws.
void
Scanner::run(Job& job)
{
  if (auto* message = std::get_if<MessageJob>(&job.work)) {
    message->result =
      message->built ? analyse(*message->built, std::move(message->reader_issues), m_detectors,
                               message->file_mtime, content_limits() != nullptr,
                               message->content.get())
                     : analyse(message->header, std::move(message->reader_issues), m_detectors,
                               message->file_mtime, content_limits(), message->body,
                               message->content.get());
    message->content.reset();
    m_body_bytes_waiting -= message->body.size() + message->content_bytes;
    message->body.release();
    return;
  }
  auto& file = std::get<FileJob>(job.work);
  const auto path = file.where.archive;
  FileCallbacks callbacks;
  callbacks.on_message = [&](RawMessage&& raw) {
    file.where = std::move(raw.where);
    file.message = raw.built ? analyse(*raw.built, std::move(raw.issues), m_detectors,
                                       raw.file_mtime, content_limits() != nullptr,
                                       raw.content.get())
                             : analyse(raw.header, std::move(raw.issues), m_detectors,
                                       raw.file_mtime, content_limits(), raw.body,
                                       raw.content.get());
    return true;
  };
  callbacks.on_issue = [&](const MessageLocator& where, const Issue& issue) {
    file.issues.emplace_back(where, issue);
  };
  callbacks.on_mbox = [&] {
    file.split_later = true;
    return false;
  };
  try {
    file.source = read_messages(path, m_excluded, callbacks, nullptr, body_read(),
                                file.folder.get(), m_options.unpack, std::move(file.ahead));
  } catch (const std::system_error& e) {
    file.source = SourceInfo{path, SourceKind::unreadable};
    std::string why = e.what();
    if (e.code() == std::errc::no_such_file_or_directory) {
      // Listed, then gone: Maildir messages move from new/ to cur/ and are
      // renamed when their flags change while a scan runs.
      why += " (gone since its folder was listed: moved, renamed or deleted; the next "
             "scan reads it where it is now)";
    }
    file.issues.emplace_back(MessageLocator{path},
                             Issue{IssueKind::unreadable_input, std::move(why)});
  } catch (const std::exception& e) {
    file.source = SourceInfo{path, SourceKind::unreadable};
    file.issues.emplace_back(MessageLocator{path}, Issue{IssueKind::internal_error, e.what()});
  }
}

// A file in a Maildir folder being listed that is not a message read
// whole: the folder must be listed again next time.
void
Scanner::not_only_messages(const fs::path& file)
{
  if (const auto it = m_listing.find(file.parent_path()); it != m_listing.end()) {
    it->second.clean = false;
  }
}

void
Scanner::record(const MessageLocator& where, const Issue& issue)
{
  ++m_summary.problems;
  if (means_not_scanned(issue.kind) && issue.kind != IssueKind::internal_error) {
    ++m_summary.inputs_unreadable;
  }
  m_sink.record_issue(where, issue);
}

// On the calling thread, in walk order: the only place that writes to the
// sink and counts.
// On the calling thread, in walk order: the only place that writes to the
// sink and counts.
void
Scanner::apply(Job& job)
{
  std::visit(
    [&](auto& work) {
      using T = std::decay_t<decltype(work)>;
      if constexpr (std::is_same_v<T, FileJob>) {
        apply_file(work);
      } else if constexpr (std::is_same_v<T, MessageJob>) {
        apply_message(work.where, work.result);
      } else if constexpr (std::is_same_v<T, IssueJob>) {
        record_file_issue(work.where, work.issue);
      } else if constexpr (std::is_same_v<T, UnchangedJob>) {
        apply_unchanged(work);
      } else if constexpr (std::is_same_v<T, DirectoryStart>) {
        if (const auto it = m_listing.find(work.dir); it != m_listing.end()) {
          it->second.not_scanned = m_summary.not_scanned();
        }
      } else if constexpr (std::is_same_v<T, DirectoryEnd>) {
        apply_directory_end(work.dir);
      } else {
        apply_member(work);
      }
    },
    job.work);
}

void
Scanner::apply_unchanged(const UnchangedJob& job)
{
  ++m_summary.unchanged;
  m_summary.unchanged_messages += job.known.info.messages;
  if (job.named && job.known.info.messages == 0) {
    record(MessageLocator{job.path},
           {IssueKind::no_message_found, "named to be scanned, but no message was read from it ("
                                           + std::string(to_string(job.known.info.kind))
                                           + ", unchanged)"});
  }
  if (job.known.info.kind != SourceKind::message) {
    not_only_messages(job.path);
  }
  m_options.history->source_unchanged(job.known, job.path);
  count_in_listing(job.path, job.known.info.messages);
}

// A file read or found unchanged: counted in the Maildir folder being
// listed that holds it (its row is written as that folder's).
void
Scanner::count_in_listing(const fs::path& file, std::uint64_t messages)
{
  if (m_listing.empty()) {
    return;
  }
  if (const auto it = listing_of(file); it != m_listing.end()) {
    ++it->second.files;
    it->second.messages += messages;
  }
}

// The folder being listed that holds `file`, if any: m_listing's entry for
// file.parent_path(). The few folders listed at once are first compared as
// text (a parent_path() per message file was 1% of a Maildir scan's
// instructions); a path the text does not settle is looked up as a path.
std::map<fs::path, Scanner::Listing>::iterator
Scanner::listing_of(const fs::path& file)
{
  const std::string_view text = file.native();
  const auto slash = text.rfind('/');
  if (slash != std::string_view::npos && slash > 0 && slash + 1 < text.size()
      && text[slash - 1] != '/' && m_listing.size() <= 4) {
    const auto folder = text.substr(0, slash);
    for (auto it = m_listing.begin(); it != m_listing.end(); ++it) {
      if (it->first.native() == folder) {
        return it;
      }
    }
    // No folder with that text: one written otherwise ("a//b") may still
    // be its parent.
  }
  return m_listing.find(file.parent_path());
}

void
Scanner::apply_directory_end(const fs::path& dir)
{
  const auto it = m_listing.find(dir);
  if (it == m_listing.end()) {
    return;
  }
  if (ChangeDetector::folder_settled(
        it->second.clean && it->second.not_scanned == m_summary.not_scanned(), it->second.state,
        m_started_ns)) {
    auto state = it->second.state;
    state.files = it->second.files;
    state.messages = it->second.messages;
    m_options.history->record_directory(it->first, state, false);
  }
  m_listing.erase(it);
}

// A message parsed: its findings and problems.
void
Scanner::apply_message(const MessageLocator& where, const Analysis& result)
{
  ++m_summary.messages;
  m_summary.messages_failed += result.failed ? 1 : 0;
  for (const auto& finding : result.findings) {
    const auto status = m_sink.record_finding(where, finding);
    if (status != FindingStatus::duplicate && !finding.context_only) {
      ++m_summary.findings;
      m_summary.suppressed += finding.suppressed.empty() ? 0 : 1;
      m_summary.new_findings +=
        status == FindingStatus::new_finding && finding.suppressed.empty() ? 1 : 0;
    }
  }
  if (!result.issues.empty()) {
    ++m_summary.messages_with_issues;
  }
  for (const auto& issue : result.issues) {
    record(where, issue);
  }
  if (m_progress && m_summary.messages % 1024 == 0) {
    m_summary.bytes_in_file = where.byte_offset;
    m_progress(m_summary); // large mbox files: progress within the file
  }
}

// A problem of a file, not of one message in it.
void
Scanner::record_file_issue(const MessageLocator& where, const Issue& issue)
{
  // A file-level internal error: the file was NOT scanned.
  m_summary.messages_failed += issue.kind == IssueKind::internal_error ? 1 : 0;
  record(where, issue);
}

// A member of a zip or tar file: a source of its own, whose completeness the
// reader decided (its problems came with the file's).
void
Scanner::apply_member(const MemberJob& job)
{
  const bool not_mail = job.source.kind == SourceKind::not_mail;
  ++m_summary.inputs;
  ++m_summary.members;
  m_summary.inputs_not_mail += not_mail ? 1 : 0;
  m_summary.members_not_mail += not_mail ? 1 : 0;
  m_sink.record_source(job.source);
}

void
Scanner::apply_file(FileJob& file)
{
  const auto not_scanned_before = m_summary.not_scanned();
  if (file.split_later) {
    split(file);
  } else if ((file.retire_first || file.resume) && file.source.kind != SourceKind::unreadable) {
    // Read again from its start (an mbox that is one no longer is not
    // resumed); a read that failed retires nothing.
    m_options.history->retire_findings(file.where.archive);
  }
  if (file.retire_first && file.renamed_from) {
    m_options.history->retire_findings(file.renamed_from->path);
  }
  if (file.message) {
    apply_message(file.where, *file.message);
  }
  for (const auto& [where, issue] : file.issues) {
    record_file_issue(where, issue);
  }
  if (file.source.kind == SourceKind::excluded) {
    return; // the findings database is not part of the archive
  }
  if (file.named && !file.message && file.source.messages == 0 && !file.interrupted
      && m_summary.not_scanned() == not_scanned_before) {
    // A file or stream the user named that gave nothing: never a clean
    // result (an empty pipe, an export that is not mail).
    record(file.where, {IssueKind::no_message_found,
                        "named to be scanned, but no message was read from it ("
                          + (file.source.kind == SourceKind::not_mail
                               ? std::string("not mail")
                               : std::string(to_string(file.source.kind)))
                          + ")"});
  }
  ++m_summary.inputs;
  m_summary.bytes += file.source.size;
  m_summary.bytes_in_file = 0;
  m_summary.inputs_not_mail += file.source.kind == SourceKind::not_mail ? 1 : 0;
  file.source.complete = m_summary.not_scanned() == not_scanned_before && !file.interrupted
                         && file.source.kind != SourceKind::unreadable;
  if (file.source.kind != SourceKind::message || !file.source.complete) {
    not_only_messages(file.where.archive);
  }
  m_sink.record_source(file.source);
  count_in_listing(file.where.archive, file.source.messages);
  if (m_progress) {
    m_progress(m_summary);
  }
}

// Splits an mbox (or reads a stream) on this thread: its messages are
// analysed by the workers ahead of any file, and applied in file order,
// before the file's own row.
void
Scanner::split(FileJob& file)
{
  Pipeline::Sequence messages(*m_pipeline);
  std::uint64_t count = 0;
  FileCallbacks callbacks;
  callbacks.on_message = [&](RawMessage&& raw) {
    ++count;
    MessageJob message;
    message.where = std::move(raw.where);
    message.header = std::move(raw.header);
    message.built = std::move(raw.built);
    message.content = std::move(raw.content);
    message.reader_issues = std::move(raw.issues);
    message.file_mtime = raw.file_mtime;
    message.body = std::move(raw.body);
    if (message.content) {
      for (const auto& part : message.content->parts) {
        message.content_bytes += part.text.size();
      }
    }
    m_body_bytes_waiting += message.body.size() + message.content_bytes;
    messages.add(std::make_unique<Job>(std::move(message)),
                 messages.waiting() >= Pipeline::k_max_waiting
                   || m_body_bytes_waiting > k_max_body_bytes_waiting);
    if (stopped()) {
      file.interrupted = true;
      return false;
    }
    return true;
  };
  // Members of a zip or tar file come in order with the messages: their
  // rows and problems are applied as they come, so that a file of a
  // million members holds no more than the messages in flight.
  callbacks.on_issue = [&](const MessageLocator& where, const Issue& issue) {
    if (where.member.empty()) {
      file.issues.emplace_back(where, issue);
      return;
    }
    messages.add(std::make_unique<Job>(IssueJob{where, issue}),
                 messages.waiting() >= Pipeline::k_max_waiting);
  };
  callbacks.on_member = [&](SourceInfo&& member) {
    messages.add(std::make_unique<Job>(MemberJob{std::move(member)}),
                 messages.waiting() >= Pipeline::k_max_waiting);
  };
  try {
    const ResumePoint* resume = nullptr;
    if (file.resume) {
      // Resume only if the bytes read before are still there.
      archive::InputFile input(file.where.archive, file.folder.get());
      if (input.size() >= file.resume->offset
          && prefix_fingerprint(input, file.resume->offset) == file.resume_prefix_hash) {
        resume = &*file.resume;
      } else {
        file.retire_first = true;
      }
    }
    if (file.retire_first) {
      m_options.history->retire_findings(file.where.archive);
    } else if (resume) {
      // Its last message is read again: what it gave before (perhaps
      // while it was still being written) is replaced.
      m_options.history->retire_findings(file.where.archive, resume->offset);
    }
    if (file.stream) {
      file.source = read_streamed(file.where.archive, callbacks);
    } else {
      file.source = read_messages(file.where.archive, {}, callbacks, resume, body_read(),
                                  file.folder.get(), m_options.unpack);
    }
    if (file.source.kind == SourceKind::archive) {
      file.source.messages = count;
    }
  } catch (const std::system_error& e) {
    file.source.messages = count;
    file.issues.emplace_back(
      MessageLocator{file.where.archive},
      Issue{IssueKind::unreadable_input,
            std::string(e.what()) + " after " + std::to_string(count) + " message(s)"});
  }
  // (Another failure, the sink's FatalError, leaves through `messages`,
  // which waits for the workers to be done with its jobs.)
  messages.finish();
}

// Standard input ("-") or a FIFO named on the command line.
SourceInfo
Scanner::read_streamed(const fs::path& name, const FileCallbacks& callbacks)
{
  if (name == "-") {
    return read_stream(STDIN_FILENO, name, callbacks, body_read(), m_options.unpack);
  }
  const int fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw std::system_error(errno, std::generic_category(), "open");
  }
  struct Closer
  {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  return read_stream(fd, name, callbacks, body_read(), m_options.unpack);
}

} // namespace ccaudit::scan
