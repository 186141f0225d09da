#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs confab-bench against confab-server and ngircd, RUNS times each (default 5), all on loopback,
# and prints one Markdown table: every workload's medians with their spread (min-max) and the
# ratio of Confab's pool to ngircd. Raw JSON lines are kept in build/bench-results.jsonl.
#   RUNS=5 DURATION=20 resources/scripts/bench.sh
# Servers: confab-server with its default pool of worker threads (history on a fresh database),
# the same with --no-history, with --threads 0 (one thread per connection), and ngircd 26 with
# tests/bench/ngircd.conf. Each group of workloads starts on a fresh server:
#   seed and saturation; fanout       every server (the fanout alone, so that Confab's own timing of
#                                     each stage a message goes through is the fanout's)
#   fanout at 300,000 deliveries/s    all but the thread-per-connection server
#   idle (5000), idle (IDLE_LARGE)    the pool and ngircd (the thread-per-connection server: 5000)
#   reconnect (RECONNECT clients)     the pool and ngircd
#   bigchannel (BIG members)          the pool every run; ngircd in the first run only (minutes)
#   TLS: saturation and handshakes    the pool and ngircd (TLS=0 skips them)
# Then, once, the history workload (HISTORY_MESSAGES, default 1000000; HISTORY=0 skips it) and the
# server's start-up time on the database it left; then RUNS times the login storm (STORM=0 skips).
# With BASELINE set to another confab-server binary (an earlier build), it compares this build's
# pool with that one instead, on seed, fanout, saturation and idle, the two taking turns in each
# run (which goes first alternates):
#   BASELINE=/tmp/confab-server-before RUNS=5 resources/scripts/bench.sh
# ONLY=workload,... limits a run to some groups (core, idle, reconnect, bigchannel, tls).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CONFAB_EXTRA_PACKAGES="ngircd python3 openssl" "$root/resources/scripts/build.sh" >&2
runs=${RUNS:-5}
duration=${DURATION:-20}
build="$root/build"
results="$build/bench-results.jsonl"
: > "$results"
ngircd_conf="$root/tests/bench/ngircd.conf"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Thousands of connections on each side: the servers started here inherit the raised limit (the
# server's own default stays what the system gives it).
ulimit -n "$(ulimit -Hn)"
limit=$(ulimit -n)
idle_large=${IDLE_LARGE:-20000}
# One descriptor per connection in the server, and in the bench, plus a few of their own.
if [ "$idle_large" -gt $((limit - 200)) ]; then
    echo "descriptor limit $limit: the large idle workload uses $((limit - 200)) connections, not $idle_large" >&2
    idle_large=$((limit - 200))
fi
reconnect=${RECONNECT:-5000}
big=${BIG:-5000}
only=",${ONLY:-core,idle,reconnect,bigchannel,tls},"
wants() { [[ $only == *",$1,"* ]]; }

# A throw-away certificate for the TLS listeners, and ngircd's configuration with TLS added.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -keyout "$scratch/key.pem" \
    -out "$scratch/cert.pem" >/dev/null 2>&1
{ cat "$ngircd_conf"; printf '[SSL]\n\tCertFile = %s\n\tKeyFile = %s\n\tPorts = 27697\n' "$scratch/cert.pem" "$scratch/key.pem"; } \
    > "$scratch/ngircd.conf"

# shellcheck source=processes.sh
source "$root/resources/scripts/processes.sh"

pid=""
start_server() { # KIND PLAIN-PORT TLS-PORT: a fresh server; sets $pid
    local kind=$1 port=$2 tls=$3 binary="$build/server/confab-server"
    local args=(--listen 127.0.0.1:"$port" --autojoin '')
    [ "$kind" = baseline ] && binary=$BASELINE
    if [ "$kind" = ngircd ]; then
        ngircd -n -f "$scratch/ngircd.conf" >/dev/null 2>&1 &
        pid=$!
        wait_port 27667
        return
    fi
    # Read whole: with pipefail, `--help | grep -q` fails whenever grep exits before the help ends.
    local help
    help=$("$binary" --help 2>/dev/null || true)
    # A fresh history database, for a build that keeps history.
    if [[ $help == *--database* ]]; then
        rm -f "$scratch"/history.db*
        [ "$kind" = nohistory ] && args+=(--no-history) || args+=(--database "$scratch/history.db")
    fi
    # The benchmark's clients are one local user on loopback: flood control would pace them and
    # the per-user connection limit would refuse all but ten.
    if [[ $help == *--flood-exempt* ]]; then
        args+=(--flood-exempt 127.0.0.0/8 --max-per-ip 0)
    fi
    # Info: the per-stage timing line it logs as it stops.
    [[ $help == *--log-level* ]] && args+=(--log-level info)
    [ "$kind" = thread-per-connection ] && args+=(--threads 0)
    [ -n "$tls" ] && args+=(--tls-listen 127.0.0.1:"$tls" --tls-cert "$scratch/cert.pem" --tls-key "$scratch/key.pem")
    "$binary" "${args[@]}" >/dev/null 2>"$scratch/server.log" &
    pid=$!
    wait_port "$port"
}

# The server's own split of a fanout run's latency, from the line it logs as it stops: each
# stage's p50 and p99 in microseconds, as one more JSON line.
stages() { # LABEL RATE
    python3 - "$1" "$2" "$scratch/server.log" <<'PY'
import json, re, sys
label, rate, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
names = {"parsed to hub": "to_hub", "in the hub": "in_hub", "hub to worker thread": "to_worker",
         "worker thread to sockets": "to_sockets"}
for line in open(log, errors="replace"):
    m = re.search(r"delivery stages over (\d+) messages, microseconds p50/p99/max: (.*)", line)
    if not m:
        continue
    row = {"server": label, "workload": "stages", "rate": rate, "senders": 10, "clients": 500,
           "messages": int(m.group(1))}
    for part in m.group(2).split(", "):
        name, _, figures = part.rpartition(" ")
        p50, p99, worst = (float(x) for x in figures.split("/"))
        row[names[name] + "_p50_us"], row[names[name] + "_p99_us"] = p50, p99
    print(json.dumps(row))
PY
}

measure() { # KIND LABEL PORT TLS-PORT BENCH-ARGS...: one fresh server for one confab-bench run
    local kind=$1 label=$2 port=$3 tls=$4
    shift 4
    start_server "$kind" "$port" "$tls"
    "$build/tests/bench/confab-bench" --label "$label" --server-pid "$pid" --duration "$duration" --no-progress "$@" \
        | tee -a /dev/stderr | grep '^{' >> "$results" || true
    stop "$pid"
    # A fanout alone on its server: the stages the server timed are that fanout's.
    if [ "$kind" != ngircd ] && [[ " $* " == *" --workload fanout "* ]]; then
        local rate=20
        [[ " $* " == *" --rate 60 "* ]] && rate=60
        stages "$label" "$rate" | tee -a /dev/stderr >> "$results" || true
    fi
}

# Per server kind: its ports, and how its connections are opened. ngircd's listen backlog is
# small: a burst of connects beyond it is reset, so its connections are opened five at a time
# (not in the reconnect storm, whose point is the burst).
ports() { case $1 in ngircd) echo "27667 27697" ;; baseline) echo "26669 26699" ;; nohistory) echo "26670 26700" ;;
    thread-per-connection) echo "26668 26698" ;; *) echo "26667 26697" ;; esac; }
