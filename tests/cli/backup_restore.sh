# backup and restore: each format round-trips a populated database exactly; a damaged
# backup is refused before anything is touched; a killed backup leaves nothing that
# looks finished; --keep keeps exactly the newest; no password in ps or manifests.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
export AGENTPG_MIGRATIONS_DIR=$AGENTPG_SOURCE/migrations
run "$AGENTPG" migrate
expect_code 0
sql_value "$db" "
  insert into caracal.agent_identities (name, owner, metadata)
    select 'agent-' || i, 'owner-' || (i % 7) || '@example.com', jsonb_build_object('n', i, 'tags', jsonb_build_array('a', i))
    from generate_series(1, 500) i;
  insert into caracal.ledger_events (agent_id, resource_type, quantity, cost, metadata)
    select agent_id, 'api.model.' || (n % 3), n, n / 1000.0, jsonb_build_object('k', n)
    from caracal.agent_identities, generate_series(1, 20) n;
  insert into agency.waivers (title, reason, description, gates, approved_by, mitigation_plan, expires_at)
    values ('w', 'r', 'd with ''quotes'' and \\backslash', '{lint,test}', 'lead', 'm', now() + interval '1 day');" >/dev/null

# Per table: row count and an ordered checksum of every row.
fingerprint() {
  sql_value "$1" "select string_agg(format('select %L, count(*), md5(coalesce(string_agg(t::text, ''|'' order by t::text), '''')) from %I.%I t',
                      n.nspname || '.' || c.relname, n.nspname, c.relname), ' union all ' order by n.nspname, c.relname)
                  from pg_class c join pg_namespace n on n.oid = c.relnamespace
                  where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'" |
    { read -r query; psql -X -A -t -v ON_ERROR_STOP=1 "$(db_url "$1")" -c "$query"; }
}
dump() { pg_dump --schema-only --no-owner "$(db_url "$1")" | grep -v -e '^--' -e '^\\restrict' -e '^\\unrestrict' | sed '/^$/d'; }
fingerprint "$db" >"$WORK/source.fp"
dump "$db" >"$WORK/source.schema"
grep -q "caracal.ledger_events|10000|" "$WORK/source.fp" || fail "fixture data missing"

for format in custom directory plain; do
  run "$AGENTPG" --json backup --format "$format" --output "$WORK/backups" --verify
  expect_code 0
  file=$(json_get 'd["path"]')
  [ "$(json_get 'd["format"], d["latest_migration"], d["verified"]')" = "('$format', '20240107000002', True)" ] || fail "manifest: $(out)"
  [ "$(stat -c %a "$file")" = "$([ "$format" = directory ] && echo 700 || echo 600)" ] || fail "$file is not private"
  target="${db}_$format"
  forget_db_later "$target"
  run "$AGENTPG" restore "$file" --target-db "$target"
  expect_code 0
  expect_out "latest migration: 20240107000002"
  [ "$(fingerprint "$target")" = "$(cat "$WORK/source.fp")" ] || fail "$format: restored data differs"
  dump "$target" >"$WORK/target.schema"
  diff "$WORK/source.schema" "$WORK/target.schema" >&2 || fail "$format: restored schema differs"
done

# Restoring over an existing database needs --clean (and the guard's --yes).
run "$AGENTPG" restore "$file" --target-db "${db}_plain"
expect_code 8
run "$AGENTPG" restore "$file" --target-db "${db}_plain" --clean
expect_code 8
expect_err "without confirmation"
run "$AGENTPG" --yes restore "$file" --target-db "${db}_plain" --clean
expect_code 0

