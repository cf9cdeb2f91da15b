#pragma once
// A cache of parsed native migration files, so that a run with nothing to do (the
// container entrypoint's `migrate`, `status`) stats each file instead of reading,
// parsing and hashing it: 1,000 files cost ~5 ms read, ~1 ms stat'ed.
//
// An entry is used only when the file's device, inode, size, mtime and ctime are all
// those recorded with it. Any write to a file changes its ctime, which nobody can set
// back; a file changed within a clock tick of being cached is the one case stat cannot
// see, so files modified in the last few seconds are never cached ("racily clean" in
// git's terms). The cache lives in $XDG_CACHE_HOME/agentpg (or ~/.cache/agentpg), one
// file per migrations folder; deleting it is always safe, and a cache that cannot be
// read or written is simply not used.
#include <sys/stat.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "migrate/files.hpp"

namespace agentpg::migrate {

// What stat says of a file; equal keys mean an unchanged file.
struct FileKey {
  unsigned long long device = 0;
  unsigned long long inode = 0;
  long long size = -1;
  long long mtime_ns = 0;
  long long ctime_ns = 0;

  bool operator==(const FileKey& other) const;
};

// The key of `path` (following symlinks), relative to the folder open as `dir_fd` (or
// AT_FDCWD); std::nullopt when it is not a regular file.
std::optional<FileKey> file_key(int dir_fd, const std::string& path);
// The key of what fstat() said; std::nullopt when it is not a regular file.
std::optional<FileKey> file_key(const struct stat& st);

class FileCache {
public:
  // The cache of migrations folder `dir`; empty when there is none or it is unreadable.
  explicit FileCache(const std::string& dir);

  // True when nothing is cached (the first run, a new container): no file can be found.
  bool empty() const { return m_entries.empty(); }

  // Says that `folder` ("" for the root) is being read: its files not found or stored
  // in this run are dropped from the cache when it is saved.
  void visit(const std::string& folder);
  // Fills `out` with the parsed file at `relative` (its path inside the migrations
  // folder) when cached under `key`; its SQL is not cached (MigrationFile::sql_loaded).
  bool find(const std::string& relative, const FileKey& key, MigrationFile& out);
  // Records a freshly parsed file, unless it was modified too recently to trust its key.
  void store(const std::string& relative, const FileKey& key, const MigrationFile& parsed);
  // Writes the cache back when it changed; failures are ignored.
  void save();

private:
  enum class Seen { no, kept, replaced };
  struct Entry {
    std::string_view relative;  // views into m_bytes
    FileKey key;
    std::string_view record;    // the encoded fields after the key
    Seen seen = Seen::no;
  };
  bool decode();

  std::string m_path;  // "" when there is no cache folder
  std::string m_bytes;
  std::vector<Entry> m_entries;  // in `relative` order
  std::vector<std::pair<std::string, std::string>> m_added;  // relative, encoded key and record
  std::vector<std::string> m_visited;
  bool m_changed = false;
};

} // namespace agentpg::migrate
