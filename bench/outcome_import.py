"""Outcome import at scale: time and peak memory of `taizhang outcome import` of N rows, then the time
of one `taizhang outcome add` into the database that holds them.

    .venv/bin/python bench/outcome_import.py --rows 1000000          # SQLite in a temp folder
    .venv/bin/python bench/outcome_import.py --rows 1000000 --pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres

The rows are distinct results (real place names and metrics, years 2000–2035, one publication per
row) in a CSV as an analyst would save it. Each command runs as a separate process, as a user runs
it; its peak memory is the process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from taizhang.storage import Store

TAIZHANG = Path(sys.executable).parent / "taizhang"
PLACES = ("崂山区", "市南区", "黄岛区", "即墨区", "胶州市", "平度市", "青岛市", "济南市", "山东省", "浙江省", "杭州市", "全国")
METRICS = (("地区生产总值", "亿元"), ("一般公共预算收入", "亿元"), ("城镇新增就业", "万人"), ("常住人口城镇化率", "%"))


def write_rows(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["actor", "metric", "year", "value", "unit", "source", "note"])
        for i in range(n):
            metric, unit = METRICS[i % len(METRICS)]
            place = PLACES[(i // len(METRICS)) % len(PLACES)]
            writer.writerow([place, metric, 2000 + i % 36, round(100 + (i % 997) * 1.5, 1), unit, f"统计公报 第{i}号", ""])


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one command run as its own process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    error = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {error}")
    return seconds, usage.ru_maxrss / 1024  # Linux reports KiB


def run(db: str, rows: int, out=print) -> dict[str, float]:  # noqa: ANN001 - print or a list's append
    Store(db).close()  # the commands work on a database that exists
    empty = add_time(db, 2040)
    with tempfile.TemporaryDirectory() as folder:
        table = Path(folder) / "outcomes.csv"
        write_rows(table, rows)
        seconds, mib = timed([str(TAIZHANG), "outcome", "import", str(table), "--db", db, "--by", "bench"])
        out(f"outcome import of {rows:,} rows ({table.stat().st_size / 2**20:.1f} MiB CSV): {seconds:.1f} s, peak {mib:.0f} MiB")
    full = add_time(db, 2050)
    out(f"outcome add (the whole process, median of 3): {full:.2f} s after them, {empty:.2f} s into the empty database")
    return {"rows": rows, "import_s": seconds, "import_mib": mib, "add_s": full, "add_empty_s": empty}


def add_time(db: str, year: int) -> float:
    """Median seconds of three `outcome add` runs (new outcomes: years ``year`` to ``year + 2``)."""
    runs = [
        timed([str(TAIZHANG), "outcome", "add", "崂山区", "地区生产总值", str(year + i), "1520", "亿元", "--source", "bench", "--db", db])[0]
        for i in range(3)
    ]
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--pg", help="a PostgreSQL server URL: a fresh database is made there and dropped after")
    args = parser.parse_args()
    print(f"# {' '.join([Path(sys.executable).name, *sys.argv])}; started without a warm cache", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        print("SQLite:")
        run(f"sqlite:///{Path(folder) / 'bench.db'}", args.rows)
    if args.pg:
        name = f"taizhang_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            print("PostgreSQL:")
            run(args.pg.rsplit("/", 1)[0] + f"/{name}", args.rows)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            admin.dispose()
    print(f"this process's own peak: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
