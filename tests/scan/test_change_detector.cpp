// The change detector against a fake history and a fake disk: what an
// incremental scan reads again, without a database or files.
#include "scan/change_detector.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace ccaudit;
using namespace ccaudit::scan;
using Action = FileDecision::Action;
namespace fs = std::filesystem;

namespace {

// What earlier scans recorded, in memory; counts the queries it answers.
class FakeHistory final : public SourceHistory
{
public:
  std::map<std::string, KnownSource> sources;
  std::map<std::string, DirectoryState> directories;
  int file_queries = 0, folder_queries = 0;

  // A source as a scan that read it whole left it.
  KnownSource& add(const std::string& path, const std::string& kind, const FileState& state)
  {
    auto& k = sources[path];
    k.id = static_cast<std::int64_t>(sources.size());
    k.path = path;
    k.info.kind = source_kind_named(kind);
    k.info.size = state.size;
    k.info.inode = state.inode;
    k.info.mtime_ns = state.mtime_ns;
    k.info.complete = true;
    k.settings = "now";
    return k;
  }

  std::optional<KnownSource> source(const fs::path& path) override
  {
    ++file_queries;
    const auto it = sources.find(path.string());
    return it == sources.end() ? std::nullopt : std::optional(it->second);
  }
  std::optional<KnownSource> maildir_message(const fs::path& folder,
                                             const std::string& unique) override
  {
    ++file_queries;
    for (const char* sub : {"/cur/", "/new/"}) {
      const auto prefix = folder.string() + sub + unique;
      for (const auto& [path, known] : sources) {
        if (path == prefix || path.rfind(prefix + ":", 0) == 0) {
          return known;
        }
      }
    }
    return std::nullopt;
  }
  std::optional<DirectoryState> directory(const fs::path& dir) override
  {
    const auto it = directories.find(dir.string());
    return it == directories.end() ? std::nullopt : std::optional(it->second);
  }
  std::optional<std::vector<KnownSource>> sources_in(const fs::path& dir,
                                                     std::size_t limit) override
  {
    ++folder_queries;
    std::vector<KnownSource> out;
    const auto name = dir.filename();
    const auto maildir = dir.parent_path().string();
    for (const auto& [path, known] : sources) {
      const auto parent = fs::path(path).parent_path();
      if (parent == dir
          || ((name == "cur" || name == "new")
              && (parent == maildir + "/cur" || parent == maildir + "/new"))) {
        out.push_back(known);
      }
    }
    if (out.size() > limit) {
      return std::nullopt;
    }
    return out;
  }
  std::string settings() const override { return "now"; }
  // What a scan records: not the detector's business.
  void source_unchanged(const KnownSource&, const fs::path&) override {}
  void retire_findings(const fs::path&, std::uint64_t) override {}
  void record_directory(const fs::path&, const DirectoryState&, bool) override {}
  void listing_done() override {}
  void walk_finished(const std::vector<fs::path>&, const std::vector<fs::path>&) override {}
};

// The disk as it is now.
struct FakeDisk
{
  std::map<std::string, FileState> files;
  ChangeDetector::Stat stat()
  {
    return [this](const fs::path& path) -> std::optional<FileState> {
      const auto it = files.find(path.string());
      return it == files.end() ? std::nullopt : std::optional(it->second);
    };
  }
};

const FileState k_state{1000, 42, 1'700'000'000'000'000'000};

} // namespace

