# seed: a seed for a schema that is neither in the database nor a module of the project
# is an error (exit 5), while the seeds of a module that is not installed are skipped.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
mkdir -p seeds/dev seeds/unknown seeds/requires
shop_project "$db"
# A module of the project that is not installed is still skipped (extra: not migrated).
expect_err "skipped 20_extra.things.yaml: module extra is not installed"

# A schema that is neither in the database nor a module of the project: exit 5, not a skip.
printf 'table: nosuch.things\nrows:\n  - {name: x}\n' >seeds/unknown/10_nosuch.things.yaml
run "$AGENTPG" seed --env unknown
expect_code 5
expect_err "unknown schema nosuch in seeds/unknown/10_nosuch.things.yaml"
expect_err "the modules are: extra, shop"
expect_no "skipped"
# The same for a name of '-- requires:'; nothing of the run is written.
printf -- '-- requires: shop, nosuch\nINSERT INTO shop.items (name) VALUES (%s);\n' "'required'" >seeds/requires/10_more.sql
run "$AGENTPG" seed --env requires
expect_code 5
expect_err "unknown schema nosuch in seeds/requires/10_more.sql"
[ "$(sql_value "$db" "select count(*) from shop.items where name = 'required'")" = 0 ] || fail "an unknown schema's file ran"

# '-- fills:' names what --reset empties: an unknown schema or table there is exit 5 naming
# the file, for a dry run and a reset alike, and nothing is emptied.
mkdir -p seeds/fills seeds/fillstable
printf -- '-- fills: nosuch.tbl\nselect 1;\n' >seeds/fills/71_f.sql
for args in "seed --env fills --dry-run" "--yes seed --env fills --reset"; do
  run "$AGENTPG" $args
  expect_code 5
  expect_err "unknown schema nosuch in seeds/fills/71_f.sql"
done
printf -- '-- fills: shop.nosuch\nselect 1;\n' >seeds/fillstable/71_f.sql
run "$AGENTPG" --yes seed --env fillstable --reset
expect_code 5
expect_err "seeds/fillstable/71_f.sql: unknown table shop.nosuch in '-- fills:'"
[ "$(sql_value "$db" "select count(*) from shop.items")" = 2 ] || fail "a refused reset emptied shop.items"
