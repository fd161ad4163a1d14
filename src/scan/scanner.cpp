// The scan pipeline. The calling thread walks the paths and is the only one
// that writes to the sink, in walk order. Worker threads take whole files
// (open, classify, read the header, parse, detect): a Maildir is read on
// all cores. An mbox is split on the calling thread when its turn comes, and
// its messages go to the workers ahead of anything else, so one large mbox
// also uses all cores. With --jobs N there are N - 1 workers: the calling
// thread parses queued files itself whenever it would wait for one, so N
// cores run N busy threads (N + 1 sharing them were 11% slower on 2 cores).
// What waits between the stages is bounded, so memory does not grow with
// the archive.
#include "scan/scanner.hpp"

#include "archive/walker.hpp"
#include "core/fatal_error.hpp"
#include "archive/input_file.hpp"
#include "core/source_identity.hpp"
#include "scan/analyse.hpp"
#include "scan/change_detector.hpp"
#include "scan/fingerprint.hpp"
#include "scan/message_source.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <algorithm>

#include <fcntl.h>
#include <fnmatch.h>
#include <unistd.h>
#include <sys/stat.h>
#include <system_error>

namespace ccaudit::scan {

namespace fs = std::filesystem;

// One unit of work, applied in walk order once done.
struct Scanner::Job
{
  // file: read a file; unchanged: a known file, not read; directory_start,
  // directory_end: a Maildir cur/ or new/ listing begins or ends.
  // member: a member of a zip or tar file, read (its messages before it).
  enum class Kind { file, issue, message, unchanged, directory_start, directory_end, member };
  Kind kind = Kind::file;
  MessageLocator where;
  std::optional<KnownSource> known;  // unchanged
  bool retire_first = false;         // file: read again from its start
  std::optional<ResumePoint> resume; // file: an mbox that grew
  std::string resume_prefix_hash;    // what its prefix must still hash to
  std::uint64_t not_scanned_before = 0;
  std::int64_t file_mtime = 0;       // message: of its file
  // file: what reading it gave; an mbox is only classified (split later)
  SourceInfo source;
  bool split_later = false;
  bool stream = false;      // file: standard input or a FIFO, read on the calling thread
  bool named = false;       // file: a path given on the command line
  bool interrupted = false; // an mbox left before its end: not complete
  std::vector<std::pair<MessageLocator, Issue>> file_issues;
  std::shared_ptr<const archive::Folder> folder; // file: the folder listing it
                                                 // (null: open by path)
  // file holding one message, or message: its header and its analysis
  bool has_message = false;
  std::string header;
  bool has_body = false; // --content: `body` was read
  std::string body;      // freed once analysed
  std::vector<Issue> reader_issues;
  Analysis result;
  bool done = false; // guarded by the pipeline's mutex
};

class Scanner::Pipeline
{
public:
  // Workers start with the first file to read: a rescan that finds
  // nothing changed starts none.
  Pipeline(Scanner& scanner, unsigned threads) : m_scanner(scanner), m_wanted(threads) {}

  ~Pipeline()
  {
    {
      std::lock_guard lock(m_mutex);
      m_stop = true;
    }
    m_ready.notify_all();
    for (auto& t : m_threads) {
      t.join();
    }
  }

  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Queues a job in walk order and applies what is ready.
  void submit(std::unique_ptr<Job> job)
  {
    hand_out(*job, m_files);
    m_order.push_back(std::move(job));
    apply_ready(m_order, m_files, m_order.size() > k_max_waiting);
  }

  // Applies everything, waiting for the workers. The sink hears first that
  // the listing is done, once the workers have every file.
  void finish()
  {
    flush(m_files);
    if (m_scanner.m_options.history) {
      m_scanner.m_options.history->listing_done();
    }
    while (!m_order.empty()) {
      apply_ready(m_order, m_files, true);
    }
  }

private:
  // Jobs go to the workers in batches: one lock and one wake-up per batch,
  // not per file (a Maildir has one file per message).
  using Batch = std::vector<Job*>;
  static constexpr std::size_t k_batch = 32;
  // Jobs waiting to be applied, at most: memory stays bounded.
  static constexpr std::size_t k_max_waiting = 1024;
  // --content: body bytes of an mbox's messages waiting to be analysed.
  static constexpr std::size_t k_max_body_bytes_waiting = std::size_t{64} << 20;

