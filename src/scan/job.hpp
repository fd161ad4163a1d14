#pragma once

#include "core/bytes.hpp"
#include "core/finding_sink.hpp"
#include "core/issue.hpp"
#include "scan/analyse.hpp"
#include "scan/message_source.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace ccaudit::archive {
class Folder;
}

namespace ccaudit::scan {

// The kinds of work a scan does, one type each. A job is submitted in walk
// order; a worker runs the part that needs no order (reading a file,
// parsing a message), and the calling thread applies it in order (counts
// and rows).

// A file to read. A worker reads it (a file of one message is parsed too);
// an mbox is only classified there and split when its turn comes.
struct FileJob
{
  MessageLocator where; // the file; for a file of one message, that message
  std::shared_ptr<const archive::Folder> folder; // the folder listing it (null: by path)
  archive::OpenedAhead ahead; // opened by Scanner::ask_ahead, for run() to read
  bool named = false;  // a path given on the command line
  bool stream = false; // standard input or a FIFO: read on the calling thread
  // From the history: read again from its start, its old findings retired
  // (`renamed_from`: under the name it had then); or an mbox that grew,
  // resumed where it was left if its first bytes still hash the same.
  bool retire_first = false;
  std::optional<KnownSource> renamed_from;
  std::optional<ResumePoint> resume;
  std::string resume_prefix_hash;
  // What reading it gave.
  SourceInfo source;
  bool split_later = false;  // an mbox (or a stream): split in order
  bool interrupted = false;  // an mbox left before its end: not complete
  std::vector<std::pair<MessageLocator, Issue>> issues;
  std::optional<Analysis> message; // a file of one message: its analysis
};

// One message of an mbox being split: parsed by a worker.
struct MessageJob
{
  MessageLocator where;
  std::string header;
  std::shared_ptr<const headers::MessageHeaders> built; // see RawMessage
  std::shared_ptr<const mime::MessageContent> content;  // see RawMessage
  std::size_t content_bytes = 0; // its parts' text, counted while it waits
  Bytes body; // --content; freed once analysed
  std::vector<Issue> reader_issues;
  std::int64_t file_mtime = 0;
  Analysis result;
};

// A problem to record in order (an exclusion, a folder that could not be
// listed, a member of a zip or tar file).
struct IssueJob
{
  MessageLocator where;
  Issue issue;
};

// A file the history knows unchanged: not read.
struct UnchangedJob
{
  std::filesystem::path path;
  KnownSource known;
  bool named = false;
};

// A Maildir cur/ or new/ whose listing begins, or ends.
struct DirectoryStart
{
  std::filesystem::path dir;
};
struct DirectoryEnd
{
  std::filesystem::path dir;
};

// A member of a zip or tar file, read (its messages came before it).
struct MemberJob
{
  SourceInfo source;
};

struct Job
{
  template <class Work>
  explicit Job(Work w) : work(std::move(w))
  {
  }

  std::variant<FileJob, MessageJob, IssueJob, UnchangedJob, DirectoryStart, DirectoryEnd,
               MemberJob>
    work;
  bool done = false; // guarded by the pipeline's mutex

  // A file to read or a message to parse; anything else is done as it is
  // submitted, and only applied.
  bool needs_worker() const
  {
    if (const auto* file = std::get_if<FileJob>(&work)) {
      return !file->stream;
    }
    return std::holds_alternative<MessageJob>(work);
  }
};

} // namespace ccaudit::scan
