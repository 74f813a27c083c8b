"""A quantity accepted as a pledge, as the stages after judging (lists, merging) pass it on."""

from __future__ import annotations

from dataclasses import dataclass, fields
from operator import attrgetter

from taizhang.extract.horizons import Horizon


@dataclass(slots=True)
class Candidate:
    """One pledge (or outcome) before its list is spread (分别) and its repeats merged. Never changed
    once made (the stages copy it with :meth:`but`); not frozen, as a frozen dataclass sets each of
    its 21 fields through ``object.__setattr__``, which made building one cost 3.5× as much."""

    start: int  # of the number
    end: int  # of the unit and any bound word
    sentence: tuple[int, int]
    clause_start: int
    item_start: int
    quote: tuple[int, int]
    metric: str
    kind: str
    comparator: str
    value: float
    value_high: float | None
    unit: str
    norm_value: float
    norm_unit: str
    horizon: Horizon | None
    hedge: str | None
    actor: str | None
    official: str | None
    confidence: float
    doubling: bool  # 翻一番, 增长1倍: said of every metric listed before it (A和B翻一番)
    binding: str | None = None  # 约束性 / 预期性 when the text says which the indicator is
    paragraph: int = 0  # where its paragraph starts

    @property
    def deadline(self) -> int | None:
        return self.horizon.deadline if self.horizon else None

    def but(self, **changes: object) -> Candidate:
        """A copy with ``changes`` (as ``dataclasses.replace`` makes it, at two thirds of its cost: the
        fields are read in one call, not looked up and checked on every copy)."""
        values = dict(zip(_FIELDS, _values(self)))
        values.update(changes)
        return Candidate(**values)  # type: ignore[arg-type]


_FIELDS = tuple(f.name for f in fields(Candidate))
_values = attrgetter(*_FIELDS)
