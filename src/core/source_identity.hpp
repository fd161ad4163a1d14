#pragma once

#include <optional>
#include <string_view>

namespace ccaudit {

// A Maildir message keeps its identity when its flags change (cur/x:2,S to
// cur/x:2,RS) and when it moves from new/ to cur/: the Maildir folder and
// the unique part of its name (before ":2," or any other ':' info).
// Both are views into the path given.
struct MaildirIdentity
{
  std::string_view folder; // the Maildir: parent of cur/ and new/
  std::string_view unique;
};

// The identity of a file in a cur/ or new/ folder; nullopt for any other.
// Runs once per file: string operations only, no allocation.
std::optional<MaildirIdentity> maildir_identity(std::string_view path);

} // namespace ccaudit
