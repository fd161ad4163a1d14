#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace ccaudit {

// Reads ahead of its consumer on a thread of its own: the bytes `pull`
// gives (a decompressor) come out of a small queue, so that decompressing
// and what reads the result (splitting an mbox) run on two cores, as
// `zstd -dc | grep` does. The first `k_direct` bytes are pulled on the
// caller's thread: a small member of an archive starts no thread.
// Memory: at most k_blocks blocks of k_block bytes.
class Prefetch
{
public:
  using Pull = std::function<std::size_t(char* out, std::size_t size)>;

  explicit Prefetch(Pull pull) : m_pull(std::move(pull)) {}
  ~Prefetch() { stop(); }
  Prefetch(const Prefetch&) = delete;
  Prefetch& operator=(const Prefetch&) = delete;

  // As `pull` would: up to `size` next bytes, 0 at the end; rethrows what
  // `pull` threw, once the bytes before it were given out.
  std::size_t operator()(char* out, std::size_t size);

  // Ends the thread (waiting for a pull under way): after this, `pull` and
  // what it captured are the caller's again.
  void stop();

private:
  static constexpr std::size_t k_direct = std::size_t{1} << 20;
  static constexpr std::size_t k_block = 1024 * 1024;
  static constexpr std::size_t k_blocks = 4;

  // A block of k_block bytes, `size` of them filled.
  struct Block
  {
    std::unique_ptr<char[]> data;
    std::size_t size = 0;
  };

  void run();

  Pull m_pull;
  std::size_t m_direct = 0; // bytes pulled on the caller's thread
  std::thread m_thread;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<Block> m_ready;             // guarded by m_mutex
  std::vector<Block> m_free;             // guarded: blocks given back, to reuse
  Block m_current;                       // the consumer's block
  std::size_t m_current_at = 0;
  bool m_end = false;                    // guarded: pull returned 0 or threw
  bool m_stopping = false;               // guarded
  std::exception_ptr m_error;            // guarded
};

} // namespace ccaudit
