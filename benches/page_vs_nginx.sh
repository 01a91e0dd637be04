#!/usr/bin/env bash
# The status page for 50 components, served by Candor from its in-memory
# snapshot, against nginx serving the same bytes as a static file. Both get the
# same wrk load (256 connections) on loopback, alternating, several rounds;
# medians of req/s and p99 latency are printed side by side with the ratio.
#   benches/page_vs_nginx.sh [ROUNDS=5] [SECONDS=10]
source "$(dirname "$0")/common.sh"
ROUNDS=${1:-5}; SECS=${2:-10}
need nginx wrk
build_candor

{
  printf '[site]\ntitle = "Bench Status"\n[server]\nlisten = "127.0.0.1:18080"\ndata_dir = "%s/data"\n' "$WORK"
  for i in $(seq 1 50); do
    printf '[[components]]\nid = "c%d"\nname = "Component %d"\ngroup = "Group %d"\ndescription = "Service number %d"\n' "$i" "$i" $((i % 5)) "$i"
    # A schedule that won't fire during the run: the page is what is measured.
    printf '[[checks]]\ncomponent = "c%d"\nname = "Check %d"\nurl = "http://127.0.0.1:18081/"\nschedule = "0 0 0 1 1 *"\n' "$i" "$i"
  done
} >"$WORK/checks.toml"
"$CANDOR" serve --config "$WORK/checks.toml" >"$WORK/candor.log" 2>&1 &
PIDS+=($!)
wait_port 18080
mkdir -p "$WORK/www"
curl -fsS http://127.0.0.1:18080/ -o "$WORK/www/index.html"
chmod -R a+rX "$WORK/www"
start_nginx "root $WORK/www; location = / { try_files /index.html =404; }" 18081
# Same bytes from both, or the comparison means nothing.
cmp <(curl -fsS http://127.0.0.1:18081/) "$WORK/www/index.html"
echo "page: $(wc -c <"$WORK/www/index.html") bytes, 50 components; wrk -t2 -c256 -d${SECS}s, $ROUNDS rounds"

run_wrk() { wrk -t2 -c256 -d"${SECS}s" --latency "http://127.0.0.1:$1/" | python3 -c '
import re, sys
out = sys.stdin.read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
m = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
print(rps, p99, errors.group(1) if errors else 0)'; }

for r in $(seq 1 "$ROUNDS"); do
  echo "candor $(run_wrk 18080)" >>"$WORK/results"
  echo "nginx $(run_wrk 18081)" >>"$WORK/results"
  echo "round $r done" >&2
done
python3 - "$WORK/results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    who, rps, p99, errs = line.split()
    rows.setdefault(who, []).append((float(rps), float(p99), int(errs)))
med = {w: (statistics.median(r[0] for r in v), statistics.median(r[1] for r in v), sum(r[2] for r in v)) for w, v in rows.items()}
print(f"{'server':<8}{'req/s (median)':>16}{'p99 ms (median)':>17}{'non-2xx':>9}")
for w in ("candor", "nginx"):
    rps, p99, errs = med[w]
    print(f"{w:<8}{rps:>16.0f}{p99:>17.2f}{errs:>9}")
ratio = med["candor"][0] / med["nginx"][0]
print(f"ratio candor/nginx req/s: {ratio:.2f}x (target >= 0.90x); p99 ratio: {med['candor'][1] / med['nginx'][1]:.2f}x")
PY
