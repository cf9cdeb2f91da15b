#include <fmt/format.h>

#include "cli/spec.hpp"
#include "config/settings.hpp"
#include "ops/lint.hpp"
#include "util/strings.hpp"

namespace agentpg::cli {

namespace {

// Text made safe for roff: backslashes, leading dots and quotes, and option dashes.
std::string roff(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) {
    out = "\\&" + out;
  }
  return out;
}

std::string option_item(const OptionSpec& o) {
  std::vector<std::string> names;
  for (const auto& n : o.names) {
    names.push_back("\\fB" + roff(n) + "\\fR");
  }
  std::string head = util::join(names, ", ");
  if (!o.value_name.empty()) {
    head += " \\fI" + roff(o.value_name) + "\\fR";
  }
  std::string help = roff(o.help);
  if (!o.default_value.empty()) {
    help += " (default: " + roff(o.default_value) + ")";
  }
  return fmt::format(".TP\n{}\n{}\n", head, help);
}

// Every key of agentpg.yaml, from the one table of settings: its flag, its variables, its
// default and what it does.
std::string configuration_section() {
  std::string out =
      ".SH CONFIGURATION\n"
      "Settings come from \\fBagentpg.yaml\\fR in the working directory (or "
      "\\fB\\-\\-config\\fR),\n"
      "the environment, a \\fB.env\\fR file and the command line (see ENVIRONMENT for the\n"
      "order). In agentpg.yaml a dotted key is a nested map: \\fBinit.seed: true\\fR is written\n"
      "\\fBinit:\\fR with \\fBseed: true\\fR under it. A list is a YAML sequence or a\n"
      "comma\\-separated string; a boolean is true/false, yes/no, on/off or 1/0; seconds are a\n"
      "whole number. An unknown key is an error naming the file, the line and the likely key\n"
      "(exit 2).\n";
  for (const config::SettingSpec& spec : config::settings()) {
    std::vector<std::string> where;
    if (spec.flag != nullptr) {
      for (const auto& flag : util::split(spec.flag, ',')) {
        where.push_back("\\fB" + roff(flag) + "\\fR");
      }
    }
    if (spec.field.is(&config::Config::database_url)) {
      where.push_back("\\fBDATABASE_URL\\fR (or the variable \\fBurl_env\\fR names)");
    }
    where.push_back("\\fB" + roff(config::env_name(spec)) + "\\fR");
    if (spec.env_alias != nullptr) {
      where.push_back("\\fB" + roff(spec.env_alias) + "\\fR");
    }
    std::string help = roff(spec.help);
    if (*spec.default_value != '\0') {
      help += " [default: " + roff(spec.default_value) + "]";
    }
    out += fmt::format(".TP\n\\fB{}\\fR ({})\n{}\n", roff(spec.key), util::join(where, ", "), help);
  }
  return out;
}

// Every rule of `agentpg lint`, from the rule table itself.
std::string lint_rules_section() {
  std::string out =
      ".SH LINT RULES\n\\fBlint\\fR checks migration files offline with PostgreSQL's own "
      "parser. A rule is switched off in agentpg.yaml (\\fBlint: {disable: "
      "[\\fR\\fIrule\\fR\\fB]}\\fR), "
      "for one statement by a comment on a line above it (\\fB\\-\\- agentpg\\-lint: "
      "disable=\\fR\\fIrule\\fR, then why), and for a file by the same comment with "
      "\\fBdisable\\-file=\\fR. Severity, then squawk's rule of the same meaning where it has "
      "one:\n";
  for (const ops::LintRuleText& rule : ops::lint_rule_texts()) {
    out += fmt::format(".TP\n\\fB{}\\fR ({}{})\n{}\n", roff(rule.id), rule.severity,
                       rule.squawk.empty() ? "" : "; squawk: " + roff(rule.squawk),
                       roff(rule.summary));
  }
  return out;
}

const char* k_sections = R"(.SH ENVIRONMENT
.TP
\fBDATABASE_URL\fR
The database, as a postgresql:// URL (postgres://, postgresql+asyncpg:// and other
+driver forms work too) or a libpq key=value string. Another variable can hold it:
\fB\-\-url\-env\fR or \fBurl_env:\fR.
.TP
\fBDATABASE_DIRECT_URL\fR
The database itself, past any connection pooler (Prisma's \fBdirectUrl\fR): when set, the
commands that take the migration lock or change the schema or the data connect here,
and \fBstatus\fR, \fBcheck\fR and \fBwait\fR through \fBDATABASE_URL\fR. A command that takes
the migration lock (a session\-level advisory lock) through a pooler in transaction mode
stops before it changes anything (exit 2) and asks for this URL; see the README's
"Connection poolers".
.TP
\fBAGENTPG_\fR\fIKEY\fR
Every setting of agentpg.yaml, e.g. \fBAGENTPG_LOCK_TIMEOUT=20\fR; see GLOBAL OPTIONS.
\fBAGENTPG_ENV\fR is the same as \fBAGENTPG_ENVIRONMENT\fR.
.TP
\fBDATABASE_AUTO_MIGRATE\fR, \fBDATABASE_SEED_DATA\fR
Whether \fBinit\fR migrates (default true) and seeds (default false).
.TP
\fBNO_COLOR\fR
When set and not empty, no colour.
.TP
\fBPGHOST\fR, \fBPGPORT\fR, \fBPGUSER\fR, \fBPGPASSWORD\fR, \fBPGDATABASE\fR, \fBPGSSLMODE\fR, \fBPGSERVICE\fR
libpq's own defaults, used when no URL is configured; ~/.pgpass and service files work as in psql.
.TP
\fBAGENTPG_PG_BINDIR\fR
Where PostgreSQL's server programs are, for the project\-local server.
.TP
\fBAGENTPG_MAINTAIN_TASKS_RETENTION\fR, \fB..._METRICS_RETENTION\fR, \fB..._AUDIT_RETENTION\fR
The windows of \fBmaintain\fR's retention job: whole numbers with PostgreSQL interval units
(\fB90 days\fR, \fB1 year\fR, \fB48 hours\fR), checked by agentpg. A bare number, a
negative or zero window, or one shorter than its minimum (1 day; 7 days for the audit log)
is a configuration error (exit 2) before anything is deleted, unless
\fBAGENTPG_MAINTAIN_ALLOW_SHORT_RETENTION=true\fR lets a short one through.
.PP
Precedence, highest first: command\-line flags, the environment, a \fB.env\fR file (never
overriding the real environment), \fBagentpg.yaml\fR, libpq's defaults.
.SH SEED FILES
\fBseeds/\fR\fIenvironment\fR\fB/\fR holds \fB.yaml\fR, \fB.csv\fR and \fB.sql\fR files, loaded in
file\-name order in one transaction (a failure anywhere leaves the database as it was).
A file name is \fB[\fR\fINN\fR\fB_]\fR\fIschema\fR\fB.\fR\fItable\fR\fB.\fR\fIext\fR; the
history goes to \fBagentpg.seed_history\fR.
.TP
YAML
A map with \fBtable:\fR (\fIschema.table\fR), \fBkey:\fR (the columns rows are upserted
on; by default a primary key or unique constraint whose columns the rows give) and \fBrows:\fR, a list of maps of column to value. Maps and
lists become json/jsonb, or arrays for array columns. \fB{$ref: \fR\fIschema.table\fR\fB,
\fR\fIcolumn\fR\fB: \fR\fIvalue\fR\fB}\fR stands for the key of another row found by a natural
key. Re\-running a seed leaves the same rows (reported as unchanged).
.TP
CSV
A header row of column names. Copied straight into an empty table; into a table with
rows, upserted on a primary key or unique constraint whose columns are all in the header
(a table with rows and no such key is refused, exit 5).
.TP
SQL
Run statement by statement. \fB\-\- requires: \fR\fImodule\fR skips the file while that
module is not installed; \fB\-\- fills: \fR\fIschema.table\fR tells \fBseed \-\-reset\fR what
it fills.
.PP
A seed for a schema that is neither in the database nor a module folder of the
migrations is an error (exit 5); a module's seeds are skipped, with a notice, while the
module is not installed.
.SH SECRETS AND TLS
Every secret libpq knows (password, sslpassword, and any option libpq's PQconndefaults
marks as secret) is shown as *** in all output, errors and backup manifests. pg_dump,
pg_restore and psql never get one on their command line: the password in PGPASSWORD, the
others in a mode 0600 temporary service file removed afterwards. A URL that cannot be
parsed is quoted with its user\-info masked; a %00 in any part of a URL is refused
(exit 2), shown as %00.
.PP
In the production environment a network connection without TLS is refused (exit 2) unless
plain text was chosen: an explicit \fBsslmode=disable\fR, \fBallow\fR or \fBprefer\fR
(URL or PGSSLMODE), or \fB\-\-allow\-plaintext\fR; then one warning is printed. A unix
socket is local and always accepted. \fBcheck\fR reports the TLS protocol and cipher.
.SH FILES
.TP
\fBagentpg.yaml\fR
Settings, in the working directory (or \fB\-\-config\fR). Read as the YAML seeds are (see
\fBseeds/\fR), with exit 2 for what is refused.
.TP
\fB.env\fR
KEY=VALUE lines, in the working directory (or \fB\-\-env\-file\fR).
.TP
\fBmigrations/\fR
Migration files: \fIversion\fR_\fIname\fR.sql with \fB\-\- migrate:up\fR and \fB\-\- migrate:down\fR
sections (dbmate's format), golang\-migrate .up.sql/.down.sql pairs, or diesel folders; directly in the
folder or in module folders. When it does not exist and no \fBmigrations_dir\fR is configured,
dbmate's \fBdb/migrations/\fR is used, and a notice says so. With no migrations at all,
\fBinit\fR creates nothing and says what to do (exit 2). The five bundled systems'
migrations and seeds are compiled into the binary: \fBbundled write\fR puts them here and
in \fBseeds/\fR, \fBbundled install\fR applies them without any folder.
.TP
\fB\-\- agentpg: vars\fR
Above \fB\-\- migrate:up\fR (or \fBvars_enabled: true\fR for every file): \fB:\(aqname\(aq\fR becomes the
variable's value as a string literal, \fB:"name"\fR as a quoted identifier (quotes doubled;
a backslash makes an E\(aq\(aq literal), and, with \fB\-\- agentpg: vars raw\fR, \fB:name\fR the value as
it is. Values from \fBvars:\fR in agentpg.yaml, \fBAGENTPG_VAR_\fR\fINAME\fR, \fB\-\-var\fR \fINAME\fR=\fIVALUE\fR
(the flag wins). Found by PostgreSQL's scanner, never in strings, comments, dollar quotes or
casts. An unset variable is exit 2 with file and line. The checksum and the history keep
the file as written; \fB\-\-dry\-run\fR shows secrets (names with password, secret, token,
key, or in \fBvars_secret\fR) as ****.
.TP
\fBseeds/\fR\fIenvironment\fR\fB/\fR
Seed data: .yaml, .csv and .sql files, loaded in one transaction. YAML is data, not a
program: anchors and aliases may expand to at most 1,000,000 values and 32 MiB of text
in all, and a key may appear once in a map; either is refused with file:line:column
(exit 5). A seed for a schema that is neither in the database nor a module folder of
\fBmigrations/\fR is an error (exit 5); a module's seeds are skipped while it is not
installed. \fBseed \-\-dry\-run\fR puts back the sequences it moved, and names any
that another session used meanwhile.
A CSV file is copied straight into an empty table; into a table with rows it is
upserted on a primary key or unique constraint whose columns are all in its header, and
refused (exit 5) when the table has none.
.TP
\fB.agentpg/\fR
The project\-local PostgreSQL (\fB\-\-local\fR). Its socket is in \fB.agentpg/run\fR, or, when that path
is too long, in \fB/tmp/agentpg\-\fR\fIhash\fR, made 0700 by agentpg and refused (exit 2) when it is a
symbolic link, another user's, or open to others. When agentpg creates it (and the backup
folder), it writes a \fB.gitignore\fR holding \fB*\fR in it, so git ignores what is inside; an
existing folder or \fB.gitignore\fR is left as it is.
.TP
\fIbackups\fR\fB/\fR\fIdb\fR\fB\-\fR\fItime\fR\fB.dump.manifest.json\fR
A backup's manifest, put in place before the dump is renamed from \fB.partial\fR: a dump always has its
manifest. \fBbackup list\fR shows leftovers apart; \fB\-\-keep\fR deletes only complete backups.
.TP
\fBcheck \-\-html\fR \fIFILE\fR
One self\-contained HTML page (no script, nothing loaded; every value from the database
escaped): sizes as bars, findings by severity with their fix, the migration timeline.
Written under a temporary name and renamed into place; mode 0600 when new, a replaced page
keeps its mode.
.SH DRIFT
.TP
\fBstatus \-\-exit\-code\fR
Exit 5 when a migration failed, or one changed or is missing (drift; not counted with
\fB\-\-allow\-drift\fR), else 1 when some are pending, else 0. \fBstatus \-\-diff\fR and
\fBdiff\fR \fIVERSION\fR show a change against the text kept in the history.
.TP
\fBaccept\fR \fIVERSION\fR...
Records a changed migration's file as it is now as what was applied (checksum and kept
text) and forgets a missing one's history row; nothing is run. Guarded; one transaction
under the migration lock. Pending is exit 2, failed exit 5.
.TP
\fBredo\fR
Reverts the newest \fB\-\-steps\fR applied migrations and applies them again (guarded); an
edited file is reverted with its recorded down section and applied as it is now.
.SH BACKUPS AND RESTORES
.TP
\fBbackup\fR
The manifest beside each backup records its SHA\-256 and each table's exact row count,
counted in the snapshot pg_dump dumps (none for a schema\-only backup).
.TP
\fBbackup verify\fR
The checksum must match the manifest and pg_restore must read every data block (a plain
dump must be complete): a dump cut short fails even when its manifest was rewritten to
match (exit 5). With \fB\-\-restore\fR, the backup is also restored into a scratch
database, which is always dropped, and each table's row count is compared with the
manifest (exit 5 on any difference).
.TP
\fBrestore\fR
The backup is restored into a new database and checked there (pg_restore's status, the
migration history, the row counts) before it is renamed into place. With \fB\-\-clean\fR,
the sessions on the existing database are ended and it is swapped for the new one in one
transaction: it is unavailable only for that moment, and is never lost. On any failure the
existing database is untouched and the new copy is dropped (the message says so).
.SH OTHER TOOLS' WORDS
Aliases with the same meaning: \fBup\fR (migrate), \fBdown\fR (rollback one), \fBcurrent\fR,
\fBhistory\fR, \fBinfo\fR (status), \fBcreate\fR, \fBdrop\fR (create\-db, drop\-db),
\fBgenerate\fR, \fBrevision\fR (new), \fBrepair\fR (accept). \fBdump\fR, \fBload\fR,
\fBverify\fR, \fBvalidate\fR, \fBgoto\fR, \fBforce\fR and \fBclean\fR name the command to
use instead and exit 2.
.SH EXIT STATUS
.TP
0
success
.TP
1
unexpected error (also: \fBstatus \-\-exit\-code\fR with pending migrations, when none
failed, changed or is missing: that is 5)
.TP
2
usage or configuration error (also: \fBinit\fR with no migrations to apply, before it creates anything;
a command that takes the migration lock through a pooler in transaction mode, before it changes anything)
.TP
3
cannot connect or authenticate
.TP
4
SQL failed (that migration or seed was rolled back)
.TP
5
validation failed: changed, missing, failed or out\-of\-order migration, malformed file
.TP
6
gave up waiting for the migration lock
.TP
7
\fBcheck\fR: the schema is not at the latest migration
.TP
8
refused by a guard (confirmation missing, or the production environment)
.TP
130, 143
\fBbackup\fR stopped by SIGINT or SIGTERM, after stopping pg_dump and deleting its unfinished file
.PP
With \fB\-\-json\fR, a failure prints {"command": ..., "error": {"exit_code", "kind",
"message", "hint"}} on stdout, with the same exit code; every document is described by
docs/output.schema.json.
.SH EXAMPLES
.TP
A project\-local database with every bundled schema:
\fBagentpg \-\-local init\fR
.TP
A container entrypoint: wait up to 60 s for the server, create and migrate the database, start the app:
\fBagentpg \-\-wait 60 init && exec "$@"\fR
.TP
Without a clone: install Caracal (and the core helpers it needs) with its demo data, or write its files into the project to edit them:
\fBagentpg bundled install caracal \-\-seed demo\fR; \fBagentpg bundled write caracal\fR
.TP
Start a migration, write it, apply it:
\fBagentpg new add_agents_table\fR; edit the file; \fBagentpg migrate\fR
.TP
Check the migrations for what locks or breaks in production, as GitHub annotations in CI:
\fBagentpg lint \-\-format github\fR
.TP
See the SQL before it runs:
\fBagentpg migrate \-\-dry\-run\fR
.TP
Undo the last two migrations in CI:
\fBagentpg \-\-yes rollback \-\-steps 2\fR
.TP
The database's health as a page for an incident ticket:
\fBagentpg check \-\-html db\-report.html\fR
.SH SEE ALSO
\fBpsql\fR(1), \fBpg_dump\fR(1), \fBpg_restore\fR(1), \fBpg_ctl\fR(1), \fBinitdb\fR(1),
\fBpg_isready\fR(1). The JSON output is described by \fB/usr/share/doc/agentpg/output.schema.json\fR
(\fBdocs/output.schema.json\fR in the source); the README has the full guide.
)";

} // namespace

std::string man_page(const CommandSpec& root) {
  std::string out =
      ".\\\" Generated by 'agentpg manpage' from the CLI definition; do not edit.\n"
      ".TH AGENTPG 1 \"\" \"agentpg " AGENTPG_VERSION "\" \"User Commands\"\n"
      ".SH NAME\nagentpg \\- create, migrate, roll back, seed, check, back up and restore a "
      "PostgreSQL "
      "database\n"
      ".SH SYNOPSIS\n\\fBagentpg\\fR [\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR]\n"
      ".SH DESCRIPTION\n" +
      roff(root.help) + "\n.SH COMMANDS\n";
  for (const auto& c : root.subcommands) {
    std::string usage = "\\fBagentpg " + roff(c.name) + "\\fR";
    for (const auto& p : c.positionals) {
      usage += " \\fI" + roff(util::to_upper(p)) + "\\fR";
    }
    if (!c.subcommands.empty()) {
      std::vector<std::string> subs;
      for (const auto& s : c.subcommands) {
        subs.push_back(roff(s.name));
      }
      usage += " " + util::join(subs, "|");
    }
    out += fmt::format(".SS {}\n{}\n.PP\n{}\n", roff(c.name), usage, roff(c.help));
    for (const auto& s : c.subcommands) {
      out += fmt::format(".TP\n\\fB{}\\fR\n{}\n", roff(s.name), roff(s.help));
    }
    for (const auto& o : c.options) {
      if (o.names.size() == 2 && o.names[1] == "--help") {
        continue;
      }
      out += option_item(o);
    }
  }
  out += ".SH GLOBAL OPTIONS\nThey go before or after the command.\n";
  for (const auto& o : root.options) {
    out += option_item(o);
  }
  out += configuration_section();
  out += lint_rules_section();
  out += k_sections;
  return out;
}

} // namespace agentpg::cli
