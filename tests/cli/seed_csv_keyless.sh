# A CSV seed into a table with no primary key or unique constraint: COPY fills it when it
# is empty; when it already has rows, the seed is refused (exit 5) saying why a key is
# needed and how to give one, and nothing is written.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
migration 1 events "CREATE TABLE public.events (at int, what text);" "DROP TABLE public.events;"
run "$AGENTPG" migrate
expect_code 0
mkdir -p "$WORK/seeds/development"
printf 'at,what\n1,start\n2,stop\n' >"$WORK/seeds/development/public.events.csv"
run "$AGENTPG" --seeds-dir "$WORK/seeds" --json seed
expect_code 0
[ "$(json_get 'd["tables"][0]["inserted"]')" = 2 ] || fail "keyless CSV into an empty table: $(out) $(err)"
[ "$(sql_value "$db" "select string_agg(at || ':' || what, ',' order by at) from public.events")" = "1:start,2:stop" ] ||
  fail "the rows were not copied"
run "$AGENTPG" --seeds-dir "$WORK/seeds" seed
expect_code 5
expect_err "public.events.csv:1: public.events already has rows, and it has no primary key or unique constraint whose columns are all in the CSV header: loading the file would add every row a second time"
expect_err "hint: give public.events a primary key or unique constraint (in a migration) and put its columns in the CSV header, or empty the table first (agentpg seed --reset)"
[ "$(sql_value "$db" "select count(*) from public.events")" = 2 ] || fail "the refused seed wrote rows"
