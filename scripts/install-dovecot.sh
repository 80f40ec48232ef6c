#!/usr/bin/env bash
# Installs Dovecot's IMAP server, and openssl for a throwaway certificate, for
# @mailroom/transport-imap's tests. The tests start their own
# `dovecot -F -c <throwaway config>` on loopback ports, so the system service
# the package may enable is stopped and left unused.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/apt-install.sh dovecot-core dovecot-imapd openssl
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet dovecot 2>/dev/null; then
  systemctl stop dovecot || true
fi
dovecot --version
