#include "report/redact.hpp"

#include "core/digest.hpp"
#include "core/fatal_error.hpp"
#include "core/text.hpp"

#include <fstream>
#include <sstream>

namespace ccaudit::report {

Redactor
Redactor::from_file(const std::filesystem::path& file)
{
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw FatalError("cannot read the redaction key " + file.string());
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  auto key = bytes.str();
  if (key.size() < 16) {
    throw FatalError("the redaction key " + file.string() + " holds "
                     + std::to_string(key.size())
                     + " byte(s); use at least 16 random bytes, e.g. "
                       "'head -c 32 /dev/urandom > " + file.string() + "'");
  }
  return Redactor(std::move(key));
}

std::string
Redactor::address(std::string_view address) const
{
  if (address.empty()) {
    return {};
  }
  return "hmac-" + digest::hmac_sha256_hex(m_key, address).substr(0, 16) + "@"
         + std::string(text::domain_part(address));
}

std::string
Redactor::name(std::string_view name) const
{
  return name.empty() ? std::string() : "(withheld)";
}

void
Redactor::apply(Review& review) const
{
  for (auto& i : review.incidents) {
    i.sender = address(i.sender);
    i.sender_name = name(i.sender_name);
    for (auto& r : i.reexposures) {
      r.sender = address(r.sender);
    }
    for (auto& a : i.addresses) {
      a.address = address(a.address);
      a.display_name = name(a.display_name);
    }
  }
  for (auto& c : review.campaigns) {
    c.sender = address(c.sender);
  }
  for (auto& s : review.senders) {
    s.sender = address(s.sender);
  }
  for (auto& c : review.content_findings) {
    c.sender = address(c.sender);
  }
}

void
Redactor::apply(Finding& f) const
{
  f.from_address = address(f.from_address);
  f.from_name = name(f.from_name);
  for (auto& a : f.addresses) {
    a.address = address(a.address);
    a.display_name = name(a.display_name);
  }
}

void
Redactor::apply(std::vector<Person>& people) const
{
  for (auto& p : people) {
    p.address = address(p.address);
    p.display_name = name(p.display_name);
  }
}

} // namespace ccaudit::report
