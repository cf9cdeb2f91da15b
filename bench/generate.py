"""Deterministic bulk rows for bench/run: csv N or yaml N (uuid, text, numeric, timestamptz, jsonb)."""
import sys, uuid, random
kind, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(42)
out = sys.stdout
if kind == "csv":
    out.write("id,name,amount,created_at,attrs\n")
else:
    out.write("table: public.items\nkey: [id]\nrows:\n")
for i in range(n):
    uid = uuid.UUID(int=rnd.getrandbits(128), version=4)
    amount = f"{rnd.randint(0, 10**6) / 100:.2f}"
    ts = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z"
    if kind == "csv":
        out.write(f'{uid},item {i},{amount},{ts},"{{""k"": {i % 97}, ""tag"": ""t{i % 7}""}}"\n')
    else:
        out.write(f"  - {{id: {uid}, name: item {i}, amount: {amount}, created_at: \"{ts}\", attrs: {{k: {i % 97}, tag: t{i % 7}}}}}\n")
