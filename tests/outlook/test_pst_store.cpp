// The PST/OST reader (outlook/pst_store.cpp over ndb and ltp) against
// libpff on the fixtures, and on damaged copies of them.
#include "core/byte_source.hpp"
#include "outlook/pff_store.hpp"
#include "outlook/pst_store.hpp"
#include "support/test_message.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <sstream>
#include <utility>
#include <vector>

using namespace ccaudit;
using namespace ccaudit::outlook;

namespace {

const std::filesystem::path k_outlook = std::filesystem::path(CCAUDIT_FIXTURES_DIR) / "outlook";

void
describe(std::ostream& o, const Item& item)
{
  o << item.message_class << '|' << item.subject << '|' << item.sender_name << '|'
    << item.sender_address_type << '|' << item.sender_email_address << '|'
    << item.sender_smtp_address << '|' << item.message_id << '|' << item.in_reply_to << '|'
    << item.references << '|' << item.transport_headers << '|' << item.submit_time.value_or(-1)
    << '|' << item.delivery_time.value_or(-1) << '|' << item.message_flags << '|'
    << item.recipients_read << '\n';
  for (const auto& r : item.recipients) {
    o << "  to " << r.type << '|' << r.display_name << '|' << r.address_type << '|'
      << r.email_address << '|' << r.smtp_address << '\n';
  }
  for (const auto& issue : item.issues) {
    o << "  issue " << to_string(issue.kind) << '\n';
  }
  if (item.content_read) {
    o << "  text " << item.body_text << "\n  html " << item.body_html << "\n  rtf only "
      << item.rtf_only << '\n';
  }
  for (const auto& a : item.attachments) {
    o << "  attachment " << a.filename << '|' << a.mime_type << '|' << a.data << '|'
      << a.truncated << '\n';
    if (a.item) {
      describe(o, *a.item);
    }
  }
}

struct Read
{
  std::map<std::string, std::string> items; // by where
  std::vector<Issue> issues;                 // of the file and of items not read
  StoreSummary summary;
};

Read
read(const std::string& bytes, bool libpff, bool content)
{
  Read out;
  MemorySource source(bytes);
  StoreCallbacks callbacks;
  callbacks.on_item = [&](std::string where, Item&& item) {
    std::ostringstream o;
    describe(o, item);
    out.items[where] = o.str();
    return true;
  };
  callbacks.on_issue = [&](const std::string&, const Issue& issue) {
    out.issues.push_back(issue);
  };
  StoreLimits limits;
  limits.content = content;
  out.summary = libpff ? read_store_libpff(source, bytes.size(), callbacks, limits)
                       : read_store(source, bytes.size(), callbacks, limits);
  return out;
}

} // namespace

TEST_CASE("pst reader: every fixture reads exactly as libpff reads it", "[outlook]")
{
  for (const auto* name :
       {"200-recipients.pst", "ansi-cp932.pst", "three-items.pst", "three-wide.pst"}) {
    CAPTURE(name);
    const auto bytes = test::read_file(k_outlook / name);
    for (const bool content : {false, true}) {
      const auto ours = read(bytes, false, content);
      const auto theirs = read(bytes, true, content);
      CHECK(ours.summary.opened);
      CHECK(ours.summary.format == theirs.summary.format);
      CHECK(ours.summary.items == theirs.summary.items);
      CHECK(ours.summary.not_mail == theirs.summary.not_mail);
      CHECK(ours.issues.empty());
      CHECK(ours.items == theirs.items);
      CHECK(!ours.items.empty());
    }
  }
}

TEST_CASE("pst reader: a damaged byte anywhere never crashes, and every item lost is told",
          "[outlook][hostile]")
{
  // One item encrypted (permute), and 30 items in clear with wide tables.
  for (const auto& [name, stride] :
       std::vector<std::pair<std::string, std::size_t>>{{"200-recipients.pst", 61},
                                                        {"three-wide.pst", 257}}) {
    CAPTURE(name);
    const auto bytes = test::read_file(k_outlook / name);
    const auto whole = read(bytes, false, true);
    auto damaged = bytes;
    int lost = 0, told = 0;
    for (std::size_t at = 0; at < bytes.size(); at += stride) {
      CAPTURE(at);
      damaged[at] = static_cast<char>(bytes[at] ^ 0x5A);
      const auto r = read(damaged, false, true);
      damaged[at] = bytes[at];
      // Fewer items than the file holds: a problem says so.
      if (r.items.size() < whole.items.size()) {
        ++lost;
        CHECK(!r.issues.empty());
      }
      told += !r.issues.empty();
    }
    // The mutations reached the structures, not only the text.
    CHECK(lost > 0);
    CHECK(told >= lost);
  }
}

TEST_CASE("pst reader: an item whose block fails its checksum is read and marked damaged",
          "[outlook][hostile]")
{
  const auto bytes = test::read_file(k_outlook / "three-wide.pst"); // not encrypted
  const auto whole = read(bytes, false, false);
  REQUIRE(whole.items.size() == 30);
  // A subject as stored (UTF-16LE), one of its letters changed.
  const std::string subject = "But final below at there comments project #0";
  std::string stored;
  for (const char c : subject) {
    stored += c;
    stored += '\0';
  }
  const auto at = bytes.find(stored);
  REQUIRE(at != std::string::npos);
  auto damaged = bytes;
  damaged[at + 2 * 4] = 'X'; // "But X"
  const auto r = read(damaged, false, false);
  CHECK(r.items.size() == 30);
  int marked = 0;
  for (const auto& [where, item] : r.items) {
    if (item.find("issue outlook_damaged") != std::string::npos) {
      ++marked;
      CHECK(item.find("But Xinal below") != std::string::npos);
    }
  }
  CHECK(marked == 1);
}

TEST_CASE("pst reader: items holding a property of type 0 (as Aspose.Email writes) are read",
          "[outlook]")
{
  const auto bytes = test::read_file(k_outlook / "unspecified-property.pst");
  const auto ours = read(bytes, false, true);
  CHECK(ours.issues.empty());
  REQUIRE(ours.items.size() == 3);
  std::string all;
  for (const auto& [where, item] : ours.items) {
    CHECK(where.starts_with("/Top of Personal Folders/Inbox#"));
    all += item;
  }
  for (const auto* expected : {"On the by or there update all #0|", "Figures all please or #1|",
                               "All quarter is #2|", "<0.3bcaabbd@pst.example.com>"}) {
    CHECK(all.find(expected) != std::string::npos);
  }
  // libpff 20180714 reads none of them, and says so.
  const auto theirs = read(bytes, true, false);
  CHECK(theirs.items.empty());
  CHECK(!theirs.issues.empty());
}
