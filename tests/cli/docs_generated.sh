# The man page and completions are generated from the CLI definition: the committed
# files equal what the binary generates, list every command and option, the man page
# renders without warnings, and bash completes real command lines.
source "$(dirname "$0")/lib.sh"
src=$AGENTPG_SOURCE
"$AGENTPG" manpage >"$WORK/agentpg.1"
"$AGENTPG" completion bash >"$WORK/agentpg.bash"
"$AGENTPG" completion zsh >"$WORK/_agentpg"
"$AGENTPG" completion fish >"$WORK/agentpg.fish"
diff -u "$src/man/agentpg.1" "$WORK/agentpg.1" >&2 || fail "man/agentpg.1 is stale: run 'build/agentpg manpage > man/agentpg.1'"
for f in agentpg.bash _agentpg agentpg.fish; do
  diff -u "$src/completions/$f" "$WORK/$f" >&2 || fail "completions/$f is stale: regenerate it with 'agentpg completion'"
done

warnings=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$src/man/agentpg.1" 2>&1)
[ -z "$warnings" ] || fail "groff warns: $warnings"
MANWIDTH=100 man -l "$src/man/agentpg.1" 2>/dev/null | col -b >"$WORK/man.txt"
for section in NAME SYNOPSIS COMMANDS "GLOBAL OPTIONS" ENVIRONMENT FILES "EXIT STATUS" EXAMPLES; do
  grep -q "^$section" "$WORK/man.txt" || fail "the man page has no $section section"
done

# Every command of --help, and every long option of each command, in each file.
commands=$("$AGENTPG" --help | sed -n '/^Subcommands:/,/^$/p' | awk 'NR > 1 && /^  [^ ]/ {sub(/,$/, "", $1); print $1}')
[ -n "$commands" ] || fail "no commands in --help"
for c in $commands; do
  grep -q "^   $c$" "$WORK/man.txt" || fail "the man page lacks the command $c"
  grep -qw -- "$c" "$src/completions/agentpg.bash" || fail "bash completion lacks $c"
  grep -q "'$c:" "$src/completions/_agentpg" || fail "zsh completion lacks $c"
  grep -q -- "-a $c " "$src/completions/agentpg.fish" || fail "fish completion lacks $c"
  for option in $("$AGENTPG" help "$c" | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
    grep -q -- "$option" "$WORK/man.txt" || fail "the man page lacks $c $option"
    grep -q -- "$option" "$src/completions/agentpg.bash" || fail "bash completion lacks $c $option"
    grep -q -- "'$option\[" "$src/completions/_agentpg" || fail "zsh completion lacks $c $option"
    grep -q -- "-l ${option#--}" "$src/completions/agentpg.fish" || fail "fish completion lacks $c $option"
  done
done

# bash: "agentpg mi<TAB>" and "agentpg rollback --<TAB>".
complete_words() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _agentpg; printf "%s\n" "${COMPREPLY[@]}"' _ \
    "$src/completions/agentpg.bash" "$@"
}
[ "$(complete_words agentpg mi)" = "migrate" ] || fail "agentpg mi<TAB> gave: $(complete_words agentpg mi)"
rollback=$(complete_words agentpg rollback --)
for option in --steps --to --dry-run --yes --database-url; do
  grep -qx -- "$option" <<<"$rollback" || fail "agentpg rollback --<TAB> lacks $option"
done
[ "$(complete_words agentpg --database-url postgres://x local s)" = "$(printf 'start\nstop\nstatus')" ] ||
  fail "agentpg ... local s<TAB> gave: $(complete_words agentpg --database-url postgres://x local s)"

# The bundled modules and seed environments come from the binary, not from a folder.
[ "$(complete_words agentpg bundled install c)" = "$(printf 'core\ncaracal\nchad')" ] ||
  fail "agentpg bundled install c<TAB> gave: $(complete_words agentpg bundled install c)"
[ "$(complete_words agentpg bundled install caracal --seed de)" = "$(printf 'demo\ndevelopment')" ] ||
  fail "agentpg bundled install caracal --seed de<TAB> gave: $(complete_words agentpg bundled install caracal --seed de)"

# zsh and fish read their scripts, and fish completes from them.
zsh -n "$src/completions/_agentpg" || fail "zsh cannot parse completions/_agentpg"
fish --no-execute "$src/completions/agentpg.fish" || fail "fish cannot parse completions/agentpg.fish"
fish -c "source $src/completions/agentpg.fish; complete -C 'agentpg rollback --'" | grep -- '^--steps' >/dev/null ||
  fail "fish does not complete agentpg rollback --"
fish -c "source $src/completions/agentpg.fish; complete -C 'agentpg bundled write pl'" | grep -x platform >/dev/null ||
  fail "fish does not complete agentpg bundled write pl"

# README's configuration table names every setting the binary knows.
for key in $("$AGENTPG" --help | grep -oE -- '\[env: AGENTPG_[A-Z_]+\]' | sed 's/\[env: AGENTPG_//; s/\]//' | tr 'A-Z' 'a-z'); do
  grep -q "^| \`$key\`" "$src/README.md" || fail "README's configuration table lacks $key"
done
