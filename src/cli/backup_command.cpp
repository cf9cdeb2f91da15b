#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "ops/backup.hpp"

namespace agentpg::cli {

void wire_backup(CLI::App* cmd, Runtime& runtime) {
  auto options = std::make_shared<ops::BackupCommand>();
  cmd->require_subcommand(0, 1);
  cmd->add_option("--format", options->format, "custom, directory or plain")
      ->check(CLI::IsMember({"custom", "directory", "plain"}))
      ->capture_default_str();
  cmd->add_option("--jobs", options->jobs, "parallel jobs (directory format)")
      ->capture_default_str();
  cmd->add_option("--compress", options->compress, "compression level 0-9 (default: pg_dump's)");
  cmd->add_option("--output", options->output,
                  "folder for the backup (default: the backup_dir setting, backups)")
      ->type_name("DIR");
  cmd->add_option("--keep", options->keep,
                  "afterwards, delete this database's oldest backups beyond N (at least 1)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--schema-only", options->schema_only, "the schema without data");
  cmd->add_flag("--verify", options->verify,
                "check the checksum and read the archive back after writing it");
  cmd->callback([&runtime, options, cmd] {
    if (cmd->get_subcommands().empty()) {
      runtime.action = [options](ops::Context& ctx) { return ops::run_backup(ctx, *options); };
    }
  });
  auto verify_options = std::make_shared<ops::VerifyCommand>();
  CLI::App* verify = cmd->add_subcommand(
      "verify", "check a backup against its manifest and read every data block with pg_restore");
  verify->add_option("file", verify_options->file, "the backup")->required()->type_name("FILE");
  verify->add_flag("--restore", verify_options->restore,
                   "also restore it into a scratch database (always dropped) and compare each "
                   "table's row count with the manifest");
  verify->callback([&runtime, verify_options] {
    runtime.action = [verify_options](ops::Context& ctx) {
      return ops::run_verify(ctx, *verify_options);
    };
  });
  CLI::App* list =
      cmd->add_subcommand("list", "the backups in the folder, with size, age and latest migration");
  auto list_dir = std::make_shared<std::string>();
  list->add_option("dir", *list_dir, "the folder (default: --output, else the backup_dir setting)")
      ->type_name("DIR");
  list->callback([&runtime, options, list_dir] {
    if (!list_dir->empty() && !options->output.empty() && *list_dir != options->output) {
      throw core::Error(
          core::ExitCode::usage,
          fmt::format("backup list: two folders ({} and --output {})", *list_dir, options->output),
          "name the folder once");
    }
    std::string dir = list_dir->empty() ? options->output : *list_dir;
    bool named = !dir.empty();
    runtime.action = [dir, named](ops::Context& ctx) { return ops::run_list(ctx, dir, named); };
  });
}

void wire_restore(CLI::App* cmd, Runtime& runtime) {
  auto options = std::make_shared<ops::RestoreCommand>();
  cmd->add_option("file", options->file, "the backup (its manifest sits beside it)")
      ->required()
      ->type_name("FILE");
  cmd->add_option("--target-db", options->target_db,
                  "restore into this new database (default: the configured one)")
      ->type_name("NAME");
  cmd->add_option("--jobs", options->jobs, "parallel jobs (custom and directory formats)")
      ->capture_default_str();
  cmd->add_flag("--clean", options->clean,
                "replace the database when it exists (guarded): the backup is restored into a "
                "new database and checked, then swapped in by renaming; on any failure the "
                "existing database is untouched");
  cmd->callback([&runtime, options] {
    runtime.action = [options](ops::Context& ctx) { return ops::run_restore(ctx, *options); };
  });
}

} // namespace agentpg::cli
