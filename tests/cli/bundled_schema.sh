# The bundled schema: each system's tables match their fixture (columns, types, keys,
# foreign keys, unique and check constraints, indexes); migrate -> rollback to base ->
# migrate leaves the same schema and nothing of ours at base; modules install alone.
source "$(dirname "$0")/lib.sh"
migrations=$AGENTPG_SOURCE/migrations
fixtures=$AGENTPG_SOURCE/tests/fixtures/schema
export AGENTPG_MIGRATIONS_DIR=$migrations
# Both embedding modes of chad: pgvector (the suite's server has it: scripts/setup builds
# it) and the portable real[], chosen with the chad.embeddings setting.
round_trip() { # round_trip MODE: fixtures, check's words, rollback to base and back
  local mode=$1 db
  db=$(new_db)
  [ "$mode" = pgvector ] || psql_admin -c "alter database \"$db\" set chad.embeddings = '$mode'" >/dev/null
  export DATABASE_URL=$(db_url "$db")
  run "$AGENTPG" migrate
  expect_code 0
  for system in caracal chad freeagentics platform agency; do
    local fixture=$fixtures/$system.txt
    [ "$system/$mode" != chad/portable ] || fixture=$fixtures/chad-portable.txt
    psql_db "$db" -v schema="$system" -f "$fixtures/shape.sql" >"$WORK/$system.txt"
    diff -u "$fixture" "$WORK/$system.txt" >&2 || fail "schema $system ($mode) differs from $fixture"
  done
  # Every foreign key has an index whose leading columns are its columns (a partial index
  # only when its predicate is "column IS NOT NULL", which every lookup of a value implies):
  # deleting or re-keying a referenced row never scans the referencing table.
  local unindexed
  unindexed=$(sql_value "$db" "
    select string_agg(format('%s.%s (%s)', n.nspname, c.relname,
                             (select string_agg(a.attname, ', ' order by k.ord)
                                from unnest(f.conkey) with ordinality k(attnum, ord)
                                join pg_attribute a on a.attrelid = f.conrelid and a.attnum = k.attnum)), ', ' order by n.nspname, c.relname)
      from pg_constraint f join pg_class c on c.oid = f.conrelid join pg_namespace n on n.oid = c.relnamespace
     where f.contype = 'f' and n.nspname in ('core', 'caracal', 'chad', 'freeagentics', 'platform', 'agency')
       and not exists (select 1 from pg_index x
                        where x.indrelid = f.conrelid and x.indisvalid
                          and (x.indkey::int2[])[0:cardinality(f.conkey) - 1] @> f.conkey
                          and (x.indkey::int2[])[0:cardinality(f.conkey) - 1] <@ f.conkey
                          and (x.indpred is null or pg_get_expr(x.indpred, x.indrelid) ~ '^\(\w+ IS NOT NULL\)$'))")
  [ -z "$unindexed" ] || fail "foreign keys without an index ($mode): $unindexed"
  [ "$(sql_value "$db" "select count(*) from pg_constraint f join pg_namespace n on n.oid = f.connamespace
                          where f.contype = 'f' and n.nspname in ('caracal', 'chad', 'freeagentics', 'platform', 'agency')")" -gt 30 ] ||
    fail "the foreign key census found too few foreign keys ($mode)"

  run "$AGENTPG" check
  expect_code 0
  if [ "$mode" = pgvector ]; then
    expect_out "pgvector vector(1536) with an HNSW cosine index"
  else
    expect_out "portable real[1536]: no index, every search is an exact scan of all embeddings"
  fi

  dump "$db" >"$WORK/before.sql"
  run "$AGENTPG" --yes rollback --to base
  expect_code 0
  [ "$(sql_value "$db" "select string_agg(nspname, ',' order by nspname) from pg_namespace where nspname !~ '^(pg_|information_schema)'")" = "agentpg,public" ] ||
    fail "rollback to base left schemas behind ($mode)"
  # What is left in public belongs to the vector extension, which stays (others may use it).
  [ "$(sql_value "$db" "select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace where nspname = 'public'
                          and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')")" = 0 ] ||
    fail "rollback to base left functions behind ($mode)"
  run "$AGENTPG" migrate
  expect_code 0
  dump "$db" >"$WORK/after.sql"
  diff "$WORK/before.sql" "$WORK/after.sql" >&2 || fail "schema differs after the round trip ($mode)"
}
dump() { pg_dump --schema-only --no-owner --exclude-schema=agentpg "$(db_url "$1")" | grep -v -e '^--' -e '^\\restrict' -e '^\\unrestrict' | sed '/^$/d'; }
round_trip pgvector
round_trip portable

# A mode that is not one of the three stops the migration, named.
odd=$(new_db)
psql_admin -c "alter database \"$odd\" set chad.embeddings = 'fast'" >/dev/null
run "$AGENTPG" --database-url "$(db_url "$odd")" migrate
expect_code 4
expect_err "chad.embeddings is 'fast': it must be auto, pgvector or portable"

# Only core and caracal: nothing of the others.
only=$(new_db)
run "$AGENTPG" --database-url "$(db_url "$only")" --modules core,caracal migrate
expect_code 0
expect_out "applied 2 migrations"
[ "$(sql_value "$only" "select string_agg(nspname, ',' order by nspname) from pg_namespace where nspname !~ '^(pg_|information_schema)'")" = "agentpg,caracal,core,public" ] ||
  fail "module selection created other schemas"

# Rolling back never drops the user's objects: a user's foreign key to chad.runs and a
# user's view over caracal.ledger_events stop the rollback, named, and survive it.
mine=$(new_db)
export DATABASE_URL=$(db_url "$mine")
run "$AGENTPG" migrate
expect_code 0
sql_value "$mine" "create table public.run_notes (run_id uuid references chad.runs (id), note text);
                   create view public.spend as select agent_id, sum(cost) as cost from caracal.ledger_events group by agent_id" >/dev/null
run "$AGENTPG" --yes rollback --to base
expect_code 4
expect_err "constraint run_notes_run_id_fkey on table run_notes depends on table chad.runs"
expect_err "other objects depend on what its down section drops (DETAIL above): drop or change them first"
expect_no "CASCADE"
[ "$(sql_value "$mine" "select to_regclass('public.run_notes') is not null and to_regclass('chad.runs') is not null")" = t ] ||
  fail "the rollback dropped the user's table or chad.runs"
sql_value "$mine" "drop table public.run_notes" >/dev/null
run "$AGENTPG" --yes rollback --to base
expect_code 4
expect_err "view spend depends on table caracal.ledger_events"
[ "$(sql_value "$mine" "select to_regclass('public.spend') is not null and to_regclass('caracal.ledger_events') is not null")" = t ] ||
  fail "the rollback dropped the user's view or the ledger"
