// PST and OST files through libpff, read through the scan's own read-only
// ByteSource (a libbfio handle of ours): libpff never opens the file itself.
// The formats pst_store.cpp does not read itself, and --recover-deleted.
#include "outlook/pff_store.hpp"

#include "outlook/bfio_handle.hpp"
#include "outlook/libraries.hpp"
#include "outlook/properties.hpp"

#include <cstring>
#include <set>

namespace ccaudit::outlook {

namespace {

std::string
utf8_name(libpff_item_t* folder)
{
  std::size_t size = 0;
  if (pff().libpff_folder_get_utf8_name_size(folder, &size, nullptr) != 1 || size == 0) {
    return {};
  }
  std::string name(size, '\0');
  if (pff().libpff_folder_get_utf8_name(folder, reinterpret_cast<std::uint8_t*>(name.data()),
                                        size, nullptr)
      != 1) {
    return {};
  }
  name.resize(std::strlen(name.c_str()));
  return name;
}

class Walk
{
public:
  Walk(const StoreCallbacks& callbacks, const StoreLimits& limits, StoreSummary& summary, Io& in)
    : m_callbacks(callbacks), m_limits(limits), m_summary(summary), m_in(in)
  {
  }

  bool stopped() const { return m_stop; }

  void folder(libpff_item_t* folder, const std::string& path, int depth)
  {
    std::uint32_t id = 0;
    if (pff().libpff_item_get_identifier(folder, &id, nullptr) == 1
        && !m_folders.insert(id).second) {
      issue(path, IssueKind::outlook_damaged, "a folder that holds itself: read once");
      return;
    }
    messages(folder, path);
    int count = 0;
    PffError error;
    if (pff().libpff_folder_get_number_of_sub_folders(folder, &count, error.out()) != 1) {
      issue(path, IssueKind::outlook_damaged,
            "its subfolders could not be listed: not read (" + detail(error) + ")");
      return;
    }
    if (count > 0 && depth >= m_limits.max_folder_depth) {
      issue(path, IssueKind::outlook_damaged,
            std::to_string(count) + " subfolder(s) more than "
              + std::to_string(m_limits.max_folder_depth) + " levels deep: not read");
      return;
    }
    for (int i = 0; i < count && !m_stop; ++i) {
      ItemRef sub;
      if (pff().libpff_folder_get_sub_folder(folder, i, &sub.p, error.out()) != 1) {
        issue(path, IssueKind::outlook_damaged,
              "subfolder " + std::to_string(i + 1) + " of " + std::to_string(count)
                + " could not be read: not read (" + detail(error) + ")");
        continue;
      }
      this->folder(sub.p, path + "/" + utf8_name(sub.p), depth + 1);
    }
  }

  // An item found without its folder: a message is read, a folder walked.
  void orphan(libpff_item_t* item)
  {
    std::uint8_t type = 0;
    pff().libpff_item_get_type(item, &type, nullptr);
    if (type == LIBPFF_ITEM_TYPE_FOLDER) {
      folder(item, "/(orphan folder) " + utf8_name(item), 1);
      return;
    }
    std::uint32_t id = 0;
    pff().libpff_item_get_identifier(item, &id, nullptr);
    message(item, "/(orphan)#" + std::to_string(id), true);
  }

  // A deleted item libpff recovered: a message is read; a folder is not
  // walked (its recovered messages come on their own). Returns what it was.
  enum class Recovered { folder, message, fragment };
  Recovered recovered(libpff_item_t* item)
  {
    std::uint8_t type = 0;
    pff().libpff_item_get_type(item, &type, nullptr);
    if (type == LIBPFF_ITEM_TYPE_FOLDER) {
      return Recovered::folder;
    }
    std::uint32_t id = 0;
    pff().libpff_item_get_identifier(item, &id, nullptr);
    const auto before = m_summary.items + m_summary.not_mail;
    message(item, "/(recovered)#" + std::to_string(id), true);
    return m_summary.items + m_summary.not_mail > before ? Recovered::message
                                                         : Recovered::fragment;
  }

  void issue(const std::string& where, IssueKind kind, std::string detail)
  {
    m_callbacks.on_issue(where, Issue{kind, std::move(detail)});
  }

