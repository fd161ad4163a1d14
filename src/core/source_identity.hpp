#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace ccaudit {

// A Maildir message keeps its identity when its flags change (cur/x:2,S to
// cur/x:2,RS) and when it moves from new/ to cur/: the Maildir folder and
// the unique part of its name (before ":2," or any other ':' info).
struct MaildirIdentity
{
  std::filesystem::path folder; // the Maildir: parent of cur/ and new/
  std::string unique;
};

// The identity of a file in a cur/ or new/ folder; nullopt for any other.
std::optional<MaildirIdentity> maildir_identity(const std::filesystem::path& path);

} // namespace ccaudit
