#!/usr/bin/env bash
# The status page (/) and /api/v2/summary.json for 50 components, served by
# Candor from its in-memory snapshot, against nginx serving the same bytes as
# static files with the same content type. Both get the same wrk load (256
# connections) on loopback, alternating server and path within each round,
# several rounds; medians of req/s and p99 latency are printed side by side
# with the ratio, and the range of the per-round ratios.
#   benches/page_vs_nginx.sh [ROUNDS=7] [SECONDS=10]
source "$(dirname "$0")/common.sh"
ROUNDS=${1:-7}; SECS=${2:-10}
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
mkdir -p "$WORK/www/api/v2"
PATHS=(/ /api/v2/summary.json)
# Files nginx serves for each path (the same bytes Candor answers with).
file_for() { case "$1" in /) echo index.html ;; *) echo "${1#/}" ;; esac; }
for path in "${PATHS[@]}"; do
  curl -fsS "http://127.0.0.1:18080$path" -o "$WORK/www/$(file_for "$path")"
done
chmod -R a+rX "$WORK/www"
start_nginx "root $WORK/www; location = / { try_files /index.html =404; }" 18081
for path in "${PATHS[@]}"; do
  # Same bytes and the same content type from both, or the comparison means nothing.
  cmp <(curl -fsS "http://127.0.0.1:18081$path") "$WORK/www/$(file_for "$path")"
  types=$(for port in 18080 18081; do curl -fsS -o /dev/null -w '%{content_type}\n' "http://127.0.0.1:$port$path"; done | sort -u)
  [ "$(echo "$types" | wc -l)" -eq 1 ] || { echo "content types differ for $path: $types" >&2; exit 1; }
  echo "$path: $(wc -c <"$WORK/www/$(file_for "$path")") bytes, $types"
done
echo "50 components; wrk -t2 -c256 -d${SECS}s, $ROUNDS rounds, identity bodies (wrk sends no Accept-Encoding)"

run_wrk() { wrk -t2 -c256 -d"${SECS}s" --latency "http://127.0.0.1:$1$2" | python3 -c '
import re, sys
out = sys.stdin.read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
m = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
print(rps, p99, errors.group(1) if errors else 0)'; }

for r in $(seq 1 "$ROUNDS"); do
  for path in "${PATHS[@]}"; do
    # Who goes first alternates, so neither always meets the warmer machine.
    if [ $((r % 2)) -eq 1 ]; then order="candor nginx"; else order="nginx candor"; fi
    for who in $order; do
      port=18080; [ "$who" = nginx ] && port=18081
      echo "$r $path $who $(run_wrk $port "$path")" >>"$WORK/results"
    done
  done
  echo "round $r done" >&2
done
python3 - "$WORK/results" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    r, path, who, rps, p99, errs = line.split()
    runs.setdefault(path, {}).setdefault(who, {})[int(r)] = (float(rps), float(p99), int(errs))
print(f"{'path':<22}{'candor req/s':>13}{'nginx req/s':>12}{'ratio':>7}{'range':>12}"
      f"{'candor p99':>12}{'nginx p99':>11}{'p99 ratio':>10}{'non-2xx':>8}")
for path, by in runs.items():
    c, n = by["candor"], by["nginx"]
    med = lambda v, i: statistics.median(x[i] for x in v.values())
    per_round = sorted(c[r][0] / n[r][0] for r in c if r in n)
    errs = sum(x[2] for x in c.values()) + sum(x[2] for x in n.values())
    ratio = med(c, 0) / med(n, 0)
    span = f"{per_round[0]:.2f}-{per_round[-1]:.2f}"
    print(f"{path:<22}{med(c, 0):>13.0f}{med(n, 0):>12.0f}{ratio:>6.2f}x{span:>12}"
          f"{med(c, 1):>10.2f}ms{med(n, 1):>9.2f}ms{med(c, 1) / med(n, 1):>9.2f}x{errs:>8}")
print("ratio = median candor req/s / median nginx req/s (target >= 0.90x); range: per-round ratios")
PY
