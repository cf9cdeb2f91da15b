# Secrets: an sslpassword in the URL never shows in status, check, -v or --json output, the
# backup manifest, nor on a child program's command line (it reaches pg_dump and
# pg_restore in a 0600 service file, removed afterwards); a password holding ? # @ / %
# never shows in the error of a broken URL; a %00 in a URL is refused and shown as %00.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
secret='Key?Pass#42'
export DATABASE_URL="$(db_url "$db")&sslpassword=Key%3FPass%2342"
export AGENTPG_MIGRATIONS_DIR=$WORK/migrations
migration 20240101000000 t "create table t (x int);" "drop table t;"

no_secret() { expect_no "$secret"; expect_no "Key%3F"; expect_no "Key?"; }

# The connection works (libpq ignores sslpassword without a client key, over the socket).
run "$AGENTPG" migrate
expect_code 0
for args in "status" "--json status" "-v status" "check" "--json check" "-v check"; do
  # shellcheck disable=SC2086
  run "$AGENTPG" $args
  expect_code 0
  no_secret
done
run "$AGENTPG" status
expect_out "sslpassword=***"
run "$AGENTPG" -v migrate
expect_code 0
expect_err "sslpassword=***"
no_secret

# pg_dump and pg_restore wrappers record their command line and what the service file
# held while they ran.
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
mkdir -p "$WORK/bin"
for tool in pg_dump pg_restore psql; do
  cat >"$WORK/bin/$tool" <<EOF
#!/bin/bash
printf '%s\n' "$tool" "\$@" >>"$WORK/argv.txt"
cat "/proc/\$\$/cmdline" | tr '\0' '\n' >>"$WORK/argv.txt"
if [ -n "\${PGSERVICEFILE:-}" ]; then
  echo "\$PGSERVICEFILE" >>"$WORK/service_paths.txt"
  stat -c '%a %U' "\$PGSERVICEFILE" >>"$WORK/service_modes.txt"
  cat "\$PGSERVICEFILE" >>"$WORK/service.txt"
fi
exec "$bindir/$tool" "\$@"
EOF
  chmod +x "$WORK/bin/$tool"
done
export AGENTPG_PG_BINDIR=$WORK/bin

run "$AGENTPG" -v backup --output "$WORK/backups"
expect_code 0
no_secret
expect_err "running $WORK/bin/pg_dump"
run "$AGENTPG" --json backup --output "$WORK/backups" --verify
expect_code 0
no_secret
file=$(json_get 'd["path"]')
! grep -rqF -e "$secret" -e "Key%3F" -e "Key?" "$WORK/backups" || fail "a secret is in the backups folder"
forget_db_later "${db}_copy"
run "$AGENTPG" -v restore "$file" --target-db "${db}_copy"
expect_code 0
no_secret
[ "$(sql_value "${db}_copy" "select count(*) from t")" = 0 ] || fail "the restore did not happen"

grep -q "^pg_dump$" "$WORK/argv.txt" || fail "the pg_dump wrapper never ran"
grep -q "^pg_restore$" "$WORK/argv.txt" || fail "the pg_restore wrapper never ran"
! grep -qF -e "Key?" -e "Key%3F" -e "sslpassword" "$WORK/argv.txt" || fail "a child's argv holds the sslpassword: $(cat "$WORK/argv.txt")"
grep -qxF "sslpassword=$secret" "$WORK/service.txt" || fail "the children never got the sslpassword"
! grep -qv "^600 $(id -un)$" "$WORK/service_modes.txt" || fail "a service file is not private: $(cat "$WORK/service_modes.txt")"
while IFS= read -r path; do
  [ ! -e "$path" ] || fail "the service file $path was left behind"
done <"$WORK/service_paths.txt"

# A password holding a character that ends a URL's parts early, in broken URLs: the
# error never shows it, in text or --json.
for password in 'Sup3r?x' 'Sup3r#x' 'Sup3r@x' 'Sup3r/x' 'Sup3r%x' 'Sup3r?#@/%x'; do
  for shape in "postgresql://u:%s@127.0.0.1:5432/db" "postgresql://u:%s@host:port/db" \
    "postgresql://u:%s@[::1/db" "postgresql://u:%s@host/db?x" "postgresql://u:%s@h:1,h2:x/db" \
    "postgres+asyncpg://u:%s@host/d%%00b" "mysql://u:%s@host/db"; do
    # shellcheck disable=SC2059
    url=$(printf "$shape" "$password")
    [ "$shape" = "postgresql://u:%s@127.0.0.1:5432/db" ] && case $password in *\?* | *%*) ;; *) continue ;; esac
    for json in "" --json; do
      DATABASE_URL=$url run "$AGENTPG" $json status
      expect_code 2
      expect_no "Sup3r"
      grep -qF "://u:***@" "$WORK/out" "$WORK/err" || fail "$url: the error does not name the masked URL"
    done
  done
done

# A NUL in a decoded part of the URL: refused, shown as %00, not cut off.
DATABASE_URL="$(db_url "app%00x")" run "$AGENTPG" status
expect_code 2
expect_err "the database name 'app%00x' holds a NUL byte (%00)"
expect_err "remove the %00"
DATABASE_URL="postgresql://u:se%00cret@127.0.0.1/app" run "$AGENTPG" --json status
expect_code 2
expect_out "the password holds a NUL byte (%00)"
expect_no "cret"
