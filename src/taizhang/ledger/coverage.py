"""Coverage of a work report's headline indicators: pledged with a number, mentioned, or absent.

A report that names 居民收入增长和经济增长同步 without a figure has *mentioned* the income indicator,
deliberately unquantified; one that says nothing of it has *not mentioned* it. Which indicators
are headline ones, and the words that count as a mention, are data (``data/metrics.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass

from taizhang.document import Pledge
from taizhang.ledger.metrics import Indicator, indicators, metric_key

PLEDGED = "有数字 pledged"
MENTIONED = "无数字 mentioned"
ABSENT = "未提及 not mentioned"


@dataclass(frozen=True, slots=True)
class Coverage:
    indicator: Indicator
    verdict: str
    pledges: tuple[Pledge, ...]  # the pledges that quantify it
    at: int | None  # where it is first mentioned in the text (mentioned without a number)


def coverage(text: str, pledges: list[Pledge]) -> list[Coverage]:
    """Each headline indicator's verdict for one document (its text and its pledges)."""
    result = []
    for indicator in indicators(headline_only=True):
        found = tuple(p for p in pledges if metric_key(p.metric) == indicator.key and p.kind in indicator.kinds)
        if found:
            result.append(Coverage(indicator, PLEDGED, found, found[0].start))
            continue
        positions = [i for i in (text.find(word) for word in indicator.mention) if i >= 0]
        at = min(positions, default=None)
        result.append(Coverage(indicator, MENTIONED if at is not None else ABSENT, (), at))
    return result
