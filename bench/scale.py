"""Ingest at corpus scale: 1k, 10k and 100k documents end to end, with 1 and 2 workers.

The corpora are recombined from the paragraphs of ../shared/corpus and the seed (real text): most
documents are a run of one real document's paragraphs (a title line, then 8 to 40 paragraphs),
some with a paragraph of another document mixed in, some with a paragraph repeated or cut in two
as scraped pages have them; some are reprints of an earlier document (another outlet's masthead
and editor's line around it), some exact copies of an earlier file under another name, and some
saved in GB18030. About 10 KB a document: 100k documents are about 1 GB.

For each size and worker count, a fresh database is filled by ``taizhang ingest DIR --workers N``
(decode, repair, extraction, storage, reprint links) and its ledger built (``Ledger.refresh``, its
chunks in N worker processes),
each in a process of its own, timed, with the peak memory of its whole process tree and the CPU
time all its processes used (sampled from /proc every 0.1 s: a process's last tenth of a second
may be missed). Memory twice: RSS summed over the processes counts the pages they share (the
fork server's rules and dictionaries, loaded once) in every worker; PSS (proportional set size,
/proc/PID/smaps_rollup, sampled once a second: see ``Usage``) counts a shared page's share in each,
so that its sum is the memory the tree holds. CPU seconds hold still on a busy machine where wall time does not:
compare them too. Printed: documents/s, MB/s, peak RSS and PSS, database size, the ledger's entries/s,
the exponent of time against corpus size (a log-log fit: 1.0 is linear) and what 2 workers gain.

    .venv/bin/python bench/scale.py --sizes 1000 --workers 1,2            # a check (minutes)
    .venv/bin/python bench/scale.py                                       # 1k, 10k, 100k (hours)
    .venv/bin/python bench/scale.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres

Corpora are kept under ``--work`` (default: a folder in the system's temp dir) and reused.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
PER_FOLDER = 100  # documents per folder, as a crawl would store them
MASTHEADS = ("青岛新闻网 来源：青岛日报", "人民网 来源：人民日报", "新华网 来源：新华社", "中国政府网 来源：国务院办公厅")


def sources() -> list[list[str]]:
    """The paragraphs of every real document (non-empty lines), one list per document."""
    files = sorted([*(SHARED / "corpus").glob("*.txt"), *(SHARED / "corpus").glob("*.md"), *(SHARED / "seed").glob("*.txt")])
    if not files:
        raise SystemExit(f"no documents in {SHARED}/corpus: the bench needs ../shared beside the checkout")
    documents = [[line.strip() for line in f.read_text(encoding="utf-8").splitlines() if line.strip()] for f in files]
    return [paragraphs for paragraphs in documents if len(paragraphs) >= 8]


def document(rng: random.Random, real: list[list[str]]) -> str:
    """One recombined document: a title, a run of one document's paragraphs, maybe a stray
    paragraph of another, maybe a paragraph repeated or cut in two."""
    source = rng.choice(real)
    length = min(rng.randint(8, 40), len(source) - 1)
    start = rng.randrange(1, len(source) - length + 1)
    body = source[start : start + length]
    if rng.random() < 0.3:
        body.insert(rng.randrange(len(body) + 1), rng.choice(rng.choice(real)))
    if rng.random() < 0.1:
        body.insert(rng.randrange(len(body) + 1), rng.choice(body))
    if rng.random() < 0.05:
        k = rng.randrange(len(body))
        cut = rng.randrange(1, max(2, len(body[k])))
        body[k : k + 1] = [body[k][:cut], body[k][cut:]]
    return "\n".join([source[0], *body]) + "\n"


def build(folder: Path, count: int, seed: int) -> tuple[int, int]:
    """Write ``count`` documents under ``folder`` (reused when already there); their total bytes."""
    stamp = folder / "corpus.json"
    wanted = {"count": count, "seed": seed, "version": 1}
    if stamp.is_file() and json.loads(stamp.read_text()) == wanted:
        return count, sum(p.stat().st_size for p in folder.rglob("*.txt"))
    shutil.rmtree(folder, ignore_errors=True)
    rng, real = random.Random(seed), sources()
    written: list[Path] = []
    size = 0
    for k in range(count):
        path = folder / f"{k // PER_FOLDER:04d}" / f"doc{k:06d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        roll = rng.random()
        if written and roll < 0.03:  # the same file saved twice
            shutil.copy(rng.choice(written), path)
        elif written and roll < 0.10:  # another outlet's reprint
            body = rng.choice(written).read_bytes().decode("utf-8", errors="replace")
            path.write_text(f"{rng.choice(MASTHEADS)}\n{body}责任编辑：{rng.choice('王李张刘陈')}某\n", encoding="utf-8")
        elif roll < 0.15:  # a page saved in GB18030
            path.write_bytes(document(rng, real).encode("gb18030"))
        else:
            path.write_text(document(rng, real), encoding="utf-8")
        size += path.stat().st_size
        if roll >= 0.10 and roll >= 0.15 or len(written) < 10:
            written.append(path)
    stamp.write_text(json.dumps(wanted))
    return count, size


TREE_EVERY, PSS_EVERY = 5, 10  # samples: the tree looked for twice a second, PSS taken once (see Usage)


class Usage:
    """The largest memory a process and its descendants held at once (RSS and PSS, each summed over
    them), and the CPU seconds they used (sampled from /proc; a worker started by a fork server is a
    descendant too). RSS and CPU ten times a second, PSS once, and the processes of the tree found
    (reading all of /proc) twice: the kernel walks a process's pages to tell its PSS (4 ms for 400 MB);
    ten times a second over 2 workers' five processes, with the tree found every time, this took
    a tenth of a core from the run it watched (4.0 s of CPU in a 39 s ingest of 3,000 documents),
    which with 2 workers has no core to spare."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.peak_pss, self._stop = pid, 0, 0, threading.Event()
        self._cpu: dict[int, float] = {}
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        ticks, tree = 0, [self.pid]
        while not self._stop.wait(0.1):
            if ticks % TREE_EVERY == 0:
                tree = _tree(self.pid)
            self.peak = max(self.peak, sum(_rss(pid) for pid in tree))
            if ticks % PSS_EVERY == 0:
                self.peak_pss = max(self.peak_pss, sum(_pss(pid) for pid in tree))
            ticks += 1
            for pid in tree:
                self._cpu[pid] = max(self._cpu.get(pid, 0.0), _cpu(pid))

    def stop(self) -> tuple[int, int, float]:
        self._stop.set()
        self._thread.join()
        return self.peak, self.peak_pss, sum(self._cpu.values())


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _cpu(pid: int) -> float:
    """The user and system CPU seconds a process has used."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss(pid: int) -> int:
    return _field(f"/proc/{pid}/status", "VmRSS:")


def _pss(pid: int) -> int:
    """A process's proportional set size: its private pages, and its share of those it shares."""
    return _field(f"/proc/{pid}/smaps_rollup", "Pss:")


