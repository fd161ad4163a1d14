#pragma once

// Ownership of what libpff and libolecf hand out, which both free the same
// way (`lib_X_free(&p, &error)`), and their errors as one line of text.

#include "core/text.hpp"

#include <string>

namespace ccaudit::outlook {

// A library object freed when it leaves the scope: `p` is the out-parameter.
// `Library` returns the library's functions (libraries.hpp), `Free` is the
// member that frees a T.
template <typename T, typename E, auto Library, auto Free>
struct Owned
{
  T* p = nullptr;
  Owned() = default;
  explicit Owned(T* taken) : p(taken) {}
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  ~Owned()
  {
    if (p) {
      (Library().*Free)(&p, nullptr);
    }
  }
};

// A library error, freed when it leaves the scope (`Free` and `Print`: the
// members of Library()'s functions that free and print an E).
template <typename E, auto Library, auto Free, auto Print>
class LibraryError
{
public:
  LibraryError() = default;
  LibraryError(const LibraryError&) = delete;
  LibraryError& operator=(const LibraryError&) = delete;
  ~LibraryError() { reset(); }
  // For an out-parameter: any earlier error is dropped first.
  E** out()
  {
    reset();
    return &m_error;
  }
  // One line; "no detail" if none.
  std::string text() const
  {
    char buffer[1024];
    if (!m_error || (Library().*Print)(m_error, buffer, sizeof buffer) <= 0) {
      return "no detail";
    }
    std::string s(buffer);
    for (auto& c : s) {
      c = (c == '\n' || c == '\r') ? ' ' : c;
    }
    return std::string(text::trim(s));
  }

private:
  void reset()
  {
    if (m_error) {
      (Library().*Free)(&m_error);
    }
  }
  E* m_error = nullptr;
};

} // namespace ccaudit::outlook
