# The bundled systems without a clone: the binary alone, copied into an empty folder, lists
# the systems, installs one into a database (migrations with their history, seeds), writes
# one's files into the project byte for byte as the repository has them, and a later
# `migrate` there sees the installed migrations as applied. `init` with no migrations says
# what to do (exit 2) before it creates anything.
source "$(dirname "$0")/lib.sh"
mkdir app
cp "$AGENTPG" app/agentpg
cd app
A=./agentpg
listing() { find . -path ./agentpg -prune -o -print | LC_ALL=C sort; }
q() { sql_value "$1" "$2"; }
fresh() { # fresh NAME: a database name that does not exist yet, dropped at the end
  local name="t_${SCENARIO}_$$_$1"
  forget_db_later "$name"
  echo "$name"
}
exists() { [ "$(psql_db postgres -c "select count(*) from pg_database where datname = '$1'")" = 1 ]; }
repo_modules=$(ls "$AGENTPG_SOURCE/migrations" | LC_ALL=C sort | tr '\n' ' ')

# list: every module of the repository, what each requires, and the seed environments.
run $A bundled list
expect_code 0
for m in $repo_modules; do expect_out "$m"; done
expect_out "agentpg bundled install MODULE"
run $A --json bundled list
expect_code 0
[ "$(json_get '" ".join(sorted(m["name"] for m in d["modules"])) + " "')" = "$repo_modules" ] ||
  fail "bundled modules differ from the repository's: $(out)"
[ "$(json_get '[m["requires"] for m in d["modules"] if m["name"] == "caracal"][0]')" = "['core']" ] ||
  fail "caracal should require core: $(out)"
[ "$(json_get '" ".join(e["name"] for e in d["seed_environments"])')" = "demo development test" ] ||
  fail "seed environments: $(out)"
[ "$(listing)" = "." ] || fail "list wrote something: $(listing)"

# init with no migrations: exit 2, what to do, and no database created.
db=$(fresh init)
run $A --database-url "$(db_url "$db")" init
expect_code 2
expect_err "no migrations to apply: migrations does not exist; init would create an empty database"
expect_err "agentpg bundled write caracal"
expect_err "agentpg new NAME"
exists "$db" && fail "init created the database"
[ "$(listing)" = "." ] || fail "init wrote something: $(listing)"
mkdir migrations
run $A --database-url "$(db_url "$db")" init
expect_code 2
expect_err "no migrations to apply: migrations holds none"
exists "$db" && fail "init created the database"
rmdir migrations

# install: the module and what it requires, history recorded, nothing else installed.
run $A --database-url "$(db_url "$db")" bundled install caracal --seed demo
expect_code 0
expect_out "created database $db"
expect_out "installed core, caracal: applied 2 migrations (empty -> 20240102000000)"
expect_out "seeded demo from 2 files"
expect_no "skipped" # the other systems' seeds were not asked for
[ "$(q "$db" "select string_agg(module || ':' || version || ':' || status, ',' order by version) from agentpg.schema_migrations")" = \
  "core:20240101000000:applied,caracal:20240102000000:applied" ] || fail "history: $(q "$db" "table agentpg.schema_migrations")"
[ "$(q "$db" "select to_regclass('caracal.ledger_events') is not null and to_regclass('chad.runs') is null")" = t ] ||
  fail "caracal not installed, or chad installed too"
[ "$(q "$db" "select count(*) > 0 from caracal.agent_identities")" = t ] || fail "demo seeds not loaded"
[ "$(q "$db" "select count(*) from agentpg.seed_history")" -ge 1 ] || fail "no seed history"
[ "$(listing)" = "." ] || fail "install wrote into the folder: $(listing)"
run $A --database-url "$(db_url "$db")" bundled install caracal
expect_code 0
expect_out "core, caracal: installed already, nothing to migrate"
# A second system joins the first in the same history (chad needs nothing else).
run $A --database-url "$(db_url "$db")" --json bundled install chad
expect_code 0
[ "$(json_get 'd["applied"], d["modules"], d["schema_version"], d["seed"]')" = "(1, ['chad'], '20240103000000', None)" ] ||
  fail "install chad: $(out)"
