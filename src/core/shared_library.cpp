#include "core/shared_library.hpp"

#include <dlfcn.h>

namespace ccaudit {

SharedLibrary::SharedLibrary(const char* soname, const char* package)
  : m_soname(soname), m_package(package)
{
  m_handle = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (m_handle == nullptr) {
    const char* why = ::dlerror();
    m_error = std::string("cannot load ") + soname + " (package " + package
              + "): " + (why ? why : "dlopen failed");
  }
}

void*
SharedLibrary::symbol(const char* name)
{
  if (m_handle == nullptr) {
    return nullptr;
  }
  void* found = ::dlsym(m_handle, name);
  if (found == nullptr && m_error.empty()) {
    m_error = std::string("cannot load ") + m_soname + " (package " + m_package
              + "): it has no " + name;
  }
  return found;
}

} // namespace ccaudit
