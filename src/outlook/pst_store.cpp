// PST and OST files read by our own reader of the node database and the
// LTP layer (ndb.hpp, ltp.hpp): the node B-tree is walked in order once for
// the folders and once for the messages, each message read from its node by
// B-tree lookups. Time grows with the file, memory with its folders only.
// libpff reads what this reader does not (pff_store.hpp).
#include "outlook/pst_store.hpp"

#include "outlook/ltp.hpp"
#include "outlook/pff_store.hpp"

#include <cstdio>
#include <unordered_map>
#include <vector>

namespace ccaudit::outlook {

namespace {

constexpr std::uint32_t k_ltp_row_id = 0x67F2;
constexpr std::uint32_t k_attach_embedded = 5; // PidTagAttachMethod: afEmbeddedMessage
constexpr std::size_t k_max_folders = 1'000'000;

std::string
hex(std::uint32_t v)
{
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", v);
  return buf;
}

class Reader
{
public:
  Reader(ndb::File& file, const StoreCallbacks& callbacks, const StoreLimits& limits,
         StoreSummary& summary)
    : m_file(file), m_callbacks(callbacks), m_limits(limits), m_summary(summary)
  {
  }

  void password()
  {
    try {
      if (const auto store = m_file.find_node(ndb::k_nid_message_store)) {
        const ltp::PropertyContext props(m_file, *store, 64);
        if (const auto p = props.integer(tag::pst_password); p && *p != 0) {
          issue("", IssueKind::outlook_password,
                "the file has a password; a PST password encrypts nothing, so it was read "
                "without one");
        }
      }
    } catch (const std::exception&) {
      // The message store holds nothing the scan needs but this.
    }
  }

  // The first walk of the node B-tree: every folder and its parent.
  void folders()
  {
    bool full = false;
    m_file.for_each_node(
      [&](const ndb::Node& node) {
        if ((node.nid & ndb::k_nid_type_mask) == ndb::k_nid_normal_folder) {
          if (m_folders.size() < k_max_folders) {
            m_folders.emplace(node.nid, Folder{node, {}, false});
          } else if (!full) {
            full = true;
            issue("", IssueKind::outlook_damaged,
                  "more than " + std::to_string(k_max_folders)
                    + " folders: the messages of the others are named as orphans");
          }
        }
        return true;
      },
      [](const std::string&) {}); // reported by the second walk
  }

  // The second walk: every message, in NID order.
  void messages()
  {
    m_file.for_each_node(
      [&](const ndb::Node& node) {
        if ((node.nid & ndb::k_nid_type_mask) != ndb::k_nid_normal_message) {
          return true;
        }
        const bool orphan = m_folders.find(node.parent) == m_folders.end();
        const auto at = orphan ? "/(orphan)#" + std::to_string(node.nid)
                               : path(node.parent) + "#" + std::to_string(node.nid);
        message(node, at, orphan);
        return !m_stop;
      },
      [&](const std::string& why) {
        issue("", IssueKind::outlook_damaged, why);
      });
  }

private:
  struct Folder
  {
    ndb::Node node;
    std::string path;
    bool known = false; // path computed
  };

  void issue(const std::string& where, IssueKind kind, std::string detail)
  {
    m_callbacks.on_issue(where, Issue{kind, std::move(detail)});
  }

  std::string name(const ndb::Node& folder)
  {
    try {
      const ltp::PropertyContext props(m_file, folder, 1024);
      if (auto n = props.text(tag::display_name)) {
        return *n;
      }
    } catch (const std::exception&) {
    }
    return "(folder " + hex(folder.nid) + ")";
  }

