# zsh -f zsh_complete.zsh FOLDER LINE: what zsh's completion system offers when LINE is
# typed into an interactive zsh followed by a TAB, one candidate a line. FOLDER holds the
# _agentpg script (it goes first in fpath). The interactive zsh runs on a pseudo-terminal
# (zpty); compadd is wrapped so that each candidate is printed between markers (the idea of
# Valodim's zsh-capture-completion). Lines that are not candidates go to stderr, so that an
# error printed while completing ("command not found: ...") shows there.
zmodload zsh/zpty
init=$(mktemp)
trap 'rm -f $init; zpty -d z 2>/dev/null' EXIT
cat >$init <<INIT
PROMPT= RPROMPT=
unsetopt zle_bracketed_paste 2>/dev/null
fpath=(${(q)1} \$fpath)
autoload -Uz compinit && compinit -u -D
bindkey '^I' complete-word
zstyle ':completion:*' insert-tab false
__capture_end() { print -r -- '<<<END>>>' }
compadd() {
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "\$@"
    return
  fi
  local -a __hits
  builtin compadd -A __hits "\$@"
  # The prefixes that a file's folder travels in ("backups/" of "backups/app-1.dump").
  local -a __apre __hpre
  zparseopts -E P:=__apre p:=__hpre
  local h
  for h in \$__hits; do print -r -- "<<<HIT>>>\$__apre[2]\$__hpre[2]\$h"; done
}
print -r -- '<<<READY>>>'
INIT
zpty z zsh -f -i
zpty -w z "source ${(q)init}"
while zpty -r z line; do [[ $line == *'<<<READY>>>'* && $line != *print* ]] && break; done
zpty -w z 'comppostfuncs=(__capture_end)'
zpty -w -n z "$2"$'\t'
while zpty -r z line; do
  line=${line%$'\r'}
  line=${line%$'\n'}
  line=${line%$'\r'}
  if [[ $line == *'<<<HIT>>>'* ]]; then
    print -r -- "${line##*<<<HIT>>>}"
  elif [[ $line == *'<<<END>>>'* && $line != *comppostfuncs* ]]; then
    break
  else
    print -r -- "$line" >&2
  fi
done
