# check --report --html FILE: one self-contained page, rendered in headless chromium (network
# blocked) and read back as a person sees it: its printed text (pdftotext) and its pixels (a
# screenshot: the larger table's bar is drawn wider, in proportion). Values from the database
# (a table named <script>..., a migration name with & and ") show as text and run nothing;
# the file is written atomically, mode 0600 when new; bad targets exit 2 leaving nothing.
source "$(dirname "$0")/lib.sh"
for tool in chromium pdftotext; do
  command -v "$tool" >/dev/null || fail "$tool is missing: scripts/setup installs it (chromium, poppler-utils)"
done
db=$(new_db)
# A password in the URL (the test cluster trusts its socket) must not reach the page.
export DATABASE_URL="postgresql://postgres:pw-never-shown@/$db?host=$CLUSTER_SOCKET&port=$CLUSTER_PORT"
cp -r "$AGENTPG_SOURCE/migrations" migrations
mkdir migrations/ops
cat >'migrations/ops/20250101000000_sizes_&_"quoted".sql' <<'SQL'
-- migrate:up
CREATE TABLE public.big (id int PRIMARY KEY, payload text);
INSERT INTO public.big SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 24000) g;
CREATE INDEX big_payload ON public.big (payload);
CREATE TABLE public.medium (id int PRIMARY KEY, payload text);
INSERT INTO public.medium SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 9000) g;
CREATE TABLE public."<script>alert(1)</script>" (id int, note text);
INSERT INTO public."<script>alert(1)</script>" SELECT g, 'n' FROM generate_series(1, 4000) g;
-- migrate:down
DROP TABLE public.big, public.medium, public."<script>alert(1)</script>";
SQL
run "$AGENTPG" migrate
expect_code 0

# A new page: mode 0600, nothing else left in the folder, the text report and where it went.
run "$AGENTPG" check --html report.html
expect_code 0
expect_out "largest tables"
expect_out "HTML report written to report.html"
[ "$(stat -c %a report.html)" = 600 ] || fail "a new page is mode $(stat -c %a report.html), not 0600"
[ "$(ls -A | grep -v -x -e migrations -e report.html -e schema.sql -e out -e err -e .databases)" = "" ] ||
  fail "left behind: $(ls -A)"
grep -q -F 'pw-never-shown' report.html && fail "the page holds the password"
# Self-contained: nothing in it can load anything.
grep -q -i -E 'src=|href=|url\(|@import|<script|<link|<iframe' report.html &&
  fail "the page refers to something outside it: $(grep -o -i -E '.{30}(src=|href=|url\(|@import|<script|<link|<iframe).{30}' report.html)"

# Replaced: keeps the mode it was given; --json names it.
chmod 644 report.html
run "$AGENTPG" --json check --html report.html
expect_code 0
[ "$(json_get 'd["html_file"]')" = "$WORK/report.html" ] || fail "--json does not name the page: $(out)"
[ "$(stat -c %a report.html)" = 644 ] || fail "a replaced page lost its mode 0644"
run "$AGENTPG" --json check --report
[ "$(json_get '"html_file" in d')" = False ] || fail "html_file without --html"

# `-`: the page on stdout, and only the page; not with --json.
run "$AGENTPG" check --html -
expect_code 0
[ "$(head -c 15 "$WORK/out")" = "<!DOCTYPE html>" ] && [ "$(tail -n 1 "$WORK/out")" = "</html>" ] ||
  fail "--html - did not print the page alone"
run "$AGENTPG" --json check --html -
expect_code 2
expect_err "--html - writes the page to stdout, where --json writes its document"