  // "/Top of Personal Folders/Sent Items": the names from the root folder
  // down. A folder whose parents do not lead to the root is "/(orphan
  // folder) NAME"; past max_folder_depth levels, "/..." stands for the rest.
  const std::string& path(std::uint32_t nid)
  {
    std::vector<std::uint32_t> chain;
    std::uint32_t at = nid;
    bool rooted = false;
    std::string prefix;
    for (;;) {
      const auto it = m_folders.find(at);
      if (it == m_folders.end()) {
        break;
      }
      if (it->second.known) {
        prefix = it->second.path;
        rooted = true;
        break;
      }
      if (at == ndb::k_nid_root_folder) {
        rooted = true;
        chain.push_back(at);
        break;
      }
      if (static_cast<int>(chain.size()) >= m_limits.max_folder_depth) {
        prefix = "/...";
        rooted = true;
        break;
      }
      bool seen = false;
      for (const auto c : chain) {
        seen = seen || c == at;
      }
      if (seen) {
        break;
      }
      chain.push_back(at);
      if (it->second.node.parent == at) {
        break;
      }
      at = it->second.node.parent;
    }
    // Names from the top down, each folder's path kept.
    for (std::size_t i = chain.size(); i-- > 0;) {
      auto& folder = m_folders.at(chain[i]);
      if (chain[i] == ndb::k_nid_root_folder) {
        folder.path = "";
      } else if (i + 1 == chain.size() && !rooted) {
        folder.path = "/(orphan folder) " + name(folder.node);
      } else {
        folder.path = prefix + "/" + name(folder.node);
      }
      folder.known = true;
      prefix = folder.path;
    }
    return m_folders.at(nid).path;
  }

  void message(const ndb::Node& node, const std::string& where, bool orphan)
  {
    Item out;
    const auto failures = m_file.checksum_failures();
    try {
      ltp::PropertyContext props(m_file, node, m_limits.max_string_bytes);
      const auto charset = item_charset(props);
      props.use_charset(charset);
      const auto use = item_use(props, orphan);
      if (use != ItemUse::mail) {
        m_summary.not_mail += use == ItemUse::not_mail ? 1 : 0;
        return;
      }
      out = read_item(props);
      read_recipients(node, out, charset);
      if (m_limits.content) {
        std::size_t budget = m_limits.content_bounds.max_item_bytes;
        read_content(node, props, charset, out, 0, budget);
      }
    } catch (const std::exception& e) {
      issue(where, IssueKind::outlook_item_unreadable,
            std::string("its properties could not be read: not scanned (") + e.what() + ")");
      return;
    }
    if (const auto n = m_file.checksum_failures() - failures; n > 0) {
      out.issues.push_back({IssueKind::outlook_damaged,
                            std::to_string(n) + " block(s) of this item fail their checksum: "
                            "read as stored, its addresses may be wrong"});
    }
    ++m_summary.items;
    if (!m_callbacks.on_item(where, std::move(out))) {
      m_stop = true;
    }
  }

  void read_recipients(const ndb::Node& node, Item& out, const std::string& charset)
  {
    try {
      const auto table_node = node.sub != 0
                                ? m_file.find_subnode(node.sub, ndb::k_nid_recipient_table)
                                : std::nullopt;
      if (!table_node) {
        return; // no recipient at all (a draft, a note)
      }
      ltp::Table table(m_file, *table_node);
      table.for_each_row(m_limits.max_string_bytes, charset, [&](const PropertyBag& row) {
        out.recipients.push_back(read_recipient(row));
        return true;
      });
    } catch (const std::exception& e) {
      out.recipients_read = false;
      out.issues.push_back({IssueKind::outlook_item_unreadable,
                            std::string("its recipient table could not be read (") + e.what()
                              + ")"});
    }
  }

