#!/usr/bin/env bash
# Installs Debian's PostgreSQL server for @mailroom/lists' PostgreSQL store and
# ledger tests: they run `initdb` as user nobody into a throwaway directory
# (initdb refuses root), start their own server with `pg_ctl` on a free
# loopback port and stop it with `pg_ctl stop` afterwards. The binaries stay
# in /usr/lib/postgresql/15/bin. The cluster Debian's post-install may create
# and start (port 5432) is never used by the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/apt-install.sh postgresql
/usr/lib/postgresql/15/bin/postgres --version
