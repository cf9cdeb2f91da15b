#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a bounded time
# (AGENTPG_FUZZ_SECONDS, default 10) from seed corpora the repository ships. A target
# that crashes, hangs, throws anything but core::Error, breaks an invariant or goes past
# the memory limit fails the run; its input is saved under $build/fuzz-artifacts/.
# An input that once broke a reader is kept in tests/fuzz/corpus/<kind>/ once fixed, so that
# every run replays it.
#   tests/fuzz/run.sh [target...]     (default: all of them)
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${AGENTPG_FUZZ_BUILD:-$src/build/fuzz}
seconds=${AGENTPG_FUZZ_SECONDS:-10}
memory_mb=${AGENTPG_FUZZ_MEMORY_MB:-1024}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(fuzz_splitter fuzz_migration_file fuzz_url fuzz_dotenv fuzz_seed_yaml)
fi
command -v clang++ >/dev/null || { echo "fuzz: clang++ is missing (scripts/setup installs it)" >&2; exit 1; }
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DAGENTPG_FUZZ=ON -DAGENTPG_TESTS=OFF >/dev/null
# The build's output only when it fails: a target that does not build fails the run.
if ! cmake --build "$build" --parallel 2 --target "${targets[@]}" >"$build/build.log" 2>&1; then
  grep -E 'error|undefined reference|FAILED' "$build/build.log" | head -n 40 >&2
  echo "fuzz: building the targets failed (the whole log: $build/build.log)" >&2
  exit 1
fi

corpus_src=$src/tests/fuzz/corpus
# The seed files of a target, one "PATTERN DIR" a line.
seeds_of() {
  case $1 in
    fuzz_splitter | fuzz_migration_file) printf '%s\n' "*.sql $src/tests/fixtures" "*.sql $src/migrations" "* $corpus_src/sql" ;;
    fuzz_url) printf '%s\n' "* $corpus_src/url" ;;
    fuzz_dotenv) printf '%s\n' "* $corpus_src/dotenv" ;;
    fuzz_seed_yaml) printf '%s\n' "*.y*ml $src/seeds" "*.y*ml $src/tests/fixtures" "* $corpus_src/seed_yaml" ;;
  esac
}

export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
status=0
for target in "${targets[@]}"; do
  # New inputs go to corpus/<target> (kept between runs); the seeds are copied afresh.
  corpus=$build/corpus/$target
  seeds=$build/seeds/$target
  artifacts=$build/fuzz-artifacts
  log=$build/$target.log
  rm -rf "$seeds"
  mkdir -p "$corpus" "$seeds" "$artifacts"
  seeds_of "$target" | while read -r pattern dir; do
    find "$dir" -type f -name "$pattern" -exec cp --backup=numbered -t "$seeds/" {} +
  done
  echo "== $target (${seconds} s)"
  if "$build/tests/fuzz/$target" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
      -rss_limit_mb="$memory_mb" -malloc_limit_mb="$memory_mb" -print_final_stats=1 \
      -artifact_prefix="$artifacts/$target-" "$corpus" "$seeds" >"$log" 2>&1; then
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|^Done ' "$log" || tail -n 3 "$log"
  else
    status=1
    # The report: what went wrong, where, and the saved input.
    grep -E 'ERROR: |runtime error|invariant broken|out-of-memory|Test unit written' "$log" | head -n 6
    grep -E '^    #[0-9]+ .* in .*'"$src"'/(src|tests)/' "$log" | grep -v 'fuzz_check\.hpp' | sed -E 's/^ +#[0-9]+ 0x[0-9a-f]+ in /  /' | head -n 6
    echo "fuzz: $target failed; full log: $log" >&2
  fi
done
exit $status
