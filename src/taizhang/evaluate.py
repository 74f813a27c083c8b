"""The official scorer: predicted pledges (or outcomes) against hand-made gold, as ``spec/pledges.md`` says.

A pure module (no I/O except :func:`load_gold` / :func:`load_regions`, no global state)::

    from taizhang.evaluate import load_gold, load_regions, score, format_report

    gold = load_gold("tests/gold/pledges.jsonl")
    regions = load_regions("tests/gold/annotated.jsonl")
    result = score(predictions, gold, texts, regions)   # texts: source name -> decoded text
    print(format_report(result))

How a prediction matches a gold record (spec, "Scoring"):

* same ``source``; ``norm_unit`` equal; ``norm_value`` equal within 1e-6 relative; for ranges the
  high ends must match too (a range never matches a single value). Gold files carry no normalised
  high end, so it is derived as ``value_high * norm_value / value`` (the same multiplier as the
  low end); a prediction may give ``norm_value_high`` directly, otherwise it is derived the same way;
* the prediction's span ``[start, end)`` or one of its ``mentions`` overlaps an occurrence of the
  gold ``quote`` in the source text (every occurrence counts).

Each gold record matches at most one prediction and each prediction at most one gold record. The
assignment is an optimal one, not a greedy one: it first maximises the number of required gold
records matched, then the number of optional ones, then the quality of the pairs (a pair that also
agrees on the full fields wins, then the number of agreeing fields, then the overlap). "Best first"
in the spec is read as this order of preference. Optional gold matched by a prediction counts
neither as a true nor a false positive.

Metric agreement ("character overlap >= 0.5") is the Dice coefficient over the longest common
subsequence: ``2 * LCS(pred, gold) / (len(pred) + len(gold))``. It rewards neither a metric that is
the whole sentence nor one cut to a single character (全区生产总值 / 生产总值 → 0.8; GDP / 地区生产总值 → 0).

Outcomes (``spec/outcomes.md``) are scored the same way with ``scoring=OUTCOMES``: value F1 on span
overlap and normalised value; full F1 adding kind, period (``2025`` or ``2021-2025``) and actor.

``regions`` restricts precision to annotated paragraphs: for a source that has regions, a
prediction whose span and mentions all lie outside every region is ignored (counted in
``Score.ignored``, neither TP nor FP). Sources without regions are scored in full.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, is_dataclass
from pathlib import Path
from typing import Any

from taizhang.document import parse_period
from taizhang.errors import SourceError
from taizhang.source.decode import decode

__all__ = [
    "FIELDS",
    "METRIC_THRESHOLD",
    "OUTCOMES",
    "PLEDGES",
    "REL_TOL",
    "Match",
    "Score",
    "Scoring",
    "actor_matches",
    "format_report",
    "load_gold",
    "load_regions",
    "metric_overlap",
    "score",
    "values_match",
]

REL_TOL = 1e-6
METRIC_THRESHOLD = 0.5
# Fields reported as per-field accuracy over matched pairs, in report order.
FIELDS = ("actor", "official", "kind", "comparator", "deadline", "metric", "binding")
# Fields that must agree (besides the value) for a match to count towards full F1.
FULL_FIELDS = ("actor", "kind", "comparator", "deadline")


@dataclass(frozen=True, slots=True)
class Scoring:
    """What is scored: the fields reported per match, and those full F1 needs."""

    fields: tuple[str, ...]
    full: tuple[str, ...]


PLEDGES = Scoring(FIELDS, FULL_FIELDS)
OUTCOMES = Scoring(("actor", "kind", "period", "basis", "metric"), ("actor", "kind", "period"))


@dataclass(slots=True)
class Match:
    """A prediction paired with the gold record it matched, and which fields agree."""

    gold: dict[str, Any]
    prediction: dict[str, Any]
    fields: dict[str, bool]  # field name -> agrees (see Scoring.fields)
    full_fields: tuple[str, ...] = FULL_FIELDS

    @property
    def full(self) -> bool:
        return all(self.fields[name] for name in self.full_fields)


@dataclass(slots=True)
class Score:
    """Counts, F1s, per-field accuracy and every miss and extra of one scoring run."""

    tp: int = 0  # predictions matching a required gold record
    fp: int = 0  # predictions matching nothing (inside annotated regions)
    fn: int = 0  # required gold records matched by nothing
    full_tp: int = 0  # true positives that also agree on actor, kind, comparator and deadline
    optional_matched: int = 0  # predictions matching optional gold: neither TP nor FP
    ignored: int = 0  # predictions outside the annotated regions of their source
    n_gold: int = 0  # required gold records
    n_optional: int = 0  # optional gold records
    value_precision: float = 0.0
    value_recall: float = 0.0
    value_f1: float = 0.0
    full_precision: float = 0.0
    full_recall: float = 0.0
    full_f1: float = 0.0
    # field -> share of true-positive pairs whose field agrees (None when there is no TP)
    field_accuracy: dict[str, float | None] = field(default_factory=dict)
    matches: list[Match] = field(default_factory=list)  # required gold matches only
    optional_matches: list[Match] = field(default_factory=list)
    misses: list[dict[str, Any]] = field(default_factory=list)  # required gold, unmatched
    extras: list[dict[str, Any]] = field(default_factory=list)  # predictions with "quote" set
    by_source: dict[str, dict[str, int]] = field(default_factory=dict)  # source -> tp/fp/fn
    scoring: Scoring = PLEDGES

    @property
    def n_pred(self) -> int:
        """Predictions that count for precision (TP + FP)."""
        return self.tp + self.fp


# --------------------------------------------------------------------------- loading


# The types a gold or regions field must have, as the person who wrote the file reads them.
_KINDS = {str: "text", int: "a whole number"}


def _records(path: str | Path, required: dict[str, type]) -> list[dict[str, Any]]:
    """JSON objects of a JSONL file (blank lines skipped), in any encoding a source may have (gold
    made on a Chinese Windows machine is GBK); a ValueError names the file, line and problem."""
    with open(path, "rb") as fh:
        data = fh.read()
    if not data.strip():
        return []
    try:
        text, _ = decode(data, str(path))
    except SourceError as error:
        raise ValueError(str(error)) from None
    records = []
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except RecursionError:
            raise ValueError(f"{path}:{lineno}: JSON nested too deep") from None
        except ValueError as exc:  # (not JSON, or an integer too long to read)
            raise ValueError(f"{path}:{lineno}: not JSON: {exc}") from None
        if not isinstance(record, dict):
            raise ValueError(f"{path}:{lineno}: not a JSON object")
        for name, kind in required.items():
            value = record.get(name)
            if name not in record:
                raise ValueError(f"{path}:{lineno}: field {name!r} is missing")
            if not isinstance(value, kind) or isinstance(value, bool):
                shown = json.dumps(value, ensure_ascii=False)
                raise ValueError(f"{path}:{lineno}: field {name!r} must be {_KINDS[kind]}, not {shown[:40]}{'…' if len(shown) > 40 else ''}")
        records.append(record)
    return records


def load_gold(path: str | Path) -> list[dict[str, Any]]:
    """Read a gold JSONL file: one record a line, each with at least a ``source`` and a ``quote``."""
    return _records(path, {"source": str, "quote": str})


def load_regions(path: str | Path) -> dict[str, list[tuple[int, int]]]:
    """Read ``annotated.jsonl`` ({"source", "start", "end", ...} a line) into source -> regions."""
    regions: dict[str, list[tuple[int, int]]] = {}
    for record in _records(path, {"source": str, "start": int, "end": int}):
        regions.setdefault(record["source"], []).append((record["start"], record["end"]))
    return regions


# --------------------------------------------------------------------------- comparisons


def _close(a: float, b: float) -> bool:
    return a == b or abs(a - b) <= REL_TOL * max(abs(a), abs(b))


def _number(x: Any) -> float | None:
    if x is None or isinstance(x, bool):
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _norm_range(record: Mapping[str, Any]) -> tuple[float | None, float | None]:
    """(low, high) in base units; high is None unless the record is a range."""
    low = _number(record.get("norm_value"))
    high = _number(record.get("norm_value_high"))
    if high is None:
        value_high = _number(record.get("value_high"))
        if value_high is not None and low is not None:
            value = _number(record.get("value"))
            # The high end is written in the same unit as the low end, so it takes the same
            # multiplier. With value == 0 the multiplier is unknown; assume the unit is already
            # the base unit (true for every zero-valued case in practice: 0%, 0个).
            high = value_high * (low / value) if value else value_high
    return low, high


def values_match(prediction: Mapping[str, Any], gold: Mapping[str, Any]) -> bool:
    """Same norm_unit and norm_value (and high end for ranges) within 1e-6 relative."""
    if prediction.get("norm_unit") != gold.get("norm_unit") or gold.get("norm_unit") is None:
        return False
    p_low, p_high = _norm_range(prediction)
    g_low, g_high = _norm_range(gold)
    if p_low is None or g_low is None or not _close(p_low, g_low):
        return False
    if (p_high is None) != (g_high is None):
        return False
    return p_high is None or _close(p_high, g_high)  # type: ignore[arg-type]


def _clean(name: Any) -> str:
    return str(name).strip() if name is not None else ""


def actor_matches(predicted: Any, gold_actor: Any, aliases: Iterable[Any] = ()) -> bool:
    """Equal to the gold actor or an alias, or one ends with the other (青岛市崂山区 / 崂山区)."""
    p = _clean(predicted)
    names = [n for n in (_clean(gold_actor), *(_clean(a) for a in aliases or ())) if n]
    if not names:
        return not p  # gold names no actor: only a prediction naming none agrees
    if not p:
        return False
    return any(p == n or p.endswith(n) or n.endswith(p) for n in names)


def _lcs(a: str, b: str) -> int:
    if not a or not b:
        return 0
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0]
        for j, cb in enumerate(b):
            cur.append(prev[j] + 1 if ca == cb else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def metric_overlap(predicted: Any, gold: Any) -> float:
    """Dice coefficient over the longest common subsequence of characters, in [0, 1]."""
    p, g = _clean(predicted), _clean(gold)
    if not p and not g:
        return 1.0
    return 2 * _lcs(p, g) / (len(p) + len(g))


def _deadline(x: Any) -> int | None:
    n = _number(x)
    return int(n) if n is not None else None


def _field_agreement(prediction: Mapping[str, Any], gold: Mapping[str, Any], scoring: Scoring = PLEDGES) -> dict[str, bool]:
    agrees = {
        "actor": lambda: actor_matches(prediction.get("actor"), gold.get("actor"), gold.get("aliases") or ()),
        "official": lambda: _clean(prediction.get("official")) == _clean(gold.get("official")),
        "kind": lambda: prediction.get("kind") == gold.get("kind"),
        "comparator": lambda: prediction.get("comparator") == gold.get("comparator"),
        "deadline": lambda: _deadline(prediction.get("deadline")) == _deadline(gold.get("deadline")),
        "metric": lambda: metric_overlap(prediction.get("metric"), gold.get("metric")) >= METRIC_THRESHOLD,
        # Gold written before the field existed has none: null, as a record that says nothing.
        "binding": lambda: _clean(prediction.get("binding")) == _clean(gold.get("binding")),
        "period": lambda: parse_period(prediction.get("period")) == parse_period(gold.get("period")),
        "basis": lambda: (prediction.get("basis") or None) == (gold.get("basis") or None),
    }
    return {name: agrees[name]() for name in scoring.fields}


# --------------------------------------------------------------------------- spans


def _as_dict(prediction: Any) -> dict[str, Any]:
    if isinstance(prediction, Mapping):
        return dict(prediction)
    if hasattr(prediction, "to_dict"):
        return dict(prediction.to_dict())
    if is_dataclass(prediction) and not isinstance(prediction, type):
        return asdict(prediction)
    raise TypeError(f"a prediction must be a mapping or a Pledge, not {type(prediction).__name__}")


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    spans, i = [], text.find(needle)
    while needle and i >= 0:
        spans.append((i, i + len(needle)))
        i = text.find(needle, i + 1)
    return spans


def _prediction_spans(prediction: Mapping[str, Any], text: str | None) -> list[tuple[int, int]]:
    spans = []
    start, end = prediction.get("start"), prediction.get("end")
    if start is not None and end is not None:
        spans.append((int(start), int(end)))
    elif prediction.get("quote") and text is not None:
        # No offsets: fall back to wherever the quote occurs (lenient, documented in the report).
        spans.extend(_occurrences(text, prediction["quote"]))
    for mention in prediction.get("mentions") or ():
        spans.append((int(mention[0]), int(mention[1])))
    return spans


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    """Largest overlap (in characters) between any span of a and any span of b; 0 if none."""
    best = 0
    for s1, e1 in a:
        for s2, e2 in b:
            # An empty predicted span still "overlaps" if it sits strictly inside the quote.
            inter = min(e1, e2) - max(s1, s2)
            if inter > 0 or (s1 == e1 and s2 < s1 < e2):
                best = max(best, inter, 1)
    return best


# --------------------------------------------------------------------------- assignment


def _max_weight_assignment(n_rows: int, n_cols: int, weights: dict[tuple[int, int], float]) -> dict[int, int]:
    """Row -> column pairs maximising the total weight over the given (positive) edges.

    scipy's Hungarian algorithm on the weight matrix, non-edges weighing 0; pairs that are not
    edges are dropped afterwards.
    """
    if not weights:
        return {}
    from scipy.optimize import linear_sum_assignment  # imported here: only scoring needs scipy

    matrix = [[weights.get((i, j), 0.0) for j in range(n_cols)] for i in range(n_rows)]
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    return {int(i): int(j) for i, j in zip(rows, cols, strict=True) if (i, j) in weights}


def _components(edges: Iterable[tuple[int, int]]) -> list[tuple[list[int], list[int]]]:
    """Connected components of the bipartite candidate graph as (gold indices, pred indices)."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(x: tuple[str, int]) -> tuple[str, int]:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for g, p in edges:
        parent[find(("g", g))] = find(("p", p))
    groups: dict[tuple[str, int], tuple[list[int], list[int]]] = {}
    for node in list(parent):
        kind, idx = node
        group = groups.setdefault(find(node), ([], []))
        (group[0] if kind == "g" else group[1]).append(idx)
    return [(sorted(g), sorted(p)) for g, p in groups.values()]


