#include "archive/input_file.hpp"
#include "archive/walker.hpp"

#include "support/test_message.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <sys/stat.h>
#include <system_error>

using namespace ccaudit;
using namespace ccaudit::archive;
namespace fs = std::filesystem;

namespace {

struct Walked
{
  std::vector<std::string> files;
  std::vector<std::pair<std::string, IssueKind>> issues;
};

Walked
walk_from(const fs::path& root)
{
  Walked w;
  WalkCallbacks cb;
  cb.on_file = [&](const fs::path& p, const std::shared_ptr<const Folder>&) {
    w.files.push_back(p.lexically_relative(root).string());
  };
  cb.on_issue = [&](const fs::path& p, const Issue& i) {
    w.issues.emplace_back(p.lexically_relative(root).string(), i.kind);
  };
  walk({root}, cb);
  // The walk follows the file system's order; compare as sorted lists.
  std::sort(w.files.begin(), w.files.end());
  std::sort(w.issues.begin(), w.issues.end());
  return w;
}

} // namespace

TEST_CASE("walker: Maildir tmp/ is skipped and reported",
          "[archive]")
{
  test::TempDir dir;
  dir.write("md/cur/2:2,S", "x");
  dir.write("md/cur/1:2,S", "x");
  dir.write("md/new/3", "x");
  dir.write("md/tmp/4", "x");
  dir.write("md/.Sent/cur/5:2,S", "x");
  dir.write("md/.Sent/tmp/6", "x");
  dir.write("notmaildir/tmp/7", "x"); // no cur/ or new/ beside it: walked
  const auto w = walk_from(dir.path());
  CHECK(w.files == std::vector<std::string>{"md/.Sent/cur/5:2,S", "md/cur/1:2,S",
                                            "md/cur/2:2,S", "md/new/3",
                                            "notmaildir/tmp/7"});
  CHECK(w.issues
        == std::vector<std::pair<std::string, IssueKind>>{
          {"md/.Sent/tmp", IssueKind::maildir_tmp_skipped},
          {"md/tmp", IssueKind::maildir_tmp_skipped}});
}

TEST_CASE("walker: directory symlinks are reported, not followed", "[archive]")
{
  test::TempDir dir;
  dir.write("real/a.eml", "x");
  fs::create_directory_symlink(dir.path() / "real", dir.path() / "link");
  fs::create_directory_symlink(dir.path(), dir.path() / "real" / "loop");
  const auto w = walk_from(dir.path());
  CHECK(w.files == std::vector<std::string>{"real/a.eml"});
  CHECK(w.issues
        == std::vector<std::pair<std::string, IssueKind>>{
          {"link", IssueKind::symlink_not_followed},
          {"real/loop", IssueKind::symlink_not_followed}});
}

TEST_CASE("walker: FIFOs are skipped, dangling links are passed on to fail",
          "[archive]")
{
  test::TempDir dir;
  REQUIRE(::mkfifo((dir.path() / "fifo").c_str(), 0600) == 0);
  fs::create_symlink(dir.path() / "missing", dir.path() / "dangling");
  const auto w = walk_from(dir.path());
  CHECK(w.files == std::vector<std::string>{"dangling"});
  CHECK(w.issues
        == std::vector<std::pair<std::string, IssueKind>>{
          {"fifo", IssueKind::not_regular_file}});
}

TEST_CASE("walker: a path that does not exist is unreadable input", "[archive]")
{
  test::TempDir dir;
  Walked w;
  WalkCallbacks cb;
  cb.on_file = [&](const fs::path& p, const std::shared_ptr<const Folder>&) {
    w.files.push_back(p);
  };
  cb.on_issue = [&](const fs::path&, const Issue& i) {
    w.issues.emplace_back("", i.kind);
  };
  walk({dir.path() / "nope"}, cb);
  CHECK(w.files.empty());
  REQUIRE(w.issues.size() == 1);
  CHECK(w.issues[0].second == IssueKind::unreadable_input);
}

namespace {

std::string
read_all(const fs::path& path, const Folder* folder)
{
  InputFile file(path, folder);
  std::string out(file.size(), '\0');
  out.resize(file.read_at(0, out.data(), out.size()));
  return out;
}

} // namespace