  std::string detail(const PffError& error) const
  {
    auto out = error.text();
    if (!m_in.error.empty()) {
      out += "; read error: " + m_in.error;
    }
    return out;
  }

private:
  void messages(libpff_item_t* folder, const std::string& path)
  {
    int count = 0;
    PffError error;
    if (pff().libpff_folder_get_number_of_sub_messages(folder, &count, error.out()) != 1) {
      issue(path, IssueKind::outlook_damaged,
            "its messages could not be listed: not read (" + detail(error) + ")");
      return;
    }
    for (int i = 0; i < count && !m_stop; ++i) {
      ItemRef item;
      if (pff().libpff_folder_get_sub_message(folder, i, &item.p, error.out()) != 1) {
        issue(path, IssueKind::outlook_item_unreadable,
              "item " + std::to_string(i + 1) + " of " + std::to_string(count)
                + " in this folder could not be read: not scanned (" + detail(error) + ")");
        continue;
      }
      std::uint32_t id = 0;
      pff().libpff_item_get_identifier(item.p, &id, nullptr);
      message(item.p, path + "#" + std::to_string(id), false);
    }
  }

  void message(libpff_item_t* item, std::string where, bool orphan)
  {
    PffError error;
    libpff_record_set_t* set = nullptr;
    if (pff().libpff_item_get_record_set_by_index(item, 0, &set, error.out()) != 1) {
      if (!orphan) { // an orphan may be any node: only a readable message counts
        issue(where, IssueKind::outlook_item_unreadable,
              "its properties could not be read: not scanned (" + detail(error) + ")");
      }
      return;
    }
    const SetRef held(set);
    Properties props(set, m_limits.max_string_bytes);
    const auto charset = item_charset(props);
    props.use_charset(charset);
    const auto use = item_use(props, orphan);
    if (use != ItemUse::mail) {
      m_summary.not_mail += use == ItemUse::not_mail ? 1 : 0;
      return;
    }
    Item out = read_item(props);
    read_recipients(item, out, charset);
    if (m_limits.content) {
      std::size_t budget = m_limits.content_bounds.max_item_bytes;
      read_content(item, set, charset, out, 0, budget);
    }
    ++m_summary.items;
    if (!m_callbacks.on_item(std::move(where), std::move(out))) {
      m_stop = true;
    }
  }

  void read_recipients(libpff_item_t* item, Item& out, const std::string& charset)
  {
    ItemRef table;
    PffError error;
    const int found = pff().libpff_message_get_recipients(item, &table.p, error.out());
    if (found == 0) {
      return; // no recipient at all (a draft, a note)
    }
    int rows = 0;
    if (found != 1
        || pff().libpff_item_get_number_of_record_sets(table.p, &rows, error.out()) != 1) {
      out.recipients_read = false;
      out.issues.push_back({IssueKind::outlook_item_unreadable,
                            "its recipient table could not be read (" + detail(error) + ")"});
      return;
    }
    for (int i = 0; i < rows; ++i) {
      libpff_record_set_t* row = nullptr;
      if (pff().libpff_item_get_record_set_by_index(table.p, i, &row, error.out()) != 1) {
        out.recipients_read = false;
        out.issues.push_back({IssueKind::outlook_item_unreadable,
                              "row " + std::to_string(i + 1) + " of "
                                + std::to_string(rows) + " of its recipient table could "
                                "not be read (" + detail(error) + ")"});
        continue;
      }
      const SetRef held(row);
      out.recipients.push_back(read_recipient(Properties(row, m_limits.max_string_bytes, charset)));
    }
  }

