#pragma once
// PostgreSQL's client programs (pg_dump, pg_restore, psql): finding the one whose major
// version fits the server, and the arguments agentpg runs them with. Secrets never go on a
// command line (visible in ps): the password travels in the child's PGPASSWORD, every
// other secret libpq knows (sslpassword has no variable) in a private service file.
#include <map>
#include <string>
#include <string_view>
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

// The libpq conninfo for a child, without any secret option (secret_options()).
std::string child_conninfo(const pg::ConnParams& params);

// The secrets of `params` as a child program receives them: PGPASSWORD for the password;
// the others (sslpassword, ...) in a mode 0600 temporary service file named by
// PGSERVICEFILE and PGSERVICE, removed when this object goes. Throws core::Error (usage)
// for a secret a service file cannot carry (a line break, trailing blanks) and for
// secrets besides the password combined with the user's own `service`.
class ChildSecrets {
public:
  explicit ChildSecrets(const pg::ConnParams& params);
  ~ChildSecrets();
  ChildSecrets(const ChildSecrets&) = delete;
  ChildSecrets& operator=(const ChildSecrets&) = delete;

  // What to add to the child's environment.
  const std::map<std::string, std::string>& environment() const { return m_environment; }
  // The service file, or "" when none was needed.
  const std::string& service_file() const { return m_service_file; }

private:
  std::map<std::string, std::string> m_environment;
  std::string m_service_file;
};

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
// `items`: whether pg_restore names on stderr each archive item as it begins (--verbose),
// for a progress line; restore_item() reads those lines.
enum class ItemLog { off, on };
std::vector<std::string> restore_arguments(const Tool& pg_restore, const pg::ConnParams& target,
                                           int jobs, const std::string& archive,
                                           ItemLog items = ItemLog::off);
std::vector<std::string> list_arguments(const Tool& pg_restore, const std::string& archive);
// The number of items `pg_restore --list` printed (its lines that are not ';' comments).
size_t listed_items(const std::string& list_output);
// What a line of pg_restore --verbose says it begins ('creating TABLE "public.a"',
// 'processing data for table "public.a"'), one line per archive item listed; "" for its
// other lines.
std::string restore_item(std::string_view line);
// pg_restore's stderr without the lines of --verbose: what is left of a failure is what it
// says without it.
std::string without_verbose_lines(const std::string& err);
// pg_restore writing the whole archive as SQL to /dev/null: it reads and decompresses every
// data block, so a cut or damaged archive fails.
std::vector<std::string> read_all_arguments(const Tool& pg_restore, const std::string& archive);
std::vector<std::string> psql_file_arguments(const Tool& psql, const pg::ConnParams& target,
                                             const std::string& file);

} // namespace agentpg::pg