run $A --database-url "$(db_url "$db")" bundled install caracl
expect_code 2
expect_err "'caracl' is not a bundled module"
expect_err "did you mean 'caracal'?"
run $A --database-url "$(db_url "$db")" bundled install chad --seed staging
expect_code 2
expect_err "'staging' is not a bundled seed environment"

# write: byte for byte the repository's files, only those of the modules asked for.
run $A bundled write caracal chad
expect_code 0
expect_out "written, 0 already there and identical (core, caracal, chad)"
for m in core caracal chad; do
  diff -r "$AGENTPG_SOURCE/migrations/$m" "migrations/$m" || fail "migrations/$m differs from the repository's"
done
[ "$(ls migrations | tr '\n' ' ')" = "caracal chad core " ] || fail "other modules written: $(ls migrations)"
for f in "$AGENTPG_SOURCE"/seeds/*/*caracal* "$AGENTPG_SOURCE"/seeds/*/*chad*; do
  cmp "$f" "seeds/${f#"$AGENTPG_SOURCE/seeds/"}" || fail "seed $f not written as it is"
done
ls seeds/*/*platform* 2>/dev/null && fail "platform seeds written for caracal and chad"
# The project now has the installed migrations' files: nothing to do, nothing changed.
run $A --database-url "$(db_url "$db")" --json status
expect_code 0
[ "$(json_get 'sorted(set(m["state"] for m in d["migrations"]))')" = "['applied']" ] ||
  fail "status after write: $(out)"
run $A --database-url "$(db_url "$db")" migrate
expect_code 0
expect_out "nothing to migrate"
run $A --database-url "$(db_url "$db")" check
expect_code 0
# Written again: nothing to do. An edited file is never overwritten: exit 2, nothing written.
run $A bundled write caracal chad
expect_code 0
expect_out "0 files written"
echo "-- mine" >>migrations/caracal/20240102000000_caracal_schema.sql
rm migrations/chad/20240103000000_chad_schema.sql
before=$(listing)
run $A bundled write caracal chad
expect_code 2
expect_err "migrations/caracal/20240102000000_caracal_schema.sql exists and differs from the bundled file; nothing was written"
[ "$(listing)" = "$before" ] || fail "write wrote something beside an edited file"

# All of them, elsewhere: the repository's two folders exactly; and init works from them.
run $A bundled write --to all
expect_code 0
diff -r "$AGENTPG_SOURCE/migrations" all/migrations || fail "all/migrations differs"
diff -r "$AGENTPG_SOURCE/seeds" all/seeds || fail "all/seeds differs"
db2=$(fresh all)
run $A --database-url "$(db_url "$db2")" --migrations-dir all/migrations init
expect_code 0
[ "$(q "$db2" "select count(distinct module) from agentpg.schema_migrations")" = "$(echo $repo_modules | wc -w)" ] ||
  fail "init from the written files did not install every module"

# Systems come in any order: their schemas are independent (caracal's versions are older).
db3=$(fresh order)
run $A --database-url "$(db_url "$db3")" bundled install chad
expect_code 0
run $A --database-url "$(db_url "$db3")" bundled install caracal
expect_code 0
expect_out "installed core, caracal: applied 2 migrations"
[ "$(q "$db3" "select string_agg(module, ',' order by version) from agentpg.schema_migrations")" = core,caracal,chad ] ||
  fail "history after chad, then caracal: $(q "$db3" "table agentpg.schema_migrations")"

# A project's database is not a place to install into.
run $A --database-url "$(db_url "$db2")" bundled install caracal
expect_code 0
mine=$(new_db)
printf -- '-- migrate:up\ncreate table t (x int);\n' >mine.sql
mkdir -p own && mv mine.sql own/20200101000000_mine.sql
run $A --database-url "$(db_url "$mine")" --migrations-dir own migrate
expect_code 0
run $A --database-url "$(db_url "$mine")" bundled install caracal
expect_code 5
expect_err "holds migrations that are not bundled: 20200101000000_mine"
[ "$(q "$mine" "select to_regclass('caracal.ledger_events') is null")" = t ] || fail "installed beside a project's migrations"
