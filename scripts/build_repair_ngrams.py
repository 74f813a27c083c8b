"""Write the character n-gram table repair uses to tell a cut sentence from a paragraph start.

Counts every character 1- to 4-gram inside the paragraphs of a folder of clean documents (by
default shared/corpus), and how often each opens a paragraph, then keeps the n-grams seen at least
twice so that the table stays under 2 MB:

    .venv/bin/python scripts/build_repair_ngrams.py            # rewrite rules/zh/ngrams.tsv
    .venv/bin/python scripts/build_repair_ngrams.py --check    # exit 1 if the table is stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from taizhang.repair.ngrams import ORDER, Counts, count, write_table
from taizhang.repair.text import paragraphs

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
TABLE = ROOT / "src" / "taizhang" / "repair" / "rules" / "zh" / "ngrams.tsv"
MIN_COUNT = 2


def build(corpus: Path) -> Counts:
    texts = [f.read_text(encoding="utf-8") for f in sorted(corpus.glob("*.txt"))]
    if not texts:
        raise SystemExit(f"no .txt files in {corpus}")
    return count(p.text for text in texts for p in paragraphs(text)).pruned(MIN_COUNT)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--out", type=Path, default=TABLE)
    ap.add_argument("--check", action="store_true", help="exit 1 if the table differs from a rebuild")
    args = ap.parse_args(argv)
    table = build(args.corpus)
    if args.check:
        fresh = args.out.read_text(encoding="utf-8") == write_table(table)
        print(f"{args.out}: {'up to date' if fresh else 'stale'}")
        return 0 if fresh else 1
    args.out.write_text(write_table(table), encoding="utf-8")
    print(f"wrote {args.out}: {len(table.grams)} n-grams (orders 1-{ORDER}), {args.out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
