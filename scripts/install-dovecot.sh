#!/usr/bin/env bash
# Installs Dovecot's IMAP server for @mailroom/transport-imap's tests. The
# tests start their own `dovecot -F -c <throwaway config>` on a loopback port,
# so the system service the package enables is stopped and left unused.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/apt-install.sh dovecot-core dovecot-imapd
# Debian starts the packaged service where systemd runs; the tests need none of it.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet dovecot 2>/dev/null; then
  systemctl stop dovecot || true
fi
dovecot --version
