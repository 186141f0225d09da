#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Several nodes as one network, measured (docs/cluster.md, docs/performance.md): confab-bench
# against confab-server on loopback, RUNS times (default 3) each of
#   single   one server without a cluster (the reference)
#   1 node   one node of a cluster on a throw-away redis-server, every client on it
#   2 nodes  two nodes on that Redis, the clients on each in turn (half of every delivery crosses)
# fanout (500 clients, 10 senders at RATE messages/s each, default 20) and saturation (100
# clients, window 8), DURATION seconds each (default 10). Each configuration starts on fresh
# servers and an empty Redis. Prints a Markdown table of medians (min-max), the servers' and
# Redis's CPU time per delivery among them; the JSON lines are kept in build/bench-cluster.jsonl.
#   RUNS=3 DURATION=10 resources/scripts/bench-cluster.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CONFAB_EXTRA_PACKAGES="redis-server python3" CONFAB_BUILD_TARGET="confab-server confab-bench" \
    "$root/resources/scripts/build.sh" >&2
runs=${RUNS:-3}
duration=${DURATION:-10}
rate=${RATE:-20}
build="$root/build"
results="$build/bench-cluster.jsonl"
: > "$results"
scratch=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
    rm -rf "$scratch"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# shellcheck source=processes.sh
source "$root/resources/scripts/processes.sh"

redis_port=$(free_port)
redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --dir "$scratch" \
    >"$scratch/redis.log" 2>&1 &
redis_pid=$!
disown "$redis_pid" # stopped by cleanup, quietly
pids+=("$redis_pid")
wait_port "$redis_port"

server_pids=()
server_ports=()
start_nodes() { # COUNT (0: one server without a cluster)
    server_pids=()
    server_ports=()
    redis-cli -h 127.0.0.1 -p "$redis_port" FLUSHALL >/dev/null
    local count=$1 n
    for n in $(seq "$((count > 0 ? count : 1))"); do
        local port
        port=$(free_port)
        local args=(--config '' --listen 127.0.0.1:"$port" --autojoin '' --no-history
            --flood-exempt 127.0.0.0/8 --max-per-ip 0)
        [ "$count" -gt 0 ] && args+=(--cluster redis://127.0.0.1:"$redis_port" --node "node$n")
        "$build/server/confab-server" "${args[@]}" >/dev/null 2>"$scratch/node$n.log" &
        server_pids+=($!)
        disown "$!"
        pids+=($!)
        server_ports+=("$port")
        wait_port "$port"
    done
    # A node takes nicks once its cluster connection is up: a moment after it listens.
    sleep 1
}
stop_nodes() {
    for p in "${server_pids[@]}"; do stop "$p"; done
}
join() { local IFS=,; echo "$*"; }

for run in $(seq "$runs"); do
    for count in 0 1 2; do
        label=$([ "$count" = 0 ] && echo "single" || echo "$count node$([ "$count" = 1 ] || echo s)")
        for workload in fanout saturation; do
            start_nodes "$count"
            echo "run $run: $label, $workload" >&2
            redis_arg=()
            [ "$count" -gt 0 ] && redis_arg=(--redis-pid "$redis_pid")
            "$build/tests/bench/confab-bench" --port "$(join "${server_ports[@]}")" \
                --server-pid "$(join "${server_pids[@]}")" "${redis_arg[@]}" --workload "$workload" \
                --duration "$duration" --rate "$rate" --label "$label" --no-progress \
                | grep '^{' >> "$results" || echo "confab-bench failed: $label $workload" >&2
            stop_nodes
        done
    done
done

python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
def cell(values, fmt):
    values = [v for v in values if v is not None and v >= 0]
    if not values:
        return "-"
    med = statistics.median(values)
    return (fmt % med) + (" (" + fmt % min(values) + "-" + fmt % max(values) + ")" if len(values) > 1 else "")
print("| configuration | fanout p50 ms | fanout p99 ms | lost | saturation deliveries/s | servers' CPU us/delivery | Redis CPU us/delivery (fanout, saturation) |")
print("|---|---|---|---|---|---|---|")
for label in ["single", "1 node", "2 nodes"]:
    fan = [r for r in rows if r["server"] == label and r["workload"] == "fanout"]
    sat = [r for r in rows if r["server"] == label and r["workload"] == "saturation"]
    if not fan and not sat:
        continue
    redis = cell([r.get("redis_cpu_us_per_delivery") for r in fan], "%.2f") + ", " + \
        cell([r.get("redis_cpu_us_per_delivery") for r in sat], "%.2f")
    print("| %s | %s | %s | %s | %s | %s | %s |" % (
        label, cell([r["p50_ms"] for r in fan], "%.3f"), cell([r["p99_ms"] for r in fan], "%.3f"),
        cell([r["lost"] for r in fan], "%d"), cell([r["deliveries_per_s"] for r in sat], "%.0f"),
        cell([r.get("server_cpu_us_per_delivery") for r in sat], "%.2f"), redis))
PY