TEST_CASE("change detector: a file new to the history is read, a known one unchanged in "
          "size, inode and mtime is not", "[changes]")
{
  FakeHistory history;
  FakeDisk disk;
  history.add("/a/box.mbox", "mbox", k_state);
  disk.files["/a/box.mbox"] = k_state;
  disk.files["/a/new.mbox"] = k_state;
  ChangeDetector changes(history, false, disk.stat());

  CHECK(changes.decide("/a/new.mbox").action == Action::read);
  const auto same = changes.decide("/a/box.mbox");
  CHECK(same.action == Action::unchanged);
  REQUIRE(same.known);
  CHECK(same.known->path == "/a/box.mbox");

  SECTION("another mtime, size or inode: read whole again, what it gave retired")
  {
    for (auto changed : {FileState{999, 42, k_state.mtime_ns}, FileState{1000, 43, k_state.mtime_ns},
                         FileState{1000, 42, k_state.mtime_ns + 1}}) {
      disk.files["/a/box.mbox"] = changed;
      const auto d = changes.decide("/a/box.mbox");
      CHECK(d.action == Action::reread);
      CHECK_FALSE(d.known); // the same name: retired where it is
    }
  }
  SECTION("read under other settings, or incomplete: read again")
  {
    history.sources["/a/box.mbox"].info.complete = false;
    CHECK(changes.decide("/a/box.mbox").action == Action::reread);
  }
  SECTION("read under other settings (threshold, domains, --since...): read again")
  {
    history.sources["/a/box.mbox"].settings = "before";
    ChangeDetector again(history, false, disk.stat());
    CHECK(again.decide("/a/box.mbox").action == Action::reread);
  }
  SECTION("gone and back, or holding findings of a scan that did not complete: read again")
  {
    history.sources["/a/box.mbox"].gone = true;
    ChangeDetector back(history, false, disk.stat());
    CHECK(back.decide("/a/box.mbox").action == Action::reread);
    history.sources["/a/box.mbox"].gone = false;
    history.sources["/a/box.mbox"].unconfirmed = true;
    ChangeDetector unconfirmed(history, false, disk.stat());
    CHECK(unconfirmed.decide("/a/box.mbox").action == Action::reread);
  }
  SECTION("--full: read again")
  {
    ChangeDetector full(history, true, disk.stat());
    CHECK(full.decide("/a/box.mbox").action == Action::reread);
  }
}

TEST_CASE("change detector: an mbox that grew is resumed where it was left, one rewritten "
          "is read whole", "[changes]")
{
  FakeHistory history;
  FakeDisk disk;
  auto& known = history.add("/a/box.mbox", "mbox", k_state);
  known.info.resume_offset = 700;
  known.info.resume_index = 3;
  known.info.prefix_hash = "hash-of-700-bytes";
  ChangeDetector changes(history, false, disk.stat());

  disk.files["/a/box.mbox"] = {1500, 42, k_state.mtime_ns + 5};
  const auto grown = changes.decide("/a/box.mbox");
  CHECK(grown.action == Action::resume);
  REQUIRE(grown.resume);
  CHECK(grown.resume->offset == 700);
  CHECK(grown.resume->index == 3);
  CHECK(grown.resume_prefix_hash == "hash-of-700-bytes");

  // Smaller (a message expunged), or another file under the name.
  disk.files["/a/box.mbox"] = {900, 42, k_state.mtime_ns + 5};
  CHECK(changes.decide("/a/box.mbox").action == Action::reread);
  disk.files["/a/box.mbox"] = {1500, 77, k_state.mtime_ns + 5};
  CHECK(changes.decide("/a/box.mbox").action == Action::reread);
  // --full reads it whole.
  disk.files["/a/box.mbox"] = {1500, 42, k_state.mtime_ns + 5};
  CHECK(ChangeDetector(history, true, disk.stat()).decide("/a/box.mbox").action
        == Action::reread);
  // An mbox read incompletely is not resumed.
  known.info.complete = false;
  CHECK(changes.decide("/a/box.mbox").action == Action::reread);
}

