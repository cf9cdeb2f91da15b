# backups/ and .agentpg/ hold data and a server's files: agentpg creates them with a
# .gitignore holding `*`, so `git status` stays clean, and never replaces a .gitignore.
source "$(dirname "$0")/lib.sh"
mkdir project && cd project
trap '"$AGENTPG" --local-dir "$WORK/project/.agentpg" local stop >/dev/null 2>&1 || true; cleanup' EXIT
git init -q .

run "$AGENTPG" local start
expect_code 0
run "$AGENTPG" --local backup
expect_code 0
[ -z "$(git status --porcelain --untracked-files=all)" ] ||
  fail "git status is not clean: $(git status --porcelain --untracked-files=all)"
for dir in .agentpg backups; do
  grep -qx '\*' "$dir/.gitignore" || fail "$dir/.gitignore does not hold *: $(cat "$dir/.gitignore")"
  grep -q '^# made by agentpg' "$dir/.gitignore" || fail "$dir/.gitignore does not say who made it"
done
# The .gitignore does not disturb the folder's listing.
run "$AGENTPG" --local backup list
expect_code 0
expect_no ".gitignore"

# A nested --output: only the folder made for the backups is ignored.
run "$AGENTPG" --local backup --output dumps/nightly
expect_code 0
[ -z "$(git status --porcelain --untracked-files=all)" ] || fail "dumps/nightly shows in git status"

# A folder that exists already is the user's: its .gitignore is never replaced, and none
# is added to a folder that has none.
mkdir kept && printf '!keep-me\n' >kept/.gitignore
mkdir plain
run "$AGENTPG" --local backup --output kept
expect_code 0
[ "$(cat kept/.gitignore)" = '!keep-me' ] || fail "kept/.gitignore was replaced: $(cat kept/.gitignore)"
run "$AGENTPG" --local backup --output plain
expect_code 0
[ ! -e plain/.gitignore ] || fail "a .gitignore was added to an existing folder"

run "$AGENTPG" local destroy --yes
expect_code 0
