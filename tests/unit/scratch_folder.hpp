#pragma once
// A folder under /tmp for one test, holding the files it was given, removed with
// everything in it when the test ends.
#include <stdlib.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace agentpg::test {

struct ScratchFolder {
  std::string path;

  explicit ScratchFolder(const std::vector<std::pair<std::string, std::string>>& files = {}) {
    char tmpl[] = "/tmp/agentpg-test-XXXXXX";
    path = mkdtemp(tmpl);
    for (const auto& [relative, text] : files) {
      write(relative, text);
    }
  }
  ~ScratchFolder() { std::system(("rm -rf '" + path + "'").c_str()); }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;

  // Writes `text` to `relative`, making the folders on its way.
  void write(const std::string& relative, const std::string& text) const {
    std::string full = path + "/" + relative;
    std::system(("mkdir -p \"$(dirname '" + full + "')\"").c_str());
    std::ofstream(full) << text;
  }
};

} // namespace agentpg::test
