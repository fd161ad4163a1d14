#pragma once

#include "core/fatal_error.hpp"

#include <cerrno>
#include <string>
#include <system_error>

namespace ccaudit {

// A shared library opened with dlopen(RTLD_NOW | RTLD_LOCAL) by its soname
// and never closed: what it gives is used until the process ends.
//
// GMime, OpenSSL's libcrypto, libpff, libolecf and libarchive are loaded
// this way when first used, not when the program starts: every library
// linked at start costs each process its mapping, its relocations and its
// symbol lookups, and a rescan of an unchanged store, which needs none of
// them, is mostly process start.
class SharedLibrary
{
public:
  // `package`: the Debian package that ships it, named in error().
  SharedLibrary(const char* soname, const char* package);

  // Sets `function` to the library's symbol `name`; on failure leaves it
  // null and error() says why (the first failure only).
  template <typename F> void resolve(F& function, const char* name)
  {
    function = reinterpret_cast<F>(symbol(name));
  }

  // Empty when the library and every resolved symbol were found; else
  // "cannot load NAME (package P): WHY".
  const std::string& error() const { return m_error; }

private:
  void* symbol(const char* name);

  void* m_handle = nullptr;
  const char* m_soname;
  const char* m_package;
  std::string m_error;
};

// A library's functions (Api: a struct of CCAUDIT_DECLARE_FUNCTION members)
// and why they could not be loaded; made by CCAUDIT_LOAD_API.
template <typename Api> struct LoadedApi
{
  Api functions;
  std::string error; // empty when every function was found

  // The functions; throws std::system_error (ENOSYS) saying why they
  // could not be loaded (a reader then records its input as unreadable,
  // with that reason).
  const Api& get() const
  {
    if (!error.empty()) {
      throw std::system_error(ENOSYS, std::generic_category(), error);
    }
    return functions;
  }

  // The functions of a library no message can be read without; throws
  // FatalError saying why they could not be loaded. It stops the run,
  // except inside a message's analysis, which records that message as not
  // scanned (internal_error) and goes on.
  const Api& required() const
  {
    if (!error.empty()) {
      throw FatalError(error);
    }
    return functions;
  }
};

} // namespace ccaudit

// Declares a pointer member for each function of an X-macro list: the
// member has the function's name and type (from its header).
#define CCAUDIT_DECLARE_FUNCTION(name) decltype(&::name) name = nullptr;

// Resolves one function of an X-macro list into `api`'s member from the
// SharedLibrary `library` (inside CCAUDIT_LOAD_API).
#define CCAUDIT_RESOLVE_FUNCTION(name) library.resolve(api.name, #name);

// A LoadedApi<Api> with each function of the X-macro LIST resolved from the
// library `soname` (shipped by the Debian package `package`). Meant for a
// function-local static, so that the library is loaded once, at first use.
#define CCAUDIT_LOAD_API(Api, LIST, soname, package)                           \
  [] {                                                                         \
    ::ccaudit::SharedLibrary library(soname, package);                         \
    ::ccaudit::LoadedApi<Api> made;                                            \
    auto& api = made.functions;                                                \
    LIST(CCAUDIT_RESOLVE_FUNCTION)                                             \
    made.error = library.error();                                              \
    return made;                                                               \
  }()
