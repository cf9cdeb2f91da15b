#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <string>

#include "scratch_folder.hpp"
#include "util/files.hpp"

using agentpg::util::DirEntry;
using agentpg::util::file_mode;
using agentpg::util::list_directory;
using agentpg::util::parent_folder;
using agentpg::util::read_file;
using agentpg::util::try_read_file;
using agentpg::util::write_file_atomic;

using Folder = agentpg::test::ScratchFolder;

namespace {

// The message of the core::Error that `f` throws, or "" when it throws none.
template <typename F> std::string error_of(F f) {
  try {
    f();
  } catch (const agentpg::core::Error& e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST_SUITE("util::files") {
  TEST_CASE("list_directory lists folders in name order, telling folders (and links to them)") {
    Folder folder({{"b.sql", ""}, {"a.sql", ""}, {"sub/x.sql", ""}});
    REQUIRE(::symlink((folder.path + "/sub").c_str(), (folder.path + "/link").c_str()) == 0);
    std::vector<std::pair<std::string, bool>> listed;
    for (const DirEntry& entry : list_directory(folder.path)) {
      listed.emplace_back(entry.name, entry.directory);
    }
    CHECK(listed == std::vector<std::pair<std::string, bool>>{
                        {"a.sql", false}, {"b.sql", false}, {"link", true}, {"sub", true}});
  }

  TEST_CASE("list_directory says why a folder cannot be read") {
    Folder folder;
    folder.write("file", "x");
    CHECK(error_of([&] { list_directory(folder.path + "/missing"); }) ==
          "cannot read the folder " + folder.path + "/missing: no such file or directory");
    CHECK(error_of([&] { list_directory(folder.path + "/file"); }) ==
          "cannot read the folder " + folder.path + "/file: not a directory");
  }

  TEST_CASE("read_file says why a file cannot be read") {
    Folder folder;
    folder.write("a.sql", "SELECT 1;\n");
    CHECK(read_file(folder.path + "/a.sql") == "SELECT 1;\n");
    CHECK(error_of([&] { read_file(folder.path + "/missing.sql"); }) ==
          "cannot read " + folder.path + "/missing.sql: no such file or directory");
    // A folder cannot be read as a file, whoever asks (root reads files whatever their mode).
    CHECK(error_of([&] { read_file(folder.path); }) ==
          "cannot read " + folder.path + ": is a directory");
    CHECK(try_read_file(folder.path) == std::nullopt);
    if (::geteuid() != 0) {
      ::chmod((folder.path + "/a.sql").c_str(), 0);
      CHECK(error_of([&] { read_file(folder.path + "/a.sql"); }) ==
            "cannot read " + folder.path + "/a.sql: permission denied");
    }
  }

  TEST_CASE("write_file_atomic replaces a file whole and leaves no temporary file") {
    Folder folder;
    std::string path = folder.path + "/state";
    CHECK(write_file_atomic(path, "first", 0600));
    CHECK(write_file_atomic(path, "second", 0600));
    CHECK(read_file(path) == "second");
    CHECK_FALSE(write_file_atomic(folder.path + "/no/such/folder/file", "x"));
    CHECK(errno == ENOENT);
    CHECK(std::system(("test \"$(ls '" + folder.path + "')\" = state").c_str()) == 0);
  }

  TEST_CASE("file_mode reads the permission bits, nullopt when nothing is there") {
    Folder folder;
    std::string path = folder.path + "/page";
    CHECK_FALSE(file_mode(path).has_value());
    CHECK(write_file_atomic(path, "x", 0600));
    CHECK(file_mode(path) == 0600u);
  }

  TEST_CASE("parent_folder is the folder that holds a path") {
    CHECK(parent_folder("a/b/c") == "a/b");
    CHECK(parent_folder("report.html") == ".");
    CHECK(parent_folder("/report.html") == "/");
    CHECK(parent_folder("a//b/") == "a");
    CHECK(parent_folder("nowhere/report.html") == "nowhere");
  }
}
