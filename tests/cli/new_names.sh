# `new` writes only inside the migrations folder: module and migration names holding a
# path separator, '..', a leading '.', blanks or control characters are refused (exit 2)
# before anything is created (a migration name as one would say it, "Add Agents", is made
# a slug, add_agents; one with a path separator, a control character or no letter at all
# is refused); a near-miss of an existing module and a module that the
# configured `modules` leave out are refused too; a new module folder is started and said so.
source "$(dirname "$0")/lib.sh"
mkdir -p a/b/project/migrations/core
cd a/b/project
snapshot() { find "$WORK" -path "$WORK/out" -prune -o -path "$WORK/err" -prune -o -print | LC_ALL=C sort; }
before=$(snapshot)
refused() { # refused WHAT MESSAGE ARGS...: exit 2, MESSAGE on stderr, nothing created
  local what=$1 message=$2
  shift 2
  run "$AGENTPG" "$@"
  expect_code 2
  expect_err "$message"
  [ "$(snapshot)" = "$before" ] || fail "$what: new created something: $(diff <(echo "$before") <(snapshot))"
}
for module in ../../x a/b .. .hidden ./x "a\\b"; do
  refused "--module $module" "module name '$module'" new add_x --module "$module"
done
refused "--module with a space" "module name 'a b' holds a space" new add_x --module "a b"
refused "--module with a newline" "module name 'a\\x0Ab' holds a control character" new add_x --module $'a\nb'
refused "--module with a tab" "module name 'a\\x09' holds a control character" new add_x --module $'a\t'
refused "--module=-x" "module name '-x' starts with '-'" new add_x --module=-x
for name in ../../x a/b 'a\b' ./x; do
  refused "name $name" "migration name '$name' holds a path separator" new "$name"
done
for name in .. "!!!" " - "; do
  refused "name $name" "migration name '$name' holds no letter or digit to name the file by" new "$name"
done
refused "name with a newline" "migration name 'a\\x0Ab' holds a control character" new $'a\nb'
refused "name with an escape" "migration name '\\x1B[31m' holds a control character" new $'\e[31m'
refused "a typo of a module" "there is no module 'cor' (did you mean 'core'?)" new add_x --module cor
AGENTPG_MODULES=core refused "a module left out of modules" "module 'billing' is not among the configured modules (core)" new add_x --module billing
[ ! -e "$WORK/a/b/x" ] && [ ! -e "$WORK/a/x" ] || fail "a file outside the migrations folder"

run "$AGENTPG" new add_x --module core
expect_code 0
expect_out "created migrations/core/"
expect_no "named it"
expect_no "started module"

# A name as one would say it becomes a slug, and the output says which.
run "$AGENTPG" new "Add Agents" --module core
expect_code 0
expect_out "named it 'add_agents' (lower-case letters, digits and _)"
expect_no "started module"
ls migrations/core/*_add_agents.sql >/dev/null || fail "no file named add_agents"
run "$AGENTPG" --json new "Café Crème v2!" --module core
expect_code 0
[ "$(json_get 'd["name"]')" = cafe_creme_v2 ] || fail "json name: $(out)"
[ -f "$(json_get 'd["path"]')" ] || fail "json path is not the file: $(out)"
[ "$(ls migrations/core | wc -l)" = 3 ] || fail "expected three migrations in core: $(ls migrations/core)"
run "$AGENTPG" new add_y --module billing-v2
expect_code 0
expect_out "started module 'billing-v2' in migrations/billing-v2"
ls migrations/billing-v2/*_add_y.sql >/dev/null || fail "no file in the new module"
