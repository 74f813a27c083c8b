"""Server CPU per request of the dashboard's four bench/web.py scenarios, measured in-process:
the ASGI application called directly (no HTTP, no sockets, no load generator), so the figure is
the application's own work and varies less with what else the machine runs than bench/web.py's.
To compare two versions, run each over the same ledger file back to back (the code imported is
the one on PYTHONPATH; a file a newer schema upgraded does not open in an older version: copy it
first). On PostgreSQL (--pg) the ledger is built anew in a database of its own each
run, and the figure is this process's CPU only (the server's is not in it):

    .venv/bin/python bench/web_cpu.py --db /tmp/ledger200k.db --entries 200000        # built if absent
    PYTHONPATH=/path/to/other/checkout/src .venv/bin/python bench/web_cpu.py --db /tmp/ledger200k.db --entries 200000
    scripts/with-postgres.sh bash -c '.venv/bin/python bench/web_cpu.py --pg "$TAIZHANG_TEST_PG" --entries 20000'

Per scenario: the best of --rounds rounds of --requests requests (paths drawn as bench/web.py
draws them, after 100 to warm up; each with the CSRF cookie a browser keeps, as bench/web.py's
load sends it), as CPU milliseconds (process time, worker threads included).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ledger import pg_database, records  # noqa: E402 - bench/ledger.py: the same entries
from web import scenarios  # noqa: E402 - bench/web.py: the same paths

from taizhang.ledger import Ledger  # noqa: E402
from taizhang.web import create_app  # noqa: E402
from taizhang.web.auth import CSRF_COOKIE  # noqa: E402

WARM_UP = 100


async def get(app, path: str, cookie: bytes = b"") -> None:  # noqa: ANN001 - an ASGI app
    """One GET of ``path`` through ``app`` (with the ``cookie`` header a browser keeps, if any);
    SystemExit unless it answers 200."""
    route, _, query = path.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": route, "raw_path": route.encode(), "query_string": query.encode(), "headers": [(b"host", b"bench"), *([(b"cookie", cookie)] if cookie else [])],
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80), "root_path": "",
    }  # fmt: skip
    sent = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(scope, receive, send)
    if sent[0]["status"] != 200:
        raise SystemExit(f"GET {path}: {sent[0]['status']}")


async def measure(app, paths: list[str], requests: int, rounds: int) -> float:  # noqa: ANN001
    # A browser's CSRF cookie, as bench/web.py's load sends it: pages check its signature and set none.
    cookie = f"{CSRF_COOKIE}={app.state.sessions.csrf_cookie('bench')}".encode()
    for path in paths[:WARM_UP]:
        await get(app, path, cookie)
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for path in paths[WARM_UP : WARM_UP + requests]:
            await get(app, path, cookie)
        best = min(best, (time.process_time() - start) * 1000 / requests)
    return best


def measure_all(url: str, args: argparse.Namespace) -> None:
    """Every scenario (or ``--only`` one) over the built ledger at ``url``."""
    app = create_app(url, refresh=False, secret="bench")
    with Ledger(app.state.store) as ledger:
        ledger.warm(wait=True)  # the build's filter columns, as a server has them once warm

    async def every_scenario() -> None:
        drawn = scenarios(args.entries)
        if args.only is not None and args.only not in drawn:
            raise SystemExit(f"--only: no scenario {args.only!r} (scenarios: {', '.join(drawn)})")
        for name, paths in drawn.items():
            if args.only not in (None, name):
                continue
            ms = await measure(app, paths, args.requests, args.rounds)
            print(f"{name:<19} {ms:5.2f} ms CPU per request (best of {args.rounds} × {args.requests})", flush=True)

    try:
        asyncio.run(every_scenario())
    finally:
        app.state.store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--db", type=Path, help="a SQLite file: read if it exists, else built as bench/ledger.py builds it")
    where.add_argument("--pg", help="a PostgreSQL server URL: the ledger is built in a new database on it, dropped after")
    parser.add_argument("--entries", type=int, default=200_000, help="entries of the ledger (the paths are drawn over them)")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", metavar="SCENARIO", help="measure this one scenario alone (as named in the output: 'entry page')")
    args = parser.parse_args(argv)
    if args.pg:
        with pg_database(args.pg) as url:
            with Ledger(url) as ledger:
                ledger.build(list(records(args.entries)))
            measure_all(url, args)
        return 0
    url = f"sqlite:///{args.db.resolve()}"
    if not args.db.exists():
        with Ledger(url) as ledger:
            ledger.build(list(records(args.entries)))
    measure_all(url, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