TEST_CASE("change detector: a Maildir message renamed (a flag change, a move to cur/) is the "
          "same message unless its old name is still there or its size changed",
          "[changes]")
{
  FakeHistory history;
  FakeDisk disk;
  history.add("/m/new/1700.M1P2.host", "message", k_state);
  ChangeDetector changes(history, false, disk.stat());
  const fs::path moved = "/m/cur/1700.M1P2.host:2,S";

  SECTION("moved, same size: unchanged, known under its old name")
  {
    disk.files[moved] = {1000, 99, k_state.mtime_ns + 10}; // a rename may change both
    const auto d = changes.decide(moved);
    CHECK(d.action == Action::unchanged);
    REQUIRE(d.known);
    CHECK(d.known->path == "/m/new/1700.M1P2.host");
  }
  SECTION("moved, another size: read whole, the old name's findings retired")
  {
    disk.files[moved] = {1200, 99, k_state.mtime_ns};
    const auto d = changes.decide(moved);
    CHECK(d.action == Action::reread);
    REQUIRE(d.known);
    CHECK(d.known->path == "/m/new/1700.M1P2.host");
  }
  SECTION("the old name still there: two messages share the unique name, the new one is read "
          "as new")
  {
    disk.files[moved] = k_state;
    disk.files["/m/new/1700.M1P2.host"] = k_state;
    CHECK(changes.decide(moved).action == Action::read);
  }
  SECTION("the same name, whatever the disk says: unchanged (a message never changes)")
  {
    CHECK(changes.decide("/m/new/1700.M1P2.host").action == Action::unchanged);
  }
  SECTION("the same answers from the folder's cache, with one query for the Maildir")
  {
    disk.files[moved] = {1000, 99, k_state.mtime_ns + 10};
    changes.folder_entered("/m/cur");
    const int before = history.file_queries;
    CHECK(changes.decide(moved).action == Action::unchanged);
    CHECK(changes.decide("/m/cur/1800.M1P2.host").action == Action::read);
    CHECK(history.file_queries == before);
    CHECK(history.folder_queries == 1);
    changes.folder_left("/m/cur");
    CHECK(changes.decide(moved).action == Action::unchanged);
    CHECK(history.file_queries == before + 1); // no cache: asked file by file
  }
}

TEST_CASE("change detector: a folder too large to cache is looked up file by file",
          "[changes]")
{
  FakeHistory history;
  FakeDisk disk;
  for (std::size_t i = 0; i <= ChangeDetector::k_cached; ++i) {
    const auto path = "/big/f" + std::to_string(i);
    history.add(path, "message", k_state);
  }
  disk.files["/big/f7"] = k_state;
  ChangeDetector changes(history, false, disk.stat());
  changes.folder_entered("/big");
  const int before = history.file_queries;
  CHECK(changes.decide("/big/f7").action == Action::unchanged);
  CHECK(history.file_queries == before + 1);
}

TEST_CASE("change detector: a Maildir folder whose listing did not change is not listed, and "
          "one just listed is trusted next time only if clean and settled", "[changes]")
{
  FakeHistory history;
  FakeDisk disk;
  const DirectoryState listed{k_state.mtime_ns, 7, false};
  history.directories["/m/cur"] = listed;
  history.directories["/plain"] = listed;
  ChangeDetector changes(history, false, disk.stat());

  const auto same = changes.unchanged_folder("/m/cur", {listed.mtime_ns, 7});
  REQUIRE(same);
  CHECK_FALSE(same->subdirectories);
  CHECK_FALSE(changes.unchanged_folder("/m/cur", {listed.mtime_ns + 1, 7}));
  CHECK_FALSE(changes.unchanged_folder("/m/cur", {listed.mtime_ns, 8}));
  CHECK_FALSE(changes.unchanged_folder("/m/new", {listed.mtime_ns, 7})); // never recorded
  CHECK_FALSE(changes.unchanged_folder("/plain", {listed.mtime_ns, 7})); // not cur/ or new/
  CHECK_FALSE(ChangeDetector(history, true, disk.stat()).unchanged_folder("/m/cur", listed));

  const std::int64_t started = listed.mtime_ns + 10'000'000'000;
  CHECK(ChangeDetector::folder_settled(true, listed, started));
  CHECK_FALSE(ChangeDetector::folder_settled(false, listed, started));
  // Changed less than 2 s before the scan began: a delivery may hide.
  CHECK_FALSE(ChangeDetector::folder_settled(true, listed, listed.mtime_ns + 1'000'000'000));
}
