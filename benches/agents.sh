#!/usr/bin/env bash
# Checks from several locations, at scale: 10 agents (`candor agent`, each on
# its own loopback address 127.0.0.2 ... 127.0.0.11) probe 1,000 checks every
# 30 s each and send the results to one server, beside the same 10,000 probes
# every 30 s run by a server itself (1,000 components of 10 local checks).
# Both against a local nginx. After a warm-up of one period, for WINDOW
# seconds: the server's CPU (share of one core) and RSS (median and peak of
# samples every 5 s), the agents' CPU together, and for the agents' results
# the latency from the end of a probe to its being stored (p50 and p99, from
# the server's candor_agent_result_lag_seconds histogram).
#   benches/agents.sh [WINDOW_SECONDS=120]
source "$(dirname "$0")/common.sh"
WINDOW=${1:-120}; PERIOD=30; AGENTS=10; CHECKS=1000; P=18600
need nginx curl python3
build_candor
start_nginx 'location / { return 200 "ok"; }' "$P"

components() {
  for c in $(seq 1 "$CHECKS"); do
    printf '[[components]]\nid = "c%d"\nname = "Service %d"\ngroup = "Region %d"\n' "$c" "$c" $(( (c - 1) / 50 + 1 ))
  done
}
server_head() { # PORT DATA
  printf '[site]\ntitle = "Bench"\n[server]\nlisten = "127.0.0.1:%d"\ndata_dir = "%s"\nretention = "1h"\nmax_concurrent_checks = 512\n' "$1" "$2"
}

# Agents: 1,000 checks, each probed from the 10 locations.
{
  server_head $(( P + 1 )) "$WORK/data-agents"
  places=""
  for a in $(seq 1 "$AGENTS"); do
    printf '[[locations]]\nid = "a%d"\nname = "Place %d"\ntoken_env = "BENCH_AGENT_TOKEN_%d"\n' "$a" "$a" "$a"
    places+="\"a$a\", "
  done
  components
  for i in $(seq 1 "$CHECKS"); do
    printf '[[checks]]\ncomponent = "c%d"\nname = "check"\nurl = "http://127.0.0.1:%d/%d"\nevery = "%ds"\ntimeout = "5s"\nlocations = [%s]\n' "$i" "$P" "$i" "$PERIOD" "${places%, }"
  done
} >"$WORK/agents.toml"
# Local: the same 10,000 probes, run by the server itself.
{
  server_head $(( P + 2 )) "$WORK/data-local"
  components
  for i in $(seq 1 "$CHECKS"); do
    for a in $(seq 1 "$AGENTS"); do
      printf '[[checks]]\ncomponent = "c%d"\nname = "check %d"\nurl = "http://127.0.0.1:%d/%d"\nevery = "%ds"\ntimeout = "5s"\n' "$i" "$a" "$P" "$i" "$PERIOD"
    done
  done
} >"$WORK/local.toml"

for a in $(seq 1 "$AGENTS"); do export "BENCH_AGENT_TOKEN_$a=bench-token-$a-0123456789abcdef"; done
"$CANDOR" serve --config "$WORK/agents.toml" >"$WORK/server-agents.log" 2>&1 &
SERVER_A=$!; PIDS+=($SERVER_A)
"$CANDOR" serve --config "$WORK/local.toml" >"$WORK/server-local.log" 2>&1 &
SERVER_L=$!; PIDS+=($SERVER_L)
wait_port $(( P + 1 )); wait_port $(( P + 2 ))
AGENT_PIDS=()
for a in $(seq 1 "$AGENTS"); do
  CANDOR_AGENT_TOKEN="bench-token-$a-0123456789abcdef" "$CANDOR" agent --server "http://127.0.0.1:$(( P + 1 ))" \
    --location "a$a" --source-ip "127.0.0.$(( a + 1 ))" --max-concurrent-checks 256 >"$WORK/agent-$a.log" 2>&1 &
  AGENT_PIDS+=($!); PIDS+=($!)
