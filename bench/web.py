"""Web benchmark: the dashboard under load from a second process, over a large ledger.

The ledger is built as bench/ledger.py builds it (real pledges recombined over every county,
N records → N entries), or an existing one is read (--db); the server is `taizhang serve
--no-refresh --workers N` on 127.0.0.1 and a free port. The load is wrk (Debian's `wrk`, a C
load generator: `apt-get install wrk`), C keep-alive connections in closed loop for S seconds per
scenario and number of clients, each request a path drawn at random from thousands written per
scenario, spread over the whole ledger (every actor, year, page and entry id), so the figure is
not that of one cached page. Printed per scenario: p50, p95 and p99 latency, requests per second,
the server's CPU time per request (its processes' user+system time over the run: what a request
costs, whatever else the machine is doing) and the busiest process's share of it (1/N when the
load is spread evenly over N processes), the load generator's share of a core, and the hit
rate of the per-build count and facet cache over the run.

    .venv/bin/python bench/web.py --entries 1000000                    # SQLite
    scripts/with-postgres.sh bash -c '.venv/bin/python bench/web.py --entries 1000000 --pg "$TAIZHANG_TEST_PG"'
    .venv/bin/python bench/web.py --db /tmp/ledger.db --entries 200000  # a ledger built before (same N)

Scenarios: the ledger page (HTML: filters by year, status, kind, metric, a county, a city or
province with the places under it, two at once, sorted, and pages deep in the ledger), an entry
page (HTML, any entry), a filtered API query (/ledger.json by a county and a year, or a city
with its counties and a metric) and a facet count (/ledger/facets.json, one facet of a county's
or a city's entries). Target: p95 < 50 ms with 20 clients.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ledger import counties, pg_database, real_pledges, records  # noqa: E402 - bench/ledger.py: the same entries

from taizhang.ledger import Ledger  # noqa: E402
from taizhang.ledger.browse import page_token  # noqa: E402
from taizhang.ledger.metrics import metric_key  # noqa: E402
from taizhang.ledger.status import STATUSES  # noqa: E402
from taizhang.places import lineage  # noqa: E402

TARGET_P95_MS = 50.0
LUA = Path(__file__).resolve().parent / "web.lua"
PATHS_PER_SCENARIO = 5000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@contextmanager
def served(url: str, workers: int) -> Iterator[tuple[int, list[int]]]:
    """The dashboard over ``url`` in server processes of its own; yields its port and their pids."""
    port = free_port()
    command = [sys.executable, "-c", "from taizhang.cli import main; main()", "serve", "--db", url, "--port", str(port), "--no-refresh", "--workers", str(workers)]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ | {"TAIZHANG_SECRET": "bench"})  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if get(port, "/sources.json")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start: {server.stderr.read().decode(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield port, [server.pid, *_children(server.pid)]
    finally:
        server.terminate()
        server.wait(timeout=30)


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started (uvicorn's workers), and theirs."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found += [int(child), *_children(int(child))]
    return found


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU time of each of the processes ``pids`` so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (fields 14 and 15 of stat)
    return found


def columns_read(port: int, most: float = 900) -> None:
    """Wait until every worker has read the build's filter columns (each reads them in the
    background when it starts: until then it counts by SQL): 20 answers in a row from them."""
    start, row = time.monotonic(), 0
    while row < 20:
        if time.monotonic() - start > most:
            raise SystemExit(f"the server did not read the ledger's columns in {most:.0f} s")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request("GET", f"/ledger/facets.json?facet=kind&year={random.randint(2020, 2035)}")
        response = connection.getresponse()
        response.read()
        connection.close()
        timing = response.getheader("server-timing", "")
        row = row + 1 if 'counts;desc="1/' in timing else 0
        time.sleep(0 if row else 0.5)
    print(f"  the server's workers read the ledger's columns within {time.monotonic() - start:.0f} s of answering")


def scenarios(n: int, seed: int = 7) -> dict[str, list[str]]:
    """Per scenario, paths spread over the whole ledger of ``n`` entries as bench/ledger.py builds it."""
    pool, places = real_pledges(), counties()
    block = len(pool) * 16  # the entries of one county: every record, every deadline year
    actors = [places[(i // block) % len(places)] for i in range(0, n, block)]
    cities = sorted({lineage(a)[1].name for a in actors if len(lineage(a)) > 2})
    provinces = sorted({lineage(a)[-2].name for a in actors if len(lineage(a)) > 2})
    years = list(range(2020, 2036))
    metrics = sorted({metric_key(r["metric"]) for r in pool})
    kinds = sorted({r["kind"] for r in pool})
    r = random.Random(seed)

    def ledger_view() -> str:
        choices = [
            {}, {"year": r.choice(years)}, {"status": r.choice(list(STATUSES))}, {"kind": r.choice(kinds)},
            {"metric": r.choice(metrics)}, {"actor": r.choice(actors)}, {"actor": r.choice(cities), "children": "1"},
            {"actor": r.choice(provinces), "children": "1"}, {"year": r.choice(years), "status": r.choice(list(STATUSES))},
            {"actor": r.choice(cities), "children": "1", "year": r.choice(years)},
            {"year": r.choice(years), "sort": r.choice(["deadline", "value", "actor"]), "desc": r.choice(["1", ""])},
            {"_next": (lambda at: page_token(at, at))(r.randint(1, n))},  # a page deep in the ledger
            {"kind": r.choice(kinds), "_next": (lambda at: page_token(at, at))(r.randint(1, n))},
        ]  # fmt: skip
        query = {k: v for k, v in r.choice(choices).items() if v != ""}
        return "/ledger" + (f"?{urlencode(query)}" if query else "")

    def api_query() -> str:
        if r.random() < 0.5:
            query = {"actor": r.choice(actors), "year": r.choice(years)}
        else:
            query = {"actor": r.choice(cities), "children": "1", "metric": r.choice(metrics)}
        return f"/ledger.json?{urlencode(query)}"

    def facet() -> str:
        facet = r.choice(["status", "kind", "deadline", "metric"])
        where = {"actor": r.choice(actors)} if r.random() < 0.5 else {"actor": r.choice(cities), "children": "1"}
        return f"/ledger/facets.json?{urlencode({'facet': facet, **where})}"

    made: dict[str, Callable[[], str]] = {
        "ledger page": ledger_view,
        "entry page": lambda: f"/entries/{r.randint(1, n)}",
        "filtered API query": api_query,
        "facet count": facet,
    }
    return {name: [make() for _ in range(PATHS_PER_SCENARIO)] for name, make in made.items()}


def cookie(port: int) -> str:
    """The cookie a browser keeps from its first page (the CSRF token its forms carry)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", "/ledger?limit=1")
    response = connection.getresponse()
    response.read()
    connection.close()
    return "; ".join(value.split(";", 1)[0] for name, value in response.getheaders() if name.lower() == "set-cookie")