def _field(path: str, name: str) -> int:
    """A /proc file's line ``name`` (in kB) in bytes; 0 when the process is gone or the file is not there."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(name):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def timed(command: list[str]) -> tuple[float, int, int, float, str]:
    """Run ``command``; its seconds, its process tree's peak RSS, peak PSS and CPU seconds, and its output's last line."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    usage = Usage(process.pid)
    output, _ = process.communicate()
    seconds, (peak, pss, cpu) = time.perf_counter() - start, usage.stop()
    if process.returncode not in (0, 1):  # 1: some files failed, which the summary says
        raise SystemExit(f"{' '.join(command)} failed:\n{output}")
    return seconds, peak, pss, cpu, (output.strip().splitlines() or [""])[-1]


LEDGER = """
import sys, time
from taizhang.ledger import Ledger
with Ledger(sys.argv[1]) as ledger:
    start = time.perf_counter()
    workers = int(sys.argv[2])  # the run's: its chunks built by as many processes as ingest's files
    built = ledger.refresh(force=True) if workers == 1 else ledger.refresh(force=True, workers=workers)
    print(built.entries, built.mentions, time.perf_counter() - start)
"""


@dataclass
class Result:
    size: int
    workers: int
    ingest_s: float
    ingest_rss: int
    ingest_pss: int
    ingest_cpu: float
    ledger_s: float
    ledger_rss: int
    ledger_cpu: float
    entries: int
    db_bytes: int
    summary: str

    @property
    def total_s(self) -> float:
        return self.ingest_s + self.ledger_s


