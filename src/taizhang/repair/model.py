"""The records repair produces: paragraphs with spans into the original text, sections, changes.

Every offset is a ``str`` index into the ORIGINAL text (end exclusive). A repaired paragraph is a
list of pieces of the original, so its text is always derived by slicing, never stored edited.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One non-empty line of the original text; ``index`` counts non-empty lines from 0."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Piece:
    """A slice ``[start, end)`` of the original text taken into a repaired paragraph."""

    start: int
    end: int


@dataclass(slots=True)
class Unit:
    """A repaired paragraph: one original paragraph, or several joined (a fragment and its tail)."""

    indexes: tuple[int, ...]
    pieces: tuple[Piece, ...]
    text: str
    kind: str = "body"  # header | heading | title | body
    speaker: str | None = None  # the official a header line introduces
    found_under: str | None = None  # the section it sits in by position (official, or None)
    owner: str | None = None  # the section it belongs to
    removed: bool = False

    @property
    def first(self) -> int:
        return self.indexes[0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "indexes": list(self.indexes),
            "spans": [[p.start, p.end] for p in self.pieces],
            "kind": self.kind,
            "text": self.text,
        }


@dataclass(slots=True)
class Section:
    """One speaker's part of the article (``official`` None for text before the first speaker)."""

    official: str | None
    titles: list[str]
    region: str | None
    header: int | None  # index of the header line, None when the speaker is only named in text
    paragraphs: list[Unit] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "official": self.official,
            "titles": self.titles,
            "region": self.region,
            "header": self.header,
            "paragraphs": [u.to_dict() for u in self.paragraphs],
        }


@dataclass(frozen=True, slots=True)
class Change:
    """Something repair did (or, as a problem, found and left): what, where, and why.

    Change kinds: ``join_fragment`` (head, tail), ``join_overlap`` (a split that repeats text),
    ``remove_duplicate``, ``remove_near_duplicate`` (``values``: what differs, kept / dropped, in
    pairs), ``move`` (``values``: found under, belongs to). Problem kinds: ``truncated``,
    ``orphan_tail``, ``conflict`` (``values``: the ways the fact is stated).

    ``paragraphs`` are original paragraph indexes; ``spans`` their ``[start, end)`` in the original
    text, in the same order (for a conflict, the span of each statement).
    """

    kind: str
    paragraphs: tuple[int, ...]
    spans: tuple[tuple[int, int], ...]
    detail: str
    values: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "paragraphs": list(self.paragraphs),
            "spans": [list(s) for s in self.spans],
            "detail": self.detail,
            "values": list(self.values),
        }


@dataclass(frozen=True, slots=True)
class Segment:
    """``length`` characters of the repaired text from ``repaired_start`` are the original's from
    ``original_start``."""

    repaired_start: int
    original_start: int
    length: int


@dataclass(slots=True)
class Repair:
    """The repaired article, everything changed, everything found but left, and an offset map."""

    source: str
    text: str  # the original, unchanged
    paragraphs: list[Paragraph]
    sections: list[Section]
    changes: list[Change]
    problems: list[Change]
    repaired_text: str
    segments: list[Segment]
    # The segments' repaired starts, ascending: an offset's segment is found by bisection, not by a
    # walk over every segment (a long report has thousands, and every extracted span is mapped).
    segment_starts: list[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.segment_starts = [s.repaired_start for s in self.segments]

    def segments_over(self, start: int, end: int) -> list[tuple[Segment, int, int]]:
        """The segments that share characters with repaired ``[start, end)``, in order, each with
        the shared stretch."""
        index = max(bisect.bisect_right(self.segment_starts, start) - 1, 0)
        if self.segments:
            # Within one segment (most spans: every extracted record is mapped), no walk.
            segment = self.segments[index]
            if segment.repaired_start <= start < end <= segment.repaired_start + segment.length:
                return [(segment, start, end)]
        shared = []
        while index < len(self.segments) and self.segment_starts[index] < end:
            segment = self.segments[index]
            low, high = max(start, segment.repaired_start), min(end, segment.repaired_start + segment.length)
            if low < high:
                shared.append((segment, low, high))
            index += 1
        return shared

    def to_original(self, offset: int) -> int:
        """The original offset of repaired character ``offset`` (0 ≤ offset ≤ len(repaired_text)).

        A separator inserted between paragraphs maps to the end of the paragraph before it.
        """
        if not 0 <= offset <= len(self.repaired_text):
            raise IndexError(f"offset {offset} is outside the {len(self.repaired_text)}-char repaired text")
        if not self.segments:
            return 0
        seg = self.segments[max(bisect.bisect_right(self.segment_starts, offset) - 1, 0)]
        if offset < seg.repaired_start:  # before the first segment: a leading separator
            return seg.original_start
        return seg.original_start + min(offset - seg.repaired_start, seg.length)

    @property
    def units(self) -> list[Unit]:
        """The kept paragraphs in repaired order."""
        return [u for s in self.sections for u in s.paragraphs]

    def section_of(self, index: int) -> Section | None:
        """The section holding original paragraph ``index`` (None when it was removed)."""
        for section in self.sections:
            if any(index in u.indexes for u in section.paragraphs):
                return section
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "paragraphs": len(self.paragraphs),
            "sections": [s.to_dict() for s in self.sections],
            "changes": [c.to_dict() for c in self.changes],
            "problems": [p.to_dict() for p in self.problems],
            "repaired_text": self.repaired_text,
            "segments": [[s.repaired_start, s.original_start, s.length] for s in self.segments],
        }
