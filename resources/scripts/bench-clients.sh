#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The terminal client's resident memory against irssi's, side by side on one confab-server:
# idle in one channel, then after LINES (default 100000) lines arrive in that channel. confab runs
# twice, with its default scrollback and with --scrollback LINES (irssi keeps every line younger
# than a day by default, so that is the like-for-like run). Both run full-screen in tmux, on
# loopback; first, the smallest Qt program that joins a channel, as the floor. Prints a Markdown
# table (resident and private KiB); then the desktop client's list with LINES rows (offscreen):
# the time to append a line and to scroll, until painted (tests/tools/guiscrollbench.cpp).
#   resources/scripts/bench-clients.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CONFAB_EXTRA_PACKAGES="irssi tmux python3" "$root/resources/scripts/build.sh" >&2
build="$root/build"
lines=${LINES_SENT:-100000}
port=26680
scratch=$(mktemp -d)
sock="confab-bench-clients-$$"
cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null || true
    [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true
    rm -rf "$scratch"
}
trap cleanup EXIT

# A send queue large enough that a client drawing every line is never dropped for reading slowly.
"$build/server/confab-server" --listen 127.0.0.1:$port --autojoin '#bench' --no-history \
    --flood-exempt 127.0.0.0/8 --max-per-ip 0 --sendq 268435456 >/dev/null 2>&1 &
server=$!
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done

rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; } # KiB
# Private: the pages no other process shares (its own heap, and library pages it has written);
# what one more client adds to a machine's memory.
private() { awk '/^Private_(Clean|Dirty):/ { s += $2 } END { print s }' "/proc/$1/smaps_rollup"; } # KiB
pane_pid() { tmux -L "$sock" list-panes -t "$1" -F '#{pane_pid}'; }

# Sends LINES lines to #bench from one more client, a thousand at a time, each thousand confirmed
# by a PONG, then waits until every member has seen the last (checked by NAMES-free means: the
# screens are read by the caller).
send_lines() {
    python3 - "$port" "$lines" <<'PY'
import socket, sys
port, count = int(sys.argv[1]), int(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port))
f = s.makefile("rb")
s.sendall(b"NICK feeder\r\nUSER feeder 0 * :feeder\r\n")
for line in f:
    if b" 366 " in line:  # joined #bench (autojoin)
        break
for start in range(0, count, 1000):
    batch = b"".join(b"PRIVMSG #bench :line %d of the scrollback test, long enough to be a real chat line\r\n" % i
                     for i in range(start, min(count, start + 1000)))
    s.sendall(batch + b"PING :batch\r\n")
    for line in f:
        if line.startswith(b":") and b" PONG " in line:
            break
s.sendall(b"QUIT :done\r\n")
PY
}

wait_screen() { # SESSION TEXT: until the pane shows TEXT (bounded)
    for _ in $(seq 1500); do
        tmux -L "$sock" capture-pane -t "$1" -p | grep -q -- "$2" && return 0
        sleep 0.2
    done
    echo "$1 never showed: $2" >&2
    return 1
}

measure() { # LABEL COMMAND...: one client alone in tmux, idle then after the lines
    local label=$1
    shift
    tmux -L "$sock" new-session -d -s "$label" -x 120 -y 40 "$@"
    local pid
    pid=$(pane_pid "$label")
    if [ "$label" = irssi ]; then
        sleep 1
        tmux -L "$sock" send-keys -t "$label" "/join #bench" Enter
    fi
    wait_screen "$label" "#bench"
    sleep 2
    local idle idlePrivate
    idle=$(rss "$pid")
    idlePrivate=$(private "$pid")
    local start
    start=$(date +%s%N)
    send_lines
    wait_screen "$label" "line $((lines - 1)) of the scrollback test"
    local seconds
    seconds=$(( ($(date +%s%N) - start) / 1000000 ))
    sleep 2
    local full fullPrivate
    full=$(rss "$pid")
    fullPrivate=$(private "$pid")
    echo "| $label | $idle | $idlePrivate | $full | $fullPrivate | $seconds |"
    tmux -L "$sock" kill-session -t "$label"
}

echo "| client | idle in one channel, KiB | of it private | after $lines lines, KiB | of it private | ms until the last line shows |"
echo "|---|---|---|---|---|---|"
# The floor: a Qt program that does nothing but join and read (tests/tools/qtfloor.cpp).
"$build/tests/tools/confab-qt-floor" $port qtfloor "#bench" &
floor=$!
sleep 3
echo "| Qt 6 floor (QtCore and QtNetwork alone) | $(rss $floor) | $(private $floor) | - | - | - |"
kill $floor
measure confab "$build/console-client/confab" 127.0.0.1:$port --nick cfb --channel "#bench"
measure "confab-scrollback-$lines" "$build/console-client/confab" 127.0.0.1:$port --nick cfb2 --channel "#bench" --scrollback "$lines"
measure irssi irssi --home="$scratch/irssi" -c 127.0.0.1 -p $port -n irs
echo
QT_QPA_PLATFORM=offscreen "$build/tests/tools/confab-gui-scrollbench" "$lines" 2>/dev/null
