#include "core/source_identity.hpp"

namespace ccaudit {

std::optional<MaildirIdentity>
maildir_identity(std::string_view path)
{
  const auto slash = path.rfind('/');
  if (slash == std::string_view::npos || slash < 4) {
    return std::nullopt;
  }
  const auto folder = path.substr(slash - 4, 4); // "/cur" or "/new"
  if (folder != "/cur" && folder != "/new") {
    return std::nullopt;
  }
  auto name = path.substr(slash + 1);
  name = name.substr(0, name.find(':'));
  if (name.empty()) {
    return std::nullopt;
  }
  return MaildirIdentity{path.substr(0, slash - 4), name};
}

} // namespace ccaudit