  // --content: bodies, attachments, attached items (up to max_depth).
  void read_content(libpff_item_t* item, libpff_record_set_t* set, const std::string& charset,
                    Item& out, int depth, std::size_t& budget)
  {
    const auto& bounds = m_limits.content_bounds;
    read_bodies(Properties(set, std::min(bounds.max_part_bytes, budget), charset), out, bounds);
    budget -= std::min(budget, out.body_text.size() + out.body_html.size());
    int count = 0;
    PffError error;
    if (pff().libpff_message_get_number_of_attachments(item, &count, error.out()) != 1) {
      out.issues.push_back({IssueKind::content_unreadable,
                            "its attachments could not be listed: not read (" + detail(error)
                              + ")"});
      return;
    }
    for (int i = 0; i < count; ++i) {
      ItemRef attachment;
      libpff_record_set_t* props = nullptr;
      if (pff().libpff_message_get_attachment(item, i, &attachment.p, error.out()) != 1
          || pff().libpff_item_get_record_set_by_index(attachment.p, 0, &props, error.out()) != 1) {
        out.issues.push_back({IssueKind::content_unreadable,
                              "attachment " + std::to_string(i + 1) + " of "
                                + std::to_string(count) + " could not be read (" + detail(error)
                                + ")"});
        continue;
      }
      const SetRef held(props);
      auto a = read_attachment(Properties(props, m_limits.max_string_bytes, charset));
      int type = 0;
      pff().libpff_attachment_get_type(attachment.p, &type, nullptr);
      if (type == LIBPFF_ATTACHMENT_TYPE_ITEM) {
        embedded(attachment.p, a, depth, budget, out);
      } else if (type == LIBPFF_ATTACHMENT_TYPE_DATA) {
        data(attachment.p, a, budget, out);
      }
      out.attachments.push_back(std::move(a));
    }
  }

  void data(libpff_item_t* attachment, Attachment& a, std::size_t& budget, Item& out)
  {
    size64_t size = 0;
    if (pff().libpff_attachment_get_data_size(attachment, &size, nullptr) != 1) {
      return;
    }
    const auto wanted = static_cast<std::size_t>(
      std::min<size64_t>({size, m_limits.content_bounds.max_part_bytes, budget}));
    a.truncated = wanted < size;
    a.data.resize(wanted);
    std::size_t got = 0;
    PffError error;
    if (pff().libpff_attachment_data_seek_offset(attachment, 0, SEEK_SET, error.out()) != 0) {
      a.data.clear();
    }
    while (got < a.data.size()) {
      const auto n = pff().libpff_attachment_data_read_buffer(
        attachment, reinterpret_cast<std::uint8_t*>(a.data.data() + got), a.data.size() - got,
        error.out());
      if (n <= 0) {
        if (n < 0) {
          out.issues.push_back({IssueKind::content_unreadable,
                                "attachment '" + a.filename + "' could not be read after "
                                  + std::to_string(got) + " byte(s) (" + detail(error) + ")"});
        }
        break;
      }
      got += static_cast<std::size_t>(n);
    }
    a.data.resize(got);
    budget -= std::min(budget, got);
  }

  void embedded(libpff_item_t* attachment, Attachment& a, int depth, std::size_t& budget,
                Item& out)
  {
    if (depth + 1 > m_limits.content_bounds.max_depth) {
      out.issues.push_back({IssueKind::content_limit,
                            "an attached item " + std::to_string(depth + 1)
                              + " levels deep: not read"});
      return;
    }
    ItemRef inner;
    libpff_record_set_t* set = nullptr;
    PffError error;
    if (pff().libpff_attachment_get_item(attachment, &inner.p, error.out()) != 1
        || pff().libpff_item_get_record_set_by_index(inner.p, 0, &set, error.out()) != 1) {
      out.issues.push_back({IssueKind::content_unreadable,
                            "attached item '" + a.filename + "' could not be read ("
                              + detail(error) + ")"});
      return;
    }
    const SetRef held(set);
    Properties props(set, m_limits.max_string_bytes);
    const auto charset = item_charset(props);
    props.use_charset(charset);
    a.item = std::make_shared<Item>(read_item(props));
    read_recipients(inner.p, *a.item, charset);
    read_content(inner.p, set, charset, *a.item, depth + 1, budget);
  }

