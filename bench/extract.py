"""Speed of taizhang.extract over a corpus, on one core, beside a bare regex pass as baseline.

    .venv/bin/python bench/extract.py [CORPUS_DIR] [--repeat N]

Measures ``extract(text, name)`` over every ``*.txt`` in CORPUS_DIR (default
/work/shared/corpus) and a bare ``re.finditer(r"\\d+")`` pass over the same texts, takes the best
of N interleaved runs of each (warm: rule files loaded and regexes compiled by a first untimed
run), and prints characters/s, UTF-8 MB/s and the ratio of the two.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from taizhang.extract import extract

DEFAULT_CORPUS = Path("/work/shared/corpus")
DIGITS = re.compile(r"\d+")


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    texts = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(args.corpus.glob("*.txt"))]
    if not texts:
        print(f"no *.txt in {args.corpus}", file=sys.stderr)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
