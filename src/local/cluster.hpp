#pragma once
// The project-local PostgreSQL: a private cluster in `.agentpg/` (initdb + pg_ctl), on a
// unix socket inside that folder and a free 127.0.0.1 port. When agentpg runs as root
// the server runs as another account (initdb refuses root). The test suite starts its
// clusters with this same code.
#include <string>
#include <vector>

#include "pg/conn_params.hpp"

namespace agentpg::core {
class Output;
}

namespace agentpg::local {

struct ClusterSettings {
  std::string dir;      // absolute path of the cluster folder
  std::string run_user; // account to run the server as when agentpg runs as root
  std::string database; // created with the cluster, so --local works from the first command
};

enum class State { absent, stopped, running };

struct ClusterStatus {
  State state = State::absent;
  int port = 0;
  std::string data_dir;
  std::string socket_dir;
  std::string log_file;
  std::string server_version; // "15.18"
};

class Cluster {
public:
  explicit Cluster(ClusterSettings settings);

  ClusterStatus status() const;
  // Initialises the cluster (and its database) when absent and starts it when stopped; safe to call
  // from several processes at once (they serialise on a lock file in the folder).
  ClusterStatus ensure_running(const core::Output& out) const;
  // Stops the server when it runs; returns false when it was not running.
  bool stop() const;
  // Stops the server and deletes the folder.
  void destroy() const;
  // Connection parameters for `database` over the cluster's unix socket.
  pg::ConnParams params(const std::string& database) const;

private:
  std::string path(const char* name) const;
  std::string socket_dir() const;
  int read_port() const;
  void initialise(const core::Output& out) const;
  void start(const core::Output& out) const;
  void write_server_config(int port) const;
  void create_database() const;
  void run_tool(const std::string& tool, std::vector<std::string> args, const char* what) const;

  ClusterSettings m_settings;
};

// The folder of PostgreSQL's server programs (initdb, pg_ctl): $AGENTPG_PG_BINDIR, else
// the newest /usr/lib/postgresql/<major>/bin, else wherever initdb is on PATH.
// Throws core::Error (usage) saying how to install them when there are none.
std::string find_server_bindir();

} // namespace agentpg::local
