"""Review and plan parts of a report: a work report first reviews the past, then sets targets.

A heading is a short line without a full stop. A glossary (``名词解释``) at the end is notes. A top-level heading (``一、…``) or any heading
holding a review word (``2024年工作回顾``) or a plan word (``2025年重点工作``, ``今年经济社会
发展的总体要求``) starts a part; numbers in a review part are facts, not pledges. A plan heading's
own horizon (``2025年``, ``今年``, ``"十三五"时期``) is the default deadline of its part.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from taizhang.extract import rules
from taizhang.extract.horizons import Horizon, find_horizons

REVIEW, PLAN, NOTES, UNKNOWN = "review", "plan", "notes", "unknown"
HEADING_MAX_CHARS = 40
_HEADING = re.compile(r"(?P<top>[一二三四五六七八九十]+[、.．])?(?P<body>[^。]{2,%d})" % HEADING_MAX_CHARS)
_BLANK = " \t\u3000\u200b\r"


@dataclass(slots=True)
class Sections:
    starts: list[int] = field(default_factory=list)
    modes: list[str] = field(default_factory=list)
    horizons: list[Horizon | None] = field(default_factory=list)

    def at(self, pos: int) -> tuple[str, Horizon | None]:
        i = bisect_right(self.starts, pos) - 1
        return (self.modes[i], self.horizons[i]) if i >= 0 else (UNKNOWN, None)


def find_sections(text: str, year: int | None) -> Sections:
    markers = rules.load()["markers"]
    review_words = tuple(markers["review_headings"])
    plan_words = tuple(markers["plan_headings"])
    notes_words = tuple(markers["notes_headings"])
    sections = Sections()
    pos = 0
    for line in text.split("\n"):
        line_start, pos = pos, pos + len(line) + 1
        stripped = line.strip(_BLANK)
        if len(stripped) > HEADING_MAX_CHARS + 4 or not (m := _HEADING.fullmatch(stripped)):
            continue
        offset = line_start + line.index(stripped)
        body = m["body"]
        is_notes = any(w in body for w in notes_words)
        is_review = not is_notes and any(w in body for w in review_words)
        is_plan = not (is_notes or is_review) and any(w in body for w in plan_words)
        if not (is_notes or is_review or is_plan or m["top"]):
            continue
        mode = NOTES if is_notes else REVIEW if is_review else PLAN if is_plan else UNKNOWN
        horizon = None
        if mode == PLAN:
            found = find_horizons(body, year)
            if found:
                # "十三五"时期发展成就和"十四五"时期主要目标任务: the plan is the last period named.
                h = found[-1]
                at = offset + m.start("body")
                horizon = Horizon(at + h.start, at + h.end, h.words, h.deadline, h.relative)
            elif sections.modes and sections.modes[-1] == PLAN:
                # 认真抓好11方面重点工作： under 二、2025年目标任务: still the 2025 plan.
                horizon = sections.horizons[-1]
        sections.starts.append(offset)
        sections.modes.append(mode)
        sections.horizons.append(horizon)
    return sections
