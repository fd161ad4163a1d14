#pragma once

#include "core/finding_sink.hpp"

#include <map>
#include <string>
#include <vector>

namespace ccaudit::test {

// A FindingSink that keeps everything in vectors.
struct RecordingSink final : FindingSink
{
  struct Found
  {
    MessageLocator where;
    Finding finding;
  };
  struct Problem
  {
    MessageLocator where;
    Issue issue;
  };
  std::vector<SourceInfo> sources;
  std::vector<Found> findings;
  std::vector<Problem> issues;

  void record_source(const SourceInfo& s) override { sources.push_back(s); }
  FindingStatus record_finding(const MessageLocator& w, const Finding& f) override
  {
    findings.push_back({w, f});
    return FindingStatus::new_finding;
  }
  void record_issue(const MessageLocator& w, const Issue& i) override
  {
    issues.push_back({w, i});
  }

  // Issue kinds by file name.
  std::vector<IssueKind> kinds_for(const std::string& filename) const
  {
    std::vector<IssueKind> out;
    for (const auto& p : issues) {
      if (p.where.archive.filename() == filename) {
        out.push_back(p.issue.kind);
      }
    }
    return out;
  }
};

} // namespace ccaudit::test
