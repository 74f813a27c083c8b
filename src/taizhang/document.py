"""Plain typed data that flows through the pipeline: source text, spans into it, pledge records.

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
