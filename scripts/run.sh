#!/usr/bin/env bash
# Upgrade the database, load demo data when empty, then run the web app and the scheduler
# on http://127.0.0.1:$PORT (default 5000).
set -euo pipefail
VENV=${VENV:-.venv}
PORT=${PORT:-5000}
export FLASK_APP=ltc
flask="$VENV/bin/flask"
if ! "$VENV/bin/python" scripts/port_free.py 127.0.0.1 "$PORT"; then
  echo "Port $PORT on 127.0.0.1 is already in use (another ltc, or another program)." >&2
  echo "Stop that program, or choose another port: PORT=5001 make run" >&2
  exit 1
fi
"$flask" db upgrade
"$flask" demo load --if-empty
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT INT TERM
if "$flask" --help 2>/dev/null | grep -q "^  scheduler"; then
  "$flask" scheduler & pids+=($!)
fi
echo "ltc is running on http://127.0.0.1:$PORT  (Ctrl-C to stop)"
"$VENV/bin/gunicorn" -c gunicorn.conf.py --bind "127.0.0.1:$PORT" --access-logfile - \
  "ltc:create_app()" & pids+=($!)
wait -n "${pids[@]}"
