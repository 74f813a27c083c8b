"""Plain typed data that flows through the pipeline: source text, spans into it, pledge and outcome records.

Every offset anywhere in taizhang is a Python ``str`` index into a :class:`Document`'s original
``text`` (end exclusive), so a quote can always be shown in its sentence.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Span:
    """A character range ``[start, end)`` of a document's text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"invalid span [{self.start}, {self.end})")

    def text(self, text: str) -> str:
        if self.end > len(text):
            raise ValueError(f"span [{self.start}, {self.end}) is past the end of a {len(text)}-char text")
        return text[self.start : self.end]

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(slots=True)
class Document:
    """A decoded source: the original text (never changed) and what was learned about it."""

    text: str
    name: str
    title: str | None = None
    date: str | None = None  # ISO 8601 (YYYY-MM-DD or YYYY) when the source states one
    encoding: str | None = None
    format: str = "txt"

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date and self.date[:4].isdigit() else None


PLEDGE_FIELDS = (
    "source", "start", "end", "quote", "actor", "official", "metric", "kind", "comparator",
    "value", "value_high", "unit", "norm_value", "norm_unit", "deadline", "horizon", "hedge", "binding",
    "mentions", "confidence",
)  # fmt: skip


@dataclass(slots=True)
class Pledge:
    """One quantified commitment, as ``shared/spec/pledges.md`` defines it, with its span."""

    source: str
    start: int
    end: int
    quote: str
    metric: str
    kind: str  # level | growth | annual_growth | share
    comparator: str  # > | >= | = | ~ | <= | < | range
    value: float
    unit: str
    norm_value: float
    norm_unit: str
    actor: str | None = None
    official: str | None = None
    value_high: float | None = None
    deadline: int | None = None
    horizon: str | None = None
    hedge: str | None = None
    binding: str | None = None  # 约束性 / 预期性 when the text says which the indicator is
    mentions: list[tuple[int, int]] = field(default_factory=list)
    confidence: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        record = asdict(self)
        record["mentions"] = [list(m) for m in self.mentions]
        return {name: record[name] for name in PLEDGE_FIELDS}


OUTCOME_FIELDS = (
    "source", "start", "end", "quote", "actor", "metric", "kind", "comparator", "value", "unit", "norm_value",
    "norm_unit", "period", "basis", "target", "mentions", "confidence", "unplaced",
)  # fmt: skip
PRELIMINARY, FINAL = "preliminary", "final"


@dataclass(slots=True)
class Outcome:
    """What a text says was reached, as ``shared/spec/outcomes.md`` defines it, with its span.

    ``first_year``/``last_year`` are the period the result is for: one year (2025), or a span for a
    multi-year figure ("十四五"时期 年均增长 → 2021–2025). ``comparator`` is set only where the text
    gives a bound (超过1.3万亿斤 → ``>``). ``target``, where the text sets the result beside the target
    it answers (预期目标为5%左右，实际增长5.0%), holds that target's comparator, value and
    value_high in the outcome's unit. An outcome that cannot be placed (no actor, no year) keeps
    the reason in ``unplaced`` and is never matched.
    """

    source: str
    start: int
    end: int
    quote: str
    metric: str
    kind: str  # level | growth | annual_growth | share
    value: float
    unit: str
    norm_value: float
    norm_unit: str
    actor: str | None = None
    comparator: str | None = None
    first_year: int | None = None
    last_year: int | None = None
    basis: str | None = None  # preliminary | final | None
    target: dict[str, Any] | None = None
    mentions: list[tuple[int, int]] = field(default_factory=list)
    confidence: float = 1.0
    unplaced: str | None = None

    @property
    def period(self) -> str | None:
        """``2025``, or ``2021-2025`` for a multi-year figure; None when no year is known."""
        return format_period(self.first_year, self.last_year)

    def to_dict(self) -> dict[str, Any]:
        record = {name: getattr(self, name) for name in OUTCOME_FIELDS if name not in ("period", "mentions")}
        record["period"] = self.period
        record["mentions"] = [list(m) for m in self.mentions]
        return {name: record[name] for name in OUTCOME_FIELDS}


def format_period(first: int | None, last: int | None) -> str | None:
    """A period as the spec writes it: ``2025`` or ``2021-2025``."""
    if first is None and last is None:
        return None
    if first is None or last is None or first == last:
        return str(last if last is not None else first)
    return f"{first}-{last}"


def parse_period(period: Any) -> tuple[int, int] | None:
    """``2025`` / ``"2025"`` / ``"2021-2025"`` (also ``2021–2025``) → (first, last); None otherwise."""
    if isinstance(period, bool) or period is None:
        return None
    if isinstance(period, int):
        return period, period
    if isinstance(period, float) and period.is_integer():
        return int(period), int(period)
    text = str(period).strip().replace("–", "-").replace("—", "-")
    first, _, last = text.partition("-")
    if not first.isdigit() or (last and not last.isdigit()):
        return None
    return (int(first), int(last or first)) if int(first) <= int(last or first) else None