# --------------------------------------------------------------------------- scoring


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _inside(spans: list[tuple[int, int]], regions: list[tuple[int, int]]) -> bool:
    return any(s < re_ and rs < e or (s == e and rs <= s < re_) for s, e in spans for rs, re_ in regions)


def score(
    predictions: Iterable[Any],
    gold: Iterable[Mapping[str, Any]],
    texts: Mapping[str, str],
    regions: Mapping[str, list[tuple[int, int]]] | None = None,
    scoring: Scoring = PLEDGES,
) -> Score:
    """Score predicted pledges (or outcomes, with ``scoring=OUTCOMES``) against gold records; see the
    module docstring for the rules.

    ``predictions``: pledge dicts (or :class:`~taizhang.document.Pledge` objects) with ``source``,
    ``start``, ``end`` and optionally ``mentions``; ``gold``: records as in the gold files (``quote``
    instead of offsets); ``texts``: source name -> decoded text, needed for every gold source.
    """
    preds = [_as_dict(p) for p in predictions]
    golds = [dict(g) for g in gold]
    result = Score(scoring=scoring)

    # Gold quote occurrences; a quote that is not in its text is a broken gold file, not a miss.
    gold_spans: list[list[tuple[int, int]]] = []
    for g in golds:
        if g["source"] not in texts:
            raise KeyError(f"no text for gold source {g['source']!r} (gold {g.get('id')})")
        spans = _occurrences(texts[g["source"]], g["quote"])
        if not spans:
            raise ValueError(f"gold {g.get('id')}: quote {g['quote']!r} not found in {g['source']}")
        gold_spans.append(spans)

    # Which predictions count at all (regions), and their spans.
    counted: list[int] = []
    pred_spans: dict[int, list[tuple[int, int]]] = {}
    for i, p in enumerate(preds):
        text = texts.get(p.get("source"))
        spans = _prediction_spans(p, text)
        pred_spans[i] = spans
        if p.get("quote") is None and text is not None and p.get("start") is not None:
            p["quote"] = text[int(p["start"]) : int(p["end"])]
        src_regions = regions.get(p.get("source")) if regions is not None else None
        if src_regions is not None and not _inside(spans, src_regions):
            result.ignored += 1
            continue
        counted.append(i)

    # Candidate edges (gold index, prediction index) with their weights.
    by_source: dict[str, list[int]] = {}
    for i in counted:
        by_source.setdefault(preds[i].get("source"), []).append(i)
    candidates: dict[tuple[int, int], tuple[bool, dict[str, bool], int]] = {}
    for gi, g in enumerate(golds):
        for pi in by_source.get(g["source"], ()):
            if not values_match(preds[pi], g):
                continue
            overlap = _overlap(pred_spans[pi], gold_spans[gi])
            if overlap:
                candidates[(gi, pi)] = (bool(g.get("optional")), _field_agreement(preds[pi], g, scoring), overlap)

    assigned: dict[int, int] = {}  # gold index -> prediction index
    for g_idx, p_idx in _components(candidates):
        n_edges = sum(1 for gi in g_idx for pi in p_idx if (gi, pi) in candidates)
        # Lexicographic preference as weights: required matches >> optional matches >> quality.
        # quality < 1 per edge, so the sum of all qualities < n_edges + 1 = tier_opt.
        tier_opt = n_edges + 1.0
        tier_req = (n_edges + 2.0) * tier_opt
        weights: dict[tuple[int, int], float] = {}
        for r, gi in enumerate(g_idx):
            for c, pi in enumerate(p_idx):
                if (gi, pi) not in candidates:
                    continue
                optional, agree, overlap = candidates[(gi, pi)]
                full = all(agree[f] for f in scoring.full)
                quality = (0.5 * full + 0.4 * sum(agree.values()) / len(agree)
                           + 0.09 * overlap / (overlap + 1))  # fmt: skip
                weights[(r, c)] = (tier_opt if optional else tier_req) + quality
        for r, c in _max_weight_assignment(len(g_idx), len(p_idx), weights).items():
            assigned[g_idx[r]] = p_idx[c]

    matched_preds = set(assigned.values())
    for gi, g in enumerate(golds):
        optional = bool(g.get("optional"))
        counts = result.by_source.setdefault(g["source"], {"tp": 0, "fp": 0, "fn": 0})
        if optional:
            result.n_optional += 1
        else:
            result.n_gold += 1
        if gi in assigned:
            pi = assigned[gi]
            match = Match(gold=g, prediction=preds[pi], fields=candidates[(gi, pi)][1], full_fields=scoring.full)
            if optional:
                result.optional_matched += 1
                result.optional_matches.append(match)
            else:
                result.tp += 1
                counts["tp"] += 1
                result.full_tp += match.full
                result.matches.append(match)
        elif not optional:
            result.fn += 1
            counts["fn"] += 1
            result.misses.append(g)
    for pi in counted:
        if pi not in matched_preds:
            result.fp += 1
            source = preds[pi].get("source")
            result.by_source.setdefault(source, {"tp": 0, "fp": 0, "fn": 0})["fp"] += 1
            result.extras.append(preds[pi])

    result.value_precision = result.tp / result.n_pred if result.n_pred else 0.0
    result.value_recall = result.tp / result.n_gold if result.n_gold else 0.0
    result.value_f1 = _f1(result.value_precision, result.value_recall)
    result.full_precision = result.full_tp / result.n_pred if result.n_pred else 0.0
    result.full_recall = result.full_tp / result.n_gold if result.n_gold else 0.0
    result.full_f1 = _f1(result.full_precision, result.full_recall)
    result.field_accuracy = {
        name: (sum(m.fields[name] for m in result.matches) / len(result.matches) if result.matches else None)
        for name in scoring.fields
    }
    return result


