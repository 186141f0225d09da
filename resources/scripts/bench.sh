#!/usr/bin/env bash
# Runs confab-bench against confab-server (a pool of threads with history, the same without
# history, and one thread per connection) and against ngircd, RUNS times each (default 3), all on
# loopback, and prints the medians and the Confab/ngircd ratios as Markdown. Every Confab run
# starts on a fresh history database. Then, once, the history workload (HISTORY_MESSAGES, default
# 1000000, stored and queried; HISTORY=0 skips it) and the server's start-up time on the database
# it left; then RUNS times the login storm (the fanout without and with 200 SASL logins started at
# once; STORM=0 skips it). Raw JSON lines are kept in build/bench-results.jsonl.
#   RUNS=3 DURATION=20 resources/scripts/bench.sh
# With BASELINE set to another confab-server binary (an earlier build), it compares this build's
# pool with that one instead, the two taking turns in each run (which goes first alternates):
#   BASELINE=/tmp/confab-server-before RUNS=5 resources/scripts/bench.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CONFAB_EXTRA_PACKAGES="ngircd python3" "$root/resources/scripts/build.sh" >&2
runs=${RUNS:-3}
duration=${DURATION:-20}
build="$root/build"
results="$build/bench-results.jsonl"
: > "$results"
ngircd_conf="$root/../shared/bench/ngircd.conf"
[ -f "$ngircd_conf" ] || ngircd_conf="$root/tests/bench/ngircd.conf"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