# Bad targets: exit 2 before connecting (to a server that is not there), naming the
# problem; nothing written.
cp report.html before.html
DATABASE_URL="postgresql://postgres@/nowhere?host=$WORK/no-socket" run "$AGENTPG" check --html nowhere/report.html
expect_code 2
run "$AGENTPG" check --html nowhere/report.html
expect_code 2
expect_err "--html nowhere/report.html: its folder nowhere does not exist"
[ ! -e nowhere ] || fail "made the missing folder"
run "$AGENTPG" check --html before.html/report.html
expect_code 2
expect_err "before.html is not a folder"
run "$AGENTPG" check --html migrations
expect_code 2
expect_err "--html migrations: it is a folder"
# A write that fails half-way (the file size limit, which binds root too): the old page
# stays as it was and no temporary file is left.
CODE=0
(trap '' XFSZ; ulimit -f 4; exec "$AGENTPG" check --html before.html) >"$WORK/out" 2>"$WORK/err" </dev/null || CODE=$?
expect_code 2
expect_err "cannot write the HTML report to before.html: File too large"
cmp -s before.html report.html || fail "a failed write changed the old page"
[ -z "$(ls -A | grep -F '.tmp-')" ] || fail "a failed write left $(ls -A | grep -F '.tmp-')"

# A failed migration (critical), an unused index on big (warning): the page still comes,
# with the exit code of the check.
migration 20250102000000 broken "CREATE TABLE public.half (id int); SELECT 1/0;" "" "transaction:false"
run "$AGENTPG" migrate
expect_code 4
run "$AGENTPG" check --html report.html
expect_code 5

