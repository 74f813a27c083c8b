"""Speed of taizhang.extract over a corpus, on one core, beside a bare regex pass as baseline;
and its peak memory as the number of documents grows.

    .venv/bin/python bench/extract.py [CORPUS_DIR] [--repeat N] [--memory 1,10,50]

Measures ``extract(text, name)`` over every ``*.txt`` and ``*.md`` in CORPUS_DIR (default
``../shared/corpus`` beside the checkout) and a bare ``re.finditer(r"\\d+")`` pass over the same texts, takes the best
of N interleaved runs of each (warm: rule files loaded and regexes compiled by a first untimed
run), and prints characters/s, UTF-8 MB/s and the ratio of the two.

With ``--memory``, then extracts the corpus 1×, 10×, 50× … over (every file read again as a
distinct document with a distinct name, its pledges counted and let go, as a pipeline that
stores them would), each count in a fresh process, and prints the process's peak RSS and
tracemalloc's peak of Python allocations during extraction: flat when the extractor keeps
nothing from one document to the next.
"""

from __future__ import annotations

import argparse
import re
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

from taizhang.extract import extract

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
DIGITS = re.compile(r"\d+")


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.iterdir() if p.suffix in (".txt", ".md")) if corpus.is_dir() else []


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--memory", metavar="COUNTS", help="also measure peak memory over the corpus this many times over (1,10,50)"
    )
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)  # one count, in a fresh process
    args = parser.parse_args(argv)
    if args.memory_child:
        return memory_child(args.corpus, args.memory_child)

    texts = [(p.name, p.read_text(encoding="utf-8")) for p in corpus_files(args.corpus)]
    if not texts:
        print(f"no *.txt or *.md in {args.corpus}", file=sys.stderr)
        return 1
    chars = sum(len(t) for _, t in texts)
    mb = sum(len(t.encode("utf-8")) for _, t in texts) / 1e6

    def run_extract() -> int:
        return sum(len(extract(text, name).pledges) for name, text in texts)

    def run_baseline() -> int:
        return sum(1 for _, text in texts for _ in DIGITS.finditer(text))

    pledges = run_extract()  # warm-up: loads the rule files, compiles the regexes
    digits = run_baseline()
    # Interleaved, so that a burst of load on a shared machine hits both sides alike.
    t_extract = t_base = float("inf")
    for _ in range(args.repeat):
        t_extract = min(t_extract, timed(run_extract))
        t_base = min(t_base, timed(run_baseline))

    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"corpus: {args.corpus} ({len(texts)} files, {chars:,} chars, {mb:.2f} MB UTF-8)")
    print(f"measured: best of {args.repeat} interleaved warm runs, one process, one core")
    print(
        f"extract():              {t_extract * 1000:8.1f} ms  {chars / t_extract / 1e6:6.2f} M chars/s"
        f"  {mb / t_extract:6.2f} MB/s  ({pledges} pledges)"
    )
    print(
        f're.finditer(r"\\d+"):    {t_base * 1000:8.1f} ms  {chars / t_base / 1e6:6.2f} M chars/s'
        f"  {mb / t_base:6.2f} MB/s  ({digits} digit runs)"
    )
    print(f"ratio extract / baseline: {t_extract / t_base:.1f}x slower")
    if args.memory:
        print_memory(args.corpus, [int(n) for n in args.memory.split(",")])
    return 0


def print_memory(corpus: Path, counts: list[int]) -> None:
    """One fresh process per count, so that each peak is that run's own."""
    print("peak memory, extracting the corpus N times over (each count in a fresh process):")
    print(
        f"{'N':>4} {'documents':>10} {'pledges':>8} {'RSS before MB':>14} {'peak RSS MB':>12}"
        f" {'tracemalloc peak MB':>20} {'s (traced)':>11}"
    )
    for n in counts:
        command = [sys.executable, __file__, str(corpus), "--memory-child", str(n)]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout.split()
        docs, pledges = int(out[0]), int(out[1])
        before, rss, traced, seconds = (float(x) for x in out[2:6])
        print(f"{n:>4} {docs:>10} {pledges:>8} {before:>14.1f} {rss:>12.1f} {traced:>20.2f} {seconds:>11.1f}")


def memory_child(corpus: Path, times: int) -> int:
    """Extract every file of ``corpus`` ``times`` over; print documents, pledges, peak RSS before
    and after extracting (MB), tracemalloc's peak above what was allocated before extraction (MB)
    and seconds (slowed by tracemalloc)."""
    paths = corpus_files(corpus)
    extract("预热：到2026年全区生产总值突破1500亿元。", "warm-up")  # rules loaded, regexes compiled
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    t0 = time.perf_counter()
    docs = pledges = 0
    for copy in range(times):
        for path in paths:
            # Read again: a distinct str object per document, as ingesting new files gives.
            text = path.read_text(encoding="utf-8")
            pledges += len(extract(text, f"{copy}/{path.name}").pledges)
            docs += 1
    seconds = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(docs, pledges, f"{rss_before:.1f}", f"{rss_mb:.1f}", f"{(peak - before) / 1e6:.2f}", f"{seconds:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
