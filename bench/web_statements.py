"""The statements a dashboard request sends PostgreSQL, per kind of request (each is a round trip).

A ledger of N entries is built as bench/ledger.py builds it in a new database on the server, which
is told to log every statement (``log_statement = all``); the app is driven in this process (no
HTTP) over the URLs bench/web.py draws, and the statements the server logged are counted per
request. The server's log is read where scripts/with-postgres.sh writes it (beside the data folder).

    scripts/with-postgres.sh bash -c '.venv/bin/python bench/web_statements.py --pg "$TAIZHANG_TEST_PG"'
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ledger import pg_database, records  # noqa: E402 - bench/ledger.py: the same entries
from web import scenarios  # noqa: E402

from taizhang.ledger import Ledger  # noqa: E402

LOGGED = re.compile(r"LOG:  (?:statement|execute [^:]*): (\w+)")


async def get(app, path: str, cookie: str = "") -> tuple[int, list]:  # noqa: ANN001 - an ASGI app
    """``GET path`` from ``app`` in this process: its status and headers."""
    route, _, query = path.partition("?")
    headers = [(b"host", b"127.0.0.1"), *([(b"cookie", cookie.encode())] if cookie else [])]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": route, "raw_path": route.encode(), "query_string": query.encode(), "headers": headers,
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80), "root_path": "", "state": {}}  # fmt: skip
    answer: dict = {}

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            answer.update(status=message["status"], headers=message["headers"])

    await app(scope, receive, send)
    return answer["status"], answer["headers"]


async def count(app, log: Path, n: int, requests: int) -> None:  # noqa: ANN001 - an ASGI app
    _, headers = await get(app, "/ledger?limit=1")
    cookie = "; ".join(v.decode().split(";")[0] for k, v in headers if k == b"set-cookie")
    for name, paths in scenarios(n).items():
        for path in paths[:20]:
            status, _ = await get(app, path, cookie)
            if status != 200:
                raise SystemExit(f"GET {path}: {status}")
        size = log.stat().st_size
        for path in paths[20 : 20 + requests]:
            await get(app, path, cookie)
        time.sleep(0.5)  # the server writes its log a moment later
        kinds: dict[str, int] = {}
        for line in log.read_bytes()[size:].decode(errors="replace").splitlines():
            if found := LOGGED.search(line):
                kinds[found.group(1).upper()] = kinds.get(found.group(1).upper(), 0) + 1
        shown = ", ".join(f"{kind} {number / requests:.2f}" for kind, number in sorted(kinds.items()))
        print(f"  {name:<19} {sum(kinds.values()) / requests:5.2f} statements per request ({shown})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", required=True, help="a PostgreSQL server URL (a database on it is created and dropped)")
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200, help="requests per kind")
    args = parser.parse_args(argv)
    with pg_database(args.pg) as url:
        with Ledger(url) as ledger:
            ledger.build(list(records(args.entries)))
            ledger.warm()  # this process's columns, read before counting (the app shares them)
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            folder = connection.exec_driver_sql("SHOW data_directory").scalar()
            database = connection.exec_driver_sql("SELECT current_database()").scalar()
            connection.exec_driver_sql(f'ALTER DATABASE "{database}" SET log_statement = \'all\'')
        engine.dispose()
        log = Path(folder).parent / "log"
        if not log.is_file():
            raise SystemExit(f"no server log at {log}: run under scripts/with-postgres.sh")
        os.environ.setdefault("TAIZHANG_SECRET", "bench")
        from taizhang.web.app import create_app

        app = create_app(url, refresh=False)
        print(f"PostgreSQL statements per dashboard request, {args.entries:,} entries, {args.requests} requests per kind:")
        asyncio.run(count(app, log, args.entries, args.requests))
        app.state.store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
