# SPDX-License-Identifier: MIT
# Sourced by the benchmark scripts: waiting for a server to listen, and stopping one.

wait_port() { # PORT: wait (bounded) until something listens on 127.0.0.1
    for _ in $(seq 100); do
        (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "nothing listens on port $1" >&2
    return 1
}

stop() { # PID: SIGTERM, then (after 20 s) SIGKILL
    kill -TERM "$1" 2>/dev/null || true
    for _ in $(seq 200); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$1" 2>/dev/null || true
}
