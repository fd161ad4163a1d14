#include "scan/pipeline.hpp"

namespace ccaudit::scan {

Pipeline::Pipeline(unsigned threads, Step run, Step apply, Step prepare)
  : m_run(std::move(run)), m_apply(std::move(apply)), m_prepare(std::move(prepare)),
    m_wanted(threads)
{
}

Pipeline::~Pipeline()
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

void
Pipeline::submit(std::unique_ptr<Job> job)
{
  hand_out(*job, m_files);
  m_order.push_back(std::move(job));
  apply_ready(m_order, m_files, m_order.size() > k_max_waiting);
}

void
Pipeline::finish(const std::function<void()>& listed)
{
  flush(m_files);
  if (listed) {
    listed();
  }
  while (!m_order.empty()) {
    apply_ready(m_order, m_files, true);
  }
}

void
Pipeline::add_worker()
{
  if (m_wanted > 1) {
    ++m_wanted; // started with the next job that needs a worker (hand_out())
  }
}

// Runs a job now (it needs no worker, or there are none), or adds it to
// `batch` for the workers.
void
Pipeline::hand_out(Job& job, Batch& batch)
{
  if (!job.needs_worker()) {
    job.done = true;
  } else if (m_wanted <= 1) {
    if (m_prepare) {
      m_prepare(job);
    }
    m_run(job);
    job.done = true;
  } else {
    // This thread runs jobs too while it waits (help()): one thread fewer
    // than asked for, so that N cores run N threads, not N + 1 that share.
    for (unsigned i = static_cast<unsigned>(m_threads.size()); i + 1 < m_wanted; ++i) {
      m_threads.emplace_back([this] { work(); });
    }
    batch.push_back(&job);
    if (batch.size() >= k_batch) {
      flush(batch);
    }
  }
}

void
Pipeline::flush(Batch& batch)
{
  if (batch.empty()) {
    return;
  }
  {
    std::lock_guard lock(m_mutex);
    (&batch == &m_urgent_batch ? m_urgent : m_queue).push_back(std::move(batch));
  }
  batch = Batch{};
  m_ready.notify_one();
}

// Applies the finished jobs at the head of `order`; with `wait`, waits for
// the head first (handing out `batch` so that it can finish).
void
Pipeline::apply_ready(std::deque<std::unique_ptr<Job>>& order, Batch& batch, bool wait)
{
  while (!order.empty()) {
    if (wait) {
      flush(batch);
    }
    // Waiting for the head: run what is queued meanwhile.
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
    m_apply(*job);
    wait = false;
  }
}

// Waits until the workers are done with every job in `jobs`, so that they
// can be destroyed.
void
Pipeline::drain(std::deque<std::unique_ptr<Job>>& jobs)
{
  flush(m_urgent_batch);
  std::unique_lock lock(m_mutex);
  for (const auto& job : jobs) {
    m_finished.wait(lock, [&] { return job->done; });
  }
}

bool
Pipeline::is_done(const Job& job)
{
  std::lock_guard lock(m_mutex);
  return job.done;
}

// Takes the next batch handed out (a Sequence's first); false if there is
// none. Under the mutex.
bool
Pipeline::take(Batch& batch)
{
  auto& queue = m_urgent.empty() ? m_queue : m_urgent;
  if (queue.empty()) {
    return false;
  }
  batch = std::move(queue.front());
  queue.pop_front();
  return true;
}

void
Pipeline::run(const Batch& batch)
{
  if (m_prepare) {
    for (Job* job : batch) {
      m_prepare(*job);
    }
  }
  for (Job* job : batch) {
    m_run(*job);
  }
  {
    std::lock_guard lock(m_mutex);
    for (Job* job : batch) {
      job->done = true;
    }
  }
  m_finished.notify_all();
}

// On the calling thread: runs one batch handed out, if any is left.
bool
Pipeline::help()
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

void
Pipeline::work()
{
  for (;;) {
    Batch batch;
    {
      std::unique_lock lock(m_mutex);
      m_ready.wait(lock, [&] { return m_stop || !m_urgent.empty() || !m_queue.empty(); });
      if (!take(batch)) {
        return; // stopping
      }
    }
    run(batch);
  }
}

Pipeline::Sequence::~Sequence()
{
  m_pipeline.drain(m_jobs);
}

void
Pipeline::Sequence::add(std::unique_ptr<Job> job, bool wait)
{
  m_pipeline.hand_out(*job, m_pipeline.m_urgent_batch);
  m_jobs.push_back(std::move(job));
  m_pipeline.apply_ready(m_jobs, m_pipeline.m_urgent_batch, wait);
}

void
Pipeline::Sequence::finish()
{
  while (!m_jobs.empty()) {
    m_pipeline.apply_ready(m_jobs, m_pipeline.m_urgent_batch, true);
  }
}

} // namespace ccaudit::scan
