#include "store/merge.hpp"

#include "core/fatal_error.hpp"
#include "core/text.hpp"
#include "store/connection.hpp"
#include "store/schema.hpp"

#include <sqlite3.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <ctime>
#include <map>

namespace ccaudit::store {

namespace {

std::string
shown(const std::filesystem::path& p)
{
  return text::for_terminal(p.string());
}

std::int64_t
single(Connection& db, const std::string& sql, const std::vector<Value>& bindings = {})
{
  std::int64_t n = 0;
  db.query(sql, bindings, [&](const Row& r) { n = r.integer(0); });
  return n;
}

std::string
single_text(Connection& db, const std::string& sql)
{
  std::string out;
  db.query(sql, {}, [&](const Row& r) { out = r.text(0); });
  return out;
}

// A scan writing to `file` holds its flock: a merge would take half a scan.
void
refuse_if_written(const std::filesystem::path& file)
{
  const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    return; // opening it says what is wrong
  }
  const bool busy = ::flock(fd, LOCK_SH | LOCK_NB) != 0;
  ::close(fd);
  if (busy) {
    throw FatalError("a scan is writing to " + shown(file)
                     + ": merge it once the scan has ended");
  }
}

// The columns of `table` in `db`, in order.
std::vector<std::string>
columns_of(Connection& db, const std::string& table)
{
  std::vector<std::string> out;
  db.query("SELECT name FROM pragma_table_info(?)", {Value(table)},
           [&](const Row& r) { out.push_back(r.text(0)); });
  return out;
}

// How rows of `table` go from one database to the other: each integer
// column named in `shift` moves by its amount (NULL stays NULL), each
// column in `set` takes that value, and with `path_prefix` the column
// "path" starts with it (a source's path in the target). `conflict` is what
// the INSERT does on a conflict ("" or "OR IGNORE").
struct TableCopy
{
  std::string table;
  std::map<std::string, std::int64_t> shift;
  std::map<std::string, Value> set;
  std::string conflict;
  std::string path_prefix;
};

// Copies `copy.table` from `from` (also attached to `to` as `attached`,
// unless that is empty) into `to`. Returns the rows copied.
std::int64_t
copy_table(Connection& from, Connection& to, const std::string& attached, const TableCopy& copy)
{
  std::vector<std::string> names; // the columns copied, then those set
  for (const auto& c : columns_of(from, copy.table)) {
    if (copy.set.count(c) == 0) {
      names.push_back(c);
    }
  }
  const auto copied = names.size();
  for (const auto& [c, v] : copy.set) {
    names.push_back(c);
  }
  std::string insert = "INSERT " + copy.conflict + " INTO main." + copy.table + " (";
  for (std::size_t i = 0; i < names.size(); ++i) {
    insert += (i ? ", \"" : "\"") + names[i] + "\"";
  }
  insert += ") ";
  const auto quoted = [](const std::string& c) { return "\"" + c + "\""; };
  if (!attached.empty()) {
    // Inside SQLite: a statement per table, no row crosses into C++.
    std::string select = "SELECT ";
    std::vector<Value> params;
    for (std::size_t i = 0; i < copied; ++i) {
      const auto& c = names[i];
      const auto it = copy.shift.find(c);
      select += i ? ", " : "";
      if (it != copy.shift.end()) {
        select += "CASE WHEN typeof(" + quoted(c) + ") = 'integer' THEN " + quoted(c) + " + "
                  + std::to_string(it->second) + " ELSE " + quoted(c) + " END";
      } else if (c == "path" && !copy.path_prefix.empty()) {
        select += "? || " + quoted(c);
        params.emplace_back(copy.path_prefix);
      } else {
        select += quoted(c);
      }
    }
    for (const auto& [c, v] : copy.set) {
      select += params.empty() && copied == 0 ? "?" : ", ?";
      params.push_back(v);
    }
    Statement write(to.get(), insert + select + " FROM " + attached + "." + copy.table);
    for (std::size_t i = 0; i < params.size(); ++i) {
      write.bind(static_cast<int>(i + 1), params[i]);
    }
    write.run();
    return sqlite3_changes64(to.get());
  }
  // Row by row, through bound statements: a source that could not be
  // attached (SQLite attaches at most 10 databases to one connection).
  std::string select = "SELECT ", values;
  for (std::size_t i = 0; i < copied; ++i) {
    select += (i ? ", " : "") + quoted(names[i]);
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    values += i ? ", ?" : "?";
  }
  Statement read(from.get(), select + " FROM " + copy.table);
  Statement write(to.get(), insert + "VALUES (" + values + ")");
  std::int64_t rows = 0;
  std::string prefixed;
  while (read.step()) {
    for (std::size_t i = 0; i < copied; ++i) {
      sqlite3_value* v = sqlite3_column_value(read.get(), static_cast<int>(i));
      const auto it = copy.shift.find(names[i]);
      int rc;
      if (it != copy.shift.end() && sqlite3_value_type(v) == SQLITE_INTEGER) {
        rc = sqlite3_bind_int64(write.get(), static_cast<int>(i + 1),
                                sqlite3_value_int64(v) + it->second);
      } else if (names[i] == "path" && !copy.path_prefix.empty()) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(v));
        prefixed = copy.path_prefix + (text ? text : "");
        rc = sqlite3_bind_text(write.get(), static_cast<int>(i + 1), prefixed.data(),
                               static_cast<int>(prefixed.size()), SQLITE_STATIC);
      } else {
        rc = sqlite3_bind_value(write.get(), static_cast<int>(i + 1), v);
      }
      if (rc != SQLITE_OK) {
        throw FatalError("merge: cannot copy " + copy.table + ": " + sqlite3_errmsg(to.get()));
      }
    }
    int i = static_cast<int>(copied) + 1;
    for (const auto& [c, v] : copy.set) {
      write.bind(i++, v);
    }
    write.run();
    ++rows;
  }
  return rows;
}

