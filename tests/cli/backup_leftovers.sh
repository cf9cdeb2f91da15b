# Backup leftovers: SIGTERM/SIGINT during a backup stop pg_dump and delete the .partial
# (exit 143/130); a manifest that cannot be written takes the dump with it; `backup list`
# shows the leftovers it finds apart from the backups, and --keep deletes only complete
# pairs (never a leftover, nor what a manifest without its dump names).
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
sql_value "$db" "create table t as select i from generate_series(1, 1000) i" >/dev/null
real=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

# A pg_dump that dumps, says so, then either lingers (SLOW) or blocks the manifest's name.
mkdir "$WORK/bin"
cat >"$WORK/bin/pg_dump" <<SH
#!/bin/bash
[ "\$1" = --version ] && exec $real/pg_dump --version
$real/pg_dump "\$@" || exit \$?
for a; do case \$a in --file=*) out=\${a#--file=} ;; esac; done
touch "$WORK/dumped"
[ -n "\${BLOCK_MANIFEST:-}" ] && mkdir "\${out%.partial}.manifest.json"
[ -n "\${SLOW:-}" ] && echo \$\$ >"$WORK/dump.pid" && exec sleep 60
exit 0
SH
chmod +x "$WORK/bin/pg_dump"

# wait_dumped: until the wrapped pg_dump has written its file.
wait_dumped() {
  for _ in $(seq 200); do [ -e "$WORK/dumped" ] && return 0; sleep 0.05; done
  fail "pg_dump never finished writing"
}
SLOW=1 AGENTPG_PG_BINDIR=$WORK/bin "$AGENTPG" backup --output "$WORK/term" >"$WORK/out" 2>"$WORK/err" &
pid=$!
wait_dumped
ls "$WORK/term" | grep -q '\.partial$' || fail "no .partial while pg_dump runs: $(ls "$WORK/term")"
kill -TERM "$pid"
CODE=0; wait "$pid" || CODE=$?
expect_code 143
expect_err "backup interrupted by SIGTERM: pg_dump was stopped"
expect_err "nothing was kept: the unfinished dump was deleted"
[ -z "$(ls -A "$WORK/term" | grep -vx .gitignore)" ] || fail "SIGTERM left: $(ls -A "$WORK/term")"
! kill -0 "$(cat "$WORK/dump.pid")" 2>/dev/null || fail "pg_dump outlived agentpg"

# The same for a directory-format backup with parallel jobs: the .partial folder goes.
rm -f "$WORK/dumped"
SLOW=1 AGENTPG_PG_BINDIR=$WORK/bin "$AGENTPG" backup --format directory --jobs 2 --output "$WORK/termdir" >"$WORK/out" 2>"$WORK/err" &
pid=$!
wait_dumped
[ -d "$(ls -d "$WORK"/termdir/*.dir.partial)" ] || fail "no .dir.partial folder: $(ls "$WORK/termdir")"
kill -TERM "$pid"
CODE=0; wait "$pid" || CODE=$?
expect_code 143
[ -z "$(ls -A "$WORK/termdir" | grep -vx .gitignore)" ] || fail "SIGTERM left: $(ls -A "$WORK/termdir")"

# SIGINT (as Ctrl-C sends it): the same, exit 130. Python starts it with SIGINT not ignored.
rm -f "$WORK/dumped"
CODE=0
python3 - "$AGENTPG" "$WORK" <<'PY' || CODE=$?
import os, signal, subprocess, sys, time
agentpg, work = sys.argv[1], sys.argv[2]
env = dict(os.environ, SLOW="1", AGENTPG_PG_BINDIR=work + "/bin")
with open(work + "/out", "w") as out, open(work + "/err", "w") as err:
    p = subprocess.Popen([agentpg, "backup", "--output", work + "/int"], env=env, stdout=out, stderr=err,
                         stdin=subprocess.DEVNULL, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    for _ in range(200):
        if os.path.exists(work + "/dumped"):
            break
        time.sleep(0.05)
    p.send_signal(signal.SIGINT)
    sys.exit(p.wait(timeout=30))
PY
expect_code 130
expect_err "backup interrupted by SIGINT"
[ -z "$(ls -A "$WORK/int" | grep -vx .gitignore)" ] || fail "SIGINT left: $(ls -A "$WORK/int")"

# The manifest cannot be written: the finished dump goes too, nothing looks like a backup.
rm -f "$WORK/dumped"
BLOCK_MANIFEST=1 AGENTPG_PG_BINDIR=$WORK/bin run "$AGENTPG" backup --output "$WORK/blocked"
expect_code 1
expect_err "cannot write the backup's manifest $WORK/blocked/$db-"
expect_err "nothing was kept: the unfinished dump was deleted"
left=$(ls -A "$WORK/blocked" | grep -vx .gitignore)
[ "$(echo "$left" | wc -l)" = 1 ] && [ -d "$WORK/blocked/$left" ] && [[ $left == *.manifest.json ]] ||
  fail "a failed manifest left: $left"

# Leftovers beside two complete backups: an unfinished .partial, a dump without manifest,
# and a manifest without its dump that names a file outside the folder.
dir=$WORK/kept
for i in 1 2; do run "$AGENTPG" backup --output "$dir"; expect_code 0; done
first=$(ls "$dir"/*.dump | head -n 1)
touch "$dir/$db-20000101T000000Z.dump.partial"
cp "$first" "$dir/$db-20000102T000000Z.dump"
echo "not a backup" >"$WORK/outside.dump"
python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); m.update(file="../outside.dump", started_at="1999-01-01T00:00:00Z"); print(json.dumps(m))' \
  "$first.manifest.json" >"$dir/$db-20000103T000000Z.dump.manifest.json"

run "$AGENTPG" backup list --output "$dir"
expect_code 0
expect_out "leftovers in $dir (not backups; --keep never deletes them):"
expect_out "$db-20000101T000000Z.dump.partial (partial): an unfinished backup"
expect_out "$db-20000102T000000Z.dump (dump without manifest): it cannot be verified"
expect_out "$db-20000103T000000Z.dump.manifest.json (manifest without dump): its dump is missing"
cp "$WORK/out" "$WORK/list_output"
# The folder as an argument, as ls takes it: the same list.
run "$AGENTPG" backup list "$dir"
expect_code 0
diff "$WORK/list_output" "$WORK/out" >/dev/null || fail "backup list DIR differs from --output DIR: $(out)"
run "$AGENTPG" backup list "$dir/nope"
expect_code 2
expect_err "no folder $dir/nope"
run "$AGENTPG" backup list "$dir" --output "$WORK"
expect_code 2
expect_err "name the folder once"
run "$AGENTPG" --json backup list --output "$dir"
expect_code 0
[ "$(json_get 'len(d["backups"])')" = 2 ] || fail "backup list: $(out)"
[ "$(json_get "sorted((l['file'][len('$db-'):], l['kind']) for l in d['leftovers'])")" = \
  "[('20000101T000000Z.dump.partial', 'partial'), ('20000102T000000Z.dump', 'dump without manifest'), ('20000103T000000Z.dump.manifest.json', 'manifest without dump')]" ] ||
  fail "leftovers: $(out)"

# --keep 1: the two older complete backups go, every leftover and the outside file stay.
run "$AGENTPG" --json backup --output "$dir" --keep 1
expect_code 0
[ "$(json_get 'len(d["deleted"])')" = 2 ] || fail "--keep 1 deleted: $(out)"
[ "$(ls "$dir"/*.dump.manifest.json | wc -l)" = 2 ] || fail "--keep 1 left: $(ls "$dir")"
for f in "$dir/$db-20000101T000000Z.dump.partial" "$dir/$db-20000102T000000Z.dump" \
  "$dir/$db-20000103T000000Z.dump.manifest.json" "$WORK/outside.dump"; do
  [ -e "$f" ] || fail "--keep deleted $f"
done

# A database's name is only part of a file name: '/' and a leading '.' cannot take the
# backup out of its folder.
mkdir -p "$WORK/deep/a/b"
for odd in "../../escape" "a/b" ".hidden"; do
  psql_admin -c "create database \"$odd\"" >/dev/null
  forget_db_later "$odd"
  enc=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$odd")
  cd "$WORK/deep/a/b"
  DATABASE_URL="postgresql://postgres@/$enc?host=$CLUSTER_SOCKET&port=$CLUSTER_PORT" run "$AGENTPG" backup --output bo
  cd "$WORK"
  expect_code 0
  found=$(find "$WORK/deep" -name '*.dump' | wc -l)
  inside=$(find "$WORK/deep/a/b/bo" -maxdepth 1 -name '*.dump' | wc -l)
  [ "$found" = "$inside" ] || fail "the backup of database $odd left its folder: $(find "$WORK/deep" -name '*.dump')"
done
cd "$WORK/deep/a/b"
run "$AGENTPG" --json backup list --output bo
cd "$WORK"
expect_code 0
[ "$(json_get 'len(d["backups"])')" = 3 ] || fail "backup list does not show the three backups: $(out)"
ls "$WORK/deep/a/b/bo" | grep -q '^_\.\._\.\._escape-' || fail "unexpected file names: $(ls "$WORK/deep/a/b/bo")"
