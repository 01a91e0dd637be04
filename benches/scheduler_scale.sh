#!/usr/bin/env bash
# 10,000 checks every 30 s against a local nginx target. Reports, over a
# measurement window after a warm-up: the share of runs started on time (within
# 1 s of their scheduled instant, missed runs counting as late), p99 start lag
# (from candor's /metrics histogram), CPU use of the candor process and its peak
# RSS, each beside its target.
#   benches/scheduler_scale.sh [CHECKS=10000] [WINDOW_SECONDS=120]
# DATABASE_URL=postgres://... runs it on PostgreSQL (an empty database)
# instead of sled (benches/postgres.sh runs both).
source "$(dirname "$0")/common.sh"
CHECKS=${1:-10000}; WINDOW=${2:-120}; PERIOD=30
need nginx curl
build_candor
start_nginx 'location / { return 200 "ok"; }' 18082

{
  printf '[site]\ntitle = "Scale"\n[server]\nlisten = "127.0.0.1:18083"\ndata_dir = "%s/data"\nretention = "1h"\nmax_concurrent_checks = 256\n' "$WORK"
  if [ -n "${DATABASE_URL:-}" ]; then printf 'database_url = "%s"\n' "$DATABASE_URL"; fi
  per=100
  for c in $(seq 1 $(( (CHECKS + per - 1) / per ))); do
    printf '[[components]]\nid = "c%d"\nname = "Component %d"\n' "$c" "$c"
  done
  for i in $(seq 1 "$CHECKS"); do
    printf '[[checks]]\ncomponent = "c%d"\nname = "check %d"\nurl = "http://127.0.0.1:18082/%d"\nevery = "%ds"\ntimeout = "5s"\n' $(( (i - 1) / per + 1 )) "$i" "$i" "$PERIOD"
  done
} >"$WORK/checks.toml"
"$CANDOR" serve --config "$WORK/checks.toml" >"$WORK/candor.log" 2>&1 &
PID=$!; PIDS+=($PID)
wait_port 18083
echo "candor pid $PID: $CHECKS checks every ${PERIOD}s; warming up for ${PERIOD}s, then measuring ${WINDOW}s"
sleep "$PERIOD"

ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
curl -fsS http://127.0.0.1:18083/metrics >"$WORK/m0"; T0=$(ticks); S0=$(date +%s.%N)
sleep "$WINDOW"
curl -fsS http://127.0.0.1:18083/metrics >"$WORK/m1"; T1=$(ticks); S1=$(date +%s.%N)
HWM=$(awk '/VmHWM/ {print $2}' "/proc/$PID/status")
HZ=$(getconf CLK_TCK)

python3 - "$WORK/m0" "$WORK/m1" "$T0" "$T1" "$S0" "$S1" "$HZ" "$HWM" "$CHECKS" "$PERIOD" <<'PY'
import re, sys
m0, m1, t0, t1, s0, s1, hz, hwm, checks, period = sys.argv[1:]
def buckets(path):
    b = {}
    for line in open(path):
        m = re.match(r'candor_check_start_lag_seconds_bucket\{le="([^"]+)"\} (\d+)', line)
        if m: b[float("inf") if m.group(1) == "+Inf" else float(m.group(1))] = int(m.group(2))
    return b
b0, b1 = buckets(m0), buckets(m1)
d = sorted((le, b1[le] - b0.get(le, 0)) for le in b1)
total = d[-1][1]
elapsed = float(s1) - float(s0)
expected = int(checks) * elapsed / int(period)
on_time = dict(d)[1.0]
# p99 by linear interpolation inside the bucket that holds the 99th percentile.
target, prev_le, prev_n, p99 = 0.99 * total, 0.0, 0, float("inf")
for le, n in d:
    if n >= target:
        p99 = prev_le + (le - prev_le) * (target - prev_n) / max(n - prev_n, 1) if le != float("inf") else float("inf")
        break
    prev_le, prev_n = le, n
cpu = (int(t1) - int(t0)) / int(hz) / elapsed
rss = int(hwm) / 1024
rows = [
    ("runs started / expected", f"{total} / {expected:.0f}", ""),
    ("on time (start lag <= 1 s)", f"{100 * on_time / expected:.2f} %", ">= 99 %"),
    ("p99 start lag", f"{p99 * 1000:.1f} ms", "<= 100 ms"),
    ("CPU (share of one core)", f"{100 * cpu:.1f} %", "<= 25 %"),
    ("peak RSS", f"{rss:.0f} MB", "<= 150 MB"),
]
print(f"{'measure':<30}{'measured':>18}{'target':>12}")
for name, got, want in rows:
    print(f"{name:<30}{got:>18}{want:>12}")
PY
