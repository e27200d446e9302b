#!/usr/bin/env bash
# Upgrade the database, load demo data when empty, then run the web app and the scheduler.
set -euo pipefail
VENV=${VENV:-.venv}
export FLASK_APP=ltc
flask="$VENV/bin/flask"
"$flask" db upgrade
"$flask" demo load --if-empty
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT INT TERM
if "$flask" --help 2>/dev/null | grep -q "^  scheduler"; then
  "$flask" scheduler & pids+=($!)
fi
echo "ltc is running on http://${LTC_BIND:-127.0.0.1:5000}  (Ctrl-C to stop)"
"$VENV/bin/gunicorn" --workers 2 --bind "${LTC_BIND:-127.0.0.1:5000}" --access-logfile - "ltc:create_app()" & pids+=($!)
wait -n "${pids[@]}"
