#pragma once
// File helpers: whole-file reads and writes, and folder listings, that report the path on
// failure.
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace agentpg::util {

struct DirEntry {
  std::string name;
  bool directory = false; // a folder, or a symbolic link to one
};

// The entries of folder `path`, without "." and "..", in byte order of name. Throws
// core::Error (exit `code`) saying why when it cannot be read: "cannot read the folder
// PATH: permission denied".
std::vector<DirEntry> list_directory(const std::string& path,
                                     core::ExitCode code = core::ExitCode::usage);

// The file's bytes. Throws core::Error (exit `code`) saying why it cannot be read:
// "cannot read PATH: permission denied".
std::string read_file(const std::string& path, core::ExitCode code = core::ExitCode::usage);
// The file's bytes, or std::nullopt when it cannot be read, whatever the reason: for files
// whose absence is an answer in itself (a local cluster's port file, a backup's manifest).
std::optional<std::string> try_read_file(const std::string& path);

// Writes to `path.tmp-<pid>`, fsyncs, then renames, so a reader never sees half a file.
// Returns false (and leaves no temporary file) on failure, with errno saying why.
bool write_file_atomic(const std::string& path, const std::string& content, unsigned mode = 0644);

// Creates the directory and its parents; false on failure.
bool make_dirs(const std::string& path, unsigned mode = 0755);

// make_dirs, and when that creates the folder itself, a `.gitignore` in it holding `*`
// (after the comment line `# <comment>`), so that version control ignores what goes in it.
// An existing folder is left alone, and an existing .gitignore is never overwritten.
bool make_dirs_ignored_by_git(const std::string& path, const std::string& comment,
                              unsigned mode = 0755);

// A new private (0700) folder under $TMPDIR (else /tmp) named `<prefix>XXXXXX`. Throws
// core::Error (exit 1) saying why it cannot be made.
std::string make_temp_dir(const std::string& prefix);
// Deletes the folder and everything in it (symbolic links are removed, not followed);
// false when something could not be removed.
bool remove_tree(const std::string& path);

bool path_exists(const std::string& path);
// The permission bits (07777) of what is at `path`, or nullopt when nothing is there.
std::optional<unsigned> file_mode(const std::string& path);
// The folder that holds `path`: "a/b/c" -> "a/b", "c" -> ".", "/c" -> "/".
std::string parent_folder(const std::string& path);
bool is_directory(const std::string& path);
std::string absolute_path(const std::string& path);

} // namespace agentpg::util
