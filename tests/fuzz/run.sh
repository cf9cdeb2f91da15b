#!/usr/bin/env bash
# Builds the splitter's fuzz target with clang and runs it for a bounded time
# (AGENTPG_FUZZ_SECONDS, default 20) from a seed corpus of SQL that the suite ships.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${AGENTPG_FUZZ_BUILD:-$src/build/fuzz}
command -v clang++ >/dev/null || { echo "fuzz: clang++ is missing (scripts/setup installs it)" >&2; exit 1; }
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DAGENTPG_FUZZ=ON -DAGENTPG_TESTS=OFF >/dev/null
cmake --build "$build" --target fuzz_splitter >/dev/null
corpus=$build/corpus
mkdir -p "$corpus"
find "$src/tests/fixtures" -name '*.sql' -exec cp {} "$corpus/" \;
"$build/tests/fuzz/fuzz_splitter" -max_total_time="${AGENTPG_FUZZ_SECONDS:-20}" -max_len=4096 -print_final_stats=1 "$corpus" 2>&1 | tail -n 12