struct Bases
{
  std::int64_t scan, source, finding, address, problem;
};

Bases
bases_of(Connection& db)
{
  return {single(db, "SELECT coalesce(max(id), 0) FROM scan"),
          single(db, "SELECT coalesce(max(id), 0) FROM source"),
          single(db, "SELECT coalesce(max(id), 0) FROM finding"),
          single(db, "SELECT coalesce(max(id), 0) FROM finding_address_row"),
          single(db, "SELECT coalesce(max(id), 0) FROM problem")};
}

// Everything `origin` brought into `db` before.
void
remove_origin(Connection& db, std::int64_t origin)
{
  const std::vector<Value> o{Value(origin)};
  std::int64_t first = 0, count = 0;
  db.query("SELECT address_first, address_count FROM merged_database WHERE id = ?", o,
           [&](const Row& r) {
             first = r.integer(0);
             count = r.integer(1);
           });
  const std::string scans = "(SELECT id FROM scan WHERE origin = " + std::to_string(origin) + ")";
  db.exec("DELETE FROM finding_address_row WHERE id >= " + std::to_string(first)
          + " AND id < " + std::to_string(first + count));
  db.exec("DELETE FROM finding_reference WHERE finding_id IN (SELECT id FROM finding WHERE "
          "scan_id IN " + scans + ")");
  db.exec("DELETE FROM finding WHERE scan_id IN " + scans);
  db.exec("DELETE FROM problem WHERE scan_id IN " + scans);
  db.exec("DELETE FROM source WHERE origin = " + std::to_string(origin));
  db.exec("DELETE FROM scan WHERE origin = " + std::to_string(origin));
}

// Attaches `path` to `to` as `name`, read-only, when it is the database
// `from` reads (the file may have been replaced since: a host's next
// database copied over it). Returns whether it did.
bool
attach(Connection& to, Connection& from, const std::filesystem::path& path,
       const std::string& name)
{
  try {
    Statement(to.get(), "ATTACH ? AS " + name).bind(1, file_uri(path) + "?mode=ro").run();
  } catch (const FatalError&) {
    return false; // a folder SQLite cannot read a WAL database in: row by row
  }
  const auto info = "SELECT value FROM database_info WHERE key = 'id'";
  bool same = false;
  try {
    same = single(to, "PRAGMA " + name + ".user_version") == k_schema_version
           && single_text(to, "SELECT value FROM " + name + ".database_info WHERE key = 'id'")
                == single_text(from, info);
  } catch (const FatalError&) {
  }
  if (!same) {
    try {
      to.exec("DETACH " + name);
    } catch (const FatalError&) {
    }
  }
  return same;
}

