"""Web benchmark: the dashboard under bounded load from a second process, over a large ledger.

The ledger is built as bench/ledger.py builds it (real pledges recombined over every county,
N records → N entries); the server is `taizhang serve --no-refresh` in its own process on
127.0.0.1 and a free port; this process is the load: C clients (threads with keep-alive
connections) send R requests in all per scenario, after a warm-up, and the latencies' p50, p95
and p99 are printed. Every request goes to 127.0.0.1 only; each scenario stops after R requests or
--max-seconds, whichever comes first.

    .venv/bin/python bench/web.py --entries 1000000                    # SQLite
    scripts/with-postgres.sh bash -c '.venv/bin/python bench/web.py --entries 1000000 --pg "$TAIZHANG_TEST_PG"'

Scenarios: the ledger page (HTML, first page, under a rotating filter), an entry page (HTML, a
random entry), a filtered API query (/ledger.json by actor and year) and a facet count
(/ledger/facets.json, the status facet of a random actor's entries). Counts and facets are
kept per ledger build, so a view seen before is answered from memory: the warm-up shows what the
first view of the unfiltered million costs (printed as "cold").
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ledger import pg_database, records  # noqa: E402 - bench/ledger.py: the same entries

from taizhang.ledger import Ledger  # noqa: E402

TARGET_P95_MS = 50.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served(url: str, workers: int) -> Iterator[int]:
    """The dashboard over ``url`` in server processes of its own; yields its port."""
    port = free_port()
    command = [sys.executable, "-c", "from taizhang.cli import main; main()", "serve", "--db", url, "--port", str(port), "--no-refresh", "--workers", str(workers)]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ | {"TAIZHANG_SECRET": "bench"})  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/sources.json")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start: {server.stderr.read().decode(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def load(port: int, paths: Callable[[random.Random], str], clients: int, requests: int, max_seconds: float) -> list[float]:
    """Latencies (ms) of ``requests`` GETs spread over ``clients`` threads, each on one keep-alive connection."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + max_seconds
    share = [requests // clients + (1 if i < requests % clients else 0) for i in range(clients)]

    def client(number: int) -> None:
        chooser = random.Random(number)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        for _ in range(share[number]):
            if time.monotonic() > stop:
                break
            path = paths(chooser)
            start = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            mine.append((time.perf_counter() - start) * 1000)
            if response.status != 200:
                with lock:
                    errors.append(f"GET {path}: {response.status}")
                break
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors or not latencies:
        raise SystemExit(f"{len(errors)} requests failed: {errors[:3]}")
    return latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def scenarios(n: int) -> dict[str, Callable[[random.Random], str]]:
    sample = list(records(min(n, 20_000)))  # actors and years as the ledger holds them
    actors = sorted({m.pledge.actor for m in sample})
    years = sorted({m.pledge.deadline for m in sample})
    views = ["/ledger", *(f"/ledger?year={y}" for y in years[:4]), "/ledger?status=%E6%9C%AA%E5%88%B0%E6%9C%9F"]
    return {
        "ledger page": lambda r: r.choice(views),
        "entry page": lambda r: f"/entries/{r.randint(1, n)}",
        "filtered API query": lambda r: f"/ledger.json?actor={quote(r.choice(actors))}&year={r.choice(years)}",
        "facet count": lambda r: f"/ledger/facets.json?facet=status&actor={quote(r.choice(actors))}",
    }


def run(url: str, n: int, clients: list[int], requests: int, max_seconds: float, workers: int) -> list[tuple]:
    with Ledger(url) as ledger:
        start = time.perf_counter()
        built = ledger.build(list(records(n)))
        print(f"  built {built.entries:,} entries in {time.perf_counter() - start:.0f} s")
    results = []
    with served(url, workers) as port:
        for name, paths in scenarios(n).items():
            cold = load(port, lambda r: "/ledger" if name == "ledger page" else paths(r), 1, 1, max_seconds)
            load(port, paths, 4, 40, max_seconds)  # warm-up: connections, caches, the first views
            for count in clients:
                took = load(port, paths, count, requests, max_seconds)
                row = (name, count, len(took), percentile(took, 0.5), percentile(took, 0.95), percentile(took, 0.99), statistics.mean(took))  # fmt: skip
                results.append(row)
                mark = "ok" if row[4] < TARGET_P95_MS else f"over the {TARGET_P95_MS:.0f} ms target"
                print(f"  {name:<19} {count:>2} clients {len(took):>5} requests  p50 {row[3]:7.1f}  p95 {row[4]:7.1f}  p99 {row[5]:7.1f} ms  ({mark}; cold first view {cold[0]:.0f} ms)")  # fmt: skip
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--pg", help="a PostgreSQL server URL (a database on it is created and dropped)")
    parser.add_argument("--no-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument("--clients", default="1,20", help="comma-separated numbers of concurrent clients")
    parser.add_argument("--requests", type=int, default=400, help="requests per scenario and number of clients")
    parser.add_argument("--max-seconds", type=float, default=120, help="stop a scenario after this long")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="server processes (default: one per core)")
    args = parser.parse_args(argv)
    clients = [int(c) for c in args.clients.split(",")]
    print(f"web benchmark: {args.entries:,} entries, {args.requests} requests per scenario, clients {clients}, {args.workers} server processes, target p95 < {TARGET_P95_MS:.0f} ms")  # fmt: skip
    failed = False
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            print("sqlite:")
            failed |= any(r[4] >= TARGET_P95_MS for r in run(f"sqlite:///{folder}/bench.db", args.entries, clients, args.requests, args.max_seconds, args.workers) if r[1] == max(clients))  # fmt: skip
    if args.pg:
        with pg_database(args.pg) as url:
            print("postgresql:")
            failed |= any(r[4] >= TARGET_P95_MS for r in run(url, args.entries, clients, args.requests, args.max_seconds, args.workers) if r[1] == max(clients))  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
