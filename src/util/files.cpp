#include "util/files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace agentpg::util {

namespace {

// errno's reason as a message goes on: "permission denied".
std::string reason(int error) {
  std::string text = std::strerror(error);
  if (!text.empty()) {
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  }
  return text;
}

// Reads the file into `content`; 0, or the errno of the failure.
int read_whole(const std::string& path, std::string& content) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return errno;
  }
  char buffer[65536];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      int error = n < 0 ? errno : 0;
      ::close(fd);
      return error;
    }
    content.append(buffer, static_cast<size_t>(n));
  }
}

} // namespace

std::vector<DirEntry> list_directory(const std::string& path, core::ExitCode code) {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) {
    throw core::Error(code, "cannot read the folder " + path + ": " + reason(errno));
  }
  std::vector<DirEntry> entries;
  while (const dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name == "." || name == "..") {
      continue;
    }
    // d_type spares a stat per entry where the file system reports it.
    bool directory =
        entry->d_type == DT_DIR || ((entry->d_type == DT_UNKNOWN || entry->d_type == DT_LNK) &&
                                    is_directory(path + "/" + name));
    entries.push_back(DirEntry{std::move(name), directory});
  }
  ::closedir(dir);
  std::sort(entries.begin(), entries.end(),
            [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  return entries;
}

std::string read_file(const std::string& path, core::ExitCode code) {
  std::string content;
  if (int error = read_whole(path, content)) {
    throw core::Error(code, "cannot read " + path + ": " + reason(error));
  }
  return content;
}

std::optional<std::string> try_read_file(const std::string& path) {
  std::string content;
  if (read_whole(path, content) != 0) {
    return std::nullopt;
  }
  return content;
}

bool write_file_atomic(const std::string& path, const std::string& content, unsigned mode) {
  std::string tmp = path + ".tmp-" + std::to_string(getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) {
    return false;
  }
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      int error = n == 0 ? EIO : errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      errno = error;
      return false;
    }
    written += static_cast<size_t>(n);
  }
  bool ok = ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    int error = errno;
    ::unlink(tmp.c_str());
    errno = error;
    return false;
  }
  return true;
}

bool make_dirs(const std::string& path, unsigned mode) {
  if (path.empty() || is_directory(path)) {
    return true;
  }
  size_t slash = path.find_last_of('/');
  if (slash != std::string::npos && slash > 0 && !make_dirs(path.substr(0, slash), mode)) {
    return false;
  }
  return ::mkdir(path.c_str(), mode) == 0 || errno == EEXIST;
}

std::string make_temp_dir(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/" + prefix + "XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw core::Error(core::ExitCode::unexpected,
                      "cannot create a temporary folder " + pattern + ": " + reason(errno),
                      "set TMPDIR to a writable folder");
  }
  return pattern;
}

bool remove_tree(const std::string& path) {
  auto remove_one = [](const char* entry, const struct stat*, int, struct FTW*) {
    return ::remove(entry) == 0 || errno == ENOENT ? 0 : -1;
  };
  // FTW_DEPTH: a folder's entries before the folder; FTW_PHYS: links are not followed.
  return ::nftw(path.c_str(), remove_one, 16, FTW_DEPTH | FTW_PHYS) == 0;
}

bool make_dirs_ignored_by_git(const std::string& path, const std::string& comment, unsigned mode) {
  if (is_directory(path)) {
    return true;
  }
  if (!make_dirs(path, mode)) {
    return false;
  }
  // O_EXCL: a .gitignore that appeared meanwhile is someone's, not ours to replace.
  std::string ignore = path + "/.gitignore";
  int fd = ::open(ignore.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd >= 0) {
    std::string content = "# " + comment + "\n*\n";
    bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
    ok = ::close(fd) == 0 && ok;
    if (!ok) {
      ::unlink(ignore.c_str());
    }
  }
  // The folder exists: a .gitignore that could not be written costs only a noisy git status.
  return true;
}

bool path_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::optional<unsigned> file_mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return std::nullopt;
  }
  return static_cast<unsigned>(st.st_mode & 07777);
}

std::string parent_folder(const std::string& path) {
  size_t slash = path.find_last_not_of('/') == std::string::npos
                     ? std::string::npos
                     : path.rfind('/', path.find_last_not_of('/'));
  if (slash == std::string::npos) {
    return ".";
  }
  size_t end = path.find_last_not_of('/', slash);
  return end == std::string::npos ? "/" : path.substr(0, end + 1);
}

std::string absolute_path(const std::string& path) {
  if (!path.empty() && path[0] == '/') {
    return path;
  }
  char cwd[PATH_MAX];
  if (::getcwd(cwd, sizeof cwd) == nullptr) {
    return path;
  }
  std::string base(cwd);
  if (path.empty() || path == ".") {
    return base;
  }
  return base + "/" + (path.rfind("./", 0) == 0 ? path.substr(2) : path);
}

} // namespace agentpg::util
