// Project rules that would otherwise drift: module dependencies go one way,
// each third-party library stays in its module, and the repository's own mail
// uses reserved example domains only (this is a leak scanner).
#include "support/test_message.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <regex>
#include <set>

namespace fs = std::filesystem;

namespace {

const fs::path k_source = CCAUDIT_SOURCE_DIR;

// Which of our modules each module may include (besides itself).
const std::map<std::string, std::set<std::string>> k_allowed = {
  {"core", {}},
  {"archive", {"core"}},
  {"mbox", {"core"}},
  {"outlook", {"core"}},
  {"headers", {"core"}},
  {"mime", {"core", "headers"}},
  {"detect", {"core", "headers", "mime"}},
  {"store", {"core"}},
  {"report", {"core", "store"}},
  {"scan", {"core", "archive", "mbox", "outlook", "headers", "mime", "detect"}},
  {"cli", {"core", "archive", "mbox", "outlook", "headers", "mime", "detect", "store", "report", "scan"}},
};

// Third-party headers and the only module allowed to include them.
const std::map<std::string, std::set<std::string>> k_libraries = {
  {"gmime/", {"headers", "mime"}}, // mime: GMime's quoted-printable decoder
  {"idn2.h", {"headers"}},
  {"sqlite3.h", {"store"}},
  {"openssl/", {"core"}},
  {"toml++/", {"cli"}},
  {"mimetic/", {"mime"}},
  {"archive.h", {"archive"}},
  {"libpff.h", {"outlook"}},
  {"libbfio.h", {"outlook"}},
  {"libolecf.h", {"outlook"}},
  {"archive_entry.h", {"archive"}},
  {"zlib.h", {"archive", "outlook"}}, // outlook: [MS-PST] header CRCs
  {"CLI/", {"cli"}},
  {"nlohmann/", {"report", "cli"}},
};

} // namespace

TEST_CASE("layout: modules include only what they may", "[layout]")
{
  const std::regex include_re(R"re(#include\s*[<"]([^>"]+)[>"])re");
  std::size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(k_source / "src")) {
    const auto ext = e.path().extension();
    if (ext != ".cpp" && ext != ".hpp") {
      continue;
    }
    ++files;
    const auto module = e.path().lexically_relative(k_source / "src").begin()->string();
    REQUIRE(k_allowed.count(module) == 1);
    const auto text = ccaudit::test::read_file(e.path());
    for (std::sregex_iterator it(text.begin(), text.end(), include_re), end; it != end; ++it) {
      const std::string target = (*it)[1];
      CAPTURE(e.path().string(), target);
      const auto slash = target.find('/');
      if (slash != std::string::npos && k_allowed.count(target.substr(0, slash))) {
        const auto dep = target.substr(0, slash);
        CHECK((dep == module || k_allowed.at(module).count(dep) == 1));
      }
      for (const auto& [prefix, owners] : k_libraries) {
        if (target.starts_with(prefix)) {
          CHECK(owners.count(module) == 1);
        }
      }
    }
  }
  CHECK(files > 20);
}

// The same rule as the team's before-stop check: every address-like token
// in fixtures/ and tests/ ends in a reserved name (RFC 2606).
TEST_CASE("layout: fixtures and tests use reserved example domains only",
          "[layout]")
{
  const std::regex address_re(R"([A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+))");
  const std::regex reserved_re(
    R"(^([a-z0-9-]+\.)*(example|test|invalid|localhost)$|^([a-z0-9-]+\.)*example\.(com|org|net)$)",
    std::regex::icase);
  std::size_t checked = 0;
  for (const auto* dir : {"fixtures", "tests"}) {
    for (const auto& e : fs::recursive_directory_iterator(k_source / dir)) {
      if (!e.is_regular_file()) {
        continue;
      }
      const auto text = ccaudit::test::read_file(e.path());
      for (std::sregex_iterator it(text.begin(), text.end(), address_re), end;
           it != end; ++it) {
        ++checked;
        const std::string domain = (*it)[1];
        CAPTURE(e.path().string(), domain);
        CHECK(std::regex_search(domain, reserved_re));
      }
    }
  }
  CHECK(checked > 1000);
}

// ctest splits a test name at ';', and the part it keeps matches no test
// case: Catch2 then runs nothing and passes. A name starting with
// "exclude:", '~' or '-' is read by Catch2 as "every test but this one".
TEST_CASE("layout: test names hold no semicolon and are not Catch2 negations", "[layout]")
{
  const std::regex name_re(R"re(TEST_CASE\(\s*"((?:[^"\\]|\\.|"\s*")*)")re");
  std::size_t names = 0;
  for (const auto& e : fs::recursive_directory_iterator(k_source / "tests")) {
    if (e.path().extension() != ".cpp") {
      continue;
    }
    const auto text = ccaudit::test::read_file(e.path());
    for (std::sregex_iterator it(text.begin(), text.end(), name_re), end; it != end; ++it) {
      ++names;
      CAPTURE(e.path().string(), (*it)[1].str());
      const auto name = (*it)[1].str();
      CHECK(name.find(';') == std::string::npos);
      CHECK_FALSE(name.starts_with("exclude:"));
      CHECK_FALSE(name.starts_with("~"));
      CHECK_FALSE(name.starts_with("-"));
    }
  }
  CHECK(names > 100);
}
