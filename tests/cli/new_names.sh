# `new` writes only inside the migrations folder: module and migration names holding a
# path separator, '..', a leading '.', blanks or control characters are refused (exit 2)
# before anything is created; a near-miss of an existing module and a module that the
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
for name in ../../x a/b .. .hidden "a b" "Add_x"; do
  refused "name $name" "migration name '$name' must be lower-case letters, digits and _" new "$name"
done
refused "name with a newline" "migration name 'a\\x0Ab' must be" new $'a\nb'
refused "name with an escape" "migration name '\\x1B[31m' must be" new $'\e[31m'
refused "a typo of a module" "there is no module 'cor' (did you mean 'core'?)" new add_x --module cor
AGENTPG_MODULES=core refused "a module left out of modules" "module 'billing' is not among the configured modules (core)" new add_x --module billing
[ ! -e "$WORK/a/b/x" ] && [ ! -e "$WORK/a/x" ] || fail "a file outside the migrations folder"

run "$AGENTPG" new add_x --module core
expect_code 0
expect_out "created migrations/core/"
run "$AGENTPG" new add_y --module billing-v2
expect_code 0
expect_out "started module 'billing-v2' in migrations/billing-v2"
ls migrations/billing-v2/*_add_y.sql >/dev/null || fail "no file in the new module"
