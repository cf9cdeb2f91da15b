# backup verify reads the whole archive: a dump cut short whose manifest was rewritten to
# match fails. The manifest records each table's rows, counted in the snapshot pg_dump
# dumps (exact under concurrent writes); verify --restore restores into a scratch database
# that is always dropped and compares them.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
sql_value "$db" "
  create table public.t as select i, md5(i::text) || md5((i * 3)::text) as filler from generate_series(1, 50000) i;
  create schema \"Odd Schema\";
  create table \"Odd Schema\".\"it's\" (n int);
  insert into \"Odd Schema\".\"it's\" values (1), (2), (3);" >/dev/null
scratch_left() { sql_value postgres "select count(*) from pg_database where datname ~ '^${db}_verify_'"; }
# rewrite_manifest FILE [PYTHON]: sets the manifest's file, size and SHA-256 to FILE's own,
# then runs PYTHON over it as `m`.
rewrite_manifest() {
  python3 - "$1" "${2:-}" <<'PY'
import hashlib, json, os, sys
path, edit = sys.argv[1], sys.argv[2]
m = json.load(open(path + ".manifest.json"))
m["file"] = os.path.basename(path)
m["size_bytes"] = os.path.getsize(path)
m["sha256"] = hashlib.sha256(open(path, "rb").read()).hexdigest()
exec(edit)
json.dump(m, open(path + ".manifest.json", "w"))
PY
}

run "$AGENTPG" --json backup --output "$WORK/b"
expect_code 0
file=$(json_get 'd["path"]')
[ "$(json_get '[(t["schema"], t["table"], t["rows"]) for t in d["row_counts"]]')" = "[('Odd Schema', \"it's\", 3), ('public', 't', 50000)]" ] ||
  fail "row counts in the manifest: $(out)"
grep -q -- "--snapshot=" "$file.manifest.json" || fail "pg_dump did not dump the counted snapshot"
run "$AGENTPG" backup verify "$file"
expect_code 0
expect_out "is intact: checksum matches the manifest, pg_restore reads every data block"

# Cut short, with a manifest that matches: the checksum passes, reading every block does not.
cp "$file" "$WORK/cut.dump"
cp "$file.manifest.json" "$WORK/cut.dump.manifest.json"
truncate -s $(($(stat -c %s "$file") * 2 / 3)) "$WORK/cut.dump"
rewrite_manifest "$WORK/cut.dump"
run "$AGENTPG" backup verify "$WORK/cut.dump"
expect_code 5
expect_err "$WORK/cut.dump is damaged: pg_restore cannot read all of it"
expect_err "its checksum matches the manifest"
# The same for a plain dump (its last line is gone) and a directory's data file.
run "$AGENTPG" --json backup --format plain --output "$WORK/p"
plain=$(json_get 'd["path"]')
head -c -300 "$plain" >"$WORK/cut.sql"
cp "$plain.manifest.json" "$WORK/cut.sql.manifest.json"
rewrite_manifest "$WORK/cut.sql"
run "$AGENTPG" backup verify "$WORK/cut.sql"
expect_code 5
expect_err "$WORK/cut.sql is incomplete"
run "$AGENTPG" --json backup --format directory --output "$WORK/d"
dir=$(json_get 'd["path"]')
biggest=$(ls -S "$dir" | head -n 1)
truncate -s $(($(stat -c %s "$dir/$biggest") / 2)) "$dir/$biggest"
python3 - "$dir" <<'PY'
import hashlib, json, os, sys
d = sys.argv[1]
listing = "".join(f"{n} {hashlib.sha256(open(os.path.join(d, n), 'rb').read()).hexdigest()}\n" for n in sorted(os.listdir(d)))
m = json.load(open(d + ".manifest.json"))
m["sha256"] = hashlib.sha256(listing.encode()).hexdigest()
json.dump(m, open(d + ".manifest.json", "w"))
PY
run "$AGENTPG" backup verify "$dir"
expect_code 5
expect_err "is damaged: pg_restore cannot read all of it"

# --restore: the counts agree, and the scratch database is gone afterwards.
run "$AGENTPG" backup verify --restore "$file"
expect_code 0
expect_out "and it restores with the manifest's row counts in all 2 tables; the scratch database ${db}_verify_"
expect_out "was dropped"
[ "$(scratch_left)" = 0 ] || fail "the scratch database was left"
# A manifest whose count differs: exit 5 naming the table; the scratch database is dropped.
cp "$file" "$WORK/edited.dump"
cp "$file.manifest.json" "$WORK/edited.dump.manifest.json"
rewrite_manifest "$WORK/edited.dump" 'm["row_counts"][1]["rows"] = 49999'
run "$AGENTPG" backup verify "$WORK/edited.dump"
expect_code 0
run "$AGENTPG" backup verify --restore "$WORK/edited.dump"
expect_code 5
expect_err "does not restore as its manifest says"
expect_err "public.t: 49999 rows in the manifest, 50000 restored"
expect_err "the scratch database ${db}_verify_"
[ "$(scratch_left)" = 0 ] || fail "the scratch database was left after a mismatch"
# A restore that fails (the truncated dump, past the checksum) drops it too; so does restore.
run "$AGENTPG" backup verify --restore "$WORK/cut.dump"
expect_code 5
[ "$(scratch_left)" = 0 ] || fail "the scratch database was left after a failed restore"
run "$AGENTPG" restore "$WORK/edited.dump" --target-db "${db}_copy"
expect_code 5
expect_err "public.t: 49999 rows in the manifest, 50000 restored"
[ "$(sql_value postgres "select count(*) from pg_database where datname like '${db}\_copy%'")" = 0 ] || fail "restore kept a copy whose counts differ"

# A plain dump restores through psql; a schema-only one has no counts, and says so.
run "$AGENTPG" backup verify --restore "$plain"
expect_code 0
expect_out "row counts in all 2 tables"
run "$AGENTPG" --json backup --schema-only --output "$WORK/s"
[ "$(json_get 'd["row_counts"]')" = None ] || fail "a schema-only backup has row counts: $(out)"
run "$AGENTPG" backup verify --restore "$(json_get 'd["path"]')"
expect_code 0
expect_out "the manifest records no row counts to compare"
[ "$(scratch_left)" = 0 ] || fail "the scratch database was left"

# Counts are exact while rows keep coming: they are taken in the snapshot pg_dump dumps.
sql_value "$db" "create table public.busy (n int)" >/dev/null
psql_db "$db" -c "do \$\$ begin for i in 1..100000 loop insert into public.busy values (i); commit; end loop; end \$\$" >/dev/null 2>&1 &
writer=$!
wait_for "$db" "select count(*) > 500 from public.busy"
run "$AGENTPG" --json backup --output "$WORK/busy"
expect_code 0
busy=$(json_get 'd["path"]')
psql_admin -c "select pg_terminate_backend(pid) from pg_stat_activity where datname = '$db' and query like 'do %'" >/dev/null
wait "$writer" 2>/dev/null || true
run "$AGENTPG" backup verify --restore "$busy"
expect_code 0
[ "$(scratch_left)" = 0 ] || fail "the scratch database was left"
