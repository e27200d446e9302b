#!/usr/bin/env bash
# Run the whole suite on SQLite and on a private PostgreSQL server started here on 127.0.0.1.
# With two or more CPUs both runs go at once (each line prefixed [sqlite] / [postgresql]);
# LTC_TEST_SERIAL=1 runs them one after the other. First the lint: ruff (pyflakes, bugbear,
# complexity, line length) and the import contracts of setup.cfg. Exits non-zero if the lint or
# either run fails. The tests that use no database (and those marked ``once``) run on SQLite only.
set -uo pipefail
VENV=${VENV:-.venv}
PYTEST=("$VENV/bin/python" -m pytest -p no:cacheprovider "$@")

echo "=== lint: ruff and the import contracts ==="
lint_status=0
"$VENV/bin/ruff" check --quiet . || lint_status=1
"$VENV/bin/lint-imports" --no-cache | tail -n 12 || lint_status=1

source ./scripts/pg.sh
if ! pg_start; then
  echo "could not start PostgreSQL"; exit 1
fi
trap pg_stop EXIT

run_sqlite() { env -u TEST_DATABASE_URL "${PYTEST[@]}"; }
# the PostgreSQL run leaves out the tests that use no database (they ran on SQLite): tests/conftest.py
run_pg() { TEST_DATABASE_URL="$PG_URL" LTC_TEST_DATABASE_ONLY=1 "${PYTEST[@]}"; }

if [[ "${LTC_TEST_SERIAL:-0}" == 1 || $(nproc) -lt 2 ]]; then
  echo "=== test suite on SQLite ==="
  run_sqlite; sqlite_status=$?
  echo "=== test suite on PostgreSQL ==="
  run_pg; pg_status=$?
else
  echo "=== test suite on SQLite and on PostgreSQL, in parallel ==="
  logs=$(mktemp -d)
  run_sqlite > "$logs/sqlite.log" 2>&1 &
  sqlite_pid=$!
  tail -n +1 -f "$logs/sqlite.log" --pid=$sqlite_pid | sed -u 's/^/[sqlite] /' &
  run_pg 2>&1 | tee "$logs/postgresql.log" | sed -u 's/^/[postgresql] /'
  pg_status=${PIPESTATUS[0]}
  wait $sqlite_pid; sqlite_status=$?
  sleep 1
  # The two outputs are interleaved above; repeat each run's failures and summary at the end,
  # where a log that keeps only its last lines still shows them.
  for db in sqlite postgresql; do
    echo "=== $db: failures and summary ==="
    sed -n '/short test summary info/,$p' "$logs/$db.log" | head -80
  done
  rm -rf "$logs"
fi
echo "=== lint: $([[ $lint_status == 0 ]] && echo passed || echo FAILED), SQLite: $([[ $sqlite_status == 0 ]] && echo passed || echo FAILED), PostgreSQL: $([[ $pg_status == 0 ]] && echo passed || echo FAILED) ==="
[[ $lint_status == 0 && $sqlite_status == 0 && $pg_status == 0 ]]
