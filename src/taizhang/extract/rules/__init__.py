"""Language rules as data: ``rules/<lang>/*.yaml`` loaded once and checked, regexes built from them.

Everything the extractor knows about Chinese wording (units, comparator, hedge, horizon and
marker words) lives in the YAML files next to this module; code only turns those lists into
compiled regexes. :func:`load` validates each file's shape so a typo in a rule file fails loudly
at import time instead of silently matching nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml

RULES_DIR = Path(__file__).resolve().parent

# file -> key -> expected type of the value; the schema the YAML files must follow.
SCHEMA: dict[str, dict[str, type]] = {
    "units": {"multipliers": dict, "units": dict},
    "comparators": {"before": dict, "after": dict, "more": list, "range": list},
    "kinds": {
        "growth": list, "decline": list, "annual": list, "share": list, "not_change": list, "reach": list,
        "level_verbs": list, "binding": list,
    },
    "lists": {
        "distribute": list, "distribute_through": list, "distribute_verbs": list, "distribute_not_after": list, "list_joiners": list, "compounds": dict,
        "parallel_heads": list, "task_verbs": list, "shared_item_max": int,
    },
    "merge": {"same_measure": list, "scope_words": list, "target_words": list},
    "hedges": {"hedges": list, "not_hedges": list},
    "horizons": {
        "relative": dict, "span_before": list, "span_after": list, "periods": dict, "fixed": dict,
        "to_words": list, "base_markers": list, "base_after": list, "congress_years": dict,
        "reference_before": list, "reference_after": list,
    },
    "tense": {
        "past": list, "target_cues": list, "past_in_plan": list, "past_in_plan_uncompared": list, "past_in_plan_patterns": list,
        "conditional": list, "future": list, "context_openers": list, "forward_cues": list, "plan_verbs": list, "present_state": list,
    },
    "quantities": {
        "enumeration_nouns": list, "capacity_categories": list, "qualifier_after": list, "qualifier_before": list,
        "qualifying_before": list, "qualifying_before_of": list, "bound_then_noun": list, "upper_bound_then_noun": list, "from_words": list,
        "to_words": list, "people_nouns": list, "people_verbs": list, "quote_open": list, "quote_close": list,
        "quote_max_chars": int, "structure_nouns": list, "unit_context": dict, "per_capita": list,
        "rate_marks": list, "duration_bounds": list, "unitless_nouns": list,
    },
    "metrics": {"metric_strip": list, "kept_terms": list, "action_verbs": list, "money_words": list, "noun_goes_on_after": list,
                "milestones": list, "generic_nouns": list, "lead_adverbs": list, "lead_verbs": list, "metric_strip_tail": list,
                "comparatives": list, "noun_predicates": list, "predicate_adverbs": list},
    "parts": {
        "headings": dict, "review_openers": dict, "past": dict, "future": dict, "review_share": float,
        "plan_share": float, "min_weight": int, "five_year_titles": list, "annual_titles": list,
        "news_marks": list, "news_head_chars": int,
    },
    "outcomes": {
        "communique_titles": list, "national_names": list, "basis": dict, "not_bounds": list, "target_before": list, "target_after": list,
        "target_gap": dict, "of_target": list, "stock_openers": list, "cumulative": list, "one_year": list, "cumulative_sentence": list, "base_before": list, "span_words": dict, "metric_time_words": list,
        "plan_names": list, "comparison_openers": list, "metric_tail_words": list, "per_change": list, "spend_verbs": list,
        "year_openers": list,
        "since": list, "past_years": dict,
    },
    "actors": {
        "region_suffixes": list, "party_bodies": list, "posts": list, "speech_verbs": list,
        "report_posts": list, "national_heads": list, "national_actor": str, "national_organs": list,
        "region_followers": list, "region_stop_prefixes": list, "region_stop_suffixes": list,
        "body_suffixes": list, "speaker_pronouns": list,
    },
}  # fmt: skip

COMPARATORS = {">", ">=", "=", "~", "<=", "<", "range"}
UNIT_CATEGORIES = {
    "money", "area", "length", "volume", "mass", "power", "energy", "people", "count", "percent",
    "points", "ratio", "duration", "concentration", "computing", "proportion",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Unit:
    norm: str
    factor: float
    category: str


def alternation(words: Any) -> str:
    """A regex alternation of literal words that tries the longest first, so that 个百分点 wins
    over 个: written as a trie (个(?:百分点)?, one branch per first character), so the regex engine
    tests each character once instead of each word in turn. It matches what the words joined
    longest first would, in the same order: the words that match at a place are prefixes of one
    another, and the trie tries the longer before the shorter."""
    trie: dict[str, Any] = {}
    for word in set(words):
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here
    return _branches(trie) + ("|" if "" in trie else "")  # an empty word matches last


def _branches(node: dict[str, Any]) -> str:
    """The regex for what may follow a node of the trie (its words' rests), longest first."""
    branches = []
    for char in sorted(c for c in node if c):
        rest, child = re.escape(char), node[char]
        # A chain of characters that no word ends inside is written as one literal.
        while len(child) == 1 and "" not in child:
            (char, child), = child.items()
            rest += re.escape(char)
        if len(child) > 1:  # more than the end of a word: its rests, optional where a word ends
            rest += f"(?:{_branches(child)})" + ("?" if "" in child else "")
        branches.append(rest)
    return "|".join(branches)


@dataclass(frozen=True, slots=True)
class TrailingWords:
    """A run of words at the end of a string, to cut off: ``(?:w1|w2|…)+$`` as a regex. The regex
    is tried from every position of the string (an anchor at the end does not stop that), so a
    string whose last character ends none of the words, the common case, is given back without
    running it. It is written ``(?:w1|w2|…)(?:w1|w2|…)*$``, the same match: a regex opening on a
    word (not on a repeat) lets the regex engine skip in C to where one of them starts."""

    pattern: re.Pattern[str]
    last_characters: frozenset[str]

    @classmethod
    def of(cls, words: Any) -> TrailingWords:
        words = [w for w in words if w]
        one = f"(?:{alternation(words)})"
        return cls(re.compile(rf"{one}{one}*$"), frozenset(w[-1] for w in words))

    def cut(self, text: str) -> str:
        # $ also matches before a final newline: such a string goes to the regex.
        if text[-1:] not in self.last_characters and not text.endswith("\n"):
            return text
        return self.pattern.sub("", text)


@dataclass(frozen=True, slots=True)
class WordLed:
    """A regex each of whose matches opens on one of a list of words, searched from the first of
    them: the regex engine tries an alternation of named groups at every position of a text, but
    scans in C for the words alone (one alternation of literals), so a text with none of them, or
    with one only near its end, is passed over at once."""

    pattern: re.Pattern[str]
    first: re.Pattern[str]

    @classmethod
    def of(cls, pattern: str, words: Any) -> WordLed:
        return cls(re.compile(pattern), re.compile(alternation(words)))

    def finditer(self, text: str, lo: int = 0, hi: int | None = None) -> Iterator[re.Match[str]]:
        hi = len(text) if hi is None else hi
        first = self.first.search(text, lo, hi)
        return self.pattern.finditer(text, first.start(), hi) if first else iter(())


def _read(lang: str, name: str) -> dict[str, Any]:
    path = RULES_DIR / lang / f"{name}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise TypeError(f"{path}: a rule file must be a mapping")
    for key, kind in SCHEMA[name].items():
        if not isinstance(data.get(key), kind):
            raise TypeError(f"{path}: {key!r} must be a {kind.__name__}")
    return data


@cache
def load(lang: str = "zh") -> dict[str, dict[str, Any]]:
    """Every rule file of ``lang``, validated; cached so the files are read once per process."""
    data = {name: _read(lang, name) for name in SCHEMA}
    for table in ("before", "after"):
        for word, comparator in data["comparators"][table].items():
            if comparator not in COMPARATORS:
                raise ValueError(f"comparators.{table}.{word}: unknown comparator {comparator!r}")
    for word, spec in data["units"]["units"].items():
        if not isinstance(spec, dict) or spec.get("category") not in UNIT_CATEGORIES:
            raise ValueError(f"units.{word}: needs norm, factor and a known category")
    return data


@cache
def units(lang: str = "zh") -> dict[str, Unit]:
    table = load(lang)["units"]["units"]
    return {w: Unit(str(s["norm"]), float(s["factor"]), str(s["category"])) for w, s in table.items()}


@cache
def multipliers(lang: str = "zh") -> dict[str, float]:
    return {w: float(f) for w, f in load(lang)["units"]["multipliers"].items()}
