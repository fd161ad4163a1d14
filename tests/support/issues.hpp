#pragma once

#include "core/issue.hpp"

#include <algorithm>
#include <vector>

namespace ccaudit::test {

inline std::vector<IssueKind>
kinds(const std::vector<Issue>& issues)
{
  std::vector<IssueKind> out;
  for (const auto& i : issues) {
    out.push_back(i.kind);
  }
  return out;
}

inline bool
has_issue(const std::vector<Issue>& issues, IssueKind kind)
{
  return std::any_of(issues.begin(), issues.end(),
                     [&](const Issue& i) { return i.kind == kind; });
}

} // namespace ccaudit::test
