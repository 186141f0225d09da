#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs, builds and runs every test. This is the README's test command and what CI runs.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# tmux drives the full-screen client in its tests; openssl makes their throw-away TLS certificates;
# the cluster's tests start a throw-away redis-server and PostgreSQL cluster of their own.
CONFAB_EXTRA_PACKAGES="tmux openssl redis-server postgresql" "$root/resources/scripts/build.sh" "$@"
ctest --test-dir "$root/build" --output-on-failure --parallel "$(nproc)" --timeout 600
