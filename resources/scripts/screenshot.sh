#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Regenerates the README's screenshots: resources/screenshot.png, the real desktop client under
# Xvfb, and resources/screenshot-terminal.png, the real terminal client in tmux; each talking to a
# real server on a loopback port, with scripted peers.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CONFAB_EXTRA_PACKAGES="xvfb xauth fonts-dejavu-core tmux" "$root/resources/scripts/build.sh"
QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1280x800x24" \
    "$root/build/tests/tools/confab-gui-screenshot" "$root/resources/screenshot.png"

# The terminal client. Everything here is bounded: each wait gives up after a few seconds.
work=$(mktemp -d)
socket="confab-shot-$$"
cleanup() {
    tmux -L "$socket" kill-server 2>/dev/null || true
    [[ -n "${server:-}" ]] && kill "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
"$root/build/server/confab-server" --listen 127.0.0.1:0 --name chat.example.org \
    --database "$work/history.db" >"$work/server.log" 2>&1 &
server=$!
port=
for _ in $(seq 50); do
    port=$(sed -n 's/^confab-server: listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/server.log")
    [[ -n "$port" ]] && break
    sleep 0.1
done
[[ -n "$port" ]] || { echo "the server did not start" >&2; exit 1; }
say() { printf '%s\r\n' "$@" >&"$1"; }
exec {bob}<>"/dev/tcp/127.0.0.1/$port" {carol}<>"/dev/tcp/127.0.0.1/$port"
printf 'NICK bob\r\nUSER bob 0 * :Bob\r\nJOIN #lobby\r\nJOIN #release\r\n' >&"$bob"
sleep 0.3
printf 'NICK carol\r\nUSER carol 0 * :Carol\r\nJOIN #lobby\r\n' >&"$carol"
printf 'TOPIC #lobby :Release 0.1 this week | be nice\r\n' >&"$bob"
printf 'PRIVMSG #lobby :morning all\r\n' >&"$bob"
printf 'PRIVMSG #lobby :hi! the nightly build is \x02\x0303green\x0f: https://ci.example.org/runs/4217\r\n' >&"$carol"
sleep 0.3
tmux -L "$socket" new-session -d -s shot -x 100 -y 24 \
    "$root/build/console-client/confab 127.0.0.1:$port --nick alice --channel '#lobby'"
sleep 1.5
tmux -L "$socket" send-keys -t shot -l '/join #release'
tmux -L "$socket" send-keys -t shot Enter
sleep 0.5
tmux -L "$socket" send-keys -t shot M-2
printf 'PRIVMSG #lobby :hey alice\r\n' >&"$bob"
printf 'PRIVMSG #lobby :\x01ACTION puts the kettle on\x01\r\n' >&"$bob"
tmux -L "$socket" send-keys -t shot -l "great, I'll tag the release after lunch"
tmux -L "$socket" send-keys -t shot Enter
sleep 0.3
printf 'PRIVMSG #lobby :alice: can you look at the \x1dconfig\x1d diff first?\r\n' >&"$carol"
printf 'PRIVMSG #release :\x0304blocker\x0f fixed in 4217\r\n' >&"$bob"
printf 'PRIVMSG alice :lunch at 12:30?\r\n' >&"$carol"
sleep 0.3
tmux -L "$socket" send-keys -t shot -l '/names'
tmux -L "$socket" send-keys -t shot Enter
tmux -L "$socket" send-keys -t shot -l 'sure, on it'
sleep 0.5
tmux -L "$socket" capture-pane -t shot -e -p >"$work/screen.txt"
QT_QPA_PLATFORM=offscreen "$root/build/tests/tools/confab-terminal-screenshot" \
    "$work/screen.txt" 100 24 "$root/resources/screenshot-terminal.png"
