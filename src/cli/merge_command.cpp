// `ccaudit merge SOURCE... --db TARGET`: shards' or hosts' databases into one.
#include "cli/options.hpp"
#include "core/text.hpp"
#include "store/merge.hpp"

#include <cstdio>

namespace ccaudit::cli {

ExitCode
run_merge(const MergeCommand& cmd)
{
  std::vector<std::filesystem::path> sources(cmd.sources.begin(), cmd.sources.end());
  const auto merged =
    store::merge_databases(cmd.db, sources, std::chrono::seconds(cmd.lock_wait));
  for (const auto& m : merged) {
    std::fprintf(stderr, "ccaudit: merged %s (host %s): %lld scan(s), %lld finding(s), "
                         "%lld problem(s)%s\n",
                 text::for_terminal(m.path.string()).c_str(),
                 text::for_terminal(m.host).c_str(), static_cast<long long>(m.scans),
                 static_cast<long long>(m.findings), static_cast<long long>(m.problems),
                 m.replaced ? "; what it brought before is replaced" : "");
  }
  std::fprintf(stderr, "ccaudit: %zu database(s) merged into %s; 'ccaudit report --db %s' "
                       "reviews them as one\n",
               merged.size(), text::for_terminal(cmd.db).c_str(),
               text::for_terminal(cmd.db).c_str());
  return ExitCode::clean;
}

} // namespace ccaudit::cli
