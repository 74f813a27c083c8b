"""Review and plan parts of a report: a work report first reviews the past, then sets targets.

A heading is a short line without a full stop. A top-level heading (``一、…``) or any heading
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

REVIEW, PLAN, UNKNOWN = "review", "plan", "unknown"
HEADING_MAX_CHARS = 40
_HEADING = re.compile(
    r"^[ \t\u3000\u200b]*(?P<top>[一二三四五六七八九十]+[、.．])?(?P<body>[^。\n]{2,%d}?)[ \t\u3000\u200b]*$"
    % HEADING_MAX_CHARS,
    re.M,
)


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
    sections = Sections()
    for m in _HEADING.finditer(text):
        body = m["body"]
        is_review = any(w in body for w in review_words)
        is_plan = not is_review and any(w in body for w in plan_words)
        if not (is_review or is_plan or m["top"]):
            continue
        mode = REVIEW if is_review else PLAN if is_plan else UNKNOWN
        horizon = None
        if mode == PLAN:
            found = find_horizons(body, year)
            if found:
                # "十三五"时期发展成就和"十四五"时期主要目标任务: the plan is the last period named.
                h = found[-1]
                horizon = Horizon(m.start("body") + h.start, m.start("body") + h.end, h.words, h.deadline, h.relative)
        sections.starts.append(m.start())
        sections.modes.append(mode)
        sections.horizons.append(horizon)
    return sections