  // Runs a job now (no threads, or nothing for a worker to do), or adds it
  // to `batch` for the workers.
  void hand_out(Job& job, Batch& batch)
  {
    if ((job.kind != Job::Kind::file && job.kind != Job::Kind::message) || job.stream) {
      job.done = true;
    } else if (m_wanted <= 1) {
      m_scanner.run(job);
      job.done = true;
    } else {
      // This thread parses too while it waits (help()): one thread fewer
      // than --jobs, so that N cores run N threads, not N + 1 that share.
      for (unsigned i = static_cast<unsigned>(m_threads.size()); i + 1 < m_wanted; ++i) {
        m_threads.emplace_back([this] { work(); });
      }
      batch.push_back(&job);
      if (batch.size() >= k_batch) {
        flush(batch);
      }
    }
  }

  void flush(Batch& batch)
  {
    if (batch.empty()) {
      return;
    }
    {
      std::lock_guard lock(m_mutex);
      (&batch == &m_messages ? m_urgent : m_queue).push_back(std::move(batch));
    }
    batch = Batch{};
    m_ready.notify_one();
  }

  // Applies the finished jobs at the head of `order`; with `wait`, waits
  // for the head first (handing out `batch` so that it can finish).
  void apply_ready(std::deque<std::unique_ptr<Job>>& order, Batch& batch, bool wait)
  {
    while (!order.empty()) {
      if (wait) {
        flush(batch);
      }
      // Waiting for the head: parse what is queued meanwhile.
      while (wait && !is_done(*order.front()) && help()) {
      }
      {
        std::unique_lock lock(m_mutex);
        if (!order.front()->done) {
          if (!wait) {
            return;
          }
          m_finished.wait(lock, [&] { return order.front()->done; });
        }
      }
      auto job = std::move(order.front());
      order.pop_front();
      job->not_scanned_before = m_scanner.m_summary.not_scanned();
      if (job->split_later) {
        split(*job);
      } else if ((job->retire_first || job->resume) && job->source.kind != SourceKind::unreadable) {
        // Read again from its start (an mbox that is one no longer is not
        // resumed); a read that failed retires nothing.
        m_scanner.m_options.history->retire_findings(job->where.archive);
      }
      m_scanner.apply(*job);
      wait = false;
    }
  }

  // Splits an mbox on this thread; its messages are analysed by the
  // workers ahead of any file and applied in file order, before the file's
  // own row.
  void split(Job& file)
  {
    std::deque<std::unique_ptr<Job>> messages;
    std::uint64_t count = 0;
    FileCallbacks callbacks;
    callbacks.on_message = [&](RawMessage&& raw) {
      ++count;
      auto job = std::make_unique<Job>();
      job->kind = Job::Kind::message;
      job->where = std::move(raw.where);
      job->has_message = true;
      job->header = std::move(raw.header);
      job->reader_issues = std::move(raw.issues);
      job->file_mtime = raw.file_mtime;
      job->has_body = raw.has_body;
      job->body = std::move(raw.body);
      m_scanner.m_body_bytes_waiting += job->body.size();
      hand_out(*job, m_messages);
      messages.push_back(std::move(job));
      apply_ready(messages, m_messages,
                  messages.size() > k_max_waiting
                    || m_scanner.m_body_bytes_waiting > k_max_body_bytes_waiting);
      if (m_scanner.stopped()) {
        file.interrupted = true;
        return false;
      }
      return true;
    };
    // Members of a zip or tar file come in order with the messages: their
    // rows and problems are applied as they come, so that a file of a
    // million members holds no more than the messages in flight.
    const auto queue_in_order = [&](std::unique_ptr<Job> job) {
      job->done = true;
      messages.push_back(std::move(job));
      apply_ready(messages, m_messages, messages.size() > k_max_waiting);
    };
    callbacks.on_issue = [&](const MessageLocator& where, const Issue& issue) {
      if (where.member.empty()) {
        file.file_issues.emplace_back(where, issue);
        return;
      }
      auto job = std::make_unique<Job>();
      job->kind = Job::Kind::issue;
      job->where = where;
      job->file_issues.emplace_back(where, issue);
      queue_in_order(std::move(job));
    };
    callbacks.on_member = [&](SourceInfo&& member) {
      auto job = std::make_unique<Job>();
      job->kind = Job::Kind::member;
      job->where = MessageLocator{member.path};
      job->where.member = member.member;
      job->source = std::move(member);
      queue_in_order(std::move(job));
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
        m_scanner.m_options.history->retire_findings(file.where.archive);
      } else if (resume) {
        // Its last message is read again: what it gave before (perhaps
        // while it was still being written) is replaced.
        m_scanner.m_options.history->retire_findings(file.where.archive, resume->offset);
      }
      if (file.stream) {
        file.source = read_streamed(file, callbacks);
      } else {
        file.source = read_messages(file.where.archive, {}, callbacks, resume,
                                    m_scanner.body_read(), file.folder.get(),
                                    m_scanner.m_options.unpack);
      }
      if (file.source.kind == SourceKind::archive) {
        file.source.messages = count;
      }
    } catch (const std::system_error& e) {
      file.source.messages = count;
      file.file_issues.emplace_back(
        MessageLocator{file.where.archive},
        Issue{IssueKind::unreadable_input,
              std::string(e.what()) + " after " + std::to_string(count) + " message(s)"});
    } catch (...) {
      // The sink failed (FatalError): workers may still hold these jobs.
      drain(messages);
      throw;
    }
    while (!messages.empty()) {
      apply_ready(messages, m_messages, true);
    }
    file.split_later = false;
  }

