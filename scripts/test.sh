#!/usr/bin/env bash
# Run the whole suite on SQLite, then on a private PostgreSQL server started here on 127.0.0.1.
set -uo pipefail
VENV=${VENV:-.venv}
PYTEST=("$VENV/bin/python" -m pytest -p no:cacheprovider "$@")
status=0

echo "=== test suite on SQLite ==="
env -u TEST_DATABASE_URL "${PYTEST[@]}" || status=1

echo "=== test suite on PostgreSQL ==="
source ./scripts/pg.sh
if pg_start; then
  TEST_DATABASE_URL="$PG_URL" "${PYTEST[@]}" || status=1
  pg_stop
else
  echo "could not start PostgreSQL"; status=1
fi
exit $status