def run(folder: Path, url: str, workers: int, size: int) -> Result:
    taizhang = str(Path(sys.executable).with_name("taizhang"))
    ingest_s, ingest_rss, ingest_pss, ingest_cpu, summary = timed([taizhang, "ingest", str(folder), "--db", url, "--workers", str(workers), "--quiet"])
    _, ledger_rss, _, ledger_cpu, line = timed([sys.executable, "-c", LEDGER, url, str(workers)])
    entries, _, ledger_s = line.split()
    return Result(
        size, workers, ingest_s, ingest_rss, ingest_pss, ingest_cpu, float(ledger_s), ledger_rss, ledger_cpu, int(entries),
        size_of(url), summary,
    )  # fmt: skip


def size_of(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                return connection.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    return Path(engine.url.database).stat().st_size


def database(work: Path, pg: str | None) -> tuple[str, callable]:
    """A fresh database: a SQLite file under ``work``, or a new database on the ``pg`` server."""
    if not pg:
        path = work / f"bench-{uuid.uuid4().hex[:8]}.db"
        return f"sqlite:///{path}", lambda: [p.unlink(missing_ok=True) for p in work.glob(f"{path.name}*")]
    name = f"taizhang_scale_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()

    return pg.rsplit("/", 1)[0] + f"/{name}", drop


def exponent(points: list[tuple[int, float]]) -> float | None:
    """The slope of log(time) against log(documents), least squares."""
    if len(points) < 2:
        return None
    xs, ys = [math.log(n) for n, _ in points], [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="documents per corpus, comma-separated")
    ap.add_argument("--workers", default="1,2", help="worker counts to run, comma-separated")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "taizhang-scale")
    ap.add_argument("--pg", help="a PostgreSQL server URL (a database on it to connect to first); SQLite otherwise")
    args = ap.parse_args(argv)
    sizes = [int(n) for n in args.sizes.split(",")]
    counts = [int(n) for n in args.workers.split(",")]
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"machine: {os.cpu_count()} cores; database: {'PostgreSQL' if args.pg else 'SQLite'}; corpora under {args.work}")
    results: list[Result] = []
    print(f"{'docs':>7} {'MB':>7} {'workers':>7} {'ingest s':>9} {'CPU s':>6} {'docs/s':>7} {'MB/s':>6} {'RSS MB':>7} {'PSS MB':>7} "
          f"{'ledger s':>8} {'CPU s':>6} {'entries':>8} {'entries/s':>9} {'ledger RSS':>10} {'total s':>8} {'DB MB':>7}")  # fmt: skip
    for size in sizes:
        folder = args.work / f"corpus-{size}-{args.seed}"
        _, corpus_bytes = build(folder, size, args.seed)
        for workers in counts:
            url, drop = database(args.work, args.pg)
            try:
                r = run(folder, url, workers, size)
            finally:
                drop()
            results.append(r)
            print(f"{size:>7} {corpus_bytes / 1e6:>7.1f} {workers:>7} {r.ingest_s:>9.1f} {r.ingest_cpu:>6.1f} {size / r.ingest_s:>7.1f} "
                  f"{corpus_bytes / 1e6 / r.ingest_s:>6.2f} {r.ingest_rss / 2**20:>7.0f} {r.ingest_pss / 2**20:>7.0f} {r.ledger_s:>8.1f} {r.ledger_cpu:>6.1f} {r.entries:>8} "
                  f"{r.entries / max(r.ledger_s, 1e-9):>9,.0f} {r.ledger_rss / 2**20:>10.0f} {r.total_s:>8.1f} "
                  f"{r.db_bytes / 1e6:>7.1f}", flush=True)  # fmt: skip
            print(f"        {r.summary}", flush=True)
    for workers in counts:
        slope = exponent([(r.size, r.total_s) for r in results if r.workers == workers])
        if slope is not None:
            print(f"scaling exponent of end-to-end time against documents, {workers} worker(s): {slope:.2f}")
    for size in sizes:
        one = next((r for r in results if r.size == size and r.workers == 1), None)
        two = next((r for r in results if r.size == size and r.workers == 2), None)
        if one and two:
            print(f"{size} documents: 2 workers {one.total_s / two.total_s:.2f}× one (end to end), "
                  f"{one.ingest_s / two.ingest_s:.2f}× (ingest alone)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
