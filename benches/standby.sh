#!/usr/bin/env bash
# A standby's refresh on PostgreSQL, at 10 components with 10 incidents in
# history beside 1,000 components (20 groups of 50) with 5,000: an engineer's
# incident posted to the standby (which forwards it to the leader) until the
# standby's own /history shows it, and the leader's; what the standby spent
# reading the database and rendering, from its debug log. ROUNDS rounds per
# size; medians, and the ratio 1,000 / 10. A throwaway cluster as in
# benches/postgres.sh. BASE_BIN=<candor binary of another commit> runs the
# same with that binary too, side by side.
#   benches/standby.sh [ROUNDS=10]
source "$(dirname "$0")/common.sh"
ROUNDS=${1:-10}
need curl python3
start_postgres 18470
build_candor
TOKEN=0123456789abcdef0123456789abcdef

post() {  # post PORT NAME: an engineer's (resolved) incident; prints the status code
  curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
    -H 'content-type: application/json' "http://127.0.0.1:$1/api/admin/v1/incidents" \
    -d "{\"name\":\"$2\",\"status\":\"resolved\",\"impact\":\"minor\",\"body\":\"Done.\",\"components\":{\"c1\":\"operational\"}}"
}
role() {  # role PORT ROLE: waits up to 60 s for /healthz to say ROLE
  for _ in $(seq 1 600); do
    curl -fsS "http://127.0.0.1:$1/healthz" 2>/dev/null | grep -q "\"role\":\"$2\"" && return 0
    sleep 0.1
  done
  echo "port $1 never became $2" >&2; return 1
}
node() {  # node BIN CONFIG URL LOG: starts a node, prints its pid
  RUST_LOG=info,candor=debug CANDOR_DATABASE_URL=$3 CANDOR_ADMIN_TOKEN=$TOKEN \
    "$1" serve --config "$2" >>"$4" 2>&1 &
  echo $!
}
stop() {  # stop PID...: SIGTERM, then waits until they are gone (not our children)
  kill "$@" 2>/dev/null || true
  for p in "$@"; do while kill -0 "$p" 2>/dev/null; do sleep 0.1; done; done
}
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# run LABEL BIN COMPONENTS INCIDENTS: one size on one binary; appends
# "LABEL standby|leader|read|render MS" lines to $WORK/figures.
run() {
  local label=$1 bin=$2 comps=$3 incidents=$4
  local url; url=$(db "$label")
  local a_port=18471 b_port=18472
  write_config "$WORK/$label-a.toml" $a_port "$WORK/$label-a" "$comps" 0 30 0
  write_config "$WORK/$label-b.toml" $b_port "$WORK/$label-b" "$comps" 0 30 0
  local a b
  # The history: one incident posted, copied in SQL under new ids.
  a=$(node "$bin" "$WORK/$label-a.toml" "$url" "$WORK/$label-a.log"); role $a_port leader
  [ "$(post $a_port Seed)" = 201 ] || { echo "seed refused" >&2; exit 1; }
  stop "$a"
  "$PGBIN/psql" -qAt -h 127.0.0.1 -p "$PGPORT" -U candor -d "$label" -c \
    "INSERT INTO incidents (id, record) SELECT 'z' || lpad(n::text, 11, '0'),
       convert_to(replace(replace(convert_from(record, 'UTF8'), id, 'z' || lpad(n::text, 11, '0')),
                          '\"Seed\"', '\"Past ' || n || '\"'), 'UTF8')
     FROM incidents, generate_series(1, $((incidents - 1))) AS n
     WHERE id = (SELECT id FROM incidents LIMIT 1)"
  a=$(node "$bin" "$WORK/$label-a.toml" "$url" "$WORK/$label-a.log"); PIDS+=("$a"); role $a_port leader
  b=$(node "$bin" "$WORK/$label-b.toml" "$url" "$WORK/$label-b.log"); PIDS+=("$b"); role $b_port standby
  sleep 3
  local r t0 name seen
  for r in $(seq 1 "$ROUNDS"); do
    name="Probe-$label-$r"
    seen=$(grep -c 'standby' "$WORK/$label-b.log" || true)
    t0=$(date +%s%N)
    [ "$(post $b_port "$name")" = 201 ] || { echo "round $r refused" >&2; exit 1; }
    local leader_ms=""
    while :; do
      if [ -z "$leader_ms" ] && curl -s "http://127.0.0.1:$a_port/history" | grep -q "$name"; then leader_ms=$(ms_since "$t0"); fi
      if curl -s "http://127.0.0.1:$b_port/history" | grep -q "$name"; then break; fi
      sleep 0.01
    done
    local standby_ms; standby_ms=$(ms_since "$t0")
    [ -n "$leader_ms" ] || leader_ms=$standby_ms
    echo "$label standby $standby_ms" >>"$WORK/figures"
    echo "$label leader $leader_ms" >>"$WORK/figures"
    # The standby's refreshes this round (the debug lines of both builds).
    tail -n +"$((seen + 1))" "$WORK/$label-b.log" | grep 'standby' | grep -o '[a-z]*_ms=[0-9]*' |
      sed "s/^\(read\|render\)_ms=/$label \1 /" >>"$WORK/figures"
    echo "$label round $r: on the leader's /history after $leader_ms ms, on the standby's after $standby_ms ms"
    sleep 1
  done
  echo "$label standby RSS: $(ps -o rss= -p "$b" | awk '{printf "%.0f MB", $1/1024}')"
  stop "$a" "$b"
}

BINS=("this:$CANDOR")
if [ -n "${BASE_BIN:-}" ]; then BINS=("base:$BASE_BIN" "${BINS[@]}"); fi
for entry in "${BINS[@]}"; do
  which=${entry%%:*}; bin=${entry#*:}
  run "${which}_small" "$bin" 10 10
  run "${which}_large" "$bin" 1000 5000
done

python3 - "$WORK/figures" <<'PY'
import collections, statistics, sys
f = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, what, ms = line.split()
    f[(label, what)].append(int(ms))
def med(label, what):
    v = f.get((label, what))
    return statistics.median(v) if v else None
print()
print("medians (ms)            | standby's page | leader's page | standby read | standby render")
for which in ["base", "this"]:
    for size, name in [("small", "10 components, 10 incidents"), ("large", "1,000 components, 5,000 incidents")]:
        label = f"{which}_{size}"
        if (label, "standby") not in f:
            continue
        cells = [med(label, w) for w in ("standby", "leader", "read", "render")]
        print(f"{which} {name:<34} | " + " | ".join("-" if c is None else f"{c:.0f}" for c in cells))
    small, large = med(f"{which}_small", "standby"), med(f"{which}_large", "standby")
    if small and large:
        print(f"{which}: standby's page, 1,000 / 10 components: {large / small:.2f}x")
base, this = med("base_large", "standby"), med("this_large", "standby")
if base and this:
    print(f"1,000 components, this / base: {this / base:.2f}x")
PY
