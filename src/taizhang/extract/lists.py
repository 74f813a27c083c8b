"""Lists: one verb or value spread over the metrics listed before it, and values that share a bound.

``A、B分别增长50%`` → one record per metric; ``A、B分别达到X、Y`` → pairs; ``A和B翻一番`` → one
doubling each; ``保持在90%和98%以上`` → the bound after the last value is every value's. Word lists
in ``rules/zh/lists.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from taizhang.extract import rules
from taizhang.extract.candidate import Candidate
from taizhang.extract.marks import last_mark
from taizhang.extract.metrics import clean


@dataclass(frozen=True, slots=True)
class Rules:
    distribute: re.Pattern[str]
    joiners: re.Pattern[str]
    compounds: dict[str, list[str]]


@cache
def patterns() -> Rules:
    data = rules.load()
    alt = rules.alternation
    lists, kinds = data["lists"], data["kinds"]
    verbs = alt(kinds["growth"] + kinds["decline"])
    return Rules(
        distribute=re.compile(
            rf"(?<![{''.join(lists['distribute_not_after'])}])(?:{alt(lists['distribute'])})"
            rf"(?=(?:{verbs}|{alt(data['comparators']['before'])}|{alt(data['quantities']['from_words'])}|为))"
        ),
        joiners=re.compile(alt(lists["list_joiners"])),
        compounds={k: list(v) for k, v in lists["compounds"].items()},
    )


def distribute(text: str, year: int | None, candidates: list[Candidate]) -> list[Candidate]:
    """Spread each list's verb or values over its metrics (see the module docstring)."""
    p = patterns()
    out: list[Candidate] = []
    i = 0
    while i < len(candidates):
        c = candidates[i]
        marker = p.distribute.search(text, c.clause_start, c.start)
        if not marker and c.doubling:
            # 实现国内生产总值和城乡居民人均收入比二0一0年翻一番: both double, 分别 or not.
            listed = [m for part in p.joiners.split(text[c.clause_start : c.start]) if (m := clean(part, year))]
            if len(listed) > 1:
                out.extend(c.but(metric=metric) for metric in listed)
                i += 1
                continue
        group = [c]
        while i + len(group) < len(candidates):
            nxt = candidates[i + len(group)]
            gap = text[group[-1].end : nxt.start]
            if nxt.clause_start != c.clause_start or not p.joiners.fullmatch(gap.strip()):
                break
            group.append(nxt)
        # 达到65%、24.1%: the verb before the first value bounds them all; 保持在90%和98%以上: so
        # does a bound after the last (a range stays its own).
        shared = next((g.comparator for g in (c, group[-1]) if g.comparator not in ("=", "range")), "=")
        if shared != "=":
            group = [g if g.comparator != "=" else g.but(comparator=shared) for g in group]
        i += len(group)
        if not marker:
            out.extend(group)
            continue
        metrics = [m for part in p.joiners.split(text[c.clause_start : marker.start()]) if (m := clean(part, year))]
        if not metrics:
            # 全区生产总值突破1500亿元,区级…收入突破300亿元,分别增长50%: the metrics of the
            # pledges before it in the same part of the sentence.
            segment = last_mark(text, c.sentence[0], c.start, "；;")
            before = []
            for o in reversed(out):
                if o.start < segment or o.sentence != c.sentence:
                    break
                if o.metric:
                    before.append(o.metric)
            metrics = before[::-1]
        out.extend(_spread(group, _split_compound(p, metrics)))
    return out


def _spread(group: list[Candidate], metrics: list[str]) -> list[Candidate]:
    if not metrics:
        return group
    if len(metrics) == 1:
        return [g.but(metric=metrics[0]) for g in group]  # 低保人均补助标准分别提高5%和8%
    if len(group) == 1:
        return [group[0].but(metric=metric) for metric in metrics]
    if len(group) == len(metrics):
        return [g.but(metric=metric) for g, metric in zip(group, metrics, strict=True)]
    return group


def _split_compound(p: Rules, metrics: list[str]) -> list[str]:
    """城乡居民人均可支配收入 → 城镇居民…, 农村居民… (lists.yaml: compounds)."""
    if len(metrics) != 1:
        return metrics
    for compound, parts in p.compounds.items():
        if metrics[0].startswith(compound):
            rest = metrics[0][len(compound) :]
            return [part + rest for part in parts]
    return metrics


def inherit_metrics(candidates: list[Candidate]) -> list[Candidate]:
    """``地区生产总值增长20%，达到282亿元``: a clause with no metric of its own continues the last."""
    out: list[Candidate] = []
    for c in candidates:
        if not c.metric and out and out[-1].sentence == c.sentence:
            c = c.but(metric=out[-1].metric)
        out.append(c)
    return out
