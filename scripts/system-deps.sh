#!/usr/bin/env bash
# Debian packages the application (run) or the test suite (test) needs.
# As root: installs what is missing, waiting (up to 10 minutes) while another apt or dpkg process
# holds the package lock (e.g. unattended-upgrades right after boot). Otherwise: prints the exact
# apt-get line.
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
if [[ $(id -u) -ne 0 ]]; then
  echo "Missing Debian packages. Please run as root:"
  echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
  exit 1
fi

LOCK_WAIT=${APT_LOCK_WAIT:-600}  # seconds
POLL=${APT_LOCK_POLL:-5}  # seconds, whole

# apt-get "$@", retried while another process holds an apt/dpkg lock ("Could not get lock …");
# any other failure stops at once with apt-get's own message.
apt_waiting() {
  local waited=0 out
  while true; do
    if out=$(apt-get -o DPkg::Lock::Timeout="$LOCK_WAIT" "$@" 2>&1); then
      return 0
    fi
    if ! grep -qiE "could not get lock|unable to lock|unable to acquire the dpkg frontend lock" <<<"$out"; then
      echo "$out" >&2
      return 1
    fi
    if (( waited >= LOCK_WAIT )); then
      echo "$out" >&2
      echo "Another apt/dpkg process still holds the package lock after ${LOCK_WAIT} s; run make again once it has finished." >&2
      return 1
    fi
    (( waited == 0 )) && echo "Another apt/dpkg process holds the package lock; waiting for it (up to ${LOCK_WAIT} s)…"
    sleep "$POLL"
    waited=$(( waited + POLL ))
  done
}

echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt_waiting update -qq
apt_waiting install -y -qq --no-install-recommends "${missing[@]}"
