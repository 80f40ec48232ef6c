#!/usr/bin/env bash
# Installs Debian's redis-server for @mailroom/manager-bullmq's tests: they
# start their own `redis-server --port P --dir D --save ''` on a free loopback
# port with a throwaway directory and stop it by PID. No system-wide
# configuration is written and no service is started (Debian's post-install
# may start one on 6379; the tests never use it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/apt-install.sh redis-server
redis-server --version