def wrk(port: int, paths: Path, clients: int, seconds: float, seed: int, kept: str = "") -> tuple[dict, float]:
    """One wrk run; its JSON summary and the CPU seconds wrk used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = ["wrk", "-t1", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "30s", "-s", str(LUA), f"http://127.0.0.1:{port}", "--", str(paths), str(seed), kept]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    return summary, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run(url: str, n: int, clients: list[int], seconds: float, workers: int, build: bool = True) -> list[dict]:
    if build:
        with Ledger(url) as ledger:
            start = time.perf_counter()
            built = ledger.build(list(records(n)))
            print(f"  built {built.entries:,} entries in {time.perf_counter() - start:.0f} s")
    results = []
    with tempfile.TemporaryDirectory() as folder, served(url, workers) as (port, pids):
        columns_read(port)
        kept = cookie(port)
        for number, (name, paths) in enumerate(scenarios(n).items()):
            listed = Path(folder) / f"{number}.paths"
            listed.write_text("\n".join(paths) + "\n", encoding="utf-8")
            for path in paths[:20]:  # every kind of view answers (a 4xx here is a bench bug, not a slow page)
                status, body = get(port, path)
                if status != 200:
                    raise SystemExit(f"GET {path}: {status} {body[:300]!r}")
            wrk(port, listed, 4, min(2, seconds), seed=1, kept=kept)  # warm-up: connections, imports
            for count in clients:
                cpu = cpu_seconds(pids)
                summary, load_cpu = wrk(port, listed, count, seconds, seed=count + 1, kept=kept)
                used = [seconds_now - cpu.get(pid, 0) for pid, seconds_now in cpu_seconds(pids).items()]
                server_ms = sum(used) * 1000 / max(summary["requests"], 1)
                busiest = max(used) / sum(used) if sum(used) else 0  # 1/workers when the load is spread evenly
                looked = summary["columns"] + summary["memo"] + summary["sql"]
                row = summary | {"scenario": name, "clients": count, "server_cpu_ms": server_ms,
                                 "load_core_share": load_cpu / summary["seconds"], "busiest_process_share": busiest, "from_memory": (looked - summary["sql"]) / looked if looked else None}  # fmt: skip
                if summary["non_2xx"] or summary["socket_errors"] or summary["timeouts"]:
                    raise SystemExit(f"{name}: failed requests: {summary}")
                results.append(row)
                mark = "ok" if row["p95"] < TARGET_P95_MS else f"over the {TARGET_P95_MS:.0f} ms target"
                hit = f"{row['from_memory']:.0%}" if row["from_memory"] is not None else "-"
                print(f"  {name:<19} {count:>2} clients {summary['requests']:>6} requests {summary['requests'] / summary['seconds']:6.0f}/s  "
                      f"p50 {row['p50']:6.1f}  p95 {row['p95']:6.1f}  p99 {row['p99']:6.1f} ms ({mark}); server CPU {server_ms:4.1f} ms/request "
                      f"({busiest:.0%} of it in the busiest process), "
                      f"wrk {row['load_core_share']:.0%} of a core, counts from memory {hit}")  # fmt: skip
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--db", help="a SQLite file or URL holding a ledger built as bench/ledger.py builds it, of --entries entries: read, not built")  # fmt: skip
    parser.add_argument("--pg", help="a PostgreSQL server URL (a database on it is created and dropped)")
    parser.add_argument("--no-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument("--clients", default="1,20", help="comma-separated numbers of concurrent clients")
    parser.add_argument("--seconds", type=float, default=15, help="seconds of load per scenario and number of clients")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="server processes (default: one per core)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("bench/web.py needs wrk, a C load generator: apt-get install wrk")
    clients = [int(c) for c in args.clients.split(",")]
    print(f"web benchmark: {args.entries:,} entries, {args.seconds:g} s per scenario and number of clients, clients {clients}, "
          f"{args.workers} server processes, target p95 < {TARGET_P95_MS:.0f} ms; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")  # fmt: skip
    found: dict[str, list[dict]] = {}
    if args.db:
        url = args.db if "://" in args.db else f"sqlite:///{Path(args.db).resolve()}"
        print(f"{url.split(':')[0]} (read):")
        found["db"] = run(url, args.entries, clients, args.seconds, args.workers, build=False)
    elif not args.no_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            print("sqlite:")
            found["sqlite"] = run(f"sqlite:///{folder}/bench.db", args.entries, clients, args.seconds, args.workers)
    if args.pg:
        with pg_database(args.pg) as url:
            print("postgresql:")
            found["postgresql"] = run(url, args.entries, clients, args.seconds, args.workers)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if args.json:
        args.json.write_text(json.dumps(found, indent=1), encoding="utf-8")
    failed = any(r["p95"] >= TARGET_P95_MS for rows in found.values() for r in rows if r["clients"] == max(clients))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
