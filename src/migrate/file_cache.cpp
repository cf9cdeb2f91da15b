#include "migrate/file_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "util/files.hpp"
#include "util/sha256.hpp"

namespace agentpg::migrate {

namespace {

const char k_magic[] = "agentpg migration cache 2 " AGENTPG_VERSION "\n";
// A file modified this recently may still change within the same clock tick without its
// key changing: it is read every time until it is older.
const long long k_settle_ns = 2'000'000'000LL;

long long to_ns(const timespec& t) { return static_cast<long long>(t.tv_sec) * 1'000'000'000LL + t.tv_nsec; }

std::string cache_folder() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && xdg[0] == '/') {
    return std::string(xdg) + "/agentpg";
  }
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] == '/') {
    return std::string(home) + "/.cache/agentpg";
  }
  return "";
}

std::string folder_of(const std::string& relative) {
  size_t slash = relative.rfind('/');
  return slash == std::string::npos ? "" : relative.substr(0, slash);
}

void put_number(std::string& out, unsigned long long n) {
  char bytes[8];
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  }
  out.append(bytes, sizeof bytes);
}

void put_text(std::string& out, std::string_view text) {
  put_number(out, text.size());
  out += text;
}

// Reads what put_number/put_text wrote; every read checks the bounds.
class Reader {
public:
  explicit Reader(std::string_view bytes) : m_bytes(bytes) {}

  bool number(unsigned long long& n) {
    if (m_bytes.size() - m_offset < 8) {
      return false;
    }
    n = 0;
    for (int i = 0; i < 8; ++i) {
      n |= static_cast<unsigned long long>(static_cast<unsigned char>(m_bytes[m_offset + i])) << (8 * i);
    }
    m_offset += 8;
    return true;
  }
  bool signed_number(long long& n) {
    unsigned long long u = 0;
    if (!number(u)) {
      return false;
    }
    n = static_cast<long long>(u);
    return true;
  }
  bool view(std::string_view& out) {
    unsigned long long size = 0;
    if (!number(size) || m_bytes.size() - m_offset < size) {
      return false;
    }
    out = m_bytes.substr(m_offset, size);
    m_offset += size;
    return true;
  }
  bool text(std::string& out) {
    std::string_view v;
    if (!view(v)) {
      return false;
    }
    out.assign(v);
    return true;
  }
  size_t offset() const { return m_offset; }
  bool done() const { return m_offset == m_bytes.size(); }

private:
  std::string_view m_bytes;
  size_t m_offset = 0;
};

void put_key(std::string& out, const FileKey& key) {
  put_number(out, key.device);
  put_number(out, key.inode);
  put_number(out, static_cast<unsigned long long>(key.size));
  put_number(out, static_cast<unsigned long long>(key.mtime_ns));
  put_number(out, static_cast<unsigned long long>(key.ctime_ns));
}

bool read_key(Reader& in, FileKey& key) {
  return in.number(key.device) && in.number(key.inode) && in.signed_number(key.size) &&
         in.signed_number(key.mtime_ns) && in.signed_number(key.ctime_ns);
}

// A section without its SQL, which is read from the file when it runs (with_sql()).
void put_section(std::string& out, const Section& s) {
  put_number(out, (s.present ? 1 : 0) | (s.transactional ? 2 : 0) | (s.own_transactions ? 4 : 0));
  put_number(out, static_cast<unsigned long long>(s.first_line));
}

bool read_section(Reader& in, Section& s) {
  unsigned long long flags = 0;
  unsigned long long line = 0;
  if (!in.number(flags) || !in.number(line)) {
    return false;
  }
  s.present = (flags & 1) != 0;
  s.transactional = (flags & 2) != 0;
  s.own_transactions = (flags & 4) != 0;
  s.first_line = static_cast<int>(line);
  return true;
}

// The fields of a parsed file that a cached entry keeps (the SQL is read when it runs).
void put_record(std::string& out, const MigrationFile& m) {
  put_text(out, m.version);
  put_text(out, m.name);
  put_text(out, m.checksum);
  put_text(out, m.alembic_revision);
  put_section(out, m.up);
  put_section(out, m.down);
}

bool read_record(std::string_view record, MigrationFile& m) {
  Reader in(record);
  bool ok = in.text(m.version) && in.text(m.name) && in.text(m.checksum) && in.text(m.alembic_revision) &&
            read_section(in, m.up) && read_section(in, m.down) && in.done();
  m.sql_loaded = false;
  return ok && !m.version.empty();
}

} // namespace

bool FileKey::operator==(const FileKey& other) const {
  return device == other.device && inode == other.inode && size == other.size && mtime_ns == other.mtime_ns &&
         ctime_ns == other.ctime_ns;
}

