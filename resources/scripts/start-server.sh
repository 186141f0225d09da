#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs, builds and starts confab-server in the foreground. Arguments go to the server,
# e.g.: resources/scripts/start-server.sh --listen 0.0.0.0:6667
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# The server and the terminal client only: the tests, the benchmark and the desktop client are
# built by the test command (resources/scripts/run-tests.sh).
CONFAB_BUILD_TARGET="confab-server confab-console" "$root/resources/scripts/build.sh"
if [ $# -eq 0 ]; then
    echo "Connect with: $root/build/console-client/confab 127.0.0.1:6667 --nick you"
    echo "          or: nc 127.0.0.1 6667   (then: NICK you / USER you 0 * :You)"
    echo "          or: irssi -c 127.0.0.1 -p 6667 -n you"
else
    echo "Connect with: $root/build/console-client/confab HOST:PORT --nick you (the server says where it listens)"
fi
exec "$root/build/server/confab-server" "$@"