# Render it as a browser does, with no network: print it to PDF, take a screenshot, dump
# the DOM after any script could have run.
browse() {
  timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
    --host-resolver-rules="MAP * ~NOTFOUND" --user-data-dir="$WORK/chromium" \
    --force-device-scale-factor=1 --window-size=1000,2600 --no-pdf-header-footer \
    "$@" 2>>"$WORK/chromium.log" || fail "chromium failed: $(tail -n 5 "$WORK/chromium.log")"
}
browse --print-to-pdf="$WORK/report.pdf" "file://$WORK/report.html"
browse --screenshot="$WORK/report.png" "file://$WORK/report.html"
browse --dump-dom "file://$WORK/report.html" >"$WORK/dom.html"
# The page's Content-Security-Policy stops a script even if one got in: one added to a copy
# does not run, and does run in a copy without the policy (so this check can fail).
sed 's|</body>|<script>document.body.setAttribute("data-ran", "yes")</script></body>|' report.html >injected.html
browse --dump-dom "file://$WORK/injected.html" >"$WORK/injected.dom"
grep -q 'data-ran="yes"' "$WORK/injected.dom" && fail "a script ran despite the page's Content-Security-Policy"
grep -v 'Content-Security-Policy' injected.html >open.html
browse --dump-dom "file://$WORK/open.html" >"$WORK/open.dom"
grep -q 'data-ran="yes"' "$WORK/open.dom" || fail "the script did not run even without the policy: the check above proves nothing"
pdftotext "$WORK/report.pdf" "$WORK/report.txt"
# Compared without blanks: the printed page wraps long names where it likes.
shown=$(tr -d ' \n\t\f' <"$WORK/report.txt")
sees() { [[ "$shown" == *"$1"* ]] || fail "the page does not show: $1 ($(cat "$WORK/report.txt"))"; }
sees "Databasereport:$db"
sees "critical(1)"
sees "schema:1failedmigrations"
sees "fix:fixthecause,then'agentpgmigrate--resume'"
sees "warning("
sees "big_payload:indexneverscanned"
sees "info(0)"
sees "public.<script>alert(1)</script>"
timeline=${shown#*Migrationhistory}
[ "$timeline" != "$shown" ] || fail "no migration history on the page"
for version in $(sql_value "$db" "select version from agentpg.schema_migrations"); do
  [[ "$timeline" == *"$version"* ]] || fail "the timeline does not show migration $version"
done
[[ "$timeline" == *'20250101000000sizes_&_"quoted"'* ]] || fail "the timeline garbles the migration's name"
failed=${timeline#*20250102000000broken}
[[ "$failed" == *FAILED* && "$failed" == *"20250102000000_broken.sql:2:36:divisionbyzero"* ]] ||
  fail "the failed migration is not marked: $timeline"
# No script element came into being: the hostile name stayed text.
grep -q -i '<script' "$WORK/dom.html" && fail "the rendered page holds a script element"
grep -q -F '&lt;script&gt;alert(1)&lt;/script&gt;' "$WORK/dom.html" || fail "the hostile name is not in the DOM as text"

# The bars as drawn, found by colour: rows 16 px high starting at one left edge. Sizes
# (heap, indexes, TOAST): big's bar fills the track, medium's is in proportion to its size.
# Timeline: one green bar per applied migration in the order applied, each in proportion to
# its duration (at least 2 px), the longest filling the track; a red one for the failed.
ratio=$(sql_value "$db" "select round(pg_total_relation_size('public.medium')::numeric / pg_total_relation_size('public.big'), 3)")
sql_value "$db" "select execution_ms from agentpg.schema_migrations where status = 'applied' order by applied_at, version" >"$WORK/durations"
python3 - "$WORK/report.png" "$ratio" "$WORK/durations" <<'PY' || fail "the bars are not drawn as the page's numbers say"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat = 8, b""
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, colour = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
assert depth == 8 and colour in (2, 6), (depth, colour)
bpp = 3 if colour == 2 else 4
raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
for y in range(height):
    kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if kind == 1: line[i] = (line[i] + a) & 255
        elif kind == 2: line[i] = (line[i] + b) & 255
        elif kind == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif kind == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line)
    prev = line
sizes_colours = {(0x3b, 0x6e, 0xa5), (0xe0, 0xa0, 0x30), (0x8a, 0x5f, 0xb0)}
green_colours, red_colours = {(0x4a, 0x9a, 0x5a)}, {(0xc0, 0x39, 0x2b)}
wanted = sizes_colours | green_colours | red_colours
marks = []  # per row: the pixels in one of the colours looked for, x -> colour
for line in rows:
    pixels = zip(line[0::bpp], line[1::bpp], line[2::bpp])
    marks.append({x: p for x, p in enumerate(pixels) if p in wanted})
def bands(colours, at=None):  # (left edge, painted width) of each 14-18 px high band
    def painted(y):  # of these colours (at: only the run of them that starts at x = at)
        xs = [x for x, p in marks[y].items() if p in colours]
        if at is not None:
            run = 0
            while at + run in xs:
                run += 1
            return (at, run) if run else None
        return (xs[0], len(xs)) if xs else None
    found, y = [], 0
    while y < height:
        if painted(y):
            top = y
            while y < height and painted(y):
                y += 1
            if 14 <= y - top <= 18:
                found.append(painted((top + y) // 2))
        y += 1
    return found
sizes = bands(sizes_colours)
assert len(sizes) >= 3, f"size bars: {sizes}"
(left, track), (left1, medium) = sizes[0], sizes[1]
assert track > 300 and left == left1, f"size bars: {sizes}"
drawn, expected = medium / track, float(sys.argv[2])
assert abs(drawn - expected) < 0.03, f"medium/big drawn {drawn:.3f}, sizes say {expected:.3f}"
ms = [float(v) for v in open(sys.argv[3]).read().split()]
green = bands(green_colours)
assert len(green) == len(ms), f"{len(green)} green bars for {len(ms)} applied migrations: {green}"
for (x, w), d in zip(green, ms):
    want = max(2, track * d / max(ms))
    assert x == left and abs(w - want) <= 2, f"a {d} ms migration: bar {w} px at {x}, not {want:.0f} at {left}"
red = bands(red_colours, at=left)
assert len(red) == 1 and red[0][1] >= 2, f"no red bar for the failed migration: {red}"
print(f"sizes {sizes[:3]}, medium/big {drawn:.3f} ({expected}); timeline {green}")
PY
