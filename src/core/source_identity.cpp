#include "core/source_identity.hpp"

namespace ccaudit {

std::optional<MaildirIdentity>
maildir_identity(const std::filesystem::path& path)
{
  const auto parent = path.parent_path();
  const auto folder_name = parent.filename();
  if (folder_name != "cur" && folder_name != "new") {
    return std::nullopt;
  }
  auto name = path.filename().string();
  if (const auto colon = name.find(':'); colon != std::string::npos) {
    name.erase(colon);
  }
  if (name.empty()) {
    return std::nullopt;
  }
  return MaildirIdentity{parent.parent_path(), std::move(name)};
}

} // namespace ccaudit
