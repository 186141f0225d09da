#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what Confab needs on Debian 12 (only what is missing) and builds it in ./build (or
# $CONFAB_BUILD_DIR; $CONFAB_BUILD_TARGET, one or more targets separated by spaces, builds those
# instead of everything).
# Usage: resources/scripts/build.sh [extra cmake -D options]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

packages=(cmake ninja-build g++ pkg-config qt6-base-dev qt6-qpa-plugins libqt6sql6-sqlite libsqlite3-dev libncurses-dev libssl3 libssl-dev libhiredis-dev libqt6sql6-psql scdoc ${CONFAB_EXTRA_PACKAGES:-})
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "Installing: ${missing[*]}"
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

build="${CONFAB_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
# shellcheck disable=SC2086 # the targets are words
cmake --build "$build" --parallel "$(nproc)" ${CONFAB_BUILD_TARGET:+--target $CONFAB_BUILD_TARGET}
