"""Merging mentions into entries: one entry per commitment, however many sources state it.

The rules:

- Mentions are one commitment when they have the same **place** (the actor resolved to a GB/T 2260
  code; an unresolved actor by its name), the same **metric key** (synonyms normalised), the same
  **kind**, the same normalised **unit** and the same **deadline**.
- Within an entry, mentions whose figures differ (comparator, normalised value or upper end) make
  it a **conflict**: 1500亿 in one source, 1300亿 in another.
- Mentions with the same figures but different deadlines are one entry with a **deadline
  conflict** (the target was moved), unless each is an annual target (deadline = its source's
  year): a 5% growth target in 2023's report and in 2024's are two commitments.
- Two records of one source are never one commitment (#12): extraction already made a pledge
  stated twice in a source one record, so different deadlines, figures or metrics of one source
  (a 2026 and a 2030 target of one metric, a 分别 list of three systems whose names the metric key
  makes one) are different entries; a reprint's record joins the entry of the record it repeats.
- A person's merge joins two entries; a split takes one mention out into an entry of its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

from taizhang.ledger.corrections import Anchor, Mention
from taizhang.ledger.metrics import metric_key
from taizhang.places import Place, resolve
from taizhang.ledger.units import normalise


@dataclass(slots=True)
class Entry:
    key: str
    place: Place | None
    metric_key: str
    mentions: list[Mention]
    conflicts: list[str] = field(default_factory=list)

    @property
    def first(self) -> Mention:
        return self.mentions[0]

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(m.pledge.source for m in self.mentions))

    @property
    def norm_value_high(self) -> float | None:
        return norm_high(self.first)


def norm_high(mention: Mention) -> float | None:
    pledge = mention.pledge
    if pledge.value_high is None:
        return None
    normal = normalise(pledge.value_high, pledge.unit)
    if normal is not None and normal[1] == pledge.norm_unit:
        return normal[0]
    return pledge.value_high * pledge.norm_value / pledge.value if pledge.value else pledge.value_high


def place_key(place: Place | None, actor: str | None) -> str:
    """The actor as the ledger groups it: its division code, else its name as written."""
    if place is not None and place.code:
        return place.code
    return f"name:{place.name if place else (actor or '').strip()}"


def _figures(mention: Mention) -> tuple:
    pledge = mention.pledge
    return pledge.comparator, _round(pledge.norm_value), _round(norm_high(mention))


class _Figures:
    """Each mention's figures (by its index), worked out once when first asked for: only the
    mentions of groups of several are asked (most groups hold one)."""

    __slots__ = ("_known", "_mentions")

    def __init__(self, mentions: list[Mention]) -> None:
        self._mentions = mentions
        self._known: dict[int, tuple] = {}

    def __getitem__(self, index: int) -> tuple:
        known = self._known.get(index)
        if known is None:
            known = self._known[index] = _figures(self._mentions[index])
        return known


def _round(value: float | None) -> float | None:
    return None if value is None else float(f"{value:.9g}")  # equal to 1e-9 relative, as the scorer's 1e-6 and tighter


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.joins = 0

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        a, b = self.find(a), self.find(b)
        if a != b:
            self.parent[max(a, b)] = min(a, b)
            self.joins += 1


def build_entries(
    mentions: list[Mention], merges: list[tuple[Anchor, Anchor]] = (), splits: list[Anchor] = ()
) -> list[Entry]:
    """Entries in the order of their first mention (source order, then offset).

    Worked out a group at a time: the mentions sorted once, each keyed once (its place and metric
    key looked up once per actor and wording), and the per-group work (sources, conflicts, moved
    deadlines) skipped for the groups of one mention, which most are.
    """
    order = [(m.order, m.pledge.start, m.pledge.end, m.pledge.metric) for m in mentions]
    ranked = sorted(range(len(mentions)), key=order.__getitem__)
    mentions = [mentions[i] for i in ranked]
    order = [order[i] for i in ranked]
    places: dict[str | None, tuple[Place | None, str]] = {}
    groups: dict[tuple, list[int]] = {}
    group_place: dict[tuple, Place | None] = {}
    for index, mention in enumerate(mentions):
        pledge = mention.pledge
        actor = pledge.actor
        found = places.get(actor)
        if found is None:
            place = resolve(actor)
            found = places[actor] = (place, place_key(place, actor))
        key: tuple = (found[1], metric_key(pledge.metric), pledge.kind, pledge.norm_unit, pledge.deadline)
        if splits and any(anchor.matches(mention) for anchor in splits):
            key = (*key, f"split:{mention.sha256}:{pledge.start}:{pledge.end}:{_round(mention.original.norm_value)}")
        members = groups.get(key)
        if members is None:
            groups[key] = [index]
            group_place[key] = found[0]
        else:
            members.append(index)
    figures = _Figures(mentions)
    groups = _one_record_per_source(groups, mentions, figures, group_place)
    keys = list(groups)
    union = _Union(len(keys))
    _join_moved_deadlines(keys, groups, mentions, figures, union)
    if merges:
        position = {i: g for g, key in enumerate(keys) for i in groups[key]}
        for a, b in merges:
            found_a = [position[i] for i, m in enumerate(mentions) if a.matches(m)]
            found_b = [position[i] for i, m in enumerate(mentions) if b.matches(m)]
            if found_a and found_b:
                union.join(found_a[0], found_b[0])
    together: Iterable[tuple[tuple, list[int]]] = groups.items()  # no two groups joined (no moved deadline, no merge): each its own entry
    if union.joins:
        joined: dict[int, list[int]] = {}
        for g in range(len(keys)):
            joined.setdefault(union.find(g), []).append(g)
        together = (
            (keys[root], groups[keys[root]] if len(group_ids) == 1 else sorted(i for g in group_ids for i in groups[keys[g]]))
            for root, group_ids in joined.items()
        )  # fmt: skip
    entries = []
    for key, indices in together:
        entry_mentions = [mentions[i] for i in indices]
        entry = Entry(key=_stable_key(key), place=group_place[key], metric_key=key[1], mentions=entry_mentions)
        if len(indices) > 1:  # one mention disagrees with none
            entry.conflicts = _conflicts(entry_mentions, [figures[i] for i in indices])
        entries.append((order[indices[0]], entry))
    entries.sort(key=_first)
    return [entry for _, entry in entries]


def _first(pair: tuple[tuple, Entry]) -> tuple:
    return pair[0]


def _one_record_per_source(
    groups: dict[tuple, list[int]], mentions: list[Mention], figures: _Figures, group_place: dict[tuple, Place | None]
) -> dict[tuple, list[int]]:
    """Each group split so that no two of its records come from one source: a record joins the
    first part holding no record of its source, one with its figures first; parts after the first
    are keyed by their first record's metric and figures, so their keys stay put across builds."""
    out: dict[tuple, list[int]] = {}
    for key, indices in groups.items():
        if len(indices) == 1:
            out[key] = indices
            continue
        parts: list[list[int]] = []
        sources: list[set[str]] = []
        for i in indices:
            mention = mentions[i]
            free = [k for k in range(len(parts)) if mention.sha256 not in sources[k]]
            same = [k for k in free if figures[parts[k][0]] == figures[i]]
            k = (same or free or [len(parts)])[0]
            if k == len(parts):
                parts.append([])
                sources.append(set())
            parts[k].append(i)
            sources[k].add(mention.sha256)
        out[key] = parts[0]
        for part in parts[1:]:
            sub = (*key, f"record:{mentions[part[0]].pledge.metric}:{figures[part[0]]}")
            out[sub] = part
            group_place[sub] = group_place[key]
    return out


