#pragma once

#include "core/finding.hpp"
#include "core/issue.hpp"

#include <cstdint>
#include <string>

namespace ccaudit {

// A file the scanner looked at, and what it made of it.
struct SourceInfo
{
  std::filesystem::path path;
  std::string kind; // "mbox", "message", "not-mail", "unreadable", ...
  std::uint64_t size = 0;
  std::int64_t mtime = 0; // seconds since the epoch
  std::uint64_t inode = 0;
  std::uint64_t messages = 0;
};

// Where the scanner puts its results. The SQLite store implements it; tests
// use vectors. So scan/ knows nothing of SQLite. Implementations throw
// FatalError when they cannot record.
class FindingSink
{
public:
  virtual ~FindingSink() = default;
  virtual void record_source(const SourceInfo& source) = 0;
  virtual void record_finding(const MessageLocator& where,
                              const Finding& finding) = 0;
  virtual void record_issue(const MessageLocator& where,
                            const Issue& issue) = 0;
};

} // namespace ccaudit
