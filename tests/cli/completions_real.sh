# Completion in the real shells: the scripts the binary prints are loaded into bash, zsh
# (an interactive zsh on a pseudo-terminal, TAB typed) and fish, which complete command
# names, option values of a fixed set, --module and --env from the project's folders, file
# names for restore and backup verify, and the subcommands of local and backup without the
# global options mixed in.
source "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p fpath project/migrations/billing project/migrations/agents project/seeds/dev \
  project/seeds/staging project/backups
"$AGENTPG" completion bash >agentpg.bash
"$AGENTPG" completion zsh >fpath/_agentpg
"$AGENTPG" completion fish >agentpg.fish
cd project
touch agentpg.yaml backups/app-1.dump backups/app-1.dump.manifest.json

# complete_in SHELL WORD...: the candidates SHELL offers for the last WORD, sorted.
complete_in() {
  local shell=$1
  shift
  case $shell in
    bash) bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _agentpg
                   printf "%s\n" "${COMPREPLY[@]}"' _ "$WORK/agentpg.bash" "$@" ;;
    zsh) timeout 30 zsh -f "$here/zsh_complete.zsh" "$WORK/fpath" "$*" 2>>"$WORK/zsh.err" ;;
    fish) fish -c 'source $argv[1]; complete -C "$argv[2]"' "$WORK/agentpg.fish" "$*" | cut -f1 ;;
  esac | sed 's,/$,,; /^$/d' | sort -u
}
# expect_completion SHELL "WORD..." "EXPECTED..." (EXPECTED: space-separated, any order).
expect_completion() {
  local got want
  # shellcheck disable=SC2086
  got=$(complete_in "$1" $2 "")
  want=$(tr ' ' '\n' <<<"$3" | sort -u)
  [ "$got" = "$want" ] || fail "$1: agentpg ${2#agentpg }<TAB> offered [$(echo $got)], expected [$3]"
}
# expect_offers SHELL "WORD..." CURRENT EXPECTED...: the candidates include every EXPECTED.
expect_offers() {
  local shell=$1 words=$2 current=$3 got
  shift 3
  # shellcheck disable=SC2086
  got=$(complete_in "$shell" $words "$current")
  for want in "$@"; do
    grep -qx -- "$want" <<<"$got" || fail "$shell: '$words $current<TAB>' lacks $want: [$(echo $got)]"
  done
}

for shell in bash zsh fish; do
  # Command names, and no global option where a command is expected.
  got=$(complete_in $shell agentpg "")
  for c in migrate rollback backup restore local seed; do
    grep -qx "$c" <<<"$got" || fail "$shell: agentpg <TAB> lacks $c: [$(echo $got)]"
  done
  ! grep -q -- '^-' <<<"$got" || fail "$shell: agentpg <TAB> offers options: [$(echo $got)]"

  # Option values from a fixed set.
  expect_completion $shell "agentpg backup --format" "custom directory plain"
  expect_completion $shell "agentpg check --fail-on" "warning critical"
  expect_completion $shell "agentpg adopt --from" "dbmate golang-migrate diesel flyway alembic"
  expect_completion $shell "agentpg adopt --dirty-is" "applied not-applied"
  expect_completion $shell "agentpg maintain --only" "expired-charges retention analyze"
  # The project's folders: modules and seed environments.
  expect_completion $shell "agentpg new --module" "agents billing"
  expect_completion $shell "agentpg seed --env" "dev staging"
  # Subcommands alone, without the global options.
  expect_completion $shell "agentpg local" "start stop status url destroy"
  expect_completion $shell "agentpg --json local" "start stop status url destroy"
  expect_completion $shell "agentpg backup" "verify list"
  # File names where a file is expected.
  expect_offers $shell "agentpg restore" "" agentpg.yaml backups
  expect_offers $shell "agentpg restore" backups/ backups/app-1.dump backups/app-1.dump.manifest.json
  expect_offers $shell "agentpg backup verify" backups/ backups/app-1.dump
  expect_offers $shell "agentpg --config" agent agentpg.yaml
  expect_offers $shell "agentpg backup --output" "" backups migrations seeds
  # Options once the word starts with '-', the command's own and the global ones.
  expect_offers $shell "agentpg rollback" -- --steps --dry-run --database-url
  expect_offers $shell "agentpg backup verify" -- --restore
done
[ ! -s "$WORK/zsh.err" ] || ! grep -i 'not found\|error' "$WORK/zsh.err" >&2 ||
  fail "zsh printed an error while completing"
