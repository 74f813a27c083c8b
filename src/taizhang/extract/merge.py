"""Merging: a pledge said twice in one source is one record; its other places become mentions.

Twice means: same owner, kind, comparator, value, unit and deadline, and a metric that names the
other's (全区生产总值 / 生产总值) or names the same measure (国内生产总值 / 经济增长: ``merge.yaml``),
at another place (records sharing one place, as 分别 makes, are distinct). Found through indexes
of each metric's substrings, not by comparing every pair: linear in the number of candidates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from taizhang.document import Pledge
from taizhang.extract import rules
from taizhang.extract.candidate import Candidate


@cache
def _measures() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(rules.alternation(group)) for group in rules.load()["merge"]["same_measure"])


@cache
def _bare() -> re.Pattern[str]:
    data = rules.load()["merge"]
    return re.compile(rf"^(?:{rules.alternation(data['scope_words'])})|(?:{rules.alternation(data['target_words'])})$")


def bare_metric(metric: str) -> str:
    """A metric without the scope and target words that do not change what it measures:
    全国城镇调查失业率 / 城镇调查失业率目标定 → 城镇调查失业率."""
    return _bare().sub("", metric) or metric


# A key's first records are compared one by one (cheap, and most keys hold a few); past these the
# rest are found through indexes, so that a text of thousands of like records stays linear.
_COMPARED = 16


@dataclass(slots=True)
class _Known:
    """The records of one key (owner, kind, figures, deadline): the first few in a list, the rest
    indexed by their metrics' substrings."""

    first: list[tuple[str, frozenset[int], Pledge]] = field(default_factory=list)  # (bare metric, its groups, record)
    order: dict[int, int] = field(default_factory=dict)  # id(pledge) -> when it was made
    by_metric: dict[str, list[Pledge]] = field(default_factory=dict)  # a metric -> its records
    by_part: dict[str, list[Pledge]] = field(default_factory=dict)  # every substring of a metric -> records
    by_measure: dict[int, list[Pledge]] = field(default_factory=dict)  # same_measure group -> records

    def find(self, metric: str) -> Pledge | None:
        """The earliest record whose metric is ``metric``'s, holds it, is held by it or names the
        same measure."""
        groups = frozenset(_groups(metric))
        for known, known_groups, pledge in self.first:
            if known == metric or (known and metric and (known in metric or metric in known or known_groups & groups)):
                return pledge
        if not self.order:
            return None
        found = [*self.by_metric.get(metric, ()), *self.by_part.get(metric, ())] if metric else list(self.by_metric.get("", ()))
        if metric:
            found += [p for part in _substrings(metric) for p in self.by_metric.get(part, ())]
            found += [p for g in _groups(metric) for p in self.by_measure.get(g, ())]
        return min(found, key=lambda p: self.order[id(p)], default=None)

    def add(self, pledge: Pledge) -> None:
        metric = bare_metric(pledge.metric)
        if len(self.first) < _COMPARED:
            self.first.append((metric, frozenset(_groups(metric)), pledge))
            return
        self.order[id(pledge)] = len(self.order)
        self.by_metric.setdefault(metric, []).append(pledge)
        for part in _substrings(metric):
            self.by_part.setdefault(part, []).append(pledge)
        for g in _groups(metric):
            self.by_measure.setdefault(g, []).append(pledge)


def _substrings(metric: str) -> set[str]:
    """Every non-empty substring of ``metric`` (a metric is short: at most a few hundred)."""
    return {metric[i:j] for i in range(len(metric)) for j in range(i + 1, len(metric) + 1)}


def _groups(metric: str) -> list[int]:
    return [i for i, group in enumerate(_measures()) if metric and group.search(metric)]


def merge(source: str, text: str, candidates: list[Candidate]) -> list[Pledge]:
    """One record per pledge of ``candidates``, repeats as its mentions, in first-stated order."""
    by_key: dict[tuple, _Known] = {}
    seen: dict[int, set[tuple[int, int]]] = {}  # id(pledge) -> its spans
    pledges: list[Pledge] = []
    for c in candidates:
        key = (c.actor, c.kind, c.comparator, c.norm_value, c.value_high, c.norm_unit, c.deadline)
        span = c.quote
        known = by_key.setdefault(key, _Known())
        twice = known.find(bare_metric(c.metric))
        if twice is not None and (twice.start, twice.end) != span:
            if span not in seen[id(twice)]:
                seen[id(twice)].add(span)
                twice.mentions.append(span)
            continue
        pledge = Pledge(
            source=source, start=span[0], end=span[1], quote=text[span[0] : span[1]], metric=c.metric,
            kind=c.kind, comparator=c.comparator, value=c.value, unit=c.unit, norm_value=c.norm_value,
            norm_unit=c.norm_unit, actor=c.actor, official=c.official, value_high=c.value_high,
            deadline=c.deadline, horizon=(c.horizon.words or None) if c.horizon else None,
            hedge=c.hedge, binding=c.binding, confidence=round(c.confidence, 2),
        )  # fmt: skip
        seen[id(pledge)] = {span}
        known.add(pledge)
        pledges.append(pledge)
    return pledges
