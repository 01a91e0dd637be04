#!/usr/bin/env bash
# Memory over time: Candor with 1,000 components and 1,000 HTTP checks every
# 30 s beside the same run with 10 components and 10 checks, both against a
# local nginx, for DURATION seconds. Every 10 s it reads the RSS of each
# process and asks each for `/` (brotli) and three component pages, as
# visitors would. Prints, for each, the median and peak RSS and the medians of
# the first and last 10 minutes (a third of the run each if it is shorter
# than 30 minutes): equal medians mean memory is flat, not growing.
#   benches/memory.sh [DURATION_SECONDS=3600]
# CANDOR_BIN=path measures a binary built elsewhere; samples are kept in
# $KEEP (default /tmp/candor-memory.tsv); PORT (default 18092) and the next
# two are used, so two runs can go side by side; CACHE_SIZE sets
# `[server] cache_size` (otherwise its default, 8MB); LANGUAGES sets `[site]
# languages` (e.g. '"en"'; otherwise every language Candor has); READ_IN
# sends the visits with `Accept-Language: $READ_IN` (e.g. `es`: the pages
# are then held in Spanish as well as in the default language, English).
source "$(dirname "$0")/common.sh"
DURATION=${1:-3600}; PERIOD=30; KEEP=${KEEP:-/tmp/candor-memory.tsv}; P=${PORT:-18092}
need nginx curl python3
build_candor
start_nginx 'location / { return 200 "ok"; }' "$P"

declare -A PID
for size in 10 1000; do
  port=$(( size == 10 ? P + 1 : P + 2 ))
  write_config "$WORK/$size.toml" "$port" "$WORK/data-$size" "$size" "$size" "$PERIOD" "$P"
  if [ -n "${CACHE_SIZE:-}" ]; then
    sed -i "s/^max_concurrent_checks = .*/&\ncache_size = \"$CACHE_SIZE\"/" "$WORK/$size.toml"
  fi
  if [ -n "${LANGUAGES:-}" ]; then
    sed -i "s/^title = .*/&\nlanguages = [$LANGUAGES]/" "$WORK/$size.toml"
  fi
  "$CANDOR" serve --config "$WORK/$size.toml" >"$WORK/candor-$size.log" 2>&1 &
  PID[$size]=$!; PIDS+=($!)
  wait_port "$port"
done
echo "candor ${PID[10]} (10 components), ${PID[1000]} (1,000 components): sampling RSS every 10 s for ${DURATION} s"

rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
visit() {
  local h=(-H 'Accept-Encoding: br, gzip' -H "Accept-Language: ${READ_IN:-en}")
  curl -fsS -o /dev/null "${h[@]}" "http://127.0.0.1:$1/"
  for _ in 1 2 3; do
    curl -fsS -o /dev/null "${h[@]}" "http://127.0.0.1:$1/components/c$(( RANDOM % $2 + 1 ))"
  done
}
printf 'seconds\trss_10_kb\trss_1000_kb\n' >"$KEEP"
START=$(date +%s)
while :; do
  now=$(( $(date +%s) - START ))
  [ "$now" -ge "$DURATION" ] && break
  visit $(( P + 1 )) 10; visit $(( P + 2 )) 1000
  printf '%d\t%s\t%s\n' "$now" "$(rss "${PID[10]}")" "$(rss "${PID[1000]}")" >>"$KEEP"
  sleep $(( 10 - ( $(date +%s) - START ) % 10 ))
done

python3 - "$KEEP" "$DURATION" <<'PY'
import statistics, sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().split("\n")[1:] if l]
t = [int(r[0]) for r in rows]
span = min(600, int(sys.argv[2]) // 3)
def stats(col):
    mb = [int(r[col]) / 1024 for r in rows]
    first = [m for s, m in zip(t, mb) if s < span]
    last = [m for s, m in zip(t, mb) if s >= t[-1] - span]
    return statistics.median(mb), max(mb), statistics.median(first), statistics.median(last)
small, large = stats(1), stats(2)
print(f"{len(rows)} samples over {t[-1]} s; first and last windows: {span} s")
print(f"{'RSS (MB)':<28}{'10 components':>16}{'1,000 components':>18}{'ratio':>8}")
for i, name in enumerate(["median", "peak", f"median, first {span // 60} min", f"median, last {span // 60} min"]):
    print(f"{name:<28}{small[i]:>16.1f}{large[i]:>18.1f}{large[i] / small[i]:>8.2f}")
for label, s in (("10 components", small), ("1,000 components", large)):
    print(f"growth, last vs first window ({label}): {100 * (s[3] / s[2] - 1):+.1f} %")
print(f"target: peak <= 60 MB at 1,000 components: {'met' if large[1] <= 60 else 'NOT met'}")
PY
