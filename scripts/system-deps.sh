#!/usr/bin/env bash
# Debian packages the application (run) or the test suite (test) needs.
# As root: installs what is missing. Otherwise: prints the exact apt-get line.
set -euo pipefail
mode=${1:-run}
pkgs=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk)
if [[ $mode == test ]]; then
  pkgs+=(postgresql chromium chromium-driver poppler-utils)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
line="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "Missing Debian packages. Please run as root:"
  echo "  apt-get update && $line"
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
$line -qq >/dev/null
