#!/usr/bin/env bash
# Create the virtualenv and install the project (with test extras for `venv.sh test`).
# Re-installs only when setup.cfg changed.
set -euo pipefail
VENV=${VENV:-.venv}
extra=${1:-}
[[ -x $VENV/bin/python ]] || python3 -m venv "$VENV"
stamp="$VENV/.installed${extra:+-$extra}"
if [[ ! -f $stamp || setup.cfg -nt $stamp || pyproject.toml -nt $stamp ]]; then
  echo "Installing Python dependencies into $VENV ..."
  "$VENV/bin/pip" install -q --disable-pip-version-check -e ".${extra:+[$extra]}" 2> >(grep -v "^WARNING: Location" >&2)
  touch "$stamp"
fi
