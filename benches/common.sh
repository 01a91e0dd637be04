# Shared set-up for the benchmark scripts: tools, a release build, and helpers.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d /tmp/candor-bench.XXXXXX)
chmod 755 "$WORK"  # nginx workers run as www-data
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

need() {
  local missing=()
  for tool in "$@"; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} (Debian packages)" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# CANDOR_BIN=path runs a binary built elsewhere (a base commit, for a "before").
build_candor() {
  if [ -n "${CANDOR_BIN:-}" ]; then CANDOR=$CANDOR_BIN; return; fi
  (cd "$ROOT" && cargo build --release --quiet --bin candor)
  CANDOR="${CARGO_TARGET_DIR:-$ROOT/target}/release/candor"
}

# write_config FILE PORT DATA COMPONENTS CHECKS PERIOD TARGET_PORT: COMPONENTS in
# groups of 50, CHECKS spread over them, each an HTTP GET every PERIOD seconds
# of its own path on the local target.
write_config() {
  local file=$1 port=$2 data=$3 comps=$4 checks=$5 period=$6 target=$7
  {
    printf '[site]\ntitle = "Bench"\n[server]\nlisten = "127.0.0.1:%d"\ndata_dir = "%s"\nmax_concurrent_checks = 256\n' "$port" "$data"
    for c in $(seq 1 "$comps"); do
      printf '[[components]]\nid = "c%d"\nname = "Service %d"\ngroup = "Region %d"\n' "$c" "$c" $(( (c - 1) / 50 + 1 ))
    done
    for i in $(seq 1 "$checks"); do
      printf '[[checks]]\ncomponent = "c%d"\nname = "check %d"\nurl = "http://127.0.0.1:%d/%d"\nevery = "%ds"\ntimeout = "5s"\n' $(( (i - 1) % comps + 1 )) "$i" "$target" "$i" "$period"
    done
  } >"$file"
}

# start_nginx CONF_BODY PORT: runs nginx in the foreground with the given server block.
start_nginx() {
  local conf="$WORK/nginx-$2.conf"
  cat >"$conf" <<NGINX
worker_processes auto;
pid $WORK/nginx-$2.pid;
error_log $WORK/nginx-$2.err warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000;
  types { text/html html; application/json json; }
  charset utf-8;  # text/html; charset=utf-8, as Candor sends it
  server { listen 127.0.0.1:$2; $1 }
}
NGINX
  nginx -c "$conf" -p "$WORK" &
  PIDS+=($!)
  wait_port "$2"
}

wait_port() {
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing listening on port $1" >&2; return 1
}

# start_postgres PORT: a throwaway local cluster (Debian's postgresql; initdb
# as `nobody` when run as root), removed with $WORK. Sets PGBIN and PGPORT;
# `db NAME` then creates a database and prints its URL.
start_postgres() {
  PGBIN=$(dirname "$(readlink -f "$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | tail -1)")")
  [ -x "$PGBIN/postgres" ] || { need postgresql; PGBIN=$(ls -d /usr/lib/postgresql/*/bin | tail -1); }
  local as_pg=()
  if [ "$(id -u)" = 0 ]; then as_pg=(runuser -u nobody --); fi
  local dir=$WORK/pg
  mkdir -m 0700 "$dir"; [ ${#as_pg[@]} -gt 0 ] && chown nobody "$dir"
  "${as_pg[@]}" "$PGBIN/initdb" -D "$dir/data" -U candor --auth=trust -E UTF8 --no-locale --no-sync >/dev/null
  PGPORT=$1
  "${as_pg[@]}" "$PGBIN/postgres" -D "$dir/data" -k "$dir" -h 127.0.0.1 -p "$PGPORT" >"$WORK/postgres.log" 2>&1 &
  PIDS+=($!)
  wait_port "$PGPORT"; sleep 1
  echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT (default settings, fsync on)"
}
db() { "$PGBIN/psql" -qAt -h 127.0.0.1 -p "$PGPORT" -U candor -d postgres -c "CREATE DATABASE $1" >/dev/null; echo "postgres://candor@127.0.0.1:$PGPORT/$1?sslmode=disable"; }
