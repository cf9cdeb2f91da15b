# Differential splitting: each body of a corpus of tricky SQL (keywords as identifiers,
# BEGIN ATOMIC bodies, tagged and nested dollar quotes, nested comments, E'' strings,
# U&"" identifiers, backslashes in standard strings, a last statement without ';', CREATE
# RULE with several actions, DO blocks, a section of comments only) is applied four ways,
# each in a database of its own (one schema per case):
#   ntx   agentpg migrate, the section marked transaction:false (statement by statement)
#   tx    agentpg migrate, the section in a transaction
#   psql  psql -X -v ON_ERROR_STOP=1 -f on the same body (the reference)
#   alone every statement that `agentpg migrate --dry-run` prints for the transaction:false
#         section, sent by itself through the extended query protocol, which refuses a
#         text holding more than one command ("cannot insert multiple commands into a
#         prepared statement")
# and the databases must end up with the same schema and data (pg_dump without the agentpg
# schema); agentpg must report each migration applied and record it once. Finally the
# whole corpus as one migrations folder. Every case runs; the failures are listed at the end.
source "$(dirname "$0")/lib.sh"

# The extended-protocol runner: reads a dry-run, takes the statements printed between the
# history writes of its transaction:false section, and sends each alone (Parse, Bind,
# Execute, Sync) over the cluster's unix socket, with the given search_path and, like psql
# below, asynchronous commits (durability is not what this scenario checks). Prints one
# line for each statement refused (then goes on with the next case); exit 1 if any was.
cat >"$WORK/alone.py" <<'PY'
import socket, struct, sys

sock_dir, port, db = sys.argv[1:4]
cases = sys.argv[4:]  # pairs: search_path, dry-run file
HISTORY = "INSERT INTO agentpg.schema_migrations"
RUNNING = "DO UPDATE SET status = 'running'"
FINISHED = "UPDATE agentpg.schema_migrations SET status = 'applied'"
WRAP_BEGIN = "BEGIN READ WRITE;\n"

# The statements between the history writes: each starts after the line that ends a
# "running" record (which may span lines) and the COMMIT of its own transaction, and ends
# before the BEGIN READ WRITE of the next history write.
def chunks(text):
    out, current, state = [], None, "before"
    for line in text.splitlines(keepends=True):
        if state == "before":
            if line.startswith("-- ") and line.rstrip().endswith("(up, transaction:false)"):
                state = "between"
            continue
        if line.startswith(HISTORY) or line.startswith(FINISHED):
            if current is not None:
                # The history write's own transaction opens a few lines before it
                # (BEGIN READ WRITE, then agentpg's check that it holds its lock).
                wrap = current.rfind(WRAP_BEGIN)
                if wrap >= 0 and current[wrap:].count("\n") <= 2:
                    current = current[:wrap]
                out.append(current)
                current = None
            if line.startswith(FINISHED):
                return out
            state = "record"
        if state == "record":
            if RUNNING in line:
                state, current = "wrapper", ""
        elif state == "wrapper":
            state = "statement"  # this line closes the history write's transaction
        elif state == "statement":
            current += line
    raise SystemExit("no complete transaction:false section in the dry-run")

def msg(kind, payload=b""):
    return kind + struct.pack("!i", len(payload) + 4) + payload

def read():
    global buf
    while len(buf) < 5 or len(buf) < 1 + struct.unpack("!i", buf[1:5])[0]:
        data = s.recv(65536)
        if not data:
            raise SystemExit("server closed the connection")
        buf += data
    n = struct.unpack("!i", buf[1:5])[0]
    kind, body, buf = buf[:1], buf[5:1 + n], buf[1 + n:]
    return kind, body

def until_ready():
    error = None
    while True:
        kind, body = read()
        if kind == b"E":
            fields = {f[:1]: f[1:].decode() for f in body.split(b"\0") if f}
            error = f"{fields.get(b'C', '?')} {fields.get(b'M', '?')}"
        elif kind == b"R" and struct.unpack("!i", body[:4])[0] != 0:
            raise SystemExit("the server asks for a password; trust authentication is needed")
        elif kind == b"Z":
            return error