// Brings `path` into `to`. With an `attach_as` name, its rows are copied
// inside SQLite; without, row by row.
MergedDatabase
merge_one(Connection& to, const std::filesystem::path& path, const std::string& attach_as)
{
  MergedDatabase out;
  out.path = path;
  refuse_if_written(path);
  Connection from(path, OpenMode::read_only, std::chrono::seconds(0));
  check_readable(from, path);
  if (single(from, "SELECT count(*) FROM scan WHERE origin IS NOT NULL") > 0) {
    throw FatalError(shown(path) + " is itself a merge of other databases: merge those");
  }
  const auto id = single_text(from, "SELECT value FROM database_info WHERE key = 'id'");
  if (id == single_text(to, "SELECT value FROM database_info WHERE key = 'id'")) {
    throw FatalError(shown(path) + " is the target database itself (or a copy of it)");
  }
  const auto attached = !attach_as.empty() && attach(to, from, path, attach_as) ? attach_as : "";
  // What the rows are read from: the attached database, or `from`.
  auto& source = attached.empty() ? from : to;
  const auto table = [&](const char* t) { return attached.empty() ? t : attached + "." + t; };
  out.host = single_text(source, "SELECT host FROM " + table("scan") + " ORDER BY id DESC LIMIT 1");
  const auto last_scan = single(source, "SELECT coalesce(max(id), 0) FROM " + table("scan"));
  const auto first_address =
    single(source, "SELECT coalesce(min(id), 0) FROM " + table("finding_address_row"));
  std::int64_t origin = 0;
  to.query("SELECT id FROM merged_database WHERE database_id = ?", {Value(id)},
           [&](const Row& r) { origin = r.integer(0); });
  if (origin != 0) {
    out.replaced = true;
    remove_origin(to, origin);
  } else {
    Statement add(to.get(), "INSERT INTO merged_database (database_id, path, host, last_scan, "
                            "merged_at) VALUES (?, '', '', 0, '')");
    add.bind(1, id).run();
    origin = to.last_insert_rowid();
  }
  const auto b = bases_of(to);
  const auto copy = [&](const TableCopy& c) { return copy_table(from, to, attached, c); };
  // A scan's counts of exposures and incidents were of its own database:
  // merge_databases() clears them.
  out.scans = copy(
    {"scan", {{"id", b.scan}}, {{"origin", Value(origin)}, {"origin_scan_id", Value()}}, "", ""});
  // Each scan remembers its id in the source database.
  to.exec("UPDATE scan SET origin_scan_id = id - " + std::to_string(b.scan)
          + " WHERE origin = " + std::to_string(origin));
  // Paths of one origin stay apart from another's (source.path is unique).
  copy({"source",
        {{"id", b.source}, {"first_scan", b.scan}, {"last_scan", b.scan}, {"gone_scan", b.scan}},
        {{"origin", Value(origin)}},
        "",
        std::to_string(origin) + ":"});
  out.findings = copy({"finding",
                       {{"id", b.finding}, {"scan_id", b.scan}, {"source_id", b.source},
                        {"retired_scan", b.scan}, {"address_first", b.address}},
                       {}, "", ""});
  const auto addresses = copy({"finding_address_row", {{"id", b.address}}, {}, "", ""});
  copy({"finding_reference", {{"finding_id", b.finding}}, {}, "", ""});
  out.problems = copy({"problem", {{"id", b.problem}, {"scan_id", b.scan}}, {}, "", ""});
  copy({"acceptance", {}, {}, "OR IGNORE", ""});
  copy({"problem_kind", {}, {}, "OR IGNORE", ""});
  const auto first = first_address + b.address;
  Statement done(to.get(), "UPDATE merged_database SET path = ?, host = ?, last_scan = ?, "
                           "merged_at = ?, address_first = ?, address_count = ? WHERE id = ?");
  const auto absolute = std::filesystem::absolute(path).string();
  const auto at = iso_utc(std::time(nullptr));
  done.bind(1, absolute).bind(2, out.host).bind(3, last_scan).bind(4, at).bind(5, first)
    .bind(6, addresses > 0 ? single(to, "SELECT max(id) FROM finding_address_row") - first + 1 : 0)
    .bind(7, origin)
    .run();
  return out;
}

} // namespace

std::vector<MergedDatabase>
merge_databases(const std::filesystem::path& target,
                const std::vector<std::filesystem::path>& sources,
                std::chrono::seconds lock_wait)
{
  for (const auto& s : sources) {
    std::error_code ec;
    if (!std::filesystem::exists(s, ec)) {
      throw FatalError("no database at " + shown(s));
    }
    if (std::filesystem::exists(target, ec) && std::filesystem::equivalent(s, target, ec)) {
      throw FatalError(shown(s) + " is the target database itself");
    }
  }
  Connection to(target, OpenMode::read_write, lock_wait);
  make_current(to);
  if (single(to, "SELECT count(*) FROM scan WHERE origin IS NULL") > 0) {
    throw FatalError(shown(target) + " holds scans of its own: a merge target holds merged "
                                     "databases only (pass a new --db)");
  }
  // The target's indexes (fingerprints, incident ids: random keys) take a
  // page each insert once they outgrow SQLite's default 2 MiB cache. 16 MiB
  // keeps a merge linear (54 to 57 us a finding from 12,672 to 101,376, peak
  // RSS 37 MiB); 64 MiB cost more in page faults than it saved (4 shards of
  // 48,000 messages: 0.70 s against 0.55 s, peak RSS 87 MiB).
  to.exec("PRAGMA cache_size = -16384");
  std::vector<MergedDatabase> out;
  to.exec("BEGIN IMMEDIATE");
  try {
    // SQLite attaches at most SQLITE_LIMIT_ATTACHED databases to one
    // connection, and none can be detached before the transaction ends:
    // the sources past that are copied row by row.
    const int attachable = sqlite3_limit(to.get(), SQLITE_LIMIT_ATTACHED, -1);
    for (std::size_t i = 0; i < sources.size(); ++i) {
      const auto& s = sources[i];
      try {
        out.push_back(merge_one(
          to, s, static_cast<int>(i) < attachable ? "merged_" + std::to_string(i) : ""));
      } catch (const FatalError& e) {
        const std::string why = e.what();
        throw FatalError(why.find(s.string()) != std::string::npos
                           ? why
                           : "cannot merge " + shown(s) + ": " + why);
      }
    }
    // The findings changed: no scan's counts hold.
    to.exec("UPDATE scan SET exposures = NULL, incidents = NULL");
    to.exec("COMMIT");
  } catch (...) {
    to.exec("ROLLBACK");
    throw;
  }
  return out;
}

} // namespace ccaudit::store
