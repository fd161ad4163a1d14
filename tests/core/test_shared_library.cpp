#include "core/shared_library.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>

using namespace ccaudit;

namespace {

#define TEST_LIBC_FUNCTIONS(X)                                                 \
  X(strlen)                                                                    \
  X(atoi)

struct Libc
{
  TEST_LIBC_FUNCTIONS(CCAUDIT_DECLARE_FUNCTION)
};

} // namespace

TEST_CASE("shared library: functions are found by name and called", "[core]")
{
  const auto loaded =
    CCAUDIT_LOAD_API(Libc, TEST_LIBC_FUNCTIONS, "libc.so.6", "libc6");
  CHECK(loaded.error.empty());
  REQUIRE(loaded.get().strlen != nullptr);
  CHECK(loaded.get().strlen("example.com") == 11);
  CHECK(loaded.get().atoi("25") == 25);
}

TEST_CASE("shared library: a missing library or function is an error that "
          "names the package",
          "[core]")
{
  SharedLibrary missing("libccaudit-no-such-library.so.0", "no-such-package");
  CHECK_THAT(missing.error(),
             Catch::StartsWith("cannot load libccaudit-no-such-library.so.0 "
                               "(package no-such-package): "));
  void (*f)() = nullptr;
  missing.resolve(f, "strlen");
  CHECK(f == nullptr);

  SharedLibrary libc("libc.so.6", "libc6");
  CHECK(libc.error().empty());
  libc.resolve(f, "ccaudit_no_such_function");
  CHECK(f == nullptr);
  CHECK(libc.error()
        == "cannot load libc.so.6 (package libc6): it has no "
           "ccaudit_no_such_function");
  // The first failure is the one kept.
  libc.resolve(f, "ccaudit_another_missing_function");
  CHECK_THAT(libc.error(),
             Catch::EndsWith("it has no ccaudit_no_such_function"));

  LoadedApi<Libc> failed;
  failed.error = missing.error();
  CHECK_THROWS_WITH(failed.get(), Catch::Contains("no-such-package"));
}
