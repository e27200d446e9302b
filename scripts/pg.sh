# Source me: pg_start / pg_stop a private throw-away PostgreSQL cluster on 127.0.0.1 (SPEC §10).
pg_start() {
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  PGDATA=$(mktemp -d -t ltc-pg.XXXXXX)
  local run=()
  if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$PGDATA"; run=(runuser -u postgres --); fi
  "${run[@]}" "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null || return 1
  "${run[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c fsync=off -c full_page_writes=off" start >/dev/null || return 1
  "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres ltc_test || return 1
  PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/ltc_test"
  export PGBIN PGPORT PGDATA PG_URL
  echo "PostgreSQL running on 127.0.0.1:$PGPORT"
}

pg_stop() {
  local run=()
  [[ $(id -u) -eq 0 ]] && run=(runuser -u postgres --)
  "${run[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
  rm -rf "$PGDATA"
}
