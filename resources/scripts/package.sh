#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the Debian packages (confab-server, confab-client, confab-gui) in ./build-package (or
# $CONFAB_PACKAGE_DIR), configured for /usr as a package must be, without the tests: the .deb
# files end up in build-package/packages/. Installs what is missing, as build.sh does.
# Usage: resources/scripts/package.sh [extra cmake -D options]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build="${CONFAB_PACKAGE_DIR:-$root/build-package}"
# dpkg-dev: dpkg-shlibdeps, which works out each package's Depends; scdoc: the manual pages.
CONFAB_EXTRA_PACKAGES="dpkg-dev scdoc file ${CONFAB_EXTRA_PACKAGES:-}" CONFAB_BUILD_DIR="$build" \
    CONFAB_BUILD_TARGET="all" "$root/resources/scripts/build.sh" \
    -DCMAKE_INSTALL_PREFIX=/usr -DBUILD_TESTING=OFF "$@"
rm -rf "$build/packages"
(cd "$build" && cpack)
ls "$build"/packages/*.deb
