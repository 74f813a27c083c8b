"""The gazetteer: a region's name → its GB/T 2260 code, level and parent chain, and back.

The ledger reads actors as places here; repair reads which places lie in a speaker's region.

The division table (``data/divisions.tsv``) comes from a maintained package and names its source
and date; ``data/places.yaml`` is the reviewed list of what that table cannot know: the country,
special areas (新区, 示范区, 开发区) and renamed places (即墨市 → 即墨区). Texts name places in
short forms (山东, 青岛, 海拉尔) and in chains (青岛市崂山区); both resolve here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data"
LEVELS = {0: "国家 country", 1: "省级 province", 2: "地级 prefecture", 3: "县级 county/district"}
# Suffixes a text may leave off, longest first so that 自治区 is tried before 区 and 新区 before 区.
_SUFFIXES = (
    "维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "自治县", "自治旗", "新区", "地区",
    "省", "市", "区", "县", "旗", "盟", "州",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    name: str
    level: int  # 0 country, 1 province, 2 prefecture, 3 county/district
    parent: str | None
    note: str | None = None  # for special and renamed places: what they are and why this code


@dataclass(frozen=True, slots=True)
class _Table:
    by_code: dict[str, Place]
    by_name: dict[str, list[Place]]  # full and short names; several places can share a short name


def _suffix(name: str) -> str | None:
    """The suffix ``name`` ends with, when at least two characters stand before it."""
    return next((x for x in _SUFFIXES if name.endswith(x) and len(name) - len(x) >= 2), None)


def _short(name: str) -> str | None:
    suffix = _suffix(name)
    return name[: -len(suffix)] if suffix else None


def forms(region: str) -> tuple[str, ...]:
    """The ways an article writes a region it is about: its name, the name without its suffix, and
    a suffix of more than one character, which names one place in an article (新区, 自治区; 区
    alone names nothing): 崂山区 → 崂山区, 崂山; 西海岸新区 → 西海岸新区, 西海岸, 新区."""
    suffix = _suffix(region)
    if suffix is None:
        return (region,)
    return (region, region[: -len(suffix)], *([suffix] if len(suffix) > 1 else []))


@cache
def _table() -> _Table:
    reviewed = yaml.safe_load((DATA / "places.yaml").read_text(encoding="utf-8"))
    national = reviewed["national"]
    by_code = {national["code"]: Place(national["code"], national["name"], 0, None)}
    for line in (DATA / "divisions.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("code\t"):
            continue
        code, name, level, parent = line.split("\t")
        by_code[code] = Place(code, name, int(level), parent or national["code"])
    by_name: dict[str, list[Place]] = {}

    def add(name: str, place: Place) -> None:
        if place not in by_name.setdefault(name, []):
            by_name[name].append(place)

    for place in list(by_code.values()):
        add(place.name, place)
        if short := _short(place.name):
            add(short, place)
    for name in national["aliases"]:
        add(name, by_code[national["code"]])
    for special in reviewed["special"]:
        if "code" in special:
            base = by_code[special["code"]]
            place = Place(base.code, base.name, base.level, base.parent, f"{special['kind']}: {special['note']}")
        else:
            parent = by_code[special["parent"]]
            place = Place("", special["name"], parent.level + 1, parent.code, f"{special['kind']}: {special['note']}")
        for name in [special["name"], *special["aliases"]]:
            by_name[name] = [place]  # reviewed: wins over any short-name collision
    for renamed in reviewed["renamed"]:
        base = by_code[renamed["code"]]
        by_name[renamed["name"]] = [Place(base.code, base.name, base.level, base.parent, renamed["note"])]
    return _Table(by_code, by_name)


def place(code: str) -> Place | None:
    return _table().by_code.get(code)


MAX_CHAIN_CHARS = 40  # 内蒙古自治区呼伦贝尔市海拉尔区 is 14; a full chain stays well under this


def resolve(name: str | None, within: str | None = None) -> Place | None:
    """The place a text means by ``name``, or None when it is unknown or ambiguous.

    A short name shared by several places (朝阳: a district of Beijing, a city in Liaoning)
    resolves only with ``within`` (a code the place must lie in) or when exactly one of them is
    of the highest level (山东 is the province, not a 山东村). A chain (青岛市崂山区) resolves its
    tail within its head.
    """
    if not name:
        return None
    name = name.strip()
    if len(name) > MAX_CHAIN_CHARS:  # no place name is this long; chains are tried cut by cut below
        return None
    found = _by_name(name, within)
    if found is not None:
        return found
    # A chain (青岛市崂山区): a head that is itself one place's name, the rest resolved within it.
    # Only the tail recurses, so a long name costs one pass per cut, not one per way of cutting it.
    for cut in range(2, len(name) - 1):
        head = _by_name(name[:cut], within)
        if head is not None and head.code:
            tail = resolve(name[cut:], head.code)
            if tail is not None:
                return tail
    return None


def _by_name(name: str, within: str | None) -> Place | None:
    candidates = _table().by_name.get(name)
    if not candidates:
        return None
    if within:
        candidates = [c for c in candidates if within in ancestors(c)]
    if len(candidates) == 1:
        return candidates[0]
    top = min((c.level for c in candidates), default=None)
    highest = [c for c in candidates if c.level == top]
    return highest[0] if len(highest) == 1 else None


@cache
def inside(name: str) -> frozenset[str]:
    """The names a text may use for places that lie in ``name``'s place and nowhere else: 杭州,
    杭州市 and 余杭区 inside 浙江省. Full and reviewed names at every level; short names only of
    prefectures (杭州), since a county's short name (和平, 新城) is too often an ordinary word.
    Empty when ``name`` does not resolve to one place."""
    found = resolve(name)
    if found is None or not found.code:
        return frozenset()
    names = set()
    for text, places in _table().by_name.items():
        if all(found.code in ancestors(p) for p in places) and any(p.level <= 2 or _short(p.name) != text for p in places):
            names.add(text)
    # A district named by one character (城区, 矿区, 郊区) reads as an ordinary word.
    return frozenset(n for n in names if not (len(n) == 2 and n.endswith("区")))


def candidates(name: str | None) -> list[Place]:
    """Every place ``name`` may mean (several for a shared short name like 朝阳区), or its code's place."""
    if not name:
        return []
    name = name.strip()
    if name in _table().by_code:
        return [_table().by_code[name]]
    found = resolve(name)
    return [found] if found is not None else list(_table().by_name.get(name, []))


