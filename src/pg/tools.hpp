#pragma once
// PostgreSQL's client programs (pg_dump, pg_restore, psql): finding the one whose major
// version fits the server, and the arguments agentpg runs them with. Passwords never go
// on a command line (visible in ps): they travel in the child's PGPASSWORD.
#include <map>
#include <string>
#include <vector>

#include "pg/conn_params.hpp"

namespace agentpg::pg {

struct Tool {
  std::string path;
  int major = 0;
};

// Debian's folder of a major release's programs: /usr/lib/postgresql/<major>/bin.
std::string debian_bindir(int major);
// The major releases whose Debian folder holds `program`, oldest first.
std::vector<int> installed_majors(const std::string& program);

// The named program with a major version >= server_major: next to the server's own
// programs, in /usr/lib/postgresql/<major>/bin, or on PATH. Throws core::Error (exit 2)
// naming the version needed when only an older one (or none) is there.
Tool find_tool(const std::string& name, int server_major);

// The libpq conninfo for a child, without the password; and the child's environment
// that carries it.
std::string child_conninfo(const pg::ConnParams& params);
std::map<std::string, std::string> child_environment(const pg::ConnParams& params);

enum class DumpFormat { custom, directory, plain };
const char* format_name(DumpFormat format);
const char* format_extension(DumpFormat format);

struct DumpRequest {
  DumpFormat format = DumpFormat::custom;
  int jobs = 1;
  int compress = -1; // -1: pg_dump's default
  bool schema_only = false;
  std::string snapshot; // an exported snapshot to dump (pg_dump --snapshot); "" = its own
};

std::vector<std::string> dump_arguments(const Tool& pg_dump, const pg::ConnParams& params,
                                        const DumpRequest& request, const std::string& output);
std::vector<std::string> restore_arguments(const Tool& pg_restore, const pg::ConnParams& target,
                                           int jobs, const std::string& archive);
std::vector<std::string> list_arguments(const Tool& pg_restore, const std::string& archive);
// pg_restore writing the whole archive as SQL to /dev/null: it reads and decompresses every
// data block, so a cut or damaged archive fails.
std::vector<std::string> read_all_arguments(const Tool& pg_restore, const std::string& archive);
std::vector<std::string> psql_file_arguments(const Tool& psql, const pg::ConnParams& target,
                                             const std::string& file);

} // namespace agentpg::pg
