"""Metrics: one key for the wordings of one measure (地区生产总值 = GDP = 全区生产总值).

The synonyms and the headline indicators of a work report are data (``data/metrics.yaml``).
A metric with no listed synonym keys as itself, abbreviations spelled out (公厕 = 公共厕所), minus
place and period prefixes, so two sources that word it alike still meet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data" / "metrics.yaml"
# Quotation marks and spaces that do not change the measure (“三公”经费 = 三公经费).
_NOISE = re.compile(r"[\s\u200b“”‘’\"'「」《》]")


@dataclass(frozen=True, slots=True)
class Indicator:
    key: str
    name: str
    en: str
    headline: bool
    kinds: tuple[str, ...]
    synonyms: tuple[str, ...]
    mention: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Rules:
    prefixes: tuple[str, ...]
    indicators: tuple[Indicator, ...]
    by_synonym: dict[str, str]
    abbreviations: dict[str, str]
    abbreviated: re.Pattern[str]
    broad_head: re.Pattern[str]  # a whole head that names no narrower thing


@cache
def _rules() -> _Rules:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    indicators = tuple(
        Indicator(
            key=item["key"], name=item["name"], en=item["en"], headline=bool(item["headline"]), kinds=tuple(item["kinds"]),
            synonyms=tuple(item["synonyms"]), mention=tuple(item.get("mention") or item["synonyms"]),
        )  # fmt: skip
        for item in data["indicators"]
    )
    by_synonym: dict[str, str] = {}
    for indicator in indicators:
        for synonym in indicator.synonyms:
            if by_synonym.setdefault(synonym, indicator.key) != indicator.key:
                raise ValueError(f"{DATA}: {synonym!r} is a synonym of two indicators")
    prefixes = tuple(sorted(data["strip_prefixes"], key=len, reverse=True))
    abbreviations = {str(short): str(full) for short, full in data["abbreviations"].items()}
    words = _alternation([*data["broad_heads"], *prefixes])
    head = re.compile(rf"(?:{words}|(?:和|及|与|、)(?:{_alternation(data['joined_people'])}))+")
    return _Rules(prefixes, indicators, by_synonym, abbreviations, re.compile(_alternation(abbreviations)), head)


def _alternation(words: list[str] | tuple[str, ...] | dict[str, str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _strip(metric: str) -> str:
    rules = _rules()
    metric = rules.abbreviated.sub(lambda m: rules.abbreviations[m.group()], _NOISE.sub("", metric))
    stripped = True
    while stripped:
        stripped = False
        for prefix in _rules().prefixes:
            if metric.startswith(prefix) and len(metric) > len(prefix):
                metric, stripped = metric[len(prefix) :], True
                break
    return metric


@lru_cache(maxsize=1 << 16)  # a ledger repeats a few thousand wordings over and over
def metric_key(metric: str) -> str:
    """The key two wordings of one measure share: an indicator's key or the bare wording."""
    bare = _strip(metric)
    return _rules().by_synonym.get(bare) or _rules().by_synonym.get(metric) or bare


def broad_head(head: str) -> bool:
    """Whether ``head``, what a longer wording adds in front of a shorter one that ends it, names no
    narrower thing (实施, 实现, 和困难人员; not 城区供水主, 旅游): see ``broad_heads`` in the data."""
    return bool(_rules().broad_head.fullmatch(head))


def indicators(headline_only: bool = False) -> tuple[Indicator, ...]:
    return tuple(i for i in _rules().indicators if i.headline or not headline_only)


def metric_name(key: str | None, lang: str = "zh") -> str:
    """What a reader calls a metric key: an indicator's name (地区生产总值 GDP; in English, GDP), a
    key that is a wording of its own as it is."""
    if key is None:
        return ""
    found = _names().get(key)
    return key if found is None else found[lang == "en"]


@cache
def _names() -> dict[str, tuple[str, str]]:
    return {i.key: (i.name, i.en) for i in _rules().indicators}