  const StoreCallbacks& m_callbacks;
  const StoreLimits& m_limits;
  StoreSummary& m_summary;
  Io& m_in;
  std::set<std::uint32_t> m_folders;
  bool m_stop = false;
};

} // namespace

StoreSummary
read_store_libpff(ByteSource& bytes, std::uint64_t size, const StoreCallbacks& callbacks,
                  const StoreLimits& limits, PffPass pass)
{
  const bool all = pass == PffPass::everything;
  StoreSummary summary;
  Io in{&bytes, size};
  const auto handle = make_handle(in);
  if (!handle.p) {
    callbacks.on_issue("", {IssueKind::internal_error, "libbfio: no handle"});
    return summary;
  }
  FileRef file;
  PffError error;
  pff().libpff_file_initialize(&file.p, error.out());
  if (pff().libpff_file_open_file_io_handle(file.p, handle.p, LIBPFF_OPEN_READ, error.out()) != 1) {
    std::string why = error.text();
    if (!in.error.empty()) {
      why += "; read error: " + in.error;
    }
    callbacks.on_issue("", {IssueKind::outlook_damaged,
                            "not a PST or OST file libpff can open (damaged or truncated): "
                            "nothing in it was read (" + why + ")"});
    return summary;
  }
  summary.opened = true;
  std::uint8_t type = 0, content = 0;
  pff().libpff_file_get_type(file.p, &type, nullptr);
  pff().libpff_file_get_content_type(file.p, &content, nullptr);
  summary.format = std::string(content == LIBPFF_FILE_CONTENT_TYPE_OST ? "OST" : "PST")
                   + (type == LIBPFF_FILE_TYPE_32BIT ? " (ANSI)" : " (Unicode)");
  if (all && pff().libpff_file_is_corrupted(file.p, nullptr) == 1) {
    callbacks.on_issue("", {IssueKind::outlook_damaged,
                            "libpff found damage in the file: what it could reach was read"});
  }
  if (all) {
    ItemRef store;
    if (pff().libpff_file_get_message_store(file.p, &store.p, nullptr) == 1
        && has_password(store.p)) {
      callbacks.on_issue("", {IssueKind::outlook_password,
                              "the file has a password; a PST password encrypts nothing, "
                              "so it was read without one"});
    }
  }
  Walk walk(callbacks, limits, summary, in);
  if (all) {
    ItemRef root;
    if (pff().libpff_file_get_root_folder(file.p, &root.p, error.out()) == 1) {
      walk.folder(root.p, "", 0);
    } else {
      walk.issue("", IssueKind::outlook_damaged,
                 "its root folder could not be read: no folder was read ("
                   + walk.detail(error) + ")");
    }
  }
  int orphans = 0;
  if (all && !walk.stopped()
      && pff().libpff_file_get_number_of_orphan_items(file.p, &orphans, nullptr) == 1) {
    for (int i = 0; i < orphans && !walk.stopped(); ++i) {
      ItemRef item;
      if (pff().libpff_file_get_orphan_item_by_index(file.p, i, &item.p, nullptr) == 1) {
        walk.orphan(item.p);
      }
    }
  }
  if (!walk.stopped() && limits.recover_deleted) {
    int recovered = 0;
    if (pff().libpff_file_recover_items(file.p, 0, error.out()) != 1
        || pff().libpff_file_get_number_of_recovered_items(file.p, &recovered, error.out()) != 1) {
      walk.issue("", IssueKind::outlook_damaged,
                 "deleted items could not be recovered (" + walk.detail(error) + ")");
    }
    std::size_t counts[3] = {0, 0, 0}; // folders, messages, fragments
    for (int i = 0; i < recovered && !walk.stopped(); ++i) {
      ItemRef item;
      const bool got =
        pff().libpff_file_get_recovered_item_by_index(file.p, i, &item.p, nullptr) == 1;
      const auto what = got ? walk.recovered(item.p) : Walk::Recovered::fragment;
      ++counts[static_cast<int>(what)];
    }
    // Deleted data is partly overwritten: a fragment that is no item is
    // what recovery finds, not damage.
    walk.issue("", IssueKind::outlook_recovery,
               std::to_string(recovered) + " deleted item(s) recovered: "
                 + std::to_string(counts[1]) + " item(s) read, " + std::to_string(counts[0])
                 + " folder(s), " + std::to_string(counts[2])
                 + " fragment(s) not readable as an item");
  }
  pff().libpff_file_close(file.p, nullptr);
  return summary;
}

} // namespace ccaudit::outlook
