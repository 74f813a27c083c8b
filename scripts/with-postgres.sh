#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL server, its URL in TAIZHANG_TEST_PG.
# Uses Debian's postgresql packages (.ci/run installs them); the server and its data are removed
# when the command ends. Without PostgreSQL binaries the command runs alone and the PostgreSQL half
# of the test suite is skipped (CI refuses that: see tests/conftest.py).
set -euo pipefail

if [ -n "${TAIZHANG_TEST_PG:-}" ]; then exec "$@"; fi
initdb=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$initdb" ]; then
  echo "with-postgres: no PostgreSQL server installed (apt-get install postgresql); running without it" >&2
  exec "$@"
fi
bin=$(dirname "$initdb")
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg=()
if [ "$(id -u)" = 0 ]; then   # initdb refuses to run as root
  chmod 711 "$dir"; chown postgres: "$dir"; as_pg=(runuser -u postgres --)
fi
cleanup() { "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" start >/dev/null
"${as_pg[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres taizhang_test
export TAIZHANG_TEST_PG="postgresql+psycopg://postgres@127.0.0.1:$port/taizhang_test"
echo "with-postgres: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') at 127.0.0.1:$port" >&2
"$@"