def describe(place: Place) -> str:
    """A place with the places above it, as a reader tells namesakes apart: 吉林省长春市朝阳区."""
    names = [p.name for p in reversed(lineage(place.code)) if p.level > 0] if place.code else [place.name]
    return "".join(dict.fromkeys(names))  # a municipality is its own province and prefecture: 北京市 once


def code_prefix(place: Place) -> str:
    """The leading digits every place under ``place`` shares: 37 for 山东省, 3702 for 青岛市, the
    whole code for a county; empty for the country."""
    if place.level == 0 or not place.code:
        return ""
    return place.code[: {1: 2, 2: 4}.get(place.level, 6)]


def children(place: Place) -> list[Place]:
    """The divisions directly under ``place``, in code order (a province's prefectures, a
    prefecture's counties); empty for a county or a place without a code."""
    if not place.code:
        return []
    return sorted((p for p in _table().by_code.values() if p.parent == place.code), key=lambda p: p.code)


def ancestors(place: Place) -> list[str]:
    """The codes of the places enclosing ``place``, nearest first, ending with the country."""
    chain = []
    code = place.parent
    while code:
        chain.append(code)
        parent = _table().by_code.get(code)
        code = parent.parent if parent else None
    return chain


def lineage(name: str | None) -> list[Place]:
    """``name``'s place (or a 6-digit code's) and the places above it (崂山区, 青岛市, 山东省, 全国); empty when unresolved."""
    found = candidates(name)
    if len(found) != 1:
        return []
    return [found[0], *(_table().by_code[code] for code in ancestors(found[0]))]
