#!/usr/bin/env bash
# Load on the targets: 1,000 HTTP checks every 30 s against a local nginx,
# run by the base commit (checks aligned to the clock, spread over at most
# 10 % of the interval) and then by this tree (each check at a stable offset
# within its whole interval). nginx logs every request; over WINDOW seconds
# after one interval of warm-up, the requests in each second are counted and
# printed side by side: mean and max per second, max / mean (1.0 = perfectly
# even), and the seconds with no request at all.
#   benches/check_spread.sh [CHECKS=1000] [WINDOW_SECONDS=120]
# BEFORE_BIN=path skips building the base commit (BASE, default 165b18e).
source "$(dirname "$0")/common.sh"
CHECKS=${1:-1000}; WINDOW=${2:-120}; PERIOD=30; BASE=${BASE:-165b18e}
need nginx curl python3

if [ -z "${BEFORE_BIN:-}" ]; then
  git -C "$ROOT" worktree add --detach "$WORK/base" "$BASE" >/dev/null
  trap 'cleanup; git -C "$ROOT" worktree remove --force "$WORK/base"' EXIT
  (cd "$WORK/base" && CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}" cargo build --release --quiet --bin candor)
  cp "${CARGO_TARGET_DIR:-$ROOT/target}/release/candor" "$WORK/candor-before"
  BEFORE_BIN="$WORK/candor-before"
fi
build_candor

# measure LABEL BINARY NGINX_PORT CANDOR_PORT: prints "start end" of the window.
measure() {
  start_nginx "access_log $WORK/access-$1.log; location / { return 200 \"ok\"; }" "$3"
  write_config "$WORK/$1.toml" "$4" "$WORK/data-$1" "$CHECKS" "$CHECKS" "$PERIOD" "$3"
  "$2" serve --config "$WORK/$1.toml" >"$WORK/candor-$1.log" 2>&1 &
  local pid=$!; PIDS+=($pid)
  wait_port "$4"
  sleep "$PERIOD"
  local start; start=$(date +%s)
  sleep "$WINDOW"
  echo "$start $(date +%s)" >"$WORK/window-$1"
  kill "$pid"
}
echo "before ($BEFORE_BIN) and after ($CANDOR): $CHECKS checks every ${PERIOD}s, ${WINDOW}s each after ${PERIOD}s of warm-up"
measure before "$BEFORE_BIN" 18095 18096
measure after "$CANDOR" 18097 18098

python3 - "$WORK" <<'PY'
import collections, datetime, statistics, sys
work = sys.argv[1]
def per_second(label):
    start, end = map(int, open(f"{work}/window-{label}").read().split())
    counts = collections.Counter()
    for line in open(f"{work}/access-{label}.log"):
        stamp = line.split("[", 1)[1].split("]", 1)[0]
        t = int(datetime.datetime.strptime(stamp, "%d/%b/%Y:%H:%M:%S %z").timestamp())
        if start <= t < end:
            counts[t] += 1
    return [counts[t] for t in range(start, end)]
rows = {label: per_second(label) for label in ("before", "after")}
def figures(c):
    mean = statistics.mean(c)
    return [mean, max(c), max(c) / mean, statistics.median(c), sum(1 for n in c if n == 0)]
b, a = figures(rows["before"]), figures(rows["after"])
names = ["mean requests / s", "max requests / s", "max / mean", "median requests / s", "seconds with none"]
print(f"{'at the target':<24}{'before':>12}{'after':>12}{'after/before':>14}")
for name, x, y in zip(names, b, a):
    ratio = f"{y / x:.2f}" if x else "-"
    print(f"{name:<24}{x:>12.1f}{y:>12.1f}{ratio:>14}")
PY