# One flipped byte: verify and restore refuse it (exit 5) and create nothing.
custom=$(ls "$WORK"/backups/*.dump | head -n 1)
cp "$custom" "$WORK/damaged.dump"
cp "$custom.manifest.json" "$WORK/damaged.dump.manifest.json"
size=$(stat -c %s "$WORK/damaged.dump")
printf '\xff' | dd of="$WORK/damaged.dump" bs=1 seek=$((size / 2)) conv=notrunc status=none
run "$AGENTPG" backup verify "$WORK/damaged.dump"
expect_code 5
expect_err "is damaged: its SHA-256 is"
run "$AGENTPG" restore "$WORK/damaged.dump" --target-db "${db}_damaged"
expect_code 5
[ "$(sql_value postgres "select count(*) from pg_database where datname = '${db}_damaged'")" = 0 ] || fail "restore of a damaged backup created a database"

# --keep: exactly the newest two of this database's backups stay; other files are left alone.
mkdir -p "$WORK/kept"
touch "$WORK/kept/notes.txt" "$WORK/kept/$db-19990101T000000Z.dump"
for i in 1 2 3; do
  run "$AGENTPG" backup --output "$WORK/kept" --keep 2
  expect_code 0
done
[ "$(ls "$WORK/kept"/*.manifest.json | wc -l)" = 2 ] || fail "--keep 2 left $(ls "$WORK/kept")"
[ -e "$WORK/kept/notes.txt" ] && [ -e "$WORK/kept/$db-19990101T000000Z.dump" ] || fail "--keep deleted files it did not write"
# --keep 0 would delete the backup just made, a negative count means nothing: refused first.
for n in 0 -1; do
  run "$AGENTPG" backup --output "$WORK/kept" --keep "$n"
  expect_code 2
done
[ "$(ls "$WORK/kept"/*.manifest.json | wc -l)" = 2 ] || fail "a refused --keep wrote or deleted backups: $(ls "$WORK/kept")"
run "$AGENTPG" --json backup list --output "$WORK/kept"
[ "$(json_get 'len(d["backups"])')" = 2 ] || fail "backup list: $(out)"

# A slow backup, over TCP with a password: no password in ps nor in the manifest;
# killed with SIGKILL, it leaves nothing that looks finished, and no pg_dump behind.
sql_value "$db" "create table public.bulk as select i, md5(i::text) || md5((i * 7)::text) as filler from generate_series(1, 1500000) i" >/dev/null
psql_admin -c "drop role if exists backup_user" -c "create role backup_user login superuser password 'Sup3rSecret'" >/dev/null
trap 'psql_admin -c "drop role if exists backup_user" >/dev/null 2>&1; cleanup' EXIT
secret_url="postgresql://backup_user:Sup3rSecret@127.0.0.1:$CLUSTER_PORT/$db"
DATABASE_URL=$secret_url "$AGENTPG" backup --output "$WORK/slow" --compress 9 >"$WORK/slow.out" 2>&1 &
slow=$!
seen_dump=0
for _ in $(seq 100); do
  ps -eo args >"$WORK/ps.txt"
  ! grep -q "Sup3rSecret" "$WORK/ps.txt" || fail "the password shows in ps: $(grep Sup3rSecret "$WORK/ps.txt")"
  grep -q "[p]g_dump.*$WORK/slow" "$WORK/ps.txt" && seen_dump=1
  [ "$seen_dump" = 1 ] && [ -n "$(ls "$WORK/slow" 2>/dev/null)" ] && break
  sleep 0.05
done
[ "$seen_dump" = 1 ] || fail "never saw pg_dump running"
sleep 0.3
kill -9 "$slow"
wait "$slow" 2>/dev/null || true
sleep 0.3
ls "$WORK/slow" | grep -qv '\.partial$' && fail "a killed backup left: $(ls "$WORK/slow")"
pgrep -f "pg_dump.*$WORK/slow" >/dev/null && fail "pg_dump outlived the killed agentpg"
DATABASE_URL=$secret_url run "$AGENTPG" backup --output "$WORK/secret"
expect_code 0
! grep -rq "Sup3rSecret" "$WORK/secret" || fail "the password is in a backup manifest"

# migrate --backup-first names the backup it took.
mkdir -p "$WORK/more"
cp -r "$AGENTPG_SOURCE/migrations/." "$WORK/more/"
printf -- '-- migrate:up\nCREATE TABLE public.later (id int);\n-- migrate:down\nDROP TABLE public.later;\n' >"$WORK/more/20300101000000_later.sql"
run "$AGENTPG" --migrations-dir "$WORK/more" --json migrate --backup-first
expect_code 0
backup=$(json_get 'd["backup"]')
[ -f "$backup" ] && [ -f "$backup.manifest.json" ] || fail "--backup-first named no backup: $(out)"
