#!/usr/bin/env bash
# Regenerates resources/screenshot.png: the real desktop client under Xvfb, talking to a real
# server, with two scripted peers.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CONFAB_EXTRA_PACKAGES="xvfb xauth fonts-dejavu-core" "$root/resources/scripts/build.sh"
QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1280x800x24" \
    "$root/build/tests/tools/confab-gui-screenshot" "$root/resources/screenshot.png"