  // Standard input ("-") or a FIFO named on the command line.
  SourceInfo read_streamed(const Job& file, const FileCallbacks& callbacks)
  {
    const auto& name = file.where.archive;
    if (name == "-") {
      return read_stream(STDIN_FILENO, name, callbacks, m_scanner.body_read(),
                         m_scanner.m_options.unpack);
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
    return read_stream(fd, name, callbacks, m_scanner.body_read(), m_scanner.m_options.unpack);
  }

  // Waits until the workers are done with every job in `jobs`, so that
  // they can be destroyed.
  void drain(std::deque<std::unique_ptr<Job>>& jobs)
  {
    flush(m_messages);
    std::unique_lock lock(m_mutex);
    for (const auto& job : jobs) {
      m_finished.wait(lock, [&] { return job->done; });
    }
  }

  bool is_done(const Job& job)
  {
    std::lock_guard lock(m_mutex);
    return job.done;
  }

  // Takes the next batch handed out (the messages of an mbox being split
  // first); false if there is none.
  bool take(Batch& batch)
  {
    auto& queue = m_urgent.empty() ? m_queue : m_urgent;
    if (queue.empty()) {
      return false;
    }
    batch = std::move(queue.front());
    queue.pop_front();
    return true;
  }

  void run(const Batch& batch)
  {
    for (Job* job : batch) {
      m_scanner.run(*job);
    }
    {
      std::lock_guard lock(m_mutex);
      for (Job* job : batch) {
        job->done = true;
      }
    }
    m_finished.notify_all();
  }

  // On this thread: runs one batch handed out, if any is left.
  bool help()
  {
    Batch batch;
    {
      std::lock_guard lock(m_mutex);
      if (!take(batch)) {
        return false;
      }
    }
    run(batch);
    return true;
  }

  void work()
  {
    for (;;) {
      Batch batch;
      {
        std::unique_lock lock(m_mutex);
        m_ready.wait(lock, [&] {
          return m_stop || !m_urgent.empty() || !m_queue.empty();
        });
        if (!take(batch)) {
          return; // stopping
        }
      }
      run(batch);
    }
  }

  Scanner& m_scanner;
  std::mutex m_mutex;
  std::condition_variable m_ready, m_finished;
  std::deque<std::unique_ptr<Job>> m_order; // this thread only
  Batch m_files, m_messages;                // being filled, this thread only
  std::deque<Batch> m_queue;  // files, in walk order
  std::deque<Batch> m_urgent; // messages of the mbox being split
  bool m_stop = false;
  unsigned m_wanted; // worker threads once there is work; 1: none
  std::vector<std::thread> m_threads; // last: joined before the rest goes
};

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
  Pipeline pipeline(*this, m_options.jobs);
  const auto submit = [&](Job::Kind kind, const fs::path& path) {
    auto job = std::make_unique<Job>();
    job->kind = kind;
    job->where = MessageLocator{path};
    pipeline.submit(std::move(job));
  };
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
    auto job = std::make_unique<Job>();
    job->kind = Job::Kind::issue;
    job->where = MessageLocator{path};
    job->file_issues.emplace_back(
      job->where, Issue{IssueKind::excluded_by_configuration, "matches '" + pattern + "'"});
    pipeline.submit(std::move(job));
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
    auto job = std::make_unique<Job>();
    job->kind = Job::Kind::file;
    job->where = MessageLocator{path};
    job->stream = true;
    job->named = true;
    job->split_later = true;
    // Read whole every time: what it gave before is replaced.
    job->retire_first = m_options.history && m_options.history->source(path).has_value();
    pipeline.submit(std::move(job));
  };
  callbacks.on_issue = [&](const fs::path& path, const Issue& issue) {
    if (m_open_dirs.erase(path) > 0) {
      // A folder that could not be listed: nothing known in it is gone.
      m_not_walked.push_back(path);
      m_changes->folder_left(path);
      m_listing.erase(path);
    }
    auto job = std::make_unique<Job>();
    job->kind = Job::Kind::issue;
    job->where = MessageLocator{path};
    job->file_issues.emplace_back(job->where, issue);
    pipeline.submit(std::move(job));
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
          submit(Job::Kind::directory_start, dir);
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
        submit(Job::Kind::directory_end, dir);
      }
    };
  }
  archive::walk(paths, callbacks);
  pipeline.finish();
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
  auto job = std::make_unique<Job>();
  job->kind = Job::Kind::file;
  job->named = named;
  job->where = MessageLocator{path};
  job->folder = folder;
  if (m_changes) {
    auto decision = m_changes->decide(path);
    switch (decision.action) {
    case FileDecision::Action::read:
      break;
    case FileDecision::Action::unchanged:
      job->kind = Job::Kind::unchanged;
      job->known = std::move(decision.known);
      break;
    case FileDecision::Action::resume:
      job->resume = decision.resume;
      job->resume_prefix_hash = std::move(decision.resume_prefix_hash);
      break;
    case FileDecision::Action::reread:
      job->retire_first = true;
      job->known = std::move(decision.known); // set if it was under another name
      break;
    }
  }
  pipeline.submit(std::move(job));
}