std::optional<FileKey> file_key(int dir_fd, const std::string& path) {
  struct stat st {};
  if (::fstatat(dir_fd, path.c_str(), &st, 0) != 0) {
    return std::nullopt;
  }
  return file_key(st);
}

std::optional<FileKey> file_key(const struct stat& st) {
  if (!S_ISREG(st.st_mode)) {
    return std::nullopt;
  }
  return FileKey{static_cast<unsigned long long>(st.st_dev), static_cast<unsigned long long>(st.st_ino),
                 static_cast<long long>(st.st_size), to_ns(st.st_mtim), to_ns(st.st_ctim)};
}

FileCache::FileCache(const std::string& dir) {
  std::string folder = cache_folder();
  if (folder.empty()) {
    return;
  }
  m_path = folder + "/" + util::sha256_hex(util::absolute_path(dir)).substr(0, 32) + ".migrations";
  if (std::optional<std::string> bytes = util::read_file(m_path)) {
    m_bytes = std::move(*bytes);
    if (!decode()) {
      m_entries.clear();
      m_changed = true;  // rewrite what could not be read
    }
  }
}

// The file: the magic line, then per entry its relative path, key and record (each a
// length-prefixed field), in relative-path order.
bool FileCache::decode() {
  size_t magic = std::strlen(k_magic);
  if (m_bytes.compare(0, magic, k_magic) != 0) {
    return false;
  }
  Reader in(std::string_view(m_bytes).substr(magic));
  while (!in.done()) {
    Entry entry;
    if (!in.view(entry.relative) || entry.relative.empty() || !read_key(in, entry.key) || !in.view(entry.record)) {
      return false;
    }
    if (!m_entries.empty() && !(m_entries.back().relative < entry.relative)) {
      return false;
    }
    m_entries.push_back(entry);
  }
  return true;
}

void FileCache::visit(const std::string& folder) { m_visited.push_back(folder); }

bool FileCache::find(const std::string& relative, const FileKey& key, MigrationFile& out) {
  auto it = std::lower_bound(m_entries.begin(), m_entries.end(), relative,
                             [](const Entry& e, const std::string& r) { return e.relative < r; });
  if (it == m_entries.end() || it->relative != relative) {
    return false;
  }
  if (it->key == key && read_record(it->record, out)) {
    it->seen = Seen::kept;
    return true;
  }
  it->seen = Seen::replaced;
  m_changed = true;
  return false;
}

void FileCache::store(const std::string& relative, const FileKey& key, const MigrationFile& parsed) {
  if (m_path.empty()) {
    return;  // no cache folder: nothing would be saved
  }
  timespec now {};
  ::clock_gettime(CLOCK_REALTIME, &now);
  if (to_ns(now) - std::max(key.mtime_ns, key.ctime_ns) <= k_settle_ns) {
    return;
  }
  // Sized up front: a cold run stores a thousand of these while the command waits.
  std::string record;
  record.reserve(8 * 8 + parsed.version.size() + parsed.name.size() + parsed.checksum.size() +
                 parsed.alembic_revision.size());
  put_record(record, parsed);
  std::string encoded;
  encoded.reserve(6 * 8 + record.size());
  put_key(encoded, key);
  put_text(encoded, record);
  m_added.emplace_back(relative, std::move(encoded));
  m_changed = true;
}

void FileCache::save() {
  if (m_path.empty()) {
    return;
  }
  // Entries of files no longer in a folder that was read are dropped.
  auto gone = [this](const Entry& e) {
    return e.seen == Seen::replaced ||
           (e.seen == Seen::no && std::find(m_visited.begin(), m_visited.end(), folder_of(std::string(e.relative))) !=
                                      m_visited.end());
  };
  if (!m_changed && std::none_of(m_entries.begin(), m_entries.end(), gone)) {
    return;
  }
  std::vector<std::pair<std::string, std::string>> entries = std::move(m_added);
  for (const Entry& e : m_entries) {
    if (!gone(e)) {
      std::string encoded;
      put_key(encoded, e.key);
      put_text(encoded, e.record);
      entries.emplace_back(std::string(e.relative), std::move(encoded));
    }
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  size_t size = std::strlen(k_magic);
  for (const auto& [relative, encoded] : entries) {
    size += 8 + relative.size() + encoded.size();
  }
  std::string out;
  out.reserve(size);
  out = k_magic;
  for (const auto& [relative, encoded] : entries) {
    put_text(out, relative);
    out += encoded;
  }
  std::string folder = m_path.substr(0, m_path.rfind('/'));
  if (util::make_dirs(folder, 0700)) {
    // Not synced: a cache a crash damaged fails to decode and is rebuilt.
    util::write_file_atomic(m_path, out, 0600, util::Durability::unsynced);
  }
}

} // namespace agentpg::migrate
