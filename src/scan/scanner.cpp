#include "scan/scanner.hpp"

#include "archive/walker.hpp"
#include "core/fatal_error.hpp"
#include "scan/analyse.hpp"
#include "scan/message_source.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <sys/stat.h>
#include <system_error>

namespace ccaudit::scan {

namespace fs = std::filesystem;

Scanner::Scanner(FindingSink& sink,
                 std::vector<std::unique_ptr<detect::Detector>> detectors,
                 ScanOptions options, Progress progress)
  : m_sink(sink), m_detectors(std::move(detectors)),
    m_options(std::move(options)), m_progress(std::move(progress))
{
}

void
Scanner::record(const MessageLocator& where, const Issue& issue)
{
  ++m_summary.problems;
  if (issue.kind == IssueKind::unreadable_input
      || issue.kind == IssueKind::compressed_not_scanned) {
    ++m_summary.inputs_unreadable;
  }
  m_sink.record_issue(where, issue);
}

// One event, in walk order: a message to analyse, an issue, or a source.
struct Scanner::Job
{
  enum class Kind { message, issue, source };
  Kind kind = Kind::message;
  MessageLocator where;
  std::string header;
  std::vector<Issue> issues; // a message's reader issues, or the one issue
  SourceInfo source;
  Analysis result;
  bool done = false; // guarded by the pipeline's mutex
};

// Hands messages to worker threads and gives events back in submit order.
// With no workers, messages are analysed on the calling thread.
class Scanner::Pipeline
{
public:
  Pipeline(unsigned workers, const std::vector<std::unique_ptr<detect::Detector>>& detectors,
           std::function<void(Job&)> apply)
    : m_detectors(detectors), m_apply(std::move(apply))
  {
    for (unsigned i = 0; i < workers && workers > 1; ++i) {
      m_threads.emplace_back([this] { work(); });
    }
  }

  ~Pipeline()
  {
    {
      std::lock_guard lock(m_mutex);
      m_stop = true;
    }
    m_work_ready.notify_all();
    for (auto& t : m_threads) {
      t.join();
    }
  }

  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  void submit(std::unique_ptr<Job> job)
  {
    Job* raw = job.get();
    const auto bytes = job->header.size();
    if (job->kind != Job::Kind::message) {
      job->done = true;
    } else if (m_threads.empty()) {
      job->result = analyse(job->header, std::move(job->issues), m_detectors);
      job->done = true;
    }
    {
      std::lock_guard lock(m_mutex);
      m_order.push_back(std::move(job));
      m_bytes += bytes;
      if (!raw->done) {
        m_queue.push_back(raw);
      }
    }
    m_work_ready.notify_one();
    drain(false);
  }

  // Applies every finished event at the head of the order; with `all`, or
  // while too much waits, blocks for the head to finish.
  void drain(bool all)
  {
    for (;;) {
      std::unique_ptr<Job> head;
      {
        std::unique_lock lock(m_mutex);
        if (m_order.empty()) {
          return;
        }
        const bool must_wait = all || m_order.size() > k_max_jobs || m_bytes > k_max_bytes;
        if (!m_order.front()->done && !must_wait) {
          return;
        }
        m_done.wait(lock, [&] { return m_order.front()->done; });
        head = std::move(m_order.front());
        m_order.pop_front();
        m_bytes -= head->header.size();
      }
      m_apply(*head);
    }
  }

private:
  // Messages between the reader and the writer at most; with the header
  // bytes they hold, this bounds memory whatever the archive's size.
  static constexpr std::size_t k_max_jobs = 2048;
  static constexpr std::size_t k_max_bytes = std::size_t{24} << 20;

  void work()
  {
    for (;;) {
      Job* job = nullptr;
      {
        std::unique_lock lock(m_mutex);
        m_work_ready.wait(lock, [&] { return m_stop || !m_queue.empty(); });
        if (m_queue.empty()) {
          return; // stopping
        }
        job = m_queue.front();
        m_queue.pop_front();
      }
      auto result = analyse(job->header, std::move(job->issues), m_detectors);
      {
        std::lock_guard lock(m_mutex);
        job->result = std::move(result);
        job->done = true;
      }
      m_done.notify_all();
    }
  }

