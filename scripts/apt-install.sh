#!/usr/bin/env bash
# Installs Debian packages that are not yet installed; runs `apt-get update`
# at most once per boot. Usage: scripts/apt-install.sh PACKAGE...
set -euo pipefail
missing=()
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
marker=/tmp/.mailroom-apt-updated
if [ ! -e "$marker" ]; then
  apt-get update -qq
  touch "$marker"
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