  // --content: bodies, attachments, attached items (up to max_depth).
  void read_content(const ndb::Node& node, ltp::PropertyContext& props, const std::string& charset,
                    Item& out, int depth, std::size_t& budget)
  {
    const auto& bounds = m_limits.content_bounds;
    props.limit_strings(std::min(bounds.max_part_bytes, budget));
    read_bodies(props, out, bounds);
    props.limit_strings(m_limits.max_string_bytes);
    budget -= std::min(budget, out.body_text.size() + out.body_html.size());
    std::vector<std::uint32_t> ids;
    try {
      const auto table_node = node.sub != 0
                                ? m_file.find_subnode(node.sub, ndb::k_nid_attachment_table)
                                : std::nullopt;
      if (!table_node) {
        return;
      }
      ltp::Table table(m_file, *table_node);
      table.for_each_row(64, charset, [&](const PropertyBag& row) {
        ids.push_back(row.integer(k_ltp_row_id).value_or(0));
        return true;
      });
    } catch (const std::exception& e) {
      out.issues.push_back({IssueKind::content_unreadable,
                            std::string("its attachments could not be listed: not read (")
                              + e.what() + ")"});
    }
    for (std::size_t i = 0; i < ids.size(); ++i) {
      try {
        const auto found = m_file.find_subnode(node.sub, ids[i]);
        if (!found) {
          throw ndb::Damage("attachment " + hex(ids[i]) + " is missing");
        }
        const ltp::PropertyContext attachment(m_file, *found, m_limits.max_string_bytes,
                                              charset);
        auto a = read_attachment(attachment);
        if (attachment.integer(tag::attach_method).value_or(0) == k_attach_embedded) {
          embedded(attachment, a, depth, budget, out);
        } else {
          bool truncated = false;
          const auto max = std::min(bounds.max_part_bytes, budget);
          if (auto data = attachment.binary(tag::attach_data, max, truncated)) {
            a.data = std::move(*data);
            a.truncated = truncated;
            budget -= std::min(budget, a.data.size());
          }
        }
        out.attachments.push_back(std::move(a));
      } catch (const std::exception& e) {
        out.issues.push_back({IssueKind::content_unreadable,
                              "attachment " + std::to_string(i + 1) + " of "
                                + std::to_string(ids.size()) + " could not be read (" + e.what()
                                + ")"});
      }
    }
  }

  void embedded(const ltp::PropertyContext& attachment, Attachment& a, int depth,
                std::size_t& budget, Item& out)
  {
    if (depth + 1 > m_limits.content_bounds.max_depth) {
      out.issues.push_back({IssueKind::content_limit, "an attached item "
                                                        + std::to_string(depth + 1)
                                                        + " levels deep: not read"});
      return;
    }
    const auto inner = attachment.object(tag::attach_data);
    if (!inner) {
      out.issues.push_back(
        {IssueKind::content_unreadable, "attached item '" + a.filename + "' could not be read"});
      return;
    }
    ltp::PropertyContext props(m_file, *inner, m_limits.max_string_bytes);
    const auto charset = item_charset(props);
    props.use_charset(charset);
    a.item = std::make_shared<Item>(read_item(props));
    read_recipients(*inner, *a.item, charset);
    read_content(*inner, props, charset, *a.item, depth + 1, budget);
  }

  ndb::File& m_file;
  const StoreCallbacks& m_callbacks;
  const StoreLimits& m_limits;
  StoreSummary& m_summary;
  std::unordered_map<std::uint32_t, Folder> m_folders;
  bool m_stop = false;
};

} // namespace

StoreSummary
read_store(ByteSource& bytes, std::uint64_t size, const StoreCallbacks& callbacks,
           const StoreLimits& limits)
{
  const auto header = ndb::File::read_header(bytes);
  if (header.result == ndb::File::Open::unsupported) {
    return read_store_libpff(bytes, size, callbacks, limits);
  }
  StoreSummary summary;
  if (header.result != ndb::File::Open::ok) {
    callbacks.on_issue("", {IssueKind::outlook_damaged,
                            "not a PST or OST file (" + header.detail
                              + "): nothing in it was read"});
    return summary;
  }
  summary.opened = true;
  summary.format = std::string(header.ost ? "OST" : "PST")
                   + (header.unicode ? " (Unicode)" : " (ANSI)");
  if (!header.detail.empty()) {
    callbacks.on_issue("", {IssueKind::outlook_damaged,
                            header.detail + ": read anyway, what could be reached was read"});
  }
  try {
    ndb::File file(bytes, size, header);
    Reader reader(file, callbacks, limits, summary);
    reader.password();
    reader.folders();
    reader.messages();
  } catch (const ndb::Damage& e) {
    callbacks.on_issue("", {IssueKind::outlook_damaged,
                            std::string("the file could not be read (") + e.what() + ")"});
  }
  if (limits.recover_deleted) {
    const auto recovered =
      read_store_libpff(bytes, size, callbacks, limits, PffPass::recovered_only);
    summary.items += recovered.items;
    summary.not_mail += recovered.not_mail;
  }
  return summary;
}

} // namespace ccaudit::outlook
