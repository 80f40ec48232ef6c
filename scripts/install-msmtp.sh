#!/usr/bin/env bash
# Installs msmtp, a real sendmail-compatible binary, for
# @mailroom/transport-sendmail's tests: they run `msmtp -C <throwaway config>`
# relaying to an smtp-server sink on a loopback port. No system-wide
# configuration is written and no service is started.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/apt-install.sh msmtp
msmtp --version | head -n 1
