#!/usr/bin/env bash
# Installs procmail for @mailroom/transport-mbox's tests: its `lockfile`
# command takes and honours the same `<mbox>.lock` dotlock our transport
# uses, and `formail` splits an mbox the way mail programs do. No service.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/apt-install.sh procmail
command -v lockfile formail