def _join_moved_deadlines(
    keys: list[tuple], groups: dict[tuple, list[int]], mentions: list[Mention], figures: _Figures, union: _Union
) -> None:
    # Two groups whose mentions are all annual targets are each year's own target, never a moved
    # deadline: only a commitment with a group that is not (few) has pairs to look at. Found first,
    # so that the groups of the others (most of a big ledger) are not gathered at all.
    annual = [len(key) == 5 and _annual(mentions, members) for key, members in groups.items()]  # (keys: list(groups))
    moved = {key[:4] for g, key in enumerate(keys) if len(key) == 5 and not annual[g]}
    by_commitment: dict[tuple, list[int]] = {}
    for g, key in enumerate(keys) if moved else ():
        if len(key) == 5 and key[:4] in moved:  # split-off mentions and a source's further records stay alone
            by_commitment.setdefault(key[:4], []).append(g)
    for same in by_commitment.values():
        if len(same) < 2:
            continue
        shas = {g: {mentions[i].sha256 for i in groups[keys[g]]} for g in same}
        for a, b in combinations(same, 2):
            if shas[a] & shas[b]:
                continue  # one source's 2026 and 2030 targets: two commitments, not a moved deadline
            if not (annual[a] and annual[b]) and figures[groups[keys[a]][0]] == figures[groups[keys[b]][0]]:
                union.join(a, b)


def _annual(mentions: list[Mention], indices: list[int]) -> bool:
    """Whether every one of ``mentions`` at ``indices`` is an annual target: its deadline its source's year."""
    for i in indices:
        mention = mentions[i]
        year = mention.source_year
        if year is None or mention.pledge.deadline != year:
            return False
    return True


def _conflicts(mentions: list[Mention], figures: list[tuple]) -> list[str]:
    """What an entry's mentions (their ``figures`` beside them) disagree on, in words."""
    conflicts = []
    stated_figures: dict[tuple, Mention] = {}
    for mention, figure in zip(mentions, figures, strict=True):
        stated_figures.setdefault(figure, mention)
    if len(stated_figures) > 1:
        stated = " / ".join(f"{_written(m)} ({m.pledge.source})" for m in stated_figures.values())
        conflicts.append(f"数值不一致 figures differ: {stated}")
    deadlines = {}
    for mention in mentions:
        deadlines.setdefault(mention.pledge.deadline, mention)
    if len(deadlines) > 1:
        stated = " / ".join(f"{d if d is not None else '无'} ({m.pledge.source})" for d, m in deadlines.items())
        conflicts.append(f"期限不一致 deadlines differ: {stated}")
    return conflicts


def _written(mention: Mention) -> str:
    pledge = mention.pledge
    high = f"–{pledge.value_high:g}" if pledge.value_high is not None else ""
    comparator = "" if pledge.comparator in ("=", "range") else pledge.comparator
    return f"{comparator}{pledge.value:g}{high}{pledge.unit}"


def _stable_key(group: tuple) -> str:
    if len(group) == 5:  # most groups: the same text as the join's, made in one step
        place, metric, kind, unit, deadline = group
        return hashlib.sha1(f"{place}|{metric}|{kind}|{unit}|{deadline}".encode()).hexdigest()[:16]
    return hashlib.sha1("|".join(map(str, group)).encode()).hexdigest()[:16]