# --------------------------------------------------------------------------- report


def _fmt_value(record: Mapping[str, Any]) -> str:
    value, high = record.get("value"), record.get("value_high")
    shown = f"{value}-{high}" if high is not None else f"{value}"
    return f"{record.get('comparator') or ''}{shown}{record.get('unit') or ''}"


def format_report(result: Score) -> str:
    """A plain-text report: the scores, per-field accuracy, then every miss and every extra."""
    lines = [
        f"value  P {result.value_precision:.3f}  R {result.value_recall:.3f}  F1 {result.value_f1:.3f}"
        f"   (TP {result.tp}  FP {result.fp}  FN {result.fn})",
        f"full   P {result.full_precision:.3f}  R {result.full_recall:.3f}  F1 {result.full_f1:.3f}"
        f"   (full TP {result.full_tp}: value and {', '.join(result.scoring.full)})",
        f"gold: {result.n_gold} required, {result.n_optional} optional ({result.optional_matched} matched);"
        f" predictions outside annotated regions ignored: {result.ignored}",
        "per-field accuracy over matched pairs:",
    ]
    for name in result.scoring.fields:
        acc = result.field_accuracy.get(name)
        lines.append(f"  {name:<10} {'-' if acc is None else f'{acc:.3f}'}")
    if result.by_source:
        lines.append("by source:")
        for source, c in sorted(result.by_source.items()):
            lines.append(f"  {source}: TP {c['tp']}  FP {c['fp']}  FN {c['fn']}")
    wrong = [m for m in result.matches if not all(m.fields.values())]
    if wrong:
        lines.append(f"matched with field errors ({len(wrong)}):")
        for m in wrong:
            bad = ", ".join(
                f"{f}: {m.prediction.get(f)!r} ≠ {m.gold.get(f)!r}" for f, ok in m.fields.items() if not ok
            )
            lines.append(f"  {m.gold.get('id')} 「{m.gold.get('quote')}」 {bad}")
    lines.append(f"misses 漏报 ({len(result.misses)}):")
    for g in result.misses:
        lines.append(f"  {g.get('id')} {g.get('source')} 「{g.get('quote')}」 {g.get('metric')} {_fmt_value(g)}")
    lines.append(f"extras 误报 ({len(result.extras)}):")
    for p in result.extras:
        lines.append(
            f"  {p.get('source')} [{p.get('start')}:{p.get('end')}] 「{p.get('quote')}」"
            f" {p.get('metric')} {_fmt_value(p)}"
        )
    return "\n".join(lines)