// On a worker (or the calling thread with --jobs 1): the part of a job that
// needs no ordering. Never throws.
void
Scanner::run(Job& job)
{
  if (job.kind == Job::Kind::message) {
    job.result = analyse(job.header, std::move(job.reader_issues), m_detectors, job.file_mtime,
                         m_options.content, job.body);
    m_body_bytes_waiting -= job.body.size();
    std::string().swap(job.body);
    return;
  }
  const auto& path = job.where.archive;
  FileCallbacks callbacks;
  callbacks.on_message = [&](RawMessage&& raw) {
    job.has_message = true;
    job.where = std::move(raw.where);
    job.result = analyse(raw.header, std::move(raw.issues), m_detectors, raw.file_mtime,
                         m_options.content, raw.body);
    return true;
  };
  callbacks.on_issue = [&](const MessageLocator& where, const Issue& issue) {
    job.file_issues.emplace_back(where, issue);
  };
  callbacks.on_mbox = [&] {
    job.split_later = true;
    return false;
  };
  try {
    job.source = read_messages(path, m_excluded, callbacks, nullptr, body_read(),
                               job.folder.get(), m_options.unpack);
  } catch (const std::system_error& e) {
    job.source = SourceInfo{path, SourceKind::unreadable};
    std::string why = e.what();
    if (e.code() == std::errc::no_such_file_or_directory) {
      // Listed, then gone: Maildir messages move from new/ to cur/ and are
      // renamed when their flags change while a scan runs.
      why += " (gone since its folder was listed: moved, renamed or deleted; the next "
             "scan reads it where it is now)";
    }
    job.file_issues.emplace_back(MessageLocator{path},
                                 Issue{IssueKind::unreadable_input, std::move(why)});
  } catch (const std::exception& e) {
    job.source = SourceInfo{path, SourceKind::unreadable};
    job.file_issues.emplace_back(MessageLocator{path},
                                 Issue{IssueKind::internal_error, e.what()});
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
void
Scanner::apply(Job& job)
{
  switch (job.kind) {
  case Job::Kind::unchanged:
    ++m_summary.unchanged;
    if (job.named && job.known->info.messages == 0) {
      record(job.where, {IssueKind::no_message_found,
                         "named to be scanned, but no message was read from it ("
                           + std::string(to_string(job.known->info.kind)) + ", unchanged)"});
    }
    if (job.known->info.kind != SourceKind::message) {
      not_only_messages(job.where.archive);
    }
    m_options.history->source_unchanged(*job.known, job.where.archive);
    return;
  case Job::Kind::directory_start:
    if (const auto it = m_listing.find(job.where.archive); it != m_listing.end()) {
      it->second.not_scanned = m_summary.not_scanned();
    }
    return;
  case Job::Kind::directory_end: {
    const auto it = m_listing.find(job.where.archive);
    if (it == m_listing.end()) {
      return;
    }
    if (ChangeDetector::folder_settled(
          it->second.clean && it->second.not_scanned == m_summary.not_scanned(),
          it->second.state, m_started_ns)) {
      m_options.history->record_directory(it->first, it->second.state, false);
    }
    m_listing.erase(it);
    return;
  }
  default:
    break;
  }
  if (job.retire_first && job.known && job.known->path != job.where.archive) {
    m_options.history->retire_findings(job.known->path);
  }
  if (job.has_message) {
    ++m_summary.messages;
    m_summary.messages_failed += job.result.failed ? 1 : 0;
    for (const auto& finding : job.result.findings) {
      const auto status = m_sink.record_finding(job.where, finding);
      if (status != FindingStatus::duplicate && !finding.context_only) {
        ++m_summary.findings;
        m_summary.suppressed += finding.suppressed.empty() ? 0 : 1;
        m_summary.new_findings +=
          status == FindingStatus::new_finding && finding.suppressed.empty() ? 1 : 0;
      }
    }
    if (!job.result.issues.empty()) {
      ++m_summary.messages_with_issues;
    }
    for (const auto& issue : job.result.issues) {
      record(job.where, issue);
    }
    if (m_progress && m_summary.messages % 1024 == 0) {
      m_progress(m_summary); // large mbox files: progress within the file
    }
  }
  for (const auto& [where, issue] : job.file_issues) {
    // A file-level internal error: the file was NOT scanned.
    m_summary.messages_failed += issue.kind == IssueKind::internal_error ? 1 : 0;
    record(where, issue);
  }
  if (job.kind == Job::Kind::member) {
    // A member of a zip or tar file: a source of its own, whose completeness
    // the reader decided (its issues come with the file's).
    ++m_summary.inputs;
    m_summary.inputs_not_mail += job.source.kind == SourceKind::not_mail ? 1 : 0;
    m_sink.record_source(job.source);
    return;
  }
  if (job.kind != Job::Kind::file || job.source.kind == SourceKind::excluded) {
    return; // the findings database is not part of the archive
  }
  if (job.named && !job.has_message && job.source.messages == 0 && !job.interrupted
      && m_summary.not_scanned() == job.not_scanned_before) {
    // A file or stream the user named that gave nothing: never a clean
    // result (an empty pipe, an export that is not mail).
    record(job.where, {IssueKind::no_message_found,
                       "named to be scanned, but no message was read from it ("
                         + (job.source.kind == SourceKind::not_mail
                              ? std::string("not mail")
                              : std::string(to_string(job.source.kind)))
                         + ")"});
  }
  ++m_summary.inputs;
  m_summary.bytes += job.source.size;
  m_summary.inputs_not_mail += job.source.kind == SourceKind::not_mail ? 1 : 0;
  job.source.complete = m_summary.not_scanned() == job.not_scanned_before && !job.interrupted
                        && job.source.kind != SourceKind::unreadable;
  if (job.source.kind != SourceKind::message || !job.source.complete) {
    not_only_messages(job.where.archive);
  }
  m_sink.record_source(job.source);
  if (m_progress) {
    m_progress(m_summary);
  }
}

} // namespace ccaudit::scan