window() { [ "$1" = ngircd ] && echo "--connect-window 5" || true; }

run_server() { # KIND RUN: every group this kind of server runs
    local kind=$1 run=$2 label="confab-$1"
    [ "$kind" = ngircd ] && label=ngircd
    [ "$kind" = baseline ] && label=confab-baseline
    # shellcheck disable=SC2046
    set -- $(ports "$kind")
    local port=$1 tlsport=$2
    local w
    w=$(window "$kind")
    # shellcheck disable=SC2086
    {
        wants core && measure "$kind" "$label" "$port" "" --port "$port" --workload seed,saturation $w
        wants core && measure "$kind" "$label" "$port" "" --port "$port" --workload fanout $w
        case $kind in nohistory) return 0 ;; esac
        # The fanout at three times the rate: 300,000 deliveries a second.
        [ "$kind" != thread-per-connection ] && wants core \
            && measure "$kind" "$label" "$port" "" --port "$port" --workload fanout --rate 60 $w
        wants idle && measure "$kind" "$label" "$port" "" --port "$port" --workload idle --idle-clients 5000 $w
        case $kind in thread-per-connection | baseline) return 0 ;; esac
        wants idle && measure "$kind" "$label" "$port" "" --port "$port" --workload idle --idle-clients "$idle_large" $w
        wants reconnect && measure "$kind" "$label" "$port" "" --port "$port" --workload reconnect --reconnect-clients "$reconnect"
        if wants bigchannel && { [ "$kind" != ngircd ] || [ "$run" -eq 1 ]; }; then
            measure "$kind" "$label" "$port" "" --port "$port" --workload bigchannel --big-channel "$big" $w
        fi
        if wants tls && [ "${TLS:-1}" != 0 ]; then
            measure "$kind" "$label" "$port" "$tlsport" --port "$tlsport" --tls --workload saturation $w
            measure "$kind" "$label" "$port" "$tlsport" --port "$tlsport" --tls --workload handshakes
        fi
    } || true
}

