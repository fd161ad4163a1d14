#include "archive/input_file.hpp"

#include "support/test_message.hpp"

#include <catch2/catch.hpp>

#include <ctime>
#include <fcntl.h>
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
