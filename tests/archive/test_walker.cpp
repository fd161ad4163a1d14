#include "archive/walker.hpp"

#include "support/test_message.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <sys/stat.h>

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
  cb.on_file = [&](const fs::path& p) {
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
  cb.on_file = [&](const fs::path& p) { w.files.push_back(p); };
  cb.on_issue = [&](const fs::path&, const Issue& i) {
    w.issues.emplace_back("", i.kind);
  };
  walk({dir.path() / "nope"}, cb);
  CHECK(w.files.empty());
  REQUIRE(w.issues.size() == 1);
  CHECK(w.issues[0].second == IssueKind::unreadable_input);
}
