#pragma once

#include "scan/job.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace ccaudit::scan {

// An ordered pipeline: jobs are submitted in order, workers run what needs
// no order (`run`), and the calling thread applies every job (`apply`) in
// the order submitted, whatever the number of threads. It knows nothing of
// what a job does or where results go.
//
// With `threads` N there are N - 1 workers: the calling thread runs queued
// jobs itself whenever it would wait for one, so N cores run N busy threads
// (N + 1 sharing them were 11% slower on 2 cores). Workers start with the
// first job that needs one. Jobs go to the workers in batches (one lock and
// one wake-up per batch, not per file: a Maildir has one file per message).
// Memory is bounded: at most k_max_waiting jobs wait to be applied.
class Pipeline
{
public:
  using Step = std::function<void(Job&)>;
  static constexpr std::size_t k_max_waiting = 1024;

  // `run` runs on any thread and must not throw; `apply` runs on the
  // calling thread, in order, and may throw (the pipeline stops).
  // `prepare`, if given, runs on each job before it is run, on the same
  // thread, and must not throw; with workers, on each job of a batch before
  // the batch's first job is run.
  Pipeline(unsigned threads, Step run, Step apply, Step prepare = {});
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Queues a job in order and applies what is ready.
  void submit(std::unique_ptr<Job> job);
  // Applies everything, waiting for the workers; `listed` is called once
  // every job is handed out, before the rest is applied.
  void finish(const std::function<void()>& listed = {});
  // One worker more from the next job on, for work that waits on the disk:
  // there N threads leave a core idle whenever one waits for a read. Not
  // with one thread (it has no workers).
  void add_worker();

  // Jobs that come from the one being applied (the messages of an mbox
  // being split, its members and their problems): run ahead of any other,
  // and applied in their order before the job that made them. Destroyed,
  // it waits until the workers are done with its jobs (after an exception,
  // they may still hold some).
  class Sequence
  {
  public:
    explicit Sequence(Pipeline& pipeline) : m_pipeline(pipeline) {}
    ~Sequence();
    Sequence(const Sequence&) = delete;
    Sequence& operator=(const Sequence&) = delete;

    // Queues a job; applies what is ready, first waiting for the oldest
    // when `wait` (the caller's bound on what waits: count, bytes).
    void add(std::unique_ptr<Job> job, bool wait);
    std::size_t waiting() const { return m_jobs.size(); }
    // Applies every job, waiting for the workers.
    void finish();

  private:
    Pipeline& m_pipeline;
    std::deque<std::unique_ptr<Job>> m_jobs;
  };

private:
  using Batch = std::vector<Job*>;
  static constexpr std::size_t k_batch = 32;

  void hand_out(Job& job, Batch& batch);
  void flush(Batch& batch);
  void apply_ready(std::deque<std::unique_ptr<Job>>& order, Batch& batch, bool wait);
  void drain(std::deque<std::unique_ptr<Job>>& jobs);
  bool is_done(const Job& job);
  bool take(Batch& batch);
  void run(const Batch& batch);
  bool help();
  void work();

  Step m_run, m_apply, m_prepare;
  std::mutex m_mutex;
  std::condition_variable m_ready, m_finished;
  std::deque<std::unique_ptr<Job>> m_order; // the calling thread only
  Batch m_files, m_urgent_batch;            // being filled, the calling thread only
  std::deque<Batch> m_queue;  // in order
  std::deque<Batch> m_urgent; // a Sequence's jobs
  bool m_stop = false;
  unsigned m_wanted; // threads once there is work; 1: none
  std::vector<std::thread> m_threads; // last: joined before the rest goes
};

} // namespace ccaudit::scan
