#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "scratch_folder.hpp"
#include "util/files.hpp"

using agentpg::util::read_file;
using agentpg::util::write_file_atomic;

using Folder = agentpg::test::ScratchFolder;

TEST_SUITE("util::files") {
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
