#!/usr/bin/env bash
# Installs Debian's Chromium for @mailroom/console's browser tests: they drive
# /usr/bin/chromium headless through playwright-core's `executablePath`
# (Playwright's own browser download is neither used nor needed) against a
# `mailroom serve` on loopback. No service is started.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/apt-install.sh chromium fonts-dejavu-core
chromium --version
