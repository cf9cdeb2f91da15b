#!/usr/bin/env bash
# The folder graph points one way (ARCHITECTURE.md): scripts/check-layers passes on src/,
# and fails, naming file and line, on each kind of include it exists to stop.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
check=$root/scripts/check-layers
"$check" "$root/src"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
expect_refused() {  # FILE CONTENT EXPECTED-MESSAGE
  rm -rf "$scratch/src" && mkdir -p "$scratch/src/$(dirname "$1")"
  printf '%s\n' "$2" > "$scratch/src/$1"
  if out=$("$check" "$scratch/src" 2>&1); then
    echo "check-layers accepted $1: $2" >&2; exit 1
  fi
  grep -qF -- "$3" <<<"$out" || { echo "unexpected message for $1: $out" >&2; exit 1; }
}
expect_refused migrate/runner.cpp '#include "seed/loader.hpp"' 'src/migrate/runner.cpp:1: migrate/ must not include seed/loader.hpp'
expect_refused migrate/runner.cpp '#include "ops/context.hpp"' 'migrate/ must not include ops/context.hpp'
expect_refused pg/connection.cpp '#include "migrate/history.hpp"' 'pg/ must not include migrate/history.hpp'
expect_refused config/config.cpp '#include "local/cluster.hpp"' 'config/ must not include local/cluster.hpp'
expect_refused core/output.cpp '#include "config/config.hpp"' 'core/ must not include config/config.hpp'
expect_refused cli/app.cpp '#include "migrate/plan.hpp"' 'cli/ must not include migrate/plan.hpp'
expect_refused seed/loader.cpp '#include <libpq-fe.h>' 'only pg/ includes <libpq-fe.h>'
expect_refused migrate/files.cpp '#include <pg_query.h>' 'only sql/ includes <pg_query.h>'
expect_refused ops/check.cpp '#include <hiredis/hiredis.h>' 'only redis/ includes <hiredis/hiredis.h>'
expect_refused redis/client.cpp '#include "pg/connection.hpp"' 'redis/ must not include pg/connection.hpp'
expect_refused seed/files.cpp '#include <yaml.h>' 'only util/ includes <yaml.h>'
expect_refused newfolder/x.cpp '#include "util/files.hpp"' "folder 'newfolder' has no place in the layers"
# What is allowed stays allowed.
rm -rf "$scratch/src" && mkdir -p "$scratch/src/ops"
printf '#include "migrate/runner.hpp"\n#include "config/config.hpp"\n' > "$scratch/src/ops/x.cpp"
"$check" "$scratch/src"
