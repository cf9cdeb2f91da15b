# seed and agentpg.yaml read YAML as data: an alias bomb is refused fast (exit 5 for a
# seed, 2 for agentpg.yaml) and in bounded memory, a small use of aliases still works, and
# a key given twice in a map is an error naming both lines, not last-wins.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
mkdir -p seeds/dev seeds/bomb seeds/strings seeds/dup
shop_project "$db"

# An alias bomb: 10 levels of 9 aliases (3.4 billion values) from a few hundred bytes.
# Refused with exit 5, naming file, line and column, fast and within 1 GB of memory.
python3 - seeds/bomb/10_shop.items.yaml <<'PY'
import sys
lines = ["table: shop.items", "key: [name]", "rows:", "  - name: bomb", "    l0: &l0 [x,x,x,x,x,x,x,x,x]"]
for level in range(1, 10):
    lines.append(f"    l{level}: &l{level} [" + ",".join([f"*l{level - 1}"] * 9) + "]")
lines.append("    tags: *l9")
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
CODE=0
(ulimit -v 1048576 && exec timeout 20 "$AGENTPG" seed --env bomb) >"$WORK/out" 2>"$WORK/err" </dev/null || CODE=$?
[ "$CODE" -ne 124 ] || fail "the alias bomb was still being expanded after 20 s"
expect_code 5
expect_err "seeds/bomb/10_shop.items.yaml:"
expect_err ": anchors and aliases expand to more than 1000000 values: YAML read here is data"
expect_no "bad_alloc"
# The same with a long string aliased (few values, many bytes).
python3 - seeds/strings/10_shop.items.yaml <<'PY'
import sys
lines = ["table: shop.items", "key: [name]", "rows:", "  - name: long", "    s0: &s0 " + "y" * 100000]
for level in range(1, 5):
    lines.append(f"    s{level}: &s{level} [" + ",".join([f"*s{level - 1}"] * 10) + "]")
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
CODE=0
(ulimit -v 1048576 && exec timeout 20 "$AGENTPG" seed --env strings) >"$WORK/out" 2>"$WORK/err" </dev/null || CODE=$?
expect_code 5
expect_err "10_shop.items.yaml:8:"
expect_err "expand to more than 32 MiB of text"
[ "$(sql_value "$db" "select count(*) from shop.items where name in ('bomb', 'long')")" = 0 ] || fail "a refused seed wrote rows"

# A key given twice is an error at the second one, not last-wins.
printf 'table: shop.items\nkey: [name]\nrows:\n  - name: plum\n    tags: {a: 1}\n    name: prune\n' >seeds/dup/10_shop.items.yaml
run "$AGENTPG" seed --env dup
expect_code 5
expect_err "seeds/dup/10_shop.items.yaml:6:5: duplicate key 'name' (first at line 4)"
printf 'table: shop.items\nrows:\n  - {name: plum}\ntable: shop.log\n' >seeds/dup/10_shop.items.yaml
run "$AGENTPG" seed --env dup
expect_code 5
expect_err "10_shop.items.yaml:4:1: duplicate key 'table' (first at line 1)"
[ "$(sql_value "$db" "select count(*) from shop.items where name in ('plum', 'prune')")" = 0 ] || fail "a refused seed wrote rows"

# agentpg.yaml: the same reader, the configuration's exit code (2).
printf 'lock_timeout: 5\nenvironment: test\nlock_timeout: 50\n' >agentpg.yaml
run "$AGENTPG" status
expect_code 2
expect_err "agentpg.yaml:3:1: duplicate key 'lock_timeout' (first at line 1)"
printf 'init:\n  seed: true\n  seed: false\n' >agentpg.yaml
run "$AGENTPG" status
expect_code 2
expect_err "agentpg.yaml:3:3: duplicate key 'seed' (first at line 2)"
python3 -c '
print("x0: &x0 [a,a,a,a,a,a,a,a,a]")
for i in range(1, 10): print(f"x{i}: &x{i} [" + ",".join([f"*x{i-1}"] * 9) + "]")' >agentpg.yaml
CODE=0
(ulimit -v 1048576 && exec timeout 20 "$AGENTPG" status) >"$WORK/out" 2>"$WORK/err" </dev/null || CODE=$?
expect_code 2
expect_err "agentpg.yaml:"
expect_err "anchors and aliases expand to more than 1000000 values"
rm agentpg.yaml