  const std::vector<std::unique_ptr<detect::Detector>>& m_detectors;
  std::function<void(Job&)> m_apply;
  std::mutex m_mutex;
  std::condition_variable m_work_ready, m_done;
  std::deque<std::unique_ptr<Job>> m_order;
  std::deque<Job*> m_queue;
  std::size_t m_bytes = 0;
  bool m_stop = false;
  std::vector<std::thread> m_threads; // last: joined before the rest goes
};

void
Scanner::scan_paths(const std::vector<fs::path>& paths)
{
  for (const auto& file : m_options.excluded_files) {
    struct stat st {};
    if (::stat(file.c_str(), &st) == 0) {
      m_excluded.emplace(st.st_dev, st.st_ino);
    }
  }
  Pipeline pipeline(m_options.jobs, m_detectors, [this](Job& job) { apply(job); });
  archive::WalkCallbacks callbacks;
  callbacks.on_file = [&](const fs::path& path) { scan_file(path, pipeline); };
  callbacks.on_issue = [&](const fs::path& path, const Issue& issue) {
    auto job = std::make_unique<Job>();
    job->kind = Job::Kind::issue;
    job->where = MessageLocator{path};
    job->issues.push_back(issue);
    pipeline.submit(std::move(job));
  };
  archive::walk(paths, callbacks);
  pipeline.drain(true);
}

// Called in walk order, on the calling thread: the only place that writes
// to the sink and counts.
void
Scanner::apply(Job& job)
{
  switch (job.kind) {
  case Job::Kind::issue:
    // A file-level internal error: the file was NOT scanned.
    m_summary.messages_failed +=
      job.issues.front().kind == IssueKind::internal_error ? 1 : 0;
    record(job.where, job.issues.front());
    return;
  case Job::Kind::source:
    if (job.source.kind == "excluded") {
      return; // the findings database: not part of the archive
    }
    ++m_summary.inputs;
    m_summary.bytes += job.source.size;
    m_summary.inputs_not_mail += job.source.kind == "not-mail" ? 1 : 0;
    m_sink.record_source(job.source);
    if (m_progress) {
      m_progress(m_summary);
    }
    return;
  case Job::Kind::message:
    break;
  }
  ++m_summary.messages;
  m_summary.messages_failed += job.result.failed ? 1 : 0;
  for (const auto& finding : job.result.findings) {
    ++m_summary.findings;
    m_sink.record_finding(job.where, finding);
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

void
Scanner::scan_file(const fs::path& path, Pipeline& pipeline)
{
  std::uint64_t messages = 0;
  const auto submit_issue = [&](const MessageLocator& where, const Issue& issue) {
    auto job = std::make_unique<Job>();
    job->kind = Job::Kind::issue;
    job->where = where;
    job->issues.push_back(issue);
    pipeline.submit(std::move(job));
  };
  FileCallbacks callbacks;
  callbacks.on_message = [&](RawMessage&& message) {
    ++messages;
    auto job = std::make_unique<Job>();
    job->where = message.where;
    job->header = std::move(message.header);
    job->issues = std::move(message.issues);
    pipeline.submit(std::move(job));
    return true;
  };
  callbacks.on_issue = submit_issue;
  auto source = std::make_unique<Job>();
  source->kind = Job::Kind::source;
  source->source = SourceInfo{path, "unreadable"};
  try {
    source->source = read_messages(path, m_excluded, callbacks);
  } catch (const FatalError&) {
    throw;
  } catch (const std::system_error& e) {
    auto detail = std::string(e.what());
    if (messages > 0) {
      detail += " after " + std::to_string(messages) + " message(s)";
    }
    source->source.messages = messages;
    submit_issue(MessageLocator{path}, {IssueKind::unreadable_input, detail});
  } catch (const std::exception& e) {
    source->source.messages = messages;
    submit_issue(MessageLocator{path}, {IssueKind::internal_error, e.what()});
  }
  pipeline.submit(std::move(source));
}

} // namespace ccaudit::scan
