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
_HEADING = re.compile(rf"(?P<top>[一二三四五六七八九十]+[、.．])?(?P<body>[^。]{{2,{HEADING_MAX_CHARS}}})")
_BLANK = " \t\u3000\u200b\r"
_CLOSING = set("。！？!?:：；;”」』）)")


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
    after_break = True  # the previous line closed a sentence, or was blank
    for line in text.split("\n"):
        line_start, pos = pos, pos + len(line) + 1
        stripped = line.strip(_BLANK)
        follows_break, after_break = after_break, not stripped or stripped[-1] in _CLOSING
        if len(stripped) > HEADING_MAX_CHARS + 4 or not (m := _HEADING.fullmatch(stripped)):
            continue
        # Unless numbered (一、…), a line cut out of a sentence by the scraper (根据《\n中共中央
        # 关于…的建议\n》) follows an unclosed line, and a short sentence cut at a comma (经济增速是
        # 综合性指标，今年预期目标设定) is no heading unless it ends in a colon (一年来，…以下工作：).
        if not m["top"] and (not follows_break or ("，" in stripped and stripped[-1] not in ":：")):
            continue
        offset = line_start + line.index(stripped)
        body = m["body"]
        is_notes = any(w in body for w in notes_words)
        is_review = not is_notes and any(w in body for w in review_words)
        is_plan = not (is_notes or is_review) and any(w in body for w in plan_words)
        if not (is_notes or is_review or is_plan or m["top"]):
            continue
        mode = NOTES if is_notes else REVIEW if is_review else PLAN if is_plan else UNKNOWN
        after_break = True  # a heading closes like a sentence
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
