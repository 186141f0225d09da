#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# CI's package check, as root on a Debian 12 machine without systemd running: builds the .deb
# files (package.sh), installs them with apt, runs the installed server as the user confab on a
# loopback port with its installed configuration, talks to it with the installed client, stops
# it, then removes and purges the packages and checks that nothing is left behind.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export DEBIAN_FRONTEND=noninteractive
fail() { echo "check-package: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "run as root: it installs and purges packages"

"$root/resources/scripts/package.sh"
debs=("$root"/build-package/packages/*.deb)
# man-db: to show that man finds the installed page.
command -v man > /dev/null || apt-get install -y --no-install-recommends man-db
apt-get install -y --no-install-recommends "${debs[@]}"

echo "--- installed"
for p in confab-server confab-client; do
    dpkg-query -W -f='${Package} ${Version}: Depends: ${Depends}\n' "$p"
done
getent passwd confab > /dev/null || fail "postinst made no user confab"
[ "$(stat -c %U:%a /var/lib/confab)" = confab:750 ] || fail "/var/lib/confab is $(stat -c %U:%a /var/lib/confab)"
[ "$(stat -c %U:%G:%a /etc/confab/confab-server.conf)" = root:confab:640 ] || fail "the configuration's owner or mode"
grep -qx /etc/confab/confab-server.conf /var/lib/dpkg/info/confab-server.conffiles || fail "the configuration is no conffile"
grep -q '^ExecStart=/usr/bin/confab-server --config /etc/confab/confab-server.conf$' \
    /usr/lib/systemd/system/confab-server.service || fail "the unit does not run /usr/bin/confab-server with /etc/confab"
man -w confab-server > /dev/null || fail "man does not find confab-server(8)"
man -w confab > /dev/null || fail "man does not find confab(1)"
MANWIDTH=80 man confab-server 2> /dev/null | grep -q 'EXIT STATUS' || fail "man confab-server shows no page"

echo "--- the installed server, as confab, with its installed configuration"
# The default configuration is read without --config: a name set there must reach the client.
echo 'name = package.check' >> /etc/confab/confab-server.conf
work=$(mktemp -d)
trap 'kill "$server" 2> /dev/null || true; rm -rf "$work"' EXIT
# setpriv executes the server in its place (runuser would stay its parent): $! is the server.
setpriv --reuid=confab --regid=confab --init-groups env XDG_DATA_HOME=/var/lib /usr/bin/confab-server --listen 127.0.0.1:0 \
    > "$work/server.out" 2> "$work/server.err" &
server=$!
port=""
for _ in $(seq 1 100); do
    port=$(sed -n 's/^confab-server: listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/server.out")
    [ -n "$port" ] && break
    kill -0 "$server" 2> /dev/null || { cat "$work/server.err" >&2; fail "the server did not start"; }
    sleep 0.1
done
[ -n "$port" ] || fail "the server did not say where it listens"
echo "listening on 127.0.0.1:$port"
/usr/bin/confab --nick packager --send 'hello from the package check' "127.0.0.1:$port" > "$work/client.out" \
    || fail "the installed client failed"
grep -q 'package.check' "$work/client.out" || { cat "$work/client.out"; fail "the server did not read its default configuration"; }
grep -q 'hello from the package check' "$work/client.out" || fail "the message did not come back"
[ "$(stat -c %U /var/lib/confab/confab.db)" = confab ] || fail "no history database owned by confab"
kill -TERM "$server"
status=0
wait "$server" || status=$?
[ "$status" -eq 0 ] || fail "the server exited $status on SIGTERM"
echo "stopped cleanly"

echo "--- remove, then purge"
apt-get remove -y confab-server confab-client confab-gui
[ ! -e /usr/bin/confab-server ] || fail "remove left the server"
[ -e /etc/confab/confab-server.conf ] || fail "remove took the configuration (only purge may)"
# The clients, which have no conffiles, are gone already; apt no longer knows them, dpkg does.
dpkg --purge confab-server confab-client confab-gui
for gone in /etc/confab /var/lib/confab /usr/lib/systemd/system/confab-server.service /usr/share/doc/confab-server \
    /usr/share/man/man8/confab-server.8.gz /usr/bin/confab /usr/bin/confab-gui; do
    [ ! -e "$gone" ] || fail "purge left $gone"
done
if dpkg-query -W -f='${Status}\n' confab-server 2> /dev/null | grep -q installed; then
    fail "confab-server is still installed"
fi
echo "package check OK: installed, ran as confab, stopped, removed and purged"
