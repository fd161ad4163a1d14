#include "core/source_identity.hpp"

namespace ccaudit {

std::optional<MaildirIdentity>
maildir_identity(const std::filesystem::path& path)
{
  // String operations on the native path: this runs once per file.
  const std::string_view p = path.native();
  const auto slash = p.rfind('/');
  if (slash == std::string_view::npos || slash < 4) {
    return std::nullopt;
  }
  const auto folder = p.substr(slash - 4, 4); // "/cur" or "/new"
  if (folder != "/cur" && folder != "/new") {
    return std::nullopt;
  }
  auto name = p.substr(slash + 1);
  name = name.substr(0, name.find(':'));
  if (name.empty()) {
    return std::nullopt;
  }
  return MaildirIdentity{std::filesystem::path(p.substr(0, slash - 4)), std::string(name)};
}

} // namespace ccaudit
