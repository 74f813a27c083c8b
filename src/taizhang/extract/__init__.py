"""Extraction: quantified commitments (pledges) from Chinese official text.

    from taizhang.extract import extract

    result = extract(text, "2024_gwr.txt", title="2024年政府工作报告")
    for pledge in result.pledges:
        print(pledge.metric, pledge.comparator, pledge.value, pledge.unit, pledge.deadline)

A pure library: no I/O, no global state beyond rule files read once. Every offset is a ``str``
index into ``text`` (end exclusive) and ``pledge.quote == text[pledge.start:pledge.end]``.
Language rules live in ``rules/zh/*.yaml``.

The part of the document each paragraph belongs to (a review of past years, a year's plan, a
long-term plan with its period) is read by :func:`read_parts`; review parts state results, not
pledges::

    from taizhang.extract import read_parts, REVIEW

    for part in read_parts(text, year=2026).of(REVIEW):
        print(part.first_year, part.last_year, text[part.start:part.end])   # 过去一年 → 2025 2025
"""

from __future__ import annotations

from taizhang.extract.engine import Extraction, run
from taizhang.extract.horizons import document_year
from taizhang.extract.parts import LONG_TERM, NOTES, OTHER, PLAN, REVIEW, Part, Parts, read_parts

__all__ = [
    "LONG_TERM", "NOTES", "OTHER", "PLAN", "REVIEW", "Extraction", "Part", "Parts", "document_year", "extract",
    "read_parts",
]  # fmt: skip

INTERNAL_ERROR = "extraction stopped on an internal error ({error!r}); no pledges from this text"


def extract(
    text: str, source: str, year: int | None = None, *, title: str | None = None, date: str | None = None,
    outcomes: bool = True,
) -> Extraction:
    """Every pledge in ``text``, the year it speaks from and any warnings.

    ``year`` is the document's year; when None it is found by :func:`document_year` from
    ``date`` (ISO), the date line near the top of ``text`` or ``title``. Relative horizons
    (今年, 明年, 未来5年) need it: without one they give no deadline and a warning.

    Never raises on any text: an internal error gives no pledges and a warning saying so.
    """
    try:
        return run(text, source, year, title, date, outcomes)
    except Exception as error:  # noqa: BLE001 -- the contract: any text in, an Extraction out
        return Extraction([], year, [INTERNAL_ERROR.format(error=error)])
