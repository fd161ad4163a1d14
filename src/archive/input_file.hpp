#pragma once

#include "core/byte_source.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <utility>

namespace ccaudit::archive {

// A folder the walk listed, kept open while the files listed in it wait to
// be read: they are opened relative to it, so each is the entry the walk
// saw (even if the folder is renamed meanwhile), and the kernel does not
// resolve the folder's whole path again for every file of a Maildir.
class Folder
{
public:
  // At most this many are open at once: a tree of one-message folders
  // would otherwise hold a descriptor for each file waiting to be read
  // (up to a thousand), and run the process out of them.
  static constexpr int k_max_open = 64;

  // A copy of `listing_fd`, or null when k_max_open are open or the copy
  // fails: the files are then opened by their paths.
  static std::shared_ptr<const Folder> open(int listing_fd);

  ~Folder();
  Folder(const Folder&) = delete;
  Folder& operator=(const Folder&) = delete;
  int fd() const { return m_fd; }

private:
  explicit Folder(int fd) : m_fd(fd) {}
  int m_fd;
};

// A file read_ahead() opened, for the InputFile that reads it next: a cold
// scan then opens each file once, not twice. Empty if it could not be
// opened (the InputFile then opens it, and says why it cannot).
class OpenedAhead
{
public:
  OpenedAhead() = default;
  explicit OpenedAhead(int fd) : m_fd(fd) {}
  ~OpenedAhead();
  OpenedAhead(OpenedAhead&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  OpenedAhead& operator=(OpenedAhead&& other) noexcept;
  // The descriptor, now the caller's to close; -1 if none.
  int release() { return std::exchange(m_fd, -1); }

private:
  int m_fd = -1;
};

// Asks the kernel to start reading the first `bytes` of a file the scan will
// read soon (posix_fadvise WILLNEED: the read goes to the disk's queue and
// this returns at once). Opens the file as InputFile does, read-only and
// without touching its access time, and returns it open. Errors are
// ignored: the read that follows reports them.
OpenedAhead read_ahead(const std::filesystem::path& path, const Folder* folder,
                       std::size_t bytes);

// True once reads of input files have been seen to wait for the disk (a
// cold page cache): from then on, read_ahead() pays. With the files cached
// it would cost an open and a close per file for nothing (a tenth of a
// warm Maildir scan).
bool reads_wait_for_disk();

// A file opened read-only (O_NOATIME where the kernel allows it, so even the
// access time of the evidence is left alone) and read with pread. Throws
// std::system_error when it cannot be opened or read, and when it is not a
// regular file (a FIFO would block the scan).
class InputFile final : public ByteSource
{
public:
  // With `folder`, the file named by `path`'s last part in that folder;
  // with `ahead` open, that file (`path` names it).
  explicit InputFile(const std::filesystem::path& path, const Folder* folder = nullptr,
                     OpenedAhead ahead = {});
  ~InputFile() override;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  std::size_t read_at(std::uint64_t offset, char* out,
                      std::size_t size) override;

  std::uint64_t size() const { return m_size; }
  std::int64_t mtime() const { return m_mtime; }
  std::int64_t mtime_ns() const { return m_mtime_ns; }
  std::uint64_t device() const { return m_device; }
  std::uint64_t inode() const { return m_inode; }
  // For readers that read it front to back themselves (archive/unpack.hpp).
  int fd() const { return m_fd; }

private:
  int m_fd = -1;
  std::uint64_t m_size = 0;
  std::int64_t m_mtime = 0;
  std::int64_t m_mtime_ns = 0;
  std::uint64_t m_device = 0;
  std::uint64_t m_inode = 0;
};

} // namespace ccaudit::archive
