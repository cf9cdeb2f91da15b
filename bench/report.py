"""Turns hyperfine's JSON exports into bench/RESULTS.md: medians, min-max, and ratios
to the floor and to dbmate measured in the same run."""
import glob, json, os, platform, statistics, subprocess, sys, datetime

results, out, runs, dbmate_version, agentpg_version, rows = sys.argv[1:7]

SCENARIOS = [
    ("apply_200", "apply 200 migrations to an empty database", "psql -1 -f of all up sections"),
    ("apply_1000", "apply 1,000 migrations to an empty database", "psql -1 -f of all up sections"),
    ("noop_200", "no-op migrate, 200 applied", "one psql connection, one catalog query"),
    ("noop_1000", "no-op migrate, 1,000 applied", "one psql connection, one catalog query"),
    ("status_200", "status, 200 applied", "one psql connection, one catalog query"),
    ("status_1000", "status, 1,000 applied", "one psql connection, one catalog query"),
    ("rollback_200", "roll back all 200 (dbmate: 200 calls)", "psql -1 -f of all down sections"),
    ("rollback_1000", "roll back all 1,000 (dbmate: 1,000 calls)", "psql -1 -f of all down sections"),
    ("startup", "process start-up (--version)", "psql --version"),
    ("seed_1m", f"seed {int(rows):,} CSV rows", "psql \\copy into the same keyed table"),
    ("seed_yaml_100k", "seed 100,000 YAML rows", "psql \\copy of the same rows"),
    ("backup", "backup (custom format) of that database", "pg_dump -Fc by hand"),
    ("restore", "restore of that backup into a new database", "pg_restore by hand"),
]

def load(name):
    path = os.path.join(results, name + ".json")
    if not os.path.exists(path):
        return None
    data = json.load(open(path))
    return {r["command"]: r for r in data["results"]}

def fmt(seconds):
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.2f} s"

def machine():
    cores = os.cpu_count()
    mem = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")) / 1024 / 1024
    load1 = os.getloadavg()[0]
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{cores} cores ({cpu}), {mem:.0f} GiB memory, load {load1:.2f} at the end; {platform.system()} {platform.release()}; {pg}"

lines = [
    "# agentpg benchmarks",
    "",
    f"Run {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC by `bench/run`: one throwaway PostgreSQL cluster with "
    "default settings (fsync on), hyperfine, medians of "
    f"{runs} runs ({int(runs) * 6} for the no-op, status and start-up scenarios, whose ~10 ms move more) "
    "after one warm-up round, min-max in brackets. The commands of a scenario take turns, one run each per round.",
    "",
    f"Machine: {machine()}.",
    f"Versions: {agentpg_version}; {dbmate_version} (its Linux binary from the npm package, `--no-dump-schema`).",
    "",
    "| scenario | floor | agentpg | dbmate | agentpg / floor | agentpg / dbmate | psql, a transaction per migration | agentpg / that |",
    "|---|---|---|---|---|---|---|---|",
]
for name, title, floor_desc in SCENARIOS:
    r = load(name)
    if not r:
        continue
    def cell(cmd):
        if cmd not in r:
            return "-", None
        x = r[cmd]
        return f"{fmt(x['median'])} [{fmt(x['min'])}-{fmt(x['max'])}]", x["median"]
    floor, fm = cell("floor")
    agent, am = cell("agentpg")
    dbm, dm = cell("dbmate")
    ratio_floor = f"{am / fm:.2f}x" if am and fm else "-"
    ratio_dbmate = f"{am / dm:.2f}x" if am and dm else "-"
    floor_tx, tm = cell("floor_tx")
    ratio_tx = f"{am / tm:.2f}x" if am and tm else "-"
    lines.append(f"| {title} | {floor} | {agent} | {dbm} | {ratio_floor} | {ratio_dbmate} | {floor_tx} | {ratio_tx} |")
for n in ("200", "1000"):
    path = os.path.join(results, "wal_sync_rollback_" + n)
    if os.path.exists(path):
        agentpg_syncs, floor_syncs = open(path).read().split()
        lines += ["", f"WAL flushes while rolling back all {int(n):,}: agentpg {agentpg_syncs}, psql -1 {floor_syncs} "
                  "(pg_stat_wal.wal_sync). PostgreSQL flushes WAL at the commit of every transaction that drops a "
                  "relation, whatever synchronous_commit says; with one transaction per migration (a guarantee) "
                  "that is one flush per migration, which the single-transaction floor does not pay."]
seed = load("seed_1m")
if seed:
    lines += ["", f"Seed throughput: agentpg {int(rows) / seed['agentpg']['median']:,.0f} rows/s, "
              f"psql \\copy {int(rows) / seed['floor']['median']:,.0f} rows/s."]
yaml = load("seed_yaml_100k")
if yaml:
    lines += [f"YAML: agentpg {100000 / yaml['agentpg']['median']:,.0f} rows/s (parsed, upserted on the key with "
              f"counts), psql \\copy of the same rows as CSV {100000 / yaml['floor']['median']:,.0f} rows/s."]
backup = load("backup")
if backup and "directory_jobs2" in backup:
    lines += [f"Backup in directory format with 2 jobs: {fmt(backup['directory_jobs2']['median'])}, "
              f"{backup['directory_jobs2']['median'] / backup['agentpg']['median']:.2f}x the custom format."]

import glob as _glob
def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]
shapes = [("q_by_id", "agent lookup by id", 5), ("q_by_name", "agent lookup by name", 5),
          ("q_policies", "active policies of an agent", 10), ("q_ledger", "an agent's ledger events in a week", 50)]
rows_q = []
for name, title, target in shapes:
    latencies = []
    for path in _glob.glob(os.path.join(results, name + ".*")):
        if path.endswith(".sql"):
            continue
        for line in open(path):
            parts = line.split()
            if len(parts) >= 3:
                latencies.append(int(parts[2]) / 1000.0)
    if latencies:
        p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
        rows_q.append(f"| {title} | {p50:.3f} ms | {p99:.3f} ms | {target} ms | {'met' if p99 < target else 'MISSED'} |")
if rows_q:
    lines += ["", "## Caracal's query shapes", "",
              "10,000 agents, 30,000 policies, 1,000,000 ledger events; pgbench, one client, 3,000 queries each "
              "(the lookup by id first finds the id by name, so it is two index scans).", "",
              "| query | p50 | p99 | target (p99) | |", "|---|---|---|---|---|"] + rows_q
    plans = os.path.join(results, "caracal_plans.txt")
    if os.path.exists(plans):
        lines += ["", "Plans:", "", "```", open(plans).read().rstrip(), "```"]

lines += ["", "Floors: " + "; ".join(f"{t}: {d}" for n, t, d in SCENARIOS if load(n)) + ".",
          "",
          "`psql, a transaction per migration` runs the same SQL the way the guarantees require it "
          "(each migration in its own transaction with its history row): the cost of that guarantee, "
          "apart from agentpg's own."]
open(out, "w").write("\n".join(lines) + "\n")
