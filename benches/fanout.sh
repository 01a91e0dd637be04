#!/usr/bin/env bash
# Fan-out of one incident to N confirmed subscribers (default 100,000) through
# Candor's outbox worker and lettre's pooled SMTP, against Postfix's smtp-sink
# (accepts and discards). Beside it: the same sink's raw accept rate from
# Postfix's plain client smtp-source. Targets: all N in <= 60 s, >= 0.8x the
# raw rate, flat RSS (subscribers are streamed in pages, never all in memory).
#   benches/fanout.sh [SUBSCRIBERS=100000] [ROUNDS=3]
source "$(dirname "$0")/common.sh"
N=${1:-100000}; ROUNDS=${2:-3}
if ! command -v smtp-sink >/dev/null 2>&1; then
  echo "installing postfix (for smtp-sink and smtp-source)" >&2
  apt-get update -qq >/dev/null
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null
fi
PORT=2525
smtp-sink -u nobody 127.0.0.1:$PORT 4096 &
PIDS+=($!)
wait_port $PORT
(cd "$ROOT" && cargo bench --bench fanout --no-run --quiet)

for r in $(seq 1 "$ROUNDS"); do
  start=$(date +%s.%N)
  smtp-source -s 16 -m "$N" -l 2000 -f status@bench.example -t user@bench.example 127.0.0.1:$PORT
  end=$(date +%s.%N)
  echo "raw $(python3 -c "print($N / ($end - $start))")" >>"$WORK/results"
  (cd "$ROOT" && cargo bench --bench fanout --quiet -- 127.0.0.1:$PORT "$N") | tee -a "$WORK/candor.log" |
    sed -n 's/^RESULT //p' | sed 's/^/candor /' >>"$WORK/results"
  echo "round $r done" >&2
done
python3 - "$WORK/results" "$N" <<'PY'
import statistics, sys
raw, runs = [], []
for line in open(sys.argv[1]):
    who, rest = line.split(" ", 1)
    if who == "raw":
        raw.append(float(rest))
    else:
        kv = dict(p.split("=") for p in rest.split())
        runs.append(kv)
n = int(sys.argv[2])
secs = statistics.median(float(r["seconds"]) for r in runs)
rate = statistics.median(int(r["sent"]) / float(r["seconds"]) for r in runs)
raw_rate = statistics.median(raw)
before = statistics.median(int(r["rss_before_kib"]) for r in runs) / 1024
peak = statistics.median(int(r["rss_peak_kib"]) for r in runs) / 1024
print(f"{'measure (median of %d)' % len(runs):<40}{'measured':>14}{'target':>14}")
print(f"{'all %d accepted in' % n:<40}{secs:>12.1f} s{'<= 60 s':>14}")
print(f"{'candor msg/s':<40}{rate:>14.0f}")
print(f"{'smtp-source (raw client) msg/s':<40}{raw_rate:>14.0f}")
print(f"{'ratio candor / raw':<40}{rate / raw_rate:>13.2f}x{'>= 0.8x':>14}")
print(f"{'RSS before -> peak during fan-out':<40}{before:>7.0f} -> {peak:.0f} MB{'flat':>9}")
PY
