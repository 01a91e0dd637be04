#!/usr/bin/env bash
# Candor on PostgreSQL beside sled, on a throwaway local cluster (Debian's
# postgresql; initdb as `nobody` when run as root, removed at the end):
#  1. an engineer's write to 2xx, 4 writers, 1,000 components, 5,000
#     incidents in history: sled beside PostgreSQL (the leader's writes,
#     checking the lease), and the ratio (cargo bench --bench write_latency);
#  2. 10,000 checks every 30 s: benches/scheduler_scale.sh on sled, then on
#     PostgreSQL (one after the other: each takes a core);
#  3. failover: two nodes, kill -9 the leader, time until the other node
#     leads and its scheduler turns (/healthz 200 with role leader); ROUNDS
#     times, median and range.
#   benches/postgres.sh [WRITES=1000] [CHECKS=10000] [WINDOW=60] [ROUNDS=10]
source "$(dirname "$0")/common.sh"
WRITES=${1:-1000}; CHECKS=${2:-10000}; WINDOW=${3:-60}; ROUNDS=${4:-10}
need curl python3
start_postgres 18450

echo; echo "== 1. write latency (cargo bench --bench write_latency -- $WRITES 10 5000)"
(cd "$ROOT" && DATABASE_URL=$(db writes) cargo bench --quiet --bench write_latency -- "$WRITES" 10 5000)

echo; echo "== 2. $CHECKS checks every 30 s, sled"
"$ROOT/benches/scheduler_scale.sh" "$CHECKS" "$WINDOW"
echo; echo "== 2. $CHECKS checks every 30 s, PostgreSQL"
DATABASE_URL=$(db checks) "$ROOT/benches/scheduler_scale.sh" "$CHECKS" "$WINDOW"

echo; echo "== 3. failover, $ROUNDS rounds"
build_candor
start_nginx 'location / { return 200 "ok"; }' 18460
write_config "$WORK/node.toml" 0 "$WORK/unused" 50 50 30 18460
health() { curl -fsS "http://127.0.0.1:$1/healthz" 2>/dev/null || true; }
node() {  # node PORT URL: starts a node, prints its pid
  sed "s/^listen = .*/listen = \"127.0.0.1:$1\"/" "$WORK/node.toml" >"$WORK/node-$1.toml"
  CANDOR_DATABASE_URL=$2 "$CANDOR" serve --config "$WORK/node-$1.toml" >>"$WORK/node-$1.log" 2>&1 &
  echo $!
}
until_role() {  # until_role PORT ROLE: waits (up to 30 s) for /healthz 200 in ROLE
  for _ in $(seq 1 3000); do
    case "$(health "$1")" in *'"status":"ok"'*"\"role\":\"$2\""*|*"\"role\":\"$2\""*'"status":"ok"'*) return 0;; esac
    sleep 0.01
  done
  echo "port $1 never became $2" >&2; return 1
}
TIMES=()
for r in $(seq 1 "$ROUNDS"); do
  url=$(db "failover$r")
  a=$(node 18461 "$url"); until_role 18461 leader
  b=$(node 18462 "$url"); PIDS+=("$b"); until_role 18462 standby
  sleep 3  # a few renewals
  t0=$(date +%s.%N); kill -9 "$a"; wait "$a" 2>/dev/null || true
  until_role 18462 leader
  t1=$(date +%s.%N)
  TIMES+=("$(python3 -c "print(f'{$t1 - $t0:.2f}')")")
  kill "$b"; wait "$b" 2>/dev/null || true
  echo "round $r: ${TIMES[-1]} s"
done
python3 - "${TIMES[@]}" <<'PY'
import statistics, sys
t = sorted(float(x) for x in sys.argv[1:])
print(f"failover (kill -9 of the leader -> the standby leads and schedules): median {statistics.median(t):.2f} s, "
      f"min {t[0]:.2f} s, max {t[-1]:.2f} s over {len(t)} rounds; the lease lasts 6 s")
PY