done
echo "server $SERVER_A with $AGENTS agents x $CHECKS checks; server $SERVER_L with $(( AGENTS * CHECKS )) local checks; every ${PERIOD}s"
echo "warming up for ${PERIOD}s, then measuring ${WINDOW}s"
sleep "$PERIOD"

ticks() { local t=0; for p in "$@"; do t=$(( t + $(awk '{print $14 + $15}' "/proc/$p/stat") )); done; echo "$t"; }
rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
curl -fsS "http://127.0.0.1:$(( P + 1 ))/metrics" >"$WORK/m0"
TA0=$(ticks "$SERVER_A"); TL0=$(ticks "$SERVER_L"); TG0=$(ticks "${AGENT_PIDS[@]}"); S0=$(date +%s.%N)
: >"$WORK/rss.tsv"
END=$(( $(date +%s) + WINDOW ))
while [ "$(date +%s)" -lt "$END" ]; do
  printf '%s\t%s\n' "$(rss "$SERVER_A")" "$(rss "$SERVER_L")" >>"$WORK/rss.tsv"
  sleep 5
done
curl -fsS "http://127.0.0.1:$(( P + 1 ))/metrics" >"$WORK/m1"
TA1=$(ticks "$SERVER_A"); TL1=$(ticks "$SERVER_L"); TG1=$(ticks "${AGENT_PIDS[@]}"); S1=$(date +%s.%N)

python3 - "$WORK" "$TA0" "$TA1" "$TL0" "$TL1" "$TG0" "$TG1" "$S0" "$S1" "$(getconf CLK_TCK)" <<'PY'
import re, statistics, sys
work, ta0, ta1, tl0, tl1, tg0, tg1, s0, s1, hz = sys.argv[1:]
elapsed = float(s1) - float(s0)
cpu = lambda a, b: (int(b) - int(a)) / int(hz) / elapsed * 100
rows = [l.split("\t") for l in open(f"{work}/rss.tsv").read().split("\n") if l]
agents_mb = [int(r[0]) / 1024 for r in rows]
local_mb = [int(r[1]) / 1024 for r in rows]
def hist(path, name):
    b, count = {}, 0
    for line in open(path):
        m = re.match(rf'candor_{name}_bucket\{{le="([^"]+)"\}} (\d+)', line)
        if m: b[float("inf") if m.group(1) == "+Inf" else float(m.group(1))] = int(m.group(2))
        m = re.match(rf'candor_location_results_total\{{location="a\d+"\}} (\d+)', line)
        if m: count += int(m.group(1))
    return b, count
(b0, c0), (b1, c1) = hist(f"{work}/m0", "agent_result_lag_seconds"), hist(f"{work}/m1", "agent_result_lag_seconds")
d = sorted((le, b1[le] - b0.get(le, 0)) for le in b1)
total = d[-1][1] if d else 0
def quantile(q):
    target, prev_le, prev_n = q * total, 0.0, 0
    for le, n in d:
        if n >= target:
            if le == float("inf"): return float("inf")
            return prev_le + (le - prev_le) * (target - prev_n) / max(n - prev_n, 1)
        prev_le, prev_n = le, n
    return float("nan")
print(f"window {elapsed:.0f} s; agent results stored: {c1 - c0} ({(c1 - c0) / elapsed:.0f}/s, {total} timed)")
print(f"{'':34}{'10 agents':>12}{'all local':>12}{'ratio':>8}")
a, l = cpu(ta0, ta1), cpu(tl0, tl1)
print(f"{'server CPU (% of a core)':34}{a:>12.1f}{l:>12.1f}{a / l:>8.2f}")
for name, f in (("server RSS median (MB)", statistics.median), ("server RSS peak (MB)", max)):
    x, y = f(agents_mb), f(local_mb)
    print(f"{name:34}{x:>12.1f}{y:>12.1f}{x / y:>8.2f}")
print(f"{'agents CPU together (% of a core)':34}{cpu(tg0, tg1):>12.1f}")
print(f"result latency, probe end to stored: p50 {quantile(0.5):.2f} s, p99 {quantile(0.99):.2f} s")
PY
