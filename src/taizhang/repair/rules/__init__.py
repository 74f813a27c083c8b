"""Language rules for repair as data: ``rules/<lang>/*.yaml``, loaded once and checked.

The code knows no Chinese words: title posts, speech verbs, region suffixes, punctuation classes,
surnames and thresholds live in the YAML files next to this module. :func:`load` checks each
file against :data:`SCHEMA` so that a typo fails at import time instead of matching nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

RULES_DIR = Path(__file__).resolve().parent

# file -> key -> expected type of the value.
SCHEMA: dict[str, dict[str, type | tuple[type, ...]]] = {
    "speakers": {
        "posts": list, "speech_verbs": list, "verb_adverbs": list, "title_separators": str,
        "chain_breaks": str,
        "name_min_chars": int, "name_max_chars": int, "header_max_chars": int, "header_colons": str,
    },
    "regions": {
        "suffixes": list, "organs": list, "name_min_chars": int,
        "name_max_chars": int, "own_region_words": str, "level_ranks": dict, "passing_before": list,
        "passing_after": list, "passing_reach": int,
    },
    "text": {
        "closing": str, "clause_separators": str, "tail_starters": str, "enumerators": list,
        "sentence_ends": str, "commas": str, "list_separators": str, "inner_marks": str, "opening_marks": str,
        "quote_open": str, "quote_close": str, "heading_max_chars": int, "duplicate_min_chars": int,
        "near_ratio": (int, float), "containment_ratio": (int, float), "containment_min_chars": int,
        "overlap_min_chars": int, "join_max_distance": int, "join_min_gain": (int, float),
        "join_read_chars": int, "join_min_reading": (int, float), "join_starter_bonus": (int, float),
        "join_read_min_head": int, "join_next_line_bonus": (int, float), "join_topic_weight": (int, float),
        "join_unique_min_reading": (int, float), "join_unique_margin": (int, float),
        "ordinal_pattern": str, "ordinal_bodies": list,
    },
    "surnames": {"compound": list, "single": str},
}  # fmt: skip


def alternation(words: Any) -> str:
    """A regex alternation of literal words, longest first so that 副主席 wins over 主席."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _check(name: str, data: Any) -> dict[str, Any]:
    schema = SCHEMA[name]
    if not isinstance(data, dict):
        raise ValueError(f"repair rules {name}.yaml: expected a mapping, got {type(data).__name__}")
    missing = set(schema) - set(data)
    unknown = set(data) - set(schema)
    if missing or unknown:
        raise ValueError(f"repair rules {name}.yaml: missing {sorted(missing)}, unknown {sorted(unknown)}")
    for key, kind in schema.items():
        if not isinstance(data[key], kind) or isinstance(data[key], bool):
            raise ValueError(f"repair rules {name}.yaml: {key} should be {kind}, got {data[key]!r}")
    return data


@dataclass(frozen=True)
class Rules:
    """Compiled rules for one language."""

    speakers: dict[str, Any]
    regions: dict[str, Any]
    text: dict[str, Any]
    surnames: frozenset[str]
    compound_surnames: tuple[str, ...]

    @cached_property
    def posts_re(self) -> str:
        return alternation(self.speakers["posts"])

    @cached_property
    def verbs_re(self) -> str:
        return alternation(self.speakers["speech_verbs"])

    @cached_property
    def adverbs_re(self) -> str:
        return alternation(self.speakers["verb_adverbs"])

    @cached_property
    def region_re(self) -> str:
        """A region name with its suffix, as it is written before an organ (崂山区 in 崂山区委)."""
        r = self.regions
        return (
            f"[\u4e00-\u9fff]{{{r['name_min_chars']},{r['name_max_chars']}}}?"
            f"(?:{alternation(r['suffixes'])})(?=(?:{alternation(r['organs'])}))"
        )

    @cached_property
    def clause_mark_re(self) -> re.Pattern[str]:
        return re.compile(f"[{re.escape(self.text['clause_separators'])}]")

    @cached_property
    def sentence_end_re(self) -> re.Pattern[str]:
        return re.compile(f"[{re.escape(self.text['sentence_ends'])}]")

    @cached_property
    def enumerator_re(self) -> re.Pattern[str]:
        return re.compile("^(?:" + "|".join(self.text["enumerators"]) + ")")

    @cached_property
    def ordinal_re(self) -> re.Pattern[str]:
        return re.compile(self.text["ordinal_pattern"] + f"({alternation(self.text['ordinal_bodies'])})")

    def is_name(self, name: str) -> bool:
        """Whether ``name`` reads as a personal name: a known surname and 1–3 more characters."""
        lo, hi = self.speakers["name_min_chars"], self.speakers["name_max_chars"]
        if not lo <= len(name) <= hi or not all("\u4e00" <= c <= "\u9fff" for c in name):
            return False
        if any(name.startswith(s) and len(name) > len(s) for s in self.compound_surnames):
            return True
        return name[0] in self.surnames


@cache
def load(lang: str = "zh") -> Rules:
    """Load and check the rules of ``lang``; cached, so each file is parsed once."""
    folder = RULES_DIR / lang
    data = {}
    for name in SCHEMA:
        with open(folder / f"{name}.yaml", encoding="utf-8") as f:
            data[name] = _check(name, yaml.safe_load(f))
    surnames = data["surnames"]
    return Rules(
        speakers=data["speakers"],
        regions=data["regions"],
        text=data["text"],
        surnames=frozenset(surnames["single"].strip()),
        compound_surnames=tuple(surnames["compound"]),
    )