for run in $(seq "$runs"); do
    echo "== run $run of $runs" >&2
    if [ -n "${BASELINE:-}" ]; then
        if [ $((run % 2)) -eq 1 ]; then
            run_server pool "$run"; run_server baseline "$run"
        else
            run_server baseline "$run"; run_server pool "$run"
        fi
    else
        for kind in pool nohistory thread-per-connection ngircd; do
            run_server "$kind" "$run"
        done
    fi
done

if [ -z "${BASELINE:-}" ] && [ "${HISTORY:-1}" != 0 ]; then
    echo "== history" >&2
    db="$scratch/history.db"
    rm -f "$db"*
    "$build/server/confab-server" --listen 127.0.0.1:26671 --autojoin '' --database "$db" --flood-exempt 127.0.0.0/8 --max-per-ip 0 >/dev/null 2>&1 &
    pid=$!; wait_port 26671
    "$build/tests/bench/confab-bench" --port 26671 --label confab-pool --workload history --no-progress \
        --history-messages "${HISTORY_MESSAGES:-1000000}" --database-file "$db" | tee -a /dev/stderr | grep '^{' >> "$results" || true
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
    echo "{\"server\":\"confab-pool\",\"workload\":\"startup\",\"startup_ms\":$best,\"db_bytes\":$(stat -c %s "$db")}" | tee -a /dev/stderr >> "$results"
fi

if [ -z "${BASELINE:-}" ] && [ "${STORM:-1}" != 0 ]; then
    for run in $(seq "$runs"); do
        echo "== login storm, run $run of $runs" >&2
        rm -f "$scratch"/storm.db*
        "$build/server/confab-server" --listen 127.0.0.1:26672 --autojoin '' --database "$scratch/storm.db" \
            --flood-exempt 127.0.0.0/8 --max-per-ip 0 >/dev/null 2>&1 &
        pid=$!; wait_port 26672
        "$build/tests/bench/confab-bench" --port 26672 --label confab-storm --server-pid "$pid" --workload loginstorm \
            --no-progress --duration "$duration" | tee -a /dev/stderr | grep '^{' >> "$results" || true
        stop "$pid"
    done
fi

python3 "$root/resources/scripts/bench-table.py" "$results"
