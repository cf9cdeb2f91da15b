# The parsed-file cache: used only while a file's stat key is unchanged, its SQL read
# when it runs, never trusted for a file modified moments ago, and harmless when broken.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
export XDG_CACHE_HOME=$WORK/cache
cache_files() { find "$XDG_CACHE_HOME" -name '*.migrations' 2>/dev/null; }

migration 10 a "CREATE TABLE a (id int);" "DROP TABLE a;"
migration 20 b "CREATE TABLE b (id int);" "DROP TABLE b;"
migration 30 c "CREATE TABLE c (note text DEFAULT 'x');" "DROP TABLE c;"

# Files written moments ago are not cached.
run "$AGENTPG" status
expect_code 0
[ -z "$(cache_files)" ] || fail "cached files modified within the last seconds: $(cache_files)"

# Once settled, a run caches them (0600 in a 0700 folder) ...
sleep 2.2
run "$AGENTPG" --json status
expect_code 0
uncached=$(out)
cache=$(cache_files)
[ -n "$cache" ] || fail "no cache written under $XDG_CACHE_HOME"
[ "$(stat -c %a "$cache")" = 600 ] || fail "cache mode $(stat -c %a "$cache")"
[ "$(stat -c %a "$(dirname "$cache")")" = 700 ] || fail "cache folder mode"
# ... the next run reads the cache and reports exactly the same ...
run "$AGENTPG" --json status
[ "$(out)" = "$uncached" ] || fail "status differs with the cache: $(out) vs $uncached"
# ... and a migrate from cached entries runs each file's SQL, read when it runs.
run "$AGENTPG" migrate
expect_code 0
[ "$(sql_value "$db" "SELECT count(*) FROM pg_tables WHERE tablename IN ('a', 'b', 'c')")" = 3 ] ||
  fail "migrate from the cache did not create the tables"
[ "$(sql_value "$db" "SELECT column_default FROM information_schema.columns WHERE table_name = 'c'")" = "'x'::text" ] ||
  fail "the SQL run is not the file's"
run "$AGENTPG" --yes rollback --steps 1
expect_code 0
[ "$(sql_value "$db" "SELECT to_regclass('c') IS NULL")" = t ] || fail "rollback from the cache did not drop c"
run "$AGENTPG" migrate
expect_code 0

# An edit that keeps the size and puts the old mtime back still changes the ctime.
mtime=$(stat -c %y migrations/20_b.sql)
sed -i 's/CREATE TABLE b (id int);/CREATE TABLE b (id bigint)/' migrations/20_b.sql
sed -i 's/(id bigint)$/(id  int)/' migrations/20_b.sql
touch -d "$mtime" migrations/20_b.sql
run "$AGENTPG" status
expect_out "changed  20"
run "$AGENTPG" migrate
expect_code 5
expect_err "changed migrations/20_b.sql"

# A deleted file is reported missing, not served from the cache.
sleep 2.2
run "$AGENTPG" status  # caches the edited file
rm migrations/30_c.sql
run "$AGENTPG" --json status
[ "$(json_get '[m["state"] for m in d["migrations"]]')" = "['applied', 'changed', 'missing']" ] ||
  fail "after a delete: $(out)"

# A damaged cache is ignored and rewritten; an unusable cache folder is no error.
printf 'garbage' >"$(cache_files)"
run "$AGENTPG" --json status
expect_code 0
[ "$(json_get '[m["state"] for m in d["migrations"]]')" = "['applied', 'changed', 'missing']" ] ||
  fail "with a damaged cache: $(out)"
head -c 26 "$(cache_files)" | grep -q "agentpg migration cache" || fail "damaged cache not rewritten"
XDG_CACHE_HOME=/dev/null/cache run "$AGENTPG" status
expect_code 0
expect_out "changed  20"

# Times: the history's applied_at is the same UTC text whatever the session's time zone
# and date style (the server's ISO text is converted here; other styles use to_char).
run "$AGENTPG" --json status
utc=$(json_get '[m["applied_at"] for m in d["migrations"]]')
[ "$(sql_value "$db" "SELECT to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM agentpg.schema_migrations WHERE version = '10'")" = \
  "$(json_get 'd["migrations"][0]["applied_at"]')" ] || fail "applied_at is not UTC: $utc"
for zone in Asia/Kolkata America/St_Johns Pacific/Kiritimati; do
  PGTZ=$zone run "$AGENTPG" --json status
  [ "$(json_get '[m["applied_at"] for m in d["migrations"]]')" = "$utc" ] || fail "TimeZone $zone: $(out)"
done
PGOPTIONS="-c DateStyle=SQL,DMY" PGTZ=Asia/Kolkata run "$AGENTPG" --json status
[ "$(json_get '[m["applied_at"] for m in d["migrations"]]')" = "$utc" ] || fail "DateStyle SQL: $(out)"
echo "ok: $SCENARIO"
