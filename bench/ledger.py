"""Scale benchmark of the ledger: build N entries on SQLite and PostgreSQL, time the common filters.

The entries are real pledges recombined: every distinct (metric, kind, unit) of the seed gold and
the development gold (tests/gold/pledges.jsonl), placed on every county-level division of the
GB/T 2260 table in turn, each with deadlines 2020–2035, so that each record is a distinct
commitment (N records → N entries) with real wording, values and units.

    .venv/bin/python bench/ledger.py --entries 1000000                       # SQLite in a temp folder
    .venv/bin/python bench/ledger.py --entries 1000000 --pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/ledger.py --entries 1000000 --workers 2                           # from stored pledges

The records are built into a ledger as they are (``Ledger.build``), or, with ``--workers N``,
stored first as the pledges of one source per recombined report (each dated its year; not timed)
and the ledger rebuilt from them as ``taizhang ledger`` does (``Ledger.refresh``, its chunks built
in N worker processes; 1: in this process, as code without workers does).

It prints, per backend: build rate (merge + statuses + insert, entries/s, and the CPU time the
build took in this process, in its calling thread (the rest: SQLite's helper threads sorting
index keys), in its child processes (workers, the process making a whole rebuild's
rows) and in a PostgreSQL server on this machine), the time of each filter
(first page of 100 and the total count, median of 5 runs after one warm-up) and the database size.
With --pg a database named taizhang_bench_<random> is created on that server and dropped after.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from itertools import islice
from pathlib import Path

from datetime import UTC, datetime

from sqlalchemy import create_engine, text

from taizhang.document import Pledge
from taizhang.ledger import Filters, Ledger
from taizhang.ledger.corrections import Mention
from taizhang.ledger.metrics import metric_key
from taizhang.places import DATA, resolve
from taizhang.storage import Store, record_values
from taizhang.storage.bulk import insert_rows
from taizhang.storage.tables import PledgeRow, SourceRow

ROOT = Path(__file__).resolve().parent.parent
GOLD = [ROOT / "tests" / "fixtures" / "seed.pledges.jsonl", ROOT / "tests" / "gold" / "pledges.jsonl"]
FIELDS = ("metric", "kind", "comparator", "value", "value_high", "unit", "norm_value", "norm_unit", "horizon", "hedge", "official")


def real_pledges() -> list[dict]:
    """One gold record per distinct (metric key, kind, normalised unit), so recombinations never merge."""
    seen: dict[tuple, dict] = {}
    for path in GOLD:
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                seen.setdefault((metric_key(record["metric"]), record["kind"], record["norm_unit"]), record)
    return list(seen.values())


def counties() -> list[str]:
    """County-level places whose name alone resolves to them (not the five 朝阳区 and such)."""
    lines = (DATA / "divisions.tsv").read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if not line.startswith(("#", "code\t"))]
    return [name for code, name, level, _ in rows if level == "3" and getattr(resolve(name), "code", None) == code]


def records(n: int) -> Iterator[Mention]:
    pool, places = real_pledges(), counties()
    for i in range(n):
        record = pool[i % len(pool)]
        deadline = 2020 + (i // len(pool)) % 16
        actor = places[(i // (len(pool) * 16)) % len(places)]
        source = f"{actor}_{deadline}_gwr.txt"
        pledge = Pledge(source=source, start=i % 5000, end=i % 5000 + len(record["quote"]), quote=record["quote"],
                        actor=actor, deadline=deadline, **{f: record[f] for f in FIELDS})  # fmt: skip
        # Each an annual target of its own year's report: the same figure in another year is another entry.
        yield Mention(pledge, pledge, f"{hash(source) & 0xFFFFFFFFFFFF:016x}", i // 1000, deadline)


def store_records(url: str, n: int) -> None:
    """Store the records as pledges of their sources (each source dated its year, so no text is
    read): the sources first, then the pledges in batches (the records are made twice rather than
    held: a million rows of dicts would not fit)."""
    sources: dict[str, int] = {}
    source_rows = []
    now = datetime.now(UTC)
    for mention in records(n):
        name = mention.pledge.source
        if name not in sources:
            sources[name] = len(sources) + 1
            source_rows.append({
                "id": sources[name], "name": name, "path": f"/bench/{name}", "sha256": f"{mention.sha256:0>64}",
                "size": 0, "format": "txt", "encoding": "utf-8", "title": None, "date": f"{mention.source_year}-03-01",
                "chars": 5100, "version": 1, "ingested_at": now, "text": "", "extractor": "bench", "year": mention.source_year,
            })  # fmt: skip
    with Store(url) as store, store.engine.begin() as connection:
        insert_rows(connection, SourceRow.__table__, source_rows)
        batch = []
        for mention in records(n):
            batch.append(record_values(sources[mention.pledge.source], mention.pledge))
            if len(batch) == 10_000:
                insert_rows(connection, PledgeRow.__table__, batch)
                batch = []
        insert_rows(connection, PledgeRow.__table__, batch)


def timed(call: Callable[[], object], runs: int = 5) -> float:
    call()  # warm-up: the first run reads pages from disk
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def server_cpu(ledger: Ledger) -> float | None:
    """The CPU seconds a PostgreSQL server on this machine has used so far: its postmaster's, its
    processes' and those of the processes it has ended (Linux's /proc); None for SQLite or a server
    elsewhere (its backend's process is not here to read)."""
    engine = ledger.store.engine
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as connection:
        backend = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    try:
        postmaster = _stat(backend)[1]
        ticks = sum(_stat(postmaster)[11:15])
        for path in Path("/proc").glob("[0-9]*/stat"):
            with suppress(OSError):  # (a process that ended meanwhile)
                fields = _stat(int(path.parent.name))
                ticks += fields[11] + fields[12] if fields[1] == postmaster else 0
    except OSError:
        return None
    return ticks / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    """The CPU seconds of this process's children that have ended (a build's worker processes, the
    process that makes a whole rebuild's rows)."""
    times = os.times()
    return times.children_user + times.children_system


def _stat(pid: int) -> list[int]:
    """A process's /proc stat fields after its name, from its parent's id on (state left out: 0)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return [0] + [int(value) for value in fields[1:]]


def size_of(ledger: Ledger) -> int:
    engine = ledger.store.engine
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            return connection.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return Path(engine.url.database).stat().st_size


def run(url: str, n: int, out: Callable[[str], None] = print, workers: int | None = None) -> dict[str, float]:
    """Build ``n`` entries in the (empty) database at ``url`` (``workers``: rebuilt from stored
    pledges by that many, see the module) and time the filters; returns the numbers."""
    if workers is not None:
        store_records(url, n)
        sample = next(islice(records(n), n // 2, None)).pledge
        build = (lambda ledger: ledger.refresh(force=True)) if workers == 1 else (lambda ledger: ledger.refresh(force=True, workers=workers))  # fmt: skip
    else:
        mentions = list(records(n))
        sample = mentions[n // 2].pledge
        build = lambda ledger: ledger.build(mentions)  # noqa: E731
    # As of today: the statuses the ledger stores, which is what filters read (another date is a
    # "what if" judged in memory).
    with Ledger(url) as ledger:
        server = server_cpu(ledger)
        start, cpu, thread, children = time.perf_counter(), time.process_time(), time.thread_time(), _children_cpu()
        built = build(ledger)
        build_s, cpu_s, children_s = time.perf_counter() - start, time.process_time() - cpu, _children_cpu() - children
        thread_s = time.thread_time() - thread
        server_s = None if server is None else server_cpu(ledger) - server
        if built.entries != n:
            raise SystemExit(f"{built.entries:,} entries from {n:,} records: recombined records merged")
        filters = {
            "actor": Filters(actor=sample.actor),
            "year": Filters(year=sample.deadline),
            "status": Filters(status="未到期"),
            "metric": Filters(metric=sample.metric),
            "actor+year": Filters(actor=sample.actor, year=sample.deadline),
        }
        result = {"entries": n, "build_s": build_s, "rate": n / build_s, "build_cpu_s": cpu_s, "build_thread_cpu_s": thread_s, "children_cpu_s": children_s, "server_cpu_s": server_s}
        server_words = "" if server_s is None else f" and {server_s:.1f} s of the server's"
        out(
            f"{ledger.store.engine.dialect.name}: {n:,} entries {'built' if workers is None else f'rebuilt by {workers} worker(s)'} in {build_s:.1f} s = {n / build_s:,.0f} entries/s"
            f" ({cpu_s:.1f} s of this process's CPU, {thread_s:.1f} s of it in this thread, {children_s:.1f} s of its child processes'{server_words}: on a busy machine, the figures to compare)"
        )
        for name, chosen in filters.items():
            page = timed(lambda chosen=chosen: ledger.entries(chosen, limit=100))
            count = timed(lambda chosen=chosen: ledger.count(chosen))
            matched = ledger.count(chosen)
            result[f"{name}_page_ms"], result[f"{name}_count_ms"] = page, count
            out(f"  filter {name:<10} {matched:>9,} match · first 100: {page:7.1f} ms · count: {count:7.1f} ms")
        result["bytes"] = size_of(ledger)
        out(f"  database size {result['bytes'] / 2**20:,.1f} MiB ({result['bytes'] / n:,.0f} bytes per entry)")
    return result


@contextmanager
def pg_database(server: str) -> Iterator[str]:
    name = f"taizhang_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--pg", help="a PostgreSQL server URL (a database on it to connect to first)")
    parser.add_argument("--no-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument("--workers", type=int, metavar="N", help="rebuild from stored pledges in N worker processes (1: in this one)")
    args = parser.parse_args(argv)
    print(f"ledger benchmark: {args.entries:,} entries recombined from {len(real_pledges())} real pledges × {len(counties())} counties")  # fmt: skip
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            run(f"sqlite:///{folder}/bench.db", args.entries, workers=args.workers)
    if args.pg:
        with pg_database(args.pg) as url:
            run(url, args.entries, workers=args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
