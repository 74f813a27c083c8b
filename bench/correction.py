"""What one correction costs in a big ledger: the stored pledges of bench/ledger.py's N recombined
records (one stored source per recombined report), the ledger built from them, then corrections
made as the dashboard makes them — record the correction, refresh the ledger — each timed.

    .venv/bin/python bench/correction.py --entries 1000000
    .venv/bin/python bench/correction.py --entries 1000000 --pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres

It prints the first build and each correction's time (wall, and this process's CPU: on a busy
machine, the figure to compare). Run it with another checkout's code on PYTHONPATH for a before.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from taizhang.ledger import Ledger

_spec = importlib.util.spec_from_file_location("bench_ledger", Path(__file__).with_name("ledger.py"))
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def timed(out: Callable[[str], None], what: str, call: Callable[[], object]) -> object:
    start, cpu = time.perf_counter(), time.process_time()
    result = call()
    out(f"  {what}: {time.perf_counter() - start:.2f} s ({time.process_time() - cpu:.2f} s CPU)")
    return result


def run(url: str, n: int, out: Callable[[str], None] = print) -> None:
    bench.store_records(url, n)
    with Ledger(url) as ledger:
        out(f"{ledger.store.engine.dialect.name}: {n:,} stored pledges")
        timed(out, "first build (refresh)", ledger.refresh)
        entry = ledger.entries(limit=1, offset=n // 2)[0]["entry_id"] if n > 1 else 1
        for what, correct in (
            ("correct a value", lambda: ledger.set_field(entry, "value", "9.5", author="bench")),
            ("reject an entry", lambda: ledger.reject(entry + 1, author="bench")),
            ("merge two entries", lambda: ledger.merge(entry + 2, entry + 3, author="bench")),
        ):
            start, cpu = time.perf_counter(), time.process_time()
            timed(out, f"{what}: record", correct)
            built = timed(out, f"{what}: refresh", ledger.refresh)
            total = time.perf_counter() - start
            out(f"  {what}: {total:.2f} s in all ({time.process_time() - cpu:.2f} s CPU), {built.entries:,} entries rebuilt")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--pg", help="a PostgreSQL server URL (a database on it to connect to first)")
    args = parser.parse_args(argv)
    if args.pg:
        with bench.pg_database(args.pg) as url:
            run(url, args.entries)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{folder}/bench.db", args.entries)
    return 0


if __name__ == "__main__":
    sys.exit(main())
