#include "archive/input_file.hpp"

#include <atomic>
#include <chrono>
#include <cerrno>
#include <string>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
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

// Reads that had to wait for the disk: a few of them, and a quarter of the
// reads watched or more, mean the files come from the disk (a message just
// delivered is one of a few). A read is first asked of the page cache alone
// (preadv2 RWF_NOWAIT fails with EAGAIN rather than wait), which costs no
// call more than a plain read. The kernel also refuses reads of a warm scan
// now and then (beside another busy process, up to 180 of 12,000 reads),
// hence the share. A file system or kernel that cannot say is judged by
// the time a read took instead: longer than a page-cache hit can take
// (tens of microseconds for the first 64 KiB of a file on a busy machine).
// A thread descheduled by other work takes that long too: timing alone
// turned read-ahead on in a third of warm scans beside a busy process (each
// file then opened twice), and missed a cold cache of small files.
constexpr auto k_slow_read = std::chrono::microseconds(150);
constexpr int k_slow_reads_for_disk = 8;
constexpr int k_slow_share = 4; // at least one read in this many
std::atomic<int> g_reads_watched{0}, g_slow_reads{0};
std::atomic<bool> g_wait_for_disk{false};
std::atomic<bool> g_no_nowait{false}; // RWF_NOWAIT refused: timed instead

void
count_slow_read()
{
  const int slow = g_slow_reads.fetch_add(1, std::memory_order_relaxed) + 1;
  if (slow >= k_slow_reads_for_disk
      && slow * k_slow_share >= g_reads_watched.load(std::memory_order_relaxed)) {
    g_wait_for_disk.store(true, std::memory_order_relaxed);
  }
}

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

// Set once the kernel refused O_NOATIME: the process may use it only on the
// files its user owns (it lacks CAP_FOWNER), so files are opened without it
// and it is set on those the user owns before any read (only a read changes
// the access time). Trying it first on every file cost a refused open per
// file to a user scanning mail that is not theirs: each file opened twice.
std::atomic<bool> g_noatime_refused{false};

// O_NOATIME on a file opened without it, if the user owns it.
void
keep_access_time(int fd)
{
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_uid == ::geteuid()) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0) {
      ::fcntl(fd, F_SETFL, flags | O_NOATIME);
    }
  }
}

// Read-only, without the access time where the kernel allows it (O_NOATIME
// needs ownership or CAP_FOWNER), and O_NONBLOCK: opening a FIFO must not
// hang the scan.
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
  if (!g_noatime_refused.load(std::memory_order_relaxed)) {
    const int fd = open(k_flags | O_NOATIME);
    if (fd >= 0 || errno != EPERM) {
      return fd;
    }
    g_noatime_refused.store(true, std::memory_order_relaxed);
  }
  const int fd = open(k_flags);
  if (fd >= 0) {
    keep_access_time(fd);
  }
  return fd;
}

} // namespace

OpenedAhead::~OpenedAhead()
{
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

OpenedAhead&
OpenedAhead::operator=(OpenedAhead&& other) noexcept
{
  if (this != &other) {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    m_fd = std::exchange(other.m_fd, -1);
  }
  return *this;
}

OpenedAhead
read_ahead(const std::filesystem::path& path, const Folder* folder, std::size_t bytes)
{
  const int fd = open_read_only(path, folder);
  if (fd >= 0) {
    ::posix_fadvise(fd, 0, static_cast<off_t>(bytes), POSIX_FADV_WILLNEED);
  }
  return OpenedAhead(fd);
}

bool
reads_wait_for_disk()
{
  return g_wait_for_disk.load(std::memory_order_relaxed);
}

InputFile::InputFile(const std::filesystem::path& path, const Folder* folder,
                     OpenedAhead ahead)
{
  m_fd = ahead.release();
  if (m_fd < 0) {
    m_fd = open_read_only(path, folder);
  }
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
  // Watched until reads_wait_for_disk() has decided: nothing more after that.
  const bool watched = !reads_wait_for_disk();
  if (watched) {
    g_reads_watched.fetch_add(1, std::memory_order_relaxed);
  }
  bool nowait = watched && !g_no_nowait.load(std::memory_order_relaxed);
  const bool timed = watched && !nowait;
  using Clock = std::chrono::steady_clock;
  const auto start = timed ? Clock::now() : Clock::time_point{};
  const auto count_if_slow = [&] {
    if (timed && Clock::now() - start > k_slow_read) {
      count_slow_read();
    }
  };
  while (done < size) {
    ssize_t n = 0;
    if (nowait) {
      iovec part{out + done, size - done};
      n = ::preadv2(m_fd, &part, 1, static_cast<off_t>(offset + done), RWF_NOWAIT);
      // EOPNOTSUPP: a file system that cannot say; EINVAL, ENOSYS: a kernel
      // that does not know the flag (before 4.14) or the call (4.6).
      if (n < 0 && (errno == EAGAIN || errno == EOPNOTSUPP || errno == EINVAL || errno == ENOSYS)) {
        if (errno == EAGAIN) {
          count_slow_read(); // not cached
        } else {
          g_no_nowait.store(true, std::memory_order_relaxed);
        }
        nowait = false; // the rest of this read waits for the disk
        continue;
      }
    } else {
      n = ::pread(m_fd, out + done, size - done, static_cast<off_t>(offset + done));
    }
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
