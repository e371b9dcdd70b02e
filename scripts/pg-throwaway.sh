#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster (Debian's postgresql package) on a private
# port and socket directory, print `export CALLCENTRE_TEST_PG_URL=...` and the
# data directory. Stop it with: scripts/pg-throwaway.sh stop DIR
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "postgresql server not installed (apt-get install postgresql)" >&2; exit 3
fi
RUNAS=()
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  RUNAS=(runuser -u postgres --)
fi
if [ "${1:-}" = "stop" ]; then
  "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$2/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$2"
  exit 0
fi
PGTMP=$(mktemp -d /tmp/cc-pg.XXXXXX)
chmod 755 "$PGTMP"
[ "$(id -u)" = "0" ] && chown postgres "$PGTMP"
PORT=${CALLCENTRE_PGPORT:-$(( 40000 + RANDOM % 20000 ))}
"${RUNAS[@]}" "$PGBIN/initdb" -D "$PGTMP/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/log" -w \
  -o "-p $PORT -k $PGTMP -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
echo "export CALLCENTRE_TEST_PG_URL=postgresql://postgres@127.0.0.1:$PORT/postgres"
echo "PGTMP=$PGTMP"
