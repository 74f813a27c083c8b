"""Which way a metric should move (up: output, income, jobs; down: prices, unemployment, energy
use, emissions): reviewed data in ``data/directions.yaml``, read once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml

from taizhang.ledger.metrics import indicators, metric_key
from taizhang.ledger.status import DOWN, UP

DATA = Path(__file__).parent / "data" / "directions.yaml"


@dataclass(frozen=True, slots=True)
class _Rules:
    by_key: dict[str, str]
    down_words: tuple[str, ...]
    up_words: tuple[str, ...]


@cache
def _rules() -> _Rules:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    known = {indicator.key for indicator in indicators()}
    by_key = {str(key): str(way) for key, way in data["indicators"].items()}
    for key, way in by_key.items():
        if way not in (UP, DOWN):
            raise ValueError(f"{DATA}: {key}: direction must be up or down, not {way!r}")
        if key not in known:
            raise ValueError(f"{DATA}: {key!r} is no indicator of metrics.yaml")
    return _Rules(by_key, tuple(data["down_words"]), tuple(data["up_words"]))


@lru_cache(maxsize=1 << 14)
def direction(metric: str) -> str | None:
    """``up``, ``down`` or None (the list does not say) for a metric as worded."""
    rules = _rules()
    key = metric_key(metric)
    if key in rules.by_key:
        return rules.by_key[key]
    if any(word in metric for word in rules.down_words):
        return DOWN
    if any(word in metric for word in rules.up_words):
        return UP
    return None
