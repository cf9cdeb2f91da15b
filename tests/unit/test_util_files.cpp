#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "scratch_folder.hpp"
#include "util/files.hpp"

using agentpg::util::read_file;
using agentpg::util::read_file_at;
using agentpg::util::write_file_atomic;

using Folder = agentpg::test::ScratchFolder;

TEST_SUITE("util::files") {
  TEST_CASE("read_file_at reads a file relative to an open folder, up to the size given") {
    Folder folder;
    std::ofstream(folder.path + "/a.sql") << "SELECT 1;\n";
    int dir_fd = ::open(folder.path.c_str(), O_RDONLY | O_DIRECTORY);
    REQUIRE(dir_fd >= 0);
    CHECK(read_file_at(dir_fd, "a.sql", 10) == std::optional<std::string>("SELECT 1;\n"));
    // The size comes from the caller's stat: a file that grew since is read as it was.
    CHECK(read_file_at(dir_fd, "a.sql", 6) == std::optional<std::string>("SELECT"));
    // One that shrank is read to its end.
    CHECK(read_file_at(dir_fd, "a.sql", 100) == std::optional<std::string>("SELECT 1;\n"));
    CHECK(read_file_at(dir_fd, "missing.sql", 10) == std::nullopt);
    CHECK(read_file_at(AT_FDCWD, folder.path + "/a.sql", 10) == std::optional<std::string>("SELECT 1;\n"));
    // Without a size, the open file is stat'ed on the way and the stat handed back.
    struct stat st {};
    CHECK(read_file_at(dir_fd, "a.sql", st) == std::optional<std::string>("SELECT 1;\n"));
    CHECK(st.st_size == 10);
    CHECK(S_ISREG(st.st_mode));
    ::close(dir_fd);
  }

  TEST_CASE("write_file_atomic replaces a file whole and leaves no temporary file") {
    Folder folder;
    std::string path = folder.path + "/state";
    CHECK(write_file_atomic(path, "first", 0600));
    CHECK(write_file_atomic(path, "second", 0600));
    CHECK(read_file(path) == std::optional<std::string>("second"));
    CHECK_FALSE(write_file_atomic(folder.path + "/no/such/folder/file", "x"));
    CHECK(std::system(("test \"$(ls '" + folder.path + "')\" = state").c_str()) == 0);
  }
}
