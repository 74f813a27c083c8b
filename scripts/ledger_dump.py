"""Every row of the ledger's derived tables, in id order, one JSON line each: to check that two ways
of building a ledger (the code before and after a change, a partial and a full refresh) store the
same rows.

    .venv/bin/python scripts/ledger_dump.py taizhang.db --rebuild > after.txt    # rebuild, then dump
    .venv/bin/python scripts/ledger_dump.py taizhang.db --rebuild --workers 2 > after.txt  # its chunks in 2 worker processes
    PYTHONPATH=/path/to/old/src .venv/bin/python scripts/ledger_dump.py copy.db --rebuild > before.txt
    .venv/bin/python scripts/ledger_dump.py --bench 20000 [--pg URL] > bench.txt  # a bench ledger, built anew

Left out: when a row was written (``recorded_at``, ``built_at``), which differs between any two
builds, and the ledger's fingerprint, which holds a digest of the ledger's code. bench/ledger.py
names its sources' digests by Python's ``hash``: run both ``--bench`` dumps with the same
PYTHONHASHSEED.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("ledger_entries", "ledger_mentions", "ledger_outcome_matches", "ledger_status_changes", "ledger_mention_ids", "ledger_state")  # fmt: skip
_LEFT_OUT = {"recorded_at", "built_at", "fingerprint"}


def dump(url: str) -> Iterator[str]:
    """The rows of every derived ledger table of the database at ``url``, as lines."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            for table in TABLES:
                result = connection.execute(text(f'SELECT * FROM "{table}" ORDER BY id'))
                names = list(result.keys())
                for row in result:
                    values = {name: value for name, value in zip(names, row, strict=True) if name not in _LEFT_OUT}
                    yield f"{table} " + json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)
    finally:
        engine.dispose()


def _bench():  # noqa: ANN202 - bench/ledger.py as a module (bench/ is no package)
    spec = importlib.util.spec_from_file_location("bench_ledger", ROOT / "bench" / "ledger.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


def _bench_build(url: str, entries: int) -> None:
    from taizhang.ledger import Ledger

    with Ledger(url) as ledger:
        ledger.build(list(_bench().records(entries)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", nargs="?", help="a SQLite file or SQLAlchemy URL")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the ledger (refresh, forced) before dumping")
    parser.add_argument("--bench", type=int, metavar="N", help="dump a new ledger of N bench/ledger.py entries")
    parser.add_argument("--pg", help="with --bench: build it in a new database on this PostgreSQL server")
    parser.add_argument("--workers", type=int, metavar="N", help="with --rebuild: its chunks built in N worker processes")
    args = parser.parse_args(argv)
    if args.bench:
        if args.pg:
            with _bench().pg_database(args.pg) as url:
                _bench_build(url, args.bench)
                sys.stdout.writelines(line + "\n" for line in dump(url))
            return 0
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/bench.db"
            _bench_build(url, args.bench)
            sys.stdout.writelines(line + "\n" for line in dump(url))
        return 0
    if not args.db:
        parser.error("name a database, or --bench N")
    url = args.db if "://" in args.db else f"sqlite:///{args.db}"
    if args.rebuild:
        from taizhang.ledger import Ledger

        with Ledger(url) as ledger:
            if args.workers is None:  # (also what code from before workers runs)
                ledger.refresh(force=True)
            else:
                ledger.refresh(force=True, workers=args.workers)
    sys.stdout.writelines(line + "\n" for line in dump(url))
    return 0


if __name__ == "__main__":
    sys.exit(main())
