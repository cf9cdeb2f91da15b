# Every shell recipe in README.md runs, as written, against a fresh database.
#
# What runs: each fenced block whose info string is `sh` or `bash`, as one bash script
# (`bash -eo pipefail`, so every line must succeed), and each `- run:` step of a `yaml`
# block (a CI job), as GitHub Actions runs a step (`bash -eo pipefail -c STEP`), steps in
# order. Two HTML comments, on the line right before a fence, change that:
#   <!-- not run: REASON -->      the block is not run (it installs packages, say)
#   <!-- given: COMMAND -->       COMMAND runs first (e.g. `agentpg init` for a recipe
#                                 that expects a migrated database)
# Each block gets a fresh database in DATABASE_URL, a fresh project folder holding copies
# of the repository's migrations/ and seeds/ (its working directory), `agentpg` on PATH
# (the built binary), and "$@" = `true` (an entrypoint's command). Nothing else of the
# text is adapted. A failing block fails this scenario naming its line in README.md.
source "$(dirname "$0")/lib.sh"
REPO=$(cd "$(dirname "$0")/../.." && pwd)
README=$REPO/README.md

mkdir -p "$WORK/bin" "$WORK/blocks"
ln -s "$AGENTPG" "$WORK/bin/agentpg"
export PATH="$WORK/bin:$PATH"

# README.md -> $WORK/blocks/<fence line>.sh (a block) and .given, or .job (a CI job's
# steps, one a line: "<line><TAB><step>").
python3 - "$README" "$WORK/blocks" <<'PY'
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
out = sys.argv[2]
i = 0
while i < len(lines):
    m = re.match(r"^```(\w*)\s*$", lines[i])
    if not m or not m.group(1):
        i += 1
        continue
    kind, start = m.group(1), i + 1  # start: the fence's line number (1-based)
    end = i + 1
    while end < len(lines) and not lines[end].startswith("```"):
        end += 1
    body = lines[i + 1:end]
    before = lines[i - 1].strip() if i > 0 else ""
    skip = before.startswith("<!-- not run:")
    given = re.match(r"^<!-- given: (.*) -->$", before)
    if kind in ("sh", "bash") and not skip:
        open(f"{out}/{start:05d}.sh", "w").write("\n".join(body) + "\n")
        if given:
            open(f"{out}/{start:05d}.given", "w").write(given.group(1) + "\n")
    elif kind == "yaml" and not skip:
        steps = [f"{start + 1 + n}\t{m.group(1)}\n" for n, line in enumerate(body)
                 for m in [re.match(r"^\s*- run:\s*(.*)$", line)] if m]
        if steps:
            open(f"{out}/{start:05d}.job", "w").write("".join(steps))
    i = end + 1
PY
ls "$WORK/blocks" | grep -q '\.sh$' || fail "no runnable shell block found in README.md"
ls "$WORK/blocks" | grep -q '\.job$' || fail "no CI job found in README.md"

# A failing line reports itself: README.md line = the fence's line + the script's line.
cat >"$WORK/report_failure" <<'SH'
trap 'echo "README.md:$((README_FENCE + LINENO)): exit $?: $BASH_COMMAND" >&2' ERR
SH

# fresh_project: a new project folder and database; cd there.
fresh_project() {
  local dir=$WORK/p$1
  mkdir -p "$dir"
  cp -r "$REPO/migrations" "$REPO/seeds" "$dir/"
  chmod -R a+rX "$dir"
  cd "$dir"
  export DATABASE_URL=$(db_url "$(new_db)")
}
# Databases the recipes name themselves (the tour's restore target), dropped afterwards.
for db in app_copy; do
  psql_admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
  forget_db_later "$db"
done
# A recipe that starts the project-local cluster (--local) leaves it running: stop it.
stop_local_clusters() {
  for dir in "$WORK"/p*/.agentpg; do
    [ -d "$dir" ] && "$AGENTPG" --local-dir "$dir" local stop >/dev/null 2>&1 || true
  done
}
trap 'stop_local_clusters; cleanup' EXIT

# record_failure LINE: when the last recipe ($CODE) failed, says so with its stderr.
failures=0
record_failure() {
  [ "$CODE" -ne 0 ] || return 0
  failures=$((failures + 1))
  echo "FAIL [$SCENARIO]: the recipe at README.md:$1 exits $CODE" >&2
  sed 's/^/  | /' "$WORK/err" | tail -n 20 >&2
}

for file in "$WORK"/blocks/*; do
  name=$(basename "$file")
  line=$((10#${name%%.*}))
  case "$name" in
  *.sh)
    fresh_project "$line"
    given="${file%.sh}.given"
    if [ -f "$given" ]; then
      bash -eo pipefail -c "$(cat "$given")" >"$WORK/out" 2>"$WORK/err" </dev/null ||
        fail "README.md:$line: its given command failed: $(cat "$given")"
    fi
    CODE=0
    README_FENCE=$line BASH_ENV="$WORK/report_failure" \
      bash -eo pipefail "$file" true >"$WORK/out" 2>"$WORK/err" </dev/null || CODE=$?
    record_failure "$line"
    ;;
  *.job)
    # The steps of one CI job share its project and database, and stop at the first failure.
    fresh_project "$line"
    while IFS=$'\t' read -r step_line step; do
      CODE=0
      bash -eo pipefail -c "$step" >"$WORK/out" 2>"$WORK/err" </dev/null || CODE=$?
      record_failure "$step_line"
      [ "$CODE" -eq 0 ] || break
    done <"$file"
    ;;
  esac
  cd "$WORK"
done

# The quick tour once more, top to bottom, against the project-local PostgreSQL instead:
# no DATABASE_URL, and every agentpg line given --local, as on a fresh machine with nothing
# but the binary and this repository.
tour=$(grep -l -- '^agentpg --local init' "$WORK"/blocks/*.sh | head -n 1)
[ -n "$tour" ] || fail "README.md's quick tour (the block that ends with 'agentpg --local init') is gone"
mkdir -p "$WORK/localbin"
printf '#!/bin/sh\nexec "%s" --local "$@"\n' "$AGENTPG" >"$WORK/localbin/agentpg"
chmod +x "$WORK/localbin/agentpg"
fresh_project local_tour
unset DATABASE_URL
line=$((10#$(basename "$tour" .sh)))
CODE=0
PATH="$WORK/localbin:$PATH" README_FENCE=$line BASH_ENV="$WORK/report_failure" \
  bash -eo pipefail "$tour" true >"$WORK/out" 2>"$WORK/err" </dev/null || CODE=$?
record_failure "$line (with --local)"
[ -d "$WORK/plocal_tour/.agentpg/data" ] || fail "the --local tour did not use the project-local PostgreSQL"
cd "$WORK"
[ "$failures" -eq 0 ] || { echo "FAIL [$SCENARIO]: $failures README recipe(s) failed" >&2; exit 1; }
