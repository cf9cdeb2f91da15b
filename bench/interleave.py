"""Merges hyperfine's one-run JSON exports (one per command per round) into one export
in hyperfine's own shape, so bench/report.py reads it as any other.

Usage: interleave.py OUT.json ROUND.json...
"""
import json
import statistics
import sys

out, inputs = sys.argv[1], sys.argv[2:]
times = {}  # command -> its run times in seconds, commands in the order they first ran
for path in sorted(inputs):
    for result in json.load(open(path))["results"]:
        times.setdefault(result["command"], []).extend(result["times"])
results = [
    {
        "command": command,
        "times": t,
        "mean": statistics.mean(t),
        "stddev": statistics.stdev(t) if len(t) > 1 else 0.0,
        "median": statistics.median(t),
        "min": min(t),
        "max": max(t),
    }
    for command, t in times.items()
]
json.dump({"results": results}, open(out, "w"), indent=1)