refused = False
for search_path, plan in zip(cases[0::2], cases[1::2]):
    s = socket.socket(socket.AF_UNIX)
    s.connect(f"{sock_dir}/.s.PGSQL.{port}")
    buf = b""
    options = "-c synchronous_commit=off -c search_path=" + search_path
    startup = struct.pack("!i", 196608) + b"\0".join(
        x.encode() for x in ["user", "postgres", "database", db, "options", options, "", ""])
    s.sendall(struct.pack("!i", len(startup) + 4) + startup)
    if until_ready():
        raise SystemExit("cannot connect")
    for i, sql in enumerate(chunks(open(plan).read()), 1):
        s.sendall(msg(b"P", b"\0" + sql.encode() + b"\0" + struct.pack("!h", 0)) +
                  msg(b"B", b"\0\0" + struct.pack("!hhh", 0, 0, 0)) +
                  msg(b"E", b"\0" + struct.pack("!i", 0)) + msg(b"S"))
        error = until_ready()
        one_line = " ".join(sql.split())
        if error:
            print(f"{search_path}: statement {i} refused: {error}\n    the statement: {one_line[:300]}")
            refused = True
            break
    s.sendall(msg(b"X"))
    s.close()
sys.exit(1 if refused else 0)
PY

# The corpus: one file per case, the body exactly as it goes in the migration.
mkdir -p "$WORK/corpus"
case_body() { cat >"$WORK/corpus/$1.sql"; }

case_body keywords_as_identifiers <<'SQL'
CREATE TABLE kw (id int, begin int, "case" int, "end" int, atomic int);
INSERT INTO kw (id, begin, "case", "end", atomic) VALUES (1, 2, 3, 4, 5);
CREATE VIEW kw_view AS SELECT s.case, s.end, s.begin, s.atomic FROM kw s;
CREATE VIEW kw_case AS SELECT CASE WHEN begin > 0 THEN 'b' ELSE 'e' END AS what FROM kw;
CREATE TABLE after_kw (x int);
SQL

case_body begin_column_first <<'SQL'
CREATE TABLE periods (begin timestamptz, atomic boolean);
CREATE TABLE follows_periods (x int);
INSERT INTO follows_periods VALUES (1);
SQL

case_body begin_atomic <<'SQL'
CREATE TABLE counters (n int);
CREATE FUNCTION add_one(a int) RETURNS int LANGUAGE sql
BEGIN ATOMIC
  SELECT a + 1;
END;
CREATE FUNCTION sign_of(a int) RETURNS text LANGUAGE sql
BEGIN ATOMIC
  SELECT CASE WHEN a > 0 THEN 'pos' WHEN a < 0 THEN 'neg' ELSE 'zero' END;
END;
CREATE PROCEDURE bump() LANGUAGE sql
BEGIN ATOMIC
  INSERT INTO counters VALUES (1);
  INSERT INTO counters VALUES (2);
END;
CALL bump();
CREATE TABLE after_atomic (x int);
SQL

case_body dollar_quotes <<'SQL'
CREATE FUNCTION quoted() RETURNS text LANGUAGE plpgsql AS $fn$
BEGIN
  -- a ; in a comment in a body
  RETURN $$ ; $$ || $x$;'"$x$ || $_$ $$ ; $_$;
