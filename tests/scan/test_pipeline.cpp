// The ordered pipeline on its own: no files, no sink.
#include "scan/pipeline.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

using namespace ccaudit;
using namespace ccaudit::scan;

namespace {

// A message job whose file_mtime is its number (the pipeline never looks).
std::unique_ptr<Job>
numbered(int n)
{
  MessageJob m;
  m.file_mtime = n;
  return std::make_unique<Job>(std::move(m));
}

int
number_of(const Job& job)
{
  return static_cast<int>(std::get<MessageJob>(job.work).file_mtime);
}

} // namespace

TEST_CASE("pipeline: jobs are applied in the order submitted, whatever the threads and however "
          "long each runs", "[pipeline]")
{
  for (const unsigned threads : {1u, 2u, 4u}) {
    INFO(threads << " thread(s)");
    std::vector<int> applied;
    std::atomic<int> ran{0};
    const auto main_thread = std::this_thread::get_id();
    bool applied_elsewhere = false;
    {
      Pipeline pipeline(
        threads,
        [&](Job& job) {
          // Later jobs finish first now and then.
          if (number_of(job) % 7 == 0) {
            std::this_thread::sleep_for(std::chrono::microseconds(200));
          }
          ++ran;
        },
        [&](Job& job) {
          applied_elsewhere = applied_elsewhere || std::this_thread::get_id() != main_thread;
          applied.push_back(number_of(job));
        });
      for (int i = 0; i < 3000; ++i) { // more than k_max_waiting
        pipeline.submit(numbered(i));
      }
      bool listed = false;
      pipeline.finish([&] { listed = true; });
      CHECK(listed);
    }
    REQUIRE(applied.size() == 3000);
    for (int i = 0; i < 3000; ++i) {
      REQUIRE(applied[static_cast<std::size_t>(i)] == i);
    }
    CHECK(ran == 3000);
    CHECK_FALSE(applied_elsewhere);
  }
}

TEST_CASE("pipeline: a sequence's jobs are applied in their order, before the job that made "
          "them, and jobs that need no worker are applied as they come", "[pipeline]")
{
  std::vector<std::string> applied;
  Pipeline* self = nullptr;
  Pipeline pipeline(
    2, [](Job&) {},
    [&](Job& job) {
      if (const auto* issue = std::get_if<IssueJob>(&job.work)) {
        applied.push_back(issue->issue.detail);
        return;
      }
      const int n = number_of(job);
      if (n == 1) {
        Pipeline::Sequence inner(*self);
        for (int i = 100; i < 1200; ++i) {
          inner.add(numbered(i), inner.waiting() >= Pipeline::k_max_waiting);
          if (i == 150) {
            inner.add(std::make_unique<Job>(IssueJob{{}, {IssueKind::not_mail, "member"}}), false);
          }
        }
        inner.finish();
      }
      applied.push_back(std::to_string(n));
    });
  self = &pipeline;
  pipeline.submit(numbered(0));
  pipeline.submit(numbered(1));
  pipeline.submit(numbered(2));
  pipeline.finish();
  std::vector<std::string> expected = {"0"};
  for (int i = 100; i < 1200; ++i) {
    expected.push_back(std::to_string(i));
    if (i == 150) {
      expected.push_back("member");
    }
  }
  expected.insert(expected.end(), {"1", "2"});
  CHECK(applied == expected);
}

TEST_CASE("pipeline: an apply that throws stops it, and the workers are done with every job "
          "before they go", "[pipeline]")
{
  std::atomic<int> ran{0};
  const auto go = [&] {
    Pipeline* self = nullptr;
    Pipeline pipeline(
      3, [&](Job&) { ++ran; },
      [&](Job& job) {
        if (number_of(job) == 5) {
          Pipeline::Sequence inner(*self);
          for (int i = 0; i < 500; ++i) {
            inner.add(numbered(1000 + i), false);
          }
          throw std::runtime_error("the sink failed");
        }
      });
    self = &pipeline;
    for (int i = 0; i < 200; ++i) {
      pipeline.submit(numbered(i));
    }
    pipeline.finish();
  };
  CHECK_THROWS_AS(go(), std::runtime_error);
  CHECK(ran >= 6);
}

TEST_CASE("pipeline: each job is prepared once, on the thread that runs it, with the rest of "
          "its batch before the first of them is run", "[pipeline]")
{
  for (const unsigned threads : {1u, 2u, 4u}) {
    INFO(threads << " thread(s)");
    constexpr int k_jobs = 2000;
    struct Seen
    {
      std::thread::id prepared_on, ran_on;
      int prepares = 0;
      bool prepared_first = false;
    };
    std::vector<Seen> seen(k_jobs);
    std::mutex mutex;
    // Per thread: jobs it prepared and has not run yet; the most at once.
    std::map<std::thread::id, int> ahead;
    int most_ahead = 0;
    {
      Pipeline pipeline(
        threads,
        [&](Job& job) {
          std::lock_guard lock(mutex);
          auto& s = seen[static_cast<std::size_t>(number_of(job))];
          s.ran_on = std::this_thread::get_id();
          s.prepared_first = s.prepares == 1;
          most_ahead = std::max(most_ahead, ahead[s.ran_on]--);
        },
        [](Job&) {},
        [&](Job& job) {
          std::lock_guard lock(mutex);
          auto& s = seen[static_cast<std::size_t>(number_of(job))];
          ++s.prepares;
          s.prepared_on = std::this_thread::get_id();
          ++ahead[s.prepared_on];
        });
      for (int i = 0; i < k_jobs; ++i) {
        pipeline.submit(numbered(i));
      }
      pipeline.finish();
    }
    int bad = 0;
    for (const auto& s : seen) {
      bad += s.prepares == 1 && s.prepared_first && s.prepared_on == s.ran_on ? 0 : 1;
    }
    CHECK(bad == 0);
    // With workers, files are asked of the disk a batch at a time, not one
    // before each read.
    CHECK((threads == 1 ? most_ahead == 1 : most_ahead > 1));
  }
}

TEST_CASE("pipeline: a worker added runs jobs beside the others, and one thread stays one",
          "[pipeline]")
{
  for (const unsigned threads : {1u, 2u}) {
    INFO(threads << " thread(s)");
    std::mutex mutex;
    std::map<std::thread::id, int> ran_on;
    {
      Pipeline pipeline(
        threads,
        [&](Job&) {
          std::this_thread::sleep_for(std::chrono::microseconds(200));
          std::lock_guard lock(mutex);
          ++ran_on[std::this_thread::get_id()];
        },
        [](Job&) {});
      pipeline.add_worker(); // reads wait for the disk: one thread more
      for (int i = 0; i < 960; ++i) {
        pipeline.submit(numbered(i));
      }
      pipeline.finish();
    }
    CHECK(ran_on.size() == (threads == 1 ? 1u : 3u));
  }
}