// Files are opened in the folder the walk listed them in: after the folder
// is renamed and another takes its name, a file waiting to be read is still
// the one the walk saw.
TEST_CASE("walker: each file comes with its folder, open, and is read from that "
          "folder even after it is renamed", "[archive]")
{
  test::TempDir dir;
  fs::create_directories(dir.path() / "a" / "cur");
  fs::create_directories(dir.path() / "b");
  dir.write("a/cur/1:2,S", "listed in a");
  dir.write("b/2", "listed in b");
  const auto single = dir.write("single", "given by path");
  std::vector<std::pair<fs::path, std::shared_ptr<const Folder>>> files;
  WalkCallbacks cb;
  cb.on_file = [&](const fs::path& p, const std::shared_ptr<const Folder>& folder) {
    files.emplace_back(p, folder);
  };
  cb.on_issue = [](const fs::path&, const Issue&) {};
  walk({dir.path() / "a", dir.path() / "b", single}, cb);
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() == 3);
  REQUIRE(files[0].second != nullptr);
  REQUIRE(files[1].second != nullptr);
  CHECK(files[2].second == nullptr); // a file given by path is opened by it
  CHECK(read_all(files[0].first, files[0].second.get()) == "listed in a");
  CHECK(read_all(files[1].first, files[1].second.get()) == "listed in b");
  CHECK(read_all(files[2].first, nullptr) == "given by path");

  fs::rename(dir.path() / "a", dir.path() / "old-a");
  fs::create_directories(dir.path() / "a" / "cur");
  dir.write("a/cur/1:2,S", "written after the walk");
  CHECK(read_all(files[0].first, files[0].second.get()) == "listed in a");
  CHECK(read_all(files[0].first, nullptr) == "written after the walk");
  fs::remove(dir.path() / "old-a" / "cur" / "1:2,S");
  CHECK_THROWS_AS(read_all(files[0].first, files[0].second.get()), std::system_error);
}

TEST_CASE("walker: a shard key is the path below the one given, a Maildir message's without "
          "cur/, new/ or its flags",
          "[archive]")
{
  const fs::path root = "/srv/mail";
  CHECK(shard_key(root, "/srv/mail/alice/Sent.mbox") == "alice/Sent.mbox");
  CHECK(shard_key(root, "/srv/mail/alice/Maildir/.Sent/new/1733.M1P2.mx1")
        == "alice/Maildir/.Sent/1733.M1P2.mx1");
  CHECK(shard_key(root, "/srv/mail/alice/Maildir/.Sent/cur/1733.M1P2.mx1:2,RS")
        == "alice/Maildir/.Sent/1733.M1P2.mx1");
  CHECK(shard_key("/srv/mail/one.pst", "/srv/mail/one.pst") == "one.pst");
  CHECK(shard_key("/mnt/copy/mail", "/mnt/copy/mail/alice/Sent.mbox") == "alice/Sent.mbox");
  // The key is the path relative to the root as lexically_relative() reads
  // it, whatever the root's form (a split must not change with it).
  for (const std::string r : {"/srv/mail", "/srv/mail/", "mail", "./mail", "mail/.", "/", "."}) {
    for (const std::string tail : {"a.mbox", ".Sent/b.mbox", "x/./y.mbox", "x/../y.mbox",
                                   "x//y.mbox", "..z/y.mbox", "x/..", "x/."}) {
      const fs::path file = fs::path(r) / tail;
      auto expected = file.lexically_relative(r);
      if (expected.empty() || expected == ".") {
        expected = file.filename();
      }
      CHECK(shard_key(r, file) == expected.generic_string());
    }
  }
}

TEST_CASE("walker: each key is in exactly one shard, and every shard gets some", "[archive]")
{
  std::vector<int> per(4);
  for (int i = 0; i < 2000; ++i) {
    const auto key = "user" + std::to_string(i) + "/Maildir/cur/" + std::to_string(i * 7919);
    int owners = 0;
    for (std::uint64_t s = 0; s < 4; ++s) {
      if (in_shard({s, 4}, key)) {
        ++owners;
        ++per[s];
      }
    }
    CHECK(owners == 1);
    CHECK(in_shard({0, 1}, key));
  }
  for (const auto n : per) {
    CHECK(n > 400); // 500 each on average
  }
}