END
$fn$;
CREATE TABLE dollar$ (a$b int, "$x$" int);
CREATE FUNCTION plain() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;
CREATE TABLE after_dollars (body text DEFAULT $d$it's; "here"$d$);
INSERT INTO after_dollars VALUES (DEFAULT);
SQL

case_body nested_comments <<'SQL'
/* a comment /* nested; */ still a comment; CREATE TABLE not_made (x int); */
CREATE TABLE commented (x int /* inline; */, y int); -- trailing; with a ' quote
/* /* /* three deep; */ */ */ CREATE TABLE after_comments (x int);
-- a line comment; with 'quote and $$ dollars
INSERT INTO commented VALUES (1, 2) /* ; */;
SQL

case_body escape_strings <<'SQL'
CREATE TABLE strs (id int, s text);
INSERT INTO strs VALUES (1, E'it\'s; here');
INSERT INTO strs VALUES (2, E'back\\slash; \'');
INSERT INTO strs VALUES (3, 'c:\');
INSERT INTO strs VALUES (4, 'it''s; "x"');
INSERT INTO strs VALUES (5, e'\\'), (6, 'tab\t;');
CREATE TABLE after_strings (x int);
SQL

case_body unicode_identifiers <<'SQL'
CREATE TABLE U&"d\0061t\+000061; x" (U&"!0063ol;" UESCAPE '!' int);
CREATE TABLE U&"plain" (id int);
INSERT INTO U&"d\0061t\+000061; x" VALUES (7);
SELECT U&'\0041;' AS a;
SQL

case_body no_final_semicolon <<'SQL'
CREATE TABLE first_of_two (x int);
CREATE TABLE last_without_semicolon (x int)
SQL

case_body trailing_comment_after_last <<'SQL'
CREATE TABLE one_more (x int);
INSERT INTO one_more VALUES (1)
-- the end; without a semicolon above
SQL

case_body create_rule <<'SQL'
CREATE TABLE ruled (x int);
CREATE TABLE ruled_log (x int, note text);
CREATE RULE ruled_copy AS ON INSERT TO ruled DO ALSO (
  INSERT INTO ruled_log VALUES (NEW.x, 'first; one');
  INSERT INTO ruled_log VALUES (NEW.x + 1, 'second')
);
INSERT INTO ruled VALUES (10);
CREATE TABLE after_rule (x int);
SQL

case_body do_blocks <<'SQL'
CREATE TABLE from_do (x int);
DO $$
BEGIN
  INSERT INTO from_do VALUES (1);
  IF true THEN
    INSERT INTO from_do VALUES (2);
  END IF;
END
$$;
DO LANGUAGE plpgsql 'BEGIN INSERT INTO from_do VALUES (3); END';
DO $body$ BEGIN EXECUTE 'CREATE TABLE made_by_do (y int)'; END $body$;
SQL

case_body only_comments <<'SQL'
-- nothing to run here; really
/* nor here; CREATE TABLE not_made (x int); */

SQL

case_body semicolons_and_blanks <<'SQL'
;;
CREATE TABLE semis (x int);;
;
INSERT INTO semis VALUES (1); ; INSERT INTO semis VALUES (2);
SQL

# One database per way, one schema per case in each (the case runs with its schema as
# search_path); the agentpg schema is dropped after each case, so each agentpg run starts
# with an empty history.
ref=$(new_db)
ntx=$(new_db)
tx=$(new_db)
alone=$(new_db)
cases=()
for file in "$WORK"/corpus/*.sql; do cases+=("$(basename "$file" .sql)"); done
for db in "$ref" "$ntx" "$tx" "$alone"; do
  for name in "${cases[@]}"; do echo "CREATE SCHEMA c_$name;"; done | psql_db "$db" >/dev/null
done
# case_url DB NAME: the URL of DB with the schema of case NAME as search_path.
case_url() { echo "$(db_url "$1")&options=-c%20search_path%3Dc_$2"; }
# dump DB [SCHEMA]: schema and data of DB (or of one of its schemas), without the agentpg schema.
dump() {
  pg_dump --no-owner --exclude-schema=agentpg ${2:+--schema="$2"} "$(db_url "$1")" |
    grep -v -e '^--' -e '^\\restrict' -e '^\\unrestrict' | sed '/^$/d'
}
failures=()
problem() {
  failures+=("$1")
  echo "FAIL [$SCENARIO]: $1" >&2
}
# migrations_for NAME [OPTION]: a folder holding one migration with the body of case NAME.
migrations_for() {
  local dir="$WORK/m_${1}_${2:-tx}"
  mkdir -p "$dir"
  { echo "-- migrate:up ${2:-}"; cat "$WORK/corpus/$1.sql"; } >"$dir/1_$1.sql"
  echo "$dir"
}

# psql runs the whole corpus in one go, each body from its own file, in its case's schema.
for name in "${cases[@]}"; do
  printf 'SET search_path = c_%s;\n\\i %s\n' "$name" "$WORK/corpus/$name.sql"
done >"$WORK/reference.sql"
PGOPTIONS="-c synchronous_commit=off" psql -X -q -v ON_ERROR_STOP=1 "$(db_url "$ref")" -f "$WORK/reference.sql" \
  >"$WORK/psql.out" 2>&1 || fail "psql cannot run the corpus (the corpus itself is wrong): $(cat "$WORK/psql.out")"

alone_plans=()
for name in "${cases[@]}"; do
  for way in ntx tx; do
    db=${!way}
    dir=$(migrations_for "$name" "$([ "$way" = ntx ] && echo transaction:false)")
    run "$AGENTPG" --database-url "$(case_url "$db" "$name")" --migrations-dir "$dir" migrate
    if [ "$CODE" -ne 0 ]; then
      problem "$name ($way): agentpg migrate exit $CODE: $(head -c 600 "$WORK/err")"
    else
      grep -qF "applied  1_$name" "$WORK/out" && grep -qF "applied 1 migration" "$WORK/out" ||
        problem "$name ($way): stdout does not report it applied: $(out)"
      history=$(sql_value "$db" "select string_agg(version || ':' || status, ',') from agentpg.schema_migrations")
      [ "$history" = "1:applied" ] || problem "$name ($way): history is '$history', not '1:applied'"
      run "$AGENTPG" --database-url "$(case_url "$db" "$name")" --migrations-dir "$dir" status --exit-code
      [ "$CODE" -eq 0 ] || problem "$name ($way): status --exit-code exits $CODE after migrate: $(out)"
    fi
    sql_value "$db" "DROP SCHEMA IF EXISTS agentpg CASCADE" >/dev/null 2>&1
  done

  # Every statement the transaction:false dry-run prints, alone, in order.
  dir=$(migrations_for "$name" transaction:false)
  run "$AGENTPG" --database-url "$(case_url "$alone" "$name")" --migrations-dir "$dir" migrate --dry-run
  if [ "$CODE" -ne 0 ]; then
    problem "$name (alone): agentpg migrate --dry-run exit $CODE: $(head -c 600 "$WORK/err")"
    continue
  fi
  cp "$WORK/out" "$WORK/plan_$name.sql"
  alone_plans+=("c_$name" "$WORK/plan_$name.sql")
done
python3 "$WORK/alone.py" "$CLUSTER_SOCKET" "$CLUSTER_PORT" "$alone" "${alone_plans[@]}" >"$WORK/alone.out" 2>&1 ||
  problem "(alone) statements of the dry-run that do not run by themselves:
$(cat "$WORK/alone.out")"
[ "$(sql_value "$alone" "select count(*) from pg_namespace where nspname = 'agentpg'")" = 0 ] ||
  problem "--dry-run made the agentpg schema"

# Same schema and data everywhere; a difference is narrowed down to its cases.
expected=$(dump "$ref")
for way in ntx tx alone; do
  db=${!way}
  [ "$(dump "$db")" = "$expected" ] && continue
  for name in "${cases[@]}"; do
    diff <(dump "$ref" "c_$name") <(dump "$db" "c_$name") >"$WORK/diff" ||
      problem "$name ($way): schema or data differ from psql's:
$(head -20 "$WORK/diff")"
  done
done

# The corpus in one folder, as a project would have it: every case a migration, in order,
# alternately transaction:false and transactional, against psql running all bodies in turn.
ref=$(new_db)
db=$(new_db)
mkdir -p "$WORK/all"
version=0
for name in "${cases[@]}"; do
  version=$((version + 1))
  option=$([ $((version % 2)) = 1 ] && echo transaction:false || true)
  { echo "-- migrate:up $option"; cat "$WORK/corpus/$name.sql"; } >"$WORK/all/${version}_$name.sql"
  printf '\\i %s\n' "$WORK/corpus/$name.sql" >>"$WORK/whole.sql"
done
PGOPTIONS="-c synchronous_commit=off" psql -X -q -v ON_ERROR_STOP=1 "$(db_url "$ref")" -f "$WORK/whole.sql" \
  >"$WORK/psql.out" 2>&1 || problem "whole corpus: psql cannot run it: $(cat "$WORK/psql.out")"
run "$AGENTPG" --database-url "$(db_url "$db")" --migrations-dir "$WORK/all" migrate
if [ "$CODE" -ne 0 ]; then
  problem "whole corpus: agentpg migrate exit $CODE: $(head -c 600 "$WORK/err")"
else
  grep -qF "applied $version migrations (empty -> $version)" "$WORK/out" || problem "whole corpus: summary: $(out)"
  diff <(dump "$ref") <(dump "$db") >"$WORK/diff" || problem "whole corpus: schema or data differ from psql's:
$(head -20 "$WORK/diff")"
  run "$AGENTPG" --database-url "$(db_url "$db")" --migrations-dir "$WORK/all" status --exit-code
  [ "$CODE" -eq 0 ] || problem "whole corpus: status --exit-code exits $CODE after migrate: $(out)"
fi

if [ "${#failures[@]}" -gt 0 ]; then
  echo "FAIL [$SCENARIO]: ${#failures[@]} check(s) failed:" >&2
  printf '  - %s\n' "${failures[@]}" >&2
  exit 1
fi
