"""Extraction accuracy on the development gold, per document and overall, by the official scorer.

    .venv/bin/python bench/accuracy.py [--misses] [--json FILE]

Three gold sets, each scored on its own and per document:

(a) whole documents: ``tests/gold/whole/*.pledges.jsonl``, every paragraph in scope (a number read
    anywhere in the document is a match or a false positive); texts in ``tests/gold/docs/``;
(b) paragraph gold: ``tests/gold/pledges.jsonl`` scored within the paragraphs of
    ``tests/gold/annotated.jsonl``;
(c) news: ``tests/gold/shared/news.pledges.jsonl`` within ``news.annotated.jsonl``, on the pieces
    in ``../shared/corpus`` (skipped when that folder or the gold is absent);
(d) held-out documents: ``tests/gold/heldout/*.pledges.jsonl``, whole documents of ``../shared/corpus``
    annotated apart from the tuning and used only to measure (see its README).

For each: value F1, full F1, precision, recall, per-field accuracy over matched pairs and the
metrics' mean character overlap with the gold's. It reads documents with ``taizhang.source.load``
and uses only ``taizhang.pipeline.analyse`` and ``taizhang.evaluate`` (``load_gold``,
``load_regions``, ``score``, ``metric_overlap``), which every version of taizhang
has: to measure another version's code on today's gold, run this file with its ``src`` first on
the path, e.g. ``git worktree add /tmp/base <commit> && PYTHONPATH=/tmp/base/src python
bench/accuracy.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from taizhang.evaluate import load_gold, load_regions, metric_overlap, score
from taizhang.pipeline import analyse
from taizhang.source import load

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
FIELDS = ("actor", "official", "kind", "comparator", "deadline", "metric", "binding")


@dataclass(slots=True)
class GoldSet:
    name: str
    gold: list[dict]
    folder: Path  # where the gold's source documents are
    regions: dict[str, list[tuple[int, int]]] | None  # None: every paragraph in scope


def gold_sets() -> list[GoldSet]:
    sets = []
    whole = sorted((GOLD / "whole").glob("*.pledges.jsonl"))
    if whole:
        sets.append(GoldSet("whole documents", [g for path in whole for g in load_gold(path)], GOLD / "docs", None))
    if (GOLD / "pledges.jsonl").is_file():
        sets.append(GoldSet(
            "paragraphs", load_gold(GOLD / "pledges.jsonl"), GOLD / "docs", load_regions(GOLD / "annotated.jsonl")
        ))  # fmt: skip
    news = GOLD / "shared" / "news.pledges.jsonl"
    if news.is_file() and SHARED_CORPUS.is_dir():
        sets.append(GoldSet("news", load_gold(news), SHARED_CORPUS, load_regions(GOLD / "shared" / "news.annotated.jsonl")))
    elif news.is_file():
        print(f"news: skipped, no {SHARED_CORPUS}", file=sys.stderr)
    heldout = sorted((GOLD / "heldout").glob("*.pledges.jsonl"))
    if heldout and SHARED_CORPUS.is_dir():
        sets.append(GoldSet("held-out documents", [g for path in heldout for g in load_gold(path)], SHARED_CORPUS, None))
    return sets


def predict(folder: Path, sources: list[str]) -> tuple[dict[str, str], list[dict]]:
    texts: dict[str, str] = {}
    predictions: list[dict] = []
    for source in sources:
        loaded = load(folder / source)
        texts[source] = loaded.text
        predictions.extend(p.to_dict() for p in analyse(loaded.document()).pledges)
    return texts, predictions


def figures(s) -> dict:  # noqa: ANN001 -- a taizhang.evaluate.Score of whichever version runs
    overlaps = [metric_overlap(m.prediction.get("metric"), m.gold.get("metric")) for m in s.matches]
    return {
        "value_f1": s.value_f1, "full_f1": s.full_f1, "precision": s.value_precision, "recall": s.value_recall,
        "tp": s.tp, "fp": s.fp, "fn": s.fn, "gold": s.n_gold,
        "fields": {name: s.field_accuracy.get(name) for name in FIELDS},
        # The metric's mean character overlap with the gold's (the field accuracy above counts
        # overlaps of 0.5 or more): a name made closer shows here before it crosses 0.5.
        "metric_overlap": sum(overlaps) / len(overlaps) if overlaps else None,
    }  # fmt: skip


def row(name: str, f: dict) -> str:
    if not (f["tp"] or f["fp"] or f["fn"]):
        return f"  {name:<48} no required gold and no prediction (optional records only, or none)"
    fields = "  ".join(f"{k[:5]} {'-' if v is None else f'{v:.2f}'}" for k, v in f["fields"].items())
    overlap = "" if f["metric_overlap"] is None else f"  metric overlap {f['metric_overlap']:.3f}"
    return (
        f"  {name:<48} value F1 {f['value_f1']:.3f}  full F1 {f['full_f1']:.3f}  P {f['precision']:.3f}"
        f"  R {f['recall']:.3f}  (TP {f['tp']} FP {f['fp']} FN {f['fn']})  {fields}{overlap}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every miss and every extra")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    import taizhang

    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"taizhang {taizhang.__version__} from {Path(taizhang.__file__).parent}")
    report: dict[str, dict] = {}
    for gold_set in gold_sets():
        # Every document in scope: those with gold records and those whose paragraphs were read and
        # hold none (a prediction there is a false positive).
        sources = sorted({g["source"] for g in gold_set.gold} | set(gold_set.regions or ()))
        texts, predictions = predict(gold_set.folder, sources)
        overall = score(predictions, gold_set.gold, texts, gold_set.regions)
        report[gold_set.name] = {"overall": figures(overall), "documents": {}}
        print(f"\n{gold_set.name} ({len(sources)} documents, {overall.n_gold} required gold records)")
        print(row("overall", figures(overall)))
        for source in sources:
            gold = [g for g in gold_set.gold if g["source"] == source]
            mine = [p for p in predictions if p["source"] == source]
            regions = None if gold_set.regions is None else {source: gold_set.regions.get(source, [])}
            f = figures(score(mine, gold, {source: texts[source]}, regions))
            report[gold_set.name]["documents"][source] = f
            print(row(source, f))
        if args.misses:
            for g in overall.misses:
                print(f"    miss  {g.get('id')} 「{g.get('quote')}」 {g.get('metric')} {g.get('value')}{g.get('unit')}")
            for p in overall.extras:
                print(f"    extra {p.get('source')} 「{p.get('quote')}」 {p.get('metric')} {p.get('value')}{p.get('unit')}")
            for m in overall.matches:
                bad = {k: (m.prediction.get(k), m.gold.get(k)) for k, ok in m.fields.items() if not ok}
                if bad:
                    print(f"    field {m.gold.get('id')} 「{m.gold.get('quote')}」 {bad}")
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