wait_port() { # PORT: wait (bounded) until something listens
    for _ in $(seq 100); do
        (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "nothing listens on port $1" >&2
    return 1
}

run_one() { # LABEL PORT PID EXTRA-BENCH-ARGS...
    local label=$1 port=$2 pid=$3
    shift 3
    "$build/tests/bench/confab-bench" --port "$port" --label "$label" --server-pid "$pid" \
        --duration "$duration" "$@" | tee /dev/stderr | grep '^{' >> "$results" || true
}

stop() { # PID
    kill -TERM "$1" 2>/dev/null || true
    for _ in $(seq 200); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$1" 2>/dev/null || true
}

database_args() { # BINARY: a fresh database, for a build that keeps history
    if "$1" --help 2>/dev/null | grep -q -- --database; then
        rm -f "$scratch"/history.db*
        echo --database "$scratch/history.db"
    fi
}

flood_args() { # BINARY: the benchmark's clients are one local user on loopback; flood control
    # would pace them and the per-user connection limit would refuse all but ten
    if "$1" --help 2>/dev/null | grep -q -- --flood-exempt; then
        echo --flood-exempt 127.0.0.0/8 --max-per-ip 0
    fi
}

run_confab() { # LABEL BINARY PORT EXTRA-SERVER-ARGS...
    local label=$1 binary=$2 port=$3
    shift 3
    # shellcheck disable=SC2046
    "$binary" --listen 127.0.0.1:"$port" --autojoin '' $(database_args "$binary") $(flood_args "$binary") "$@" >/dev/null 2>&1 &
    local pid=$!
    wait_port "$port"
    run_one "$label" "$port" "$pid"
    stop "$pid"
}

if [ -n "${BASELINE:-}" ]; then
    for run in $(seq "$runs"); do
        echo "== run $run of $runs" >&2
        if [ $((run % 2)) -eq 1 ]; then
            run_confab confab-pool "$build/server/confab-server" 26667
            run_confab confab-baseline "$BASELINE" 26669
        else
            run_confab confab-baseline "$BASELINE" 26669
            run_confab confab-pool "$build/server/confab-server" 26667
        fi
    done
else
    for run in $(seq "$runs"); do
        echo "== run $run of $runs" >&2
        run_confab confab-pool "$build/server/confab-server" 26667
        run_confab confab-nohistory "$build/server/confab-server" 26670 --no-history
        run_confab confab-thread-per-connection "$build/server/confab-server" 26668 --threads 0
        # ngircd's listen backlog is small: a burst of connects beyond it is reset, so its
        # connections are opened five at a time.
        ngircd -n -f "$ngircd_conf" >/dev/null 2>&1 &
        pid=$!; wait_port 27667
        run_one ngircd 27667 "$pid" --connect-window 5
        stop "$pid"
    done
fi

if [ "${HISTORY:-1}" != 0 ]; then
    echo "== history" >&2
    db="$scratch/history.db"
    rm -f "$db"*
    "$build/server/confab-server" --listen 127.0.0.1:26671 --autojoin '' --database "$db" --flood-exempt 127.0.0.0/8 --max-per-ip 0 >/dev/null 2>&1 &
    pid=$!; wait_port 26671
    "$build/tests/bench/confab-bench" --port 26671 --label confab-pool --workload history \
        --history-messages "${HISTORY_MESSAGES:-1000000}" --database-file "$db" | tee /dev/stderr | grep '^{' >> "$results" || true
    stop "$pid"
    # Start-up on that database: from exec to "listening on", the best of three.
    best=""
    for _ in 1 2 3; do
        start=$(date +%s%N)
        "$build/server/confab-server" --listen 127.0.0.1:26671 --autojoin '' --database "$db" > "$scratch/out" 2>&1 &
        pid=$!
        for _ in $(seq 3000); do grep -q "listening on" "$scratch/out" && break; sleep 0.01; done
        ms=$(( ($(date +%s%N) - start) / 1000000 ))
        stop "$pid"
        if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
    done
    echo "{\"server\":\"confab-pool\",\"workload\":\"startup\",\"startup_ms\":$best,\"db_bytes\":$(stat -c %s "$db")}" | tee /dev/stderr >> "$results"
fi

if [ "${STORM:-1}" != 0 ]; then
    for run in $(seq "$runs"); do
        echo "== login storm, run $run of $runs" >&2
        rm -f "$scratch"/storm.db*
        "$build/server/confab-server" --listen 127.0.0.1:26672 --autojoin '' --database "$scratch/storm.db" \
            --flood-exempt 127.0.0.0/8 --max-per-ip 0 >/dev/null 2>&1 &
        pid=$!; wait_port 26672
        "$build/tests/bench/confab-bench" --port 26672 --label confab-storm --server-pid "$pid" --workload loginstorm \
            --duration "$duration" | tee /dev/stderr | grep '^{' >> "$results" || true
        stop "$pid"
    done
fi

python3 - "$results" <<'PY'
import json, statistics, sys, collections
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
by = collections.defaultdict(list)
for r in rows:
    by[(r["server"], r["workload"])].append(r)
# The other column is ngircd, or with BASELINE the earlier confab build.
servers = [s for s in ["confab-pool", "confab-nohistory", "confab-thread-per-connection", "confab-baseline", "ngircd"]
           if any(r["server"] == s for r in rows)]
other = servers[-1]
metrics = {
    "seed-10x5": [("total_s", "total s"), ("mean_ms", "mean ms"), ("p99_ms", "p99 ms")],
    "seed-50x10": [("total_s", "total s"), ("mean_ms", "mean ms"), ("p99_ms", "p99 ms")],
    "seed-60x25": [("total_s", "total s"), ("mean_ms", "mean ms"), ("p99_ms", "p99 ms")],
    "fanout": [("deliveries_per_s", "deliveries/s"), ("p50_ms", "p50 ms"), ("p99_ms", "p99 ms"), ("max_ms", "max ms"), ("lost", "lost")],
    "saturation": [("deliveries_per_s", "deliveries/s")],
    "idle": [("connect_s", "connect s"), ("bytes_per_connection", "bytes/connection"), ("server_threads", "threads")],
    "history": [("fill_messages_per_s", "stored/s"), ("latest_p50_ms", "LATEST 100 p50 ms"),
                ("latest_p99_ms", "LATEST 100 p99 ms"), ("playback_p50_ms", "JOIN+playback p50 ms"),
                ("playback_p99_ms", "JOIN+playback p99 ms"), ("search_p50_ms", "SEARCH p50 ms"),
                ("search_p99_ms", "SEARCH p99 ms"), ("db_mb_per_million", "MB per million")],
    "startup": [("startup_ms", "start-up ms")],
}
def med(server, workload, key):
    vals = [r[key] for r in by.get((server, workload), []) if key in r]
    return statistics.median(vals) if vals else None
ran = {(r["server"], w) for r in rows for w in [r["workload"]]}
def fmt(v, server=None, workload=None):
    if v is None: return "failed" if (server, workload) in ran or server is None else "-"
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)
runs = max((len(v) for v in by.values()), default=0)
print(f"Medians of {runs} runs.\n")
print("| workload | metric | " + " | ".join(servers) + f" | pool / {other.removeprefix('confab-')} |")
print("|---|---|" + "---|" * (len(servers) + 1))
for w, ms in metrics.items():
    for key, name in ms:
        vals = [med(s, w, key) for s in servers]
        ratio = f"{vals[0] / vals[-1]:.2f}" if vals[0] is not None and vals[-1] not in (None, 0) else ""
        if all((s, w) not in ran for s in servers):
            continue
        print(f"| {w} | {name} | " + " | ".join(fmt(v, s, w) for v, s in zip(vals, servers)) + f" | {ratio} |")
on, off = med("confab-pool", "saturation", "deliveries_per_s"), med("confab-nohistory", "saturation", "deliveries_per_s")
if on and off:
    print(f"\nSaturation with history on / off: {on / off:.2f}.")
quiet, storm = by.get(("confab-storm", "fanout"), []), by.get(("confab-storm", "fanout-loginstorm"), [])
if quiet and storm:
    m = lambda rs, k: statistics.median(r[k] for r in rs)
    print(f"\nLogin storm ({len(storm)} runs, medians): fanout p99 {m(quiet, 'p99_ms'):.3f} ms without, "
          f"{m(storm, 'p99_ms'):.3f} ms with {storm[0]['logins']} SASL PLAIN logins started at once; "
          f"they all end in {m(storm, 'storm_s'):.2f} s (a login takes p50 {m(storm, 'login_p50_ms'):.0f} ms, "
          f"p99 {m(storm, 'login_p99_ms'):.0f} ms).")
cpu = [r.get("bench_cpu_pct") for r in rows if "bench_cpu_pct" in r]
if cpu:
    print(f"\nconfab-bench's own CPU use: at most {max(cpu):.0f}% of one core.")
PY
