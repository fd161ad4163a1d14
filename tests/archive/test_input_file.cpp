#include "archive/input_file.hpp"

#include "support/test_message.hpp"

#include <catch2/catch.hpp>

#include <ctime>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>
#include <sys/stat.h>

using namespace ccaudit;
using namespace ccaudit::archive;
namespace fs = std::filesystem;

namespace {

timespec
access_time(const fs::path& p)
{
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_atim;
}

} // namespace

// A scan reading from the disk asks for each waiting file's head ahead of
// its worker: that must leave the evidence as it was, access time included,
// and never hang or fail on what is not a readable file.
TEST_CASE("input file: read_ahead leaves the file and its access time alone, and returns "
          "on a missing file and a FIFO",
          "[archive]")
{
  test::TempDir dir;
  const auto file = dir.write("cur/1:2,S", "To: a@example.com\n\nbody\n");
  const auto now = ::time(nullptr);
  const timespec aged[2] = {{now - 2 * 86400, 0}, {now - 3 * 86400, 0}};
  REQUIRE(::utimensat(AT_FDCWD, file.c_str(), aged, 0) == 0);
  const auto before = access_time(file);
  read_ahead(file, nullptr, 64 * 1024);
  const auto after = access_time(file);
  CHECK(after.tv_sec == before.tv_sec);
  CHECK(after.tv_nsec == before.tv_nsec);
  InputFile read(file);
  std::string bytes(read.size(), '\0');
  CHECK(read.read_at(0, bytes.data(), bytes.size()) == bytes.size());
  CHECK(bytes == "To: a@example.com\n\nbody\n");

  read_ahead(dir.path() / "missing", nullptr, 64 * 1024);
  const auto fifo = dir.path() / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  read_ahead(fifo, nullptr, 64 * 1024); // O_NONBLOCK: returns with no writer
  CHECK_THROWS_AS(InputFile(fifo), std::system_error);
}

namespace {

// Writes `p` to the disk and drops it from the page cache, as after a
// reboot (clean pages only: hence the sync).
void
evict(const fs::path& p)
{
  const int fd = ::open(p.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  REQUIRE(::fdatasync(fd) == 0);
  REQUIRE(::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0);
  ::close(fd);
}

// Whether the first page of `p` is in the page cache.
bool
cached(const fs::path& p)
{
  const int fd = ::open(p.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  const long page = ::sysconf(_SC_PAGESIZE);
  void* map = ::mmap(nullptr, static_cast<std::size_t>(page), PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  REQUIRE(map != MAP_FAILED);
  unsigned char in = 0;
  REQUIRE(::mincore(map, static_cast<std::size_t>(page), &in) == 0);
  ::munmap(map, static_cast<std::size_t>(page));
  return (in & 1) != 0;
}

void
read_head(const fs::path& p)
{
  InputFile file(p);
  char head[4096];
  REQUIRE(file.read_at(0, head, sizeof head) == sizeof head);
}

} // namespace

// Read-ahead costs an open per file: a cold cache must turn it on, and a
// warm one must not, though a few files were just delivered (or a cached
// read was refused now and then, as beside another busy process) and a
// busy machine makes cached reads slow.
TEST_CASE("input file: reads from the disk turn read-ahead on, a few among cached reads do not",
          "[archive]")
{
  test::TempDir dir;
  std::vector<fs::path> files;
  for (int i = 0; i < 200; ++i) {
    files.push_back(dir.write("cur/" + std::to_string(i), std::string(8192, 'x')));
  }
  for (int i = 0; i < 100; ++i) {
    read_head(files[i]); // written just now: cached
  }
  CHECK_FALSE(reads_wait_for_disk());
  for (int i = 100; i < 200; ++i) {
    evict(files[i]);
  }
  if (cached(files[100])) {
    WARN("this file system keeps evicted files cached (tmpfs?): nothing comes from the disk");
    return;
  }
  for (int i = 100; i < 108; ++i) {
    read_head(files[i]);
  }
  CHECK_FALSE(reads_wait_for_disk()); // 8 of 108
  for (int i = 108; i < 200; ++i) {
    read_head(files[i]);
  }
  CHECK(reads_wait_for_disk()); // 100 of 200
}

// A cold scan opens each file once: the file read_ahead() opened is the one
// read, even if its name has gone meanwhile (a Maildir message moved to
// cur/ between the two), and a file it could not open is opened again, and
// its error said, by the read.
TEST_CASE("input file: the file read_ahead opened is the one read, without a second open",
          "[archive]")
{
  test::TempDir dir;
  const auto file = dir.write("new/1.M1P1.host", "To: a@example.com\n\nbody\n");
  auto ahead = read_ahead(file, nullptr, 64 * 1024);
  fs::rename(file, dir.path() / "moved");
  InputFile opened(file, nullptr, std::move(ahead));
  char head[4];
  REQUIRE(opened.read_at(0, head, sizeof head) == sizeof head);
  CHECK(std::string(head, sizeof head) == "To: ");
  // Nothing opened ahead: the read opens it, and says what is wrong.
  auto missing = read_ahead(file, nullptr, 64 * 1024);
  CHECK_THROWS_AS(InputFile(file, nullptr, std::move(missing)), std::system_error);
}

// A user scanning mail that is not theirs cannot use O_NOATIME on it (the
// kernel refuses it but to the owner): files are then opened without it,
// once each, and a file the user does own still keeps its access time.
TEST_CASE("input file: after the kernel refused O_NOATIME, a file the user owns keeps its "
          "access time",
          "[archive]")
{
  if (::geteuid() != 0) {
    WARN("needs root, to read as another user");
    return;
  }
  test::TempDir dir;
  REQUIRE(::chmod(dir.path().c_str(), 0755) == 0);
  const auto theirs = dir.write("theirs", "To: a@example.com\n\nbody\n");
  const auto mine = dir.write("mine", "To: b@example.com\n\nbody\n");
  constexpr uid_t k_nobody = 65534;
  REQUIRE(::chmod(theirs.c_str(), 0644) == 0);
  REQUIRE(::chown(mine.c_str(), k_nobody, k_nobody) == 0);
  const auto now = ::time(nullptr);
  const timespec aged[2] = {{now - 3 * 86400, 0}, {now - 2 * 86400, 0}};
  REQUIRE(::utimensat(AT_FDCWD, mine.c_str(), aged, 0) == 0);
  const auto before = access_time(mine);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    int code = 0;
    if (::setgid(k_nobody) != 0 || ::setuid(k_nobody) != 0) {
      ::_exit(2);
    }
    if (::access(dir.path().c_str(), X_OK) != 0) {
      ::_exit(5); // a private TMPDIR: the other user cannot reach it
    }
    try {
      char head[4];
      InputFile(theirs).read_at(0, head, sizeof head); // O_NOATIME refused here
      code = InputFile(mine).read_at(0, head, sizeof head) == sizeof head ? 0 : 3;
    } catch (...) {
      code = 4;
    }
    ::_exit(code);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 5) {
    WARN("the temporary folder is not reachable by another user (TMPDIR)");
    return;
  }
  CHECK(WEXITSTATUS(status) == 0);
  const auto after = access_time(mine);
  CHECK(after.tv_sec == before.tv_sec);
  CHECK(after.tv_nsec == before.tv_nsec);
}
