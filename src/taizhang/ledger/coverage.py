"""Coverage of a work report's headline indicators: pledged with a number, mentioned, or absent.

A report that names 居民收入增长和经济增长同步 without a figure has *mentioned* the income indicator,
deliberately unquantified; one that says nothing of it has *not mentioned* it. Which indicators
are headline ones, and the words that count as a mention, are data (``data/metrics.yaml``).

Only one actor's pledges for the document's year count (#12): a report's own place (not the
three districts of a roundup pooled), its targets for its year (not a five-year target, nor a
result of last year).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from taizhang.document import Pledge
from taizhang.ledger.merge import place_key
from taizhang.ledger.metrics import Indicator, indicators, metric_key
from taizhang.places import resolve

PLEDGED = "有数字 pledged"
MENTIONED = "无数字 mentioned"
ABSENT = "未提及 not mentioned"


@dataclass(frozen=True, slots=True)
class CoverageReport:
    """Coverage of one source: whose pledges for which year were read, and each indicator's verdict."""

    source: str  # the source's file name
    actor: str | None
    year: int | None
    items: list[Coverage]


@dataclass(frozen=True, slots=True)
class Coverage:
    indicator: Indicator
    verdict: str
    pledges: tuple[Pledge, ...]  # the pledges that quantify it
    at: int | None  # where it is first mentioned in the text (mentioned without a number)


def own_pledges(pledges: list[Pledge], actor: str | None, year: int | None) -> list[Pledge]:
    """The pledges of ``actor`` (the same place, however written) due in ``year``; None reads any."""
    place = place_key(resolve(actor), actor) if actor else None
    return [
        p for p in pledges
        if (place is None or place_key(resolve(p.actor), p.actor) == place) and (year is None or p.deadline == year)
    ]  # fmt: skip


def main_actor(owner: str | None, pledges: list[Pledge]) -> str | None:
    """Whose coverage a document gives: its reporting government, else the actor most of its
    pledges belong to (the first named, on a tie)."""
    if owner:
        return owner
    counts = Counter(p.actor for p in pledges if p.actor)
    return max(counts, key=lambda a: (counts[a], -next(i for i, p in enumerate(pledges) if p.actor == a)), default=None)


def coverage(text: str, pledges: list[Pledge]) -> list[Coverage]:
    """Each headline indicator's verdict for one document (its text and the pledges to read)."""
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
