# seed --dry-run puts back the sequences it moved (nextval() is not rolled back), also
# when it fails, and names a sequence another session used meanwhile instead of
# rewinding it.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
mkdir -p seeds/dev
shop_project "$db"

# --dry-run puts back every sequence it moved (identity, serial, and the one a trigger
# used, and agentpg.seed_history's): the next real insert gets the id it would have got.
seqs="select (select last_value || ':' || is_called from shop.items_id_seq) || ' ' ||
             (select last_value || ':' || is_called from shop.items_serial_no_seq) || ' ' ||
             (select last_value || ':' || is_called from shop.log_id_seq)"
before=$(sql_value "$db" "$seqs")
next_id=$(sql_value "$db" "select case when is_called then last_value + 1 else last_value end from shop.items_id_seq")
printf '  - {name: cherry, tags: *fruit}\n  - {name: damson}\n' >>seeds/dev/10_shop.items.yaml
run "$AGENTPG" seed --env dev --dry-run
expect_code 0
expect_out "(dry run: rolled back)"
expect_out "the dry run moved 4 sequences and put them back"
[ "$(sql_value "$db" "$seqs")" = "$before" ] || fail "the dry run moved sequences: $before -> $(sql_value "$db" "$seqs")"
[ "$(sql_value "$db" "select count(*) from shop.items where name in ('cherry', 'damson')")" = 0 ] || fail "the dry run wrote rows"
[ "$(sql_value "$db" "insert into shop.items (name) values ('probe') returning id")" = "$next_id" ] ||
  fail "the next insert after a dry run did not get id $next_id"
# A dry run that fails puts them back too.
printf -- '-- requires: shop\nINSERT INTO shop.items (name) VALUES (%s);\nSELECT 1/0;\n' "'doomed'" >seeds/dev/30_fail.sql
before=$(sql_value "$db" "$seqs")
run "$AGENTPG" seed --env dev --dry-run
expect_code 4
[ "$(sql_value "$db" "$seqs")" = "$before" ] || fail "the failed dry run moved sequences: $before -> $(sql_value "$db" "$seqs")"
rm seeds/dev/30_fail.sql
# Another session that takes ids from the sequence while the dry run runs: its rows hold
# values past where the sequence stood, so it is left alone and named, never rewound.
sql_value "$db" "CREATE EXTENSION dblink" >/dev/null
printf -- "-- requires: shop\nSELECT dblink_exec('host=%s port=%s dbname=%s user=postgres', 'INSERT INTO shop.items (name) VALUES (''other'')');\n" \
  "$CLUSTER_SOCKET" "$CLUSTER_PORT" "$db" >seeds/dev/30_other_session.sql
run "$AGENTPG" seed --env dev --dry-run
expect_code 0
expect_err "warning: the dry run moved sequence shop.items_id_seq: another session used it during the dry run"
[ "$(sql_value "$db" "select count(*) from shop.items where name = 'other'")" = 1 ] || fail "the other session's row is missing"
[ "$(sql_value "$db" "insert into shop.items (name) values ('after') returning id > (select id from shop.items where name = 'other')")" = t ] ||
  fail "the sequence was rewound below a committed row"
