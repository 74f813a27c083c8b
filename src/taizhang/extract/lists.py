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
from taizhang.extract.marks import TRIM, last_mark
from taizhang.extract.metrics import clean


@dataclass(frozen=True, slots=True)
class Rules:
    distribute: re.Pattern[str]
    distribute_words: re.Pattern[str]  # its words alone, found fast (see distribute)
    distribute_verbs: tuple[str, ...]  # 分别完成投资: the words up to the value name each metric's measure
    joiners: re.Pattern[str]
    compounds: dict[str, list[str]]  # longest first
    parallel_heads: tuple[tuple[str, ...], ...]
    task_verbs: tuple[str, ...]
    shared_item_max: int
    change: rules.WordLed  # a change word, to find where a shared value's list ends


@cache
def patterns() -> Rules:
    data = rules.load()
    alt = rules.alternation
    lists, kinds = data["lists"], data["kinds"]
    verbs = alt(kinds["growth"] + kinds["decline"])
    return Rules(
        distribute=re.compile(
            rf"(?<![{''.join(lists['distribute_not_after'])}])(?:{alt(lists['distribute'])})"
            rf"(?=(?:{alt(lists['distribute_through'])})?(?:{verbs}|{alt(lists['distribute_verbs'])}|{alt(data['comparators']['before'])}|{alt(data['quantities']['from_words'])}|为))"
        ),
        distribute_words=re.compile(alt(lists["distribute"])),
        distribute_verbs=tuple(lists["distribute_verbs"]),
        joiners=re.compile(alt(lists["list_joiners"])),
        compounds={k: list(lists["compounds"][k]) for k in sorted(lists["compounds"], key=len, reverse=True)},
        parallel_heads=tuple(tuple(group) for group in lists["parallel_heads"]),
        task_verbs=tuple(lists["task_verbs"]),
        shared_item_max=int(lists["shared_item_max"]),
        change=rules.WordLed.of(rf"(?:{alt(kinds['annual'])})?(?:{verbs})", kinds["annual"] + kinds["growth"] + kinds["decline"]),
    )


def distribute(text: str, year: int | None, candidates: list[Candidate]) -> list[Candidate]:
    """Spread each list's verb or values over its metrics (see the module docstring)."""
    p = patterns()
    out: list[Candidate] = []
    i, n = 0, len(candidates)
    while i < n:
        c = candidates[i]
        # The bare words first: a regex opening on a lookbehind is tried at every position of the
        # clause, and most clauses hold no 分别 at all.
        marker = p.distribute_words.search(text, c.clause_start, c.start) and p.distribute.search(text, c.clause_start, c.start)
        if not marker and c.doubling:
            # 实现国内生产总值和城乡居民人均收入比二0一0年翻一番: both double, 分别 or not.
            listed = listed_metrics(text[c.clause_start : c.start], year)
            if len(listed) > 1:
                out.extend(c.but(metric=metric) for metric in listed)
                i += 1
                continue
        group = [c]
        while i + len(group) < n:
            nxt = candidates[i + len(group)]
            if nxt.clause_start != c.clause_start or not p.joiners.fullmatch(text[group[-1].end : nxt.start].strip()):
                break
            group.append(nxt)
        # 达到65%、24.1%: the verb before the first value bounds them all; 保持在90%和98%以上: so
        # does a bound after the last (a range stays its own).
        shared = "="
        for g in (c, group[-1]):  # a loop, not next() over a generator: this runs for every value
            if g.comparator not in ("=", "range"):
                shared = g.comparator
                break
        if shared != "=":
            group = [g if g.comparator != "=" else g.but(comparator=shared) for g in group]
        i += len(group)
        if not marker:
            # (the unit and kind _shared_by asks for first, looked at here: most values have neither)
            metrics = _shared_by(text, year, c) if len(group) == 1 and c.unit in _SHARED_UNITS else []
            if len(metrics) > 1:
                # One quote for them all, from the list's start: the place states each.
                lo = c.clause_start + len(text[c.clause_start : c.start]) - len(text[c.clause_start : c.start].lstrip(TRIM))
                out.extend(c.but(metric=metric, quote=(lo, c.quote[1])) for metric in metrics)
            else:
                out.extend(group)
            continue
        metrics = listed_metrics(text[c.clause_start : marker.start()], year)
        shared = text[marker.end() : c.start]
        if shared.startswith(p.distribute_verbs) and (shared_noun := clean(shared, year)):
            metrics = [m + shared_noun for m in metrics]  # 交通、水利分别完成投资 → 交通投资, 水利投资
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
        out.extend(_spread(group, metrics))
    return out


def listed_metrics(listed: str, year: int | None) -> list[str]:
    """The metrics a list names: 国内出游人次、居民出游花费 → two; 城乡居民人均可支配收入 → 城镇…,
    农村… (compounds); 城镇和农村常住居民人均可支配收入 → 城镇常住居民…, 农村常住居民… (a head the
    items share)."""
    p = patterns()
    whole = clean(listed, year)
    for compound, parts in p.compounds.items():
        if whole.startswith(compound):
            return [part + whole[len(compound) :] for part in parts]
    metrics = [m for part in p.joiners.split(listed) if (m := clean(part, year))]
    return _share_head(p, metrics)


def _share_head(p: Rules, metrics: list[str]) -> list[str]:
    """城镇 / 农村常住居民人均可支配收入 → 城镇常住居民人均可支配收入 / 农村常住居民人均可支配收入:
    items that are words standing for one another (parallel_heads) take the last item's head."""
    if len(metrics) < 2:
        return metrics
    last = metrics[-1]
    for group in p.parallel_heads:
        lead = next((w for w in group if last.startswith(w) and len(last) > len(w)), None)
        if lead and all(m in group for m in metrics[:-1]):
            head = last[len(lead) :]
            return [m + head for m in metrics[:-1]] + [last]
    return metrics


_SHARED_UNITS = ("%", "个百分点", "百分点")  # the units of a change several metrics may share


def _shared_by(text: str, year: int | None, c: Candidate) -> list[str]:
    """The metrics a value with no 分别 is shared by: each item of a list right before its change
    word, when every item names a measure (全省生产总值、一般公共预算收入年均增长6%左右)."""
    p = patterns()
    if c.unit not in _SHARED_UNITS or c.kind not in ("growth", "annual_growth"):
        return []
    if text.find("、", c.clause_start, c.start) < 0:
        return []  # no list before it (the test below, made before looking for the change word)
    verb = None
    for verb in p.change.finditer(text, c.clause_start, c.start):
        pass
    if verb is None:
        return []
    listed = text[c.clause_start : verb.start()]
    items = listed.split("、")  # 宽带和专线平均资费 is one fee: only 、 lists measures here
    if len(items) < 2 or any(ch.isdigit() for ch in listed):
        return []
    metrics = [clean(item, year) for item in items]
    if not all(metrics) or any(len(m) > p.shared_item_max or m.startswith(p.task_verbs) for m in metrics):
        return []
    return _share_head(p, metrics)


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


def inherit_metrics(candidates: list[Candidate]) -> list[Candidate]:
    """``地区生产总值增长20%，达到282亿元``: a clause with no metric of its own continues the last."""
    out: list[Candidate] = []
    for c in candidates:
        if not c.metric and out and out[-1].sentence == c.sentence:
            c = c.but(metric=out[-1].metric)
        out.append(c)
    return out
