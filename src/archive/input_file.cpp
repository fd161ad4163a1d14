#include "archive/input_file.hpp"

#include <atomic>
#include <chrono>
#include <cerrno>
#include <string>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace ccaudit::archive {

namespace {

[[noreturn]] void
throw_errno(const char* what)
{
  throw std::system_error(errno, std::generic_category(), what);
}

} // namespace

namespace {

std::atomic<int> g_open_folders{0};

// Reads that took longer than a page-cache hit can (tens of microseconds
// for the first 64 KiB of a file on a busy machine); a few of them mean the
// files come from the disk. A descheduled thread can make a cached read
// slow too, hence more than one.
constexpr auto k_slow_read = std::chrono::microseconds(150);
constexpr int k_slow_reads_for_disk = 8;
std::atomic<int> g_slow_reads{0};

} // namespace

std::shared_ptr<const Folder>
Folder::open(int listing_fd)
{
  if (g_open_folders.fetch_add(1) >= k_max_open) {
    g_open_folders.fetch_sub(1);
    return nullptr;
  }
  const int fd = ::fcntl(listing_fd, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) {
    g_open_folders.fetch_sub(1);
    return nullptr;
  }
  return std::shared_ptr<const Folder>(new Folder(fd));
}

Folder::~Folder()
{
  ::close(m_fd);
  g_open_folders.fetch_sub(1);
}

namespace {

// Read-only, without the access time where the kernel allows it (O_NOATIME
// needs ownership), and O_NONBLOCK: opening a FIFO must not hang the scan.
int
open_read_only(const std::filesystem::path& path, const Folder* folder)
{
  const auto open = [&](int flags) {
    if (folder != nullptr) {
      const auto& text = path.native();
      const auto slash = text.rfind('/');
      return ::openat(folder->fd(),
                      slash == std::string::npos ? text.c_str() : text.c_str() + slash + 1,
                      flags);
    }
    return ::open(path.c_str(), flags);
  };
  constexpr int k_flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  int fd = open(k_flags | O_NOATIME);
  if (fd < 0 && errno == EPERM) {
    fd = open(k_flags);
  }
  return fd;
}

} // namespace

void
read_ahead(const std::filesystem::path& path, const Folder* folder, std::size_t bytes)
{
  const int fd = open_read_only(path, folder);
  if (fd >= 0) {
    ::posix_fadvise(fd, 0, static_cast<off_t>(bytes), POSIX_FADV_WILLNEED);
    ::close(fd);
  }
}

bool
reads_wait_for_disk()
{
  return g_slow_reads.load(std::memory_order_relaxed) >= k_slow_reads_for_disk;
}

InputFile::InputFile(const std::filesystem::path& path, const Folder* folder)
{
  m_fd = open_read_only(path, folder);
  if (m_fd < 0) {
    throw_errno("open");
  }
  struct stat st {};
  if (::fstat(m_fd, &st) != 0) {
    const int saved = errno;
    ::close(m_fd);
    errno = saved;
    throw_errno("fstat");
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(m_fd);
    throw std::system_error(std::make_error_code(std::errc::invalid_argument),
                            "not a regular file");
  }
  m_size = static_cast<std::uint64_t>(st.st_size);
  m_mtime = st.st_mtim.tv_sec;
  m_mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  m_device = st.st_dev;
  m_inode = st.st_ino;
}

InputFile::~InputFile()
{
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

std::size_t
InputFile::read_at(std::uint64_t offset, char* out, std::size_t size)
{
  std::size_t done = 0;
  // Timed until reads_wait_for_disk() has decided: no clock after that.
  const bool timed = !reads_wait_for_disk();
  using Clock = std::chrono::steady_clock;
  const auto start = timed ? Clock::now() : Clock::time_point{};
  const auto count_if_slow = [&] {
    if (timed && Clock::now() - start > k_slow_read) {
      g_slow_reads.fetch_add(1, std::memory_order_relaxed);
    }
  };
  while (done < size) {
    const auto n = ::pread(m_fd, out + done, size - done,
                           static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw_errno("read");
    }
    if (n == 0) {
      break;
    }
    const bool short_read = static_cast<std::size_t>(n) < size - done;
    done += static_cast<std::size_t>(n);
    if (short_read && offset + done >= m_size) {
      break; // the end the file had when opened: no call just to read 0
    }
  }
  count_if_slow();
  return done;
}

} // namespace ccaudit::archive
