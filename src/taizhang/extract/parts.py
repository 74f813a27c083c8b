"""The parts of a document: which paragraphs review the past, which plan a year, which plan a period.

    from taizhang.extract.parts import read_parts, REVIEW

    parts = read_parts(text, year=2026)
    for part in parts:                       # one Part per paragraph (a non-empty line), in order
        if part.label == REVIEW:
            print(part.first_year, part.last_year, text[part.start:part.end])
    parts.at(offset).label                   # the part of any offset

A work report first reviews the past (一、2025年工作回顾), then plans the year (二、2026年重点工作);
a five-year plan sets goals for its period; a news piece mixes both. Each paragraph gets a
:class:`Part`: its **label** (``review``, ``plan``, ``long_term``, ``notes`` for glossaries,
``other`` where neither headings nor words decide), the **years** it speaks of (a review: the years
it reports on, so a 2026 report's 过去一年 is 2025 and its 五年来 2021–2025; a plan: its year; a
long-term plan: its period, ``"十五五"时期`` 2026–2030), a **confidence** and a **reason** in words.

Headings decide first (一、2024年工作回顾; ``"十三五"时期发展成就和"十四五"时期主要目标任务`` is a
long-term plan: a heading names last what it turns to). A part whose heading names neither
(一、一年接着一年干，…) is read from its words: 了, 累计, 同比, 居全国 report; 要, 力争, 今年, 打造
plan (``rules/zh/parts.yaml``). A paragraph opening with 过去五年 / 一年来 reviews whatever part it
stands in. Pure and linear in the text: every paragraph is looked at a fixed number of times.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from taizhang.extract import rules
from taizhang.extract.horizons import YEAR, Horizon, find_horizons, parse_year

REVIEW, PLAN, LONG_TERM, NOTES, OTHER = "review", "plan", "long_term", "notes", "other"
LABELS = (REVIEW, PLAN, LONG_TERM, NOTES, OTHER)
HEADING_MAX_CHARS = 40
PERIOD_YEARS = 5  # a five-year plan's period: "十五五" ends 2030 and starts 2026
_NUMBERED = r"[一二三四五六七八九十]+[、.．]|第[一二三四五六七八九十百]+(?:[篇章节]|部分)|[（(][一二三四五六七八九十]+[）)]"
_HEADING = re.compile(rf"(?P<top>{_NUMBERED})?[ \u3000]*(?P<body>[^。]{{2,{HEADING_MAX_CHARS}}})")
_MARKUP = re.compile(r"^(?:#{1,6}[ \t]+|>[ \t]*)|^[*_]{2}|[*_]{2}$")
_BLANK = " \t\u3000\u200b\r"
_CLOSING = set("。！？!?:：；;”」』）)")
# A heading's confidence, and a part's read from its words.
HEADING_CONFIDENCE = 0.95
WORDS_CONFIDENCE = 0.75
UNCLEAR_CONFIDENCE = 0.5
OPENS = "opens with"


@dataclass(frozen=True, slots=True)
class Part:
    """One paragraph's part of the document.

    ``first_year``/``last_year``: the years a review reports on, a plan's year (both the same), a
    long-term plan's period; None when the document's year is unknown and nothing names them.
    ``horizon``: the heading words that gave a plan its year (a pledge's horizon when its own
    sentence names none). ``heading``: the heading of the part the paragraph stands in.
    """

    label: str
    start: int
    end: int
    first_year: int | None
    last_year: int | None
    confidence: float
    reason: str
    heading: str | None = None
    horizon: Horizon | None = None
    section_start: int = 0  # where the part under its heading starts (the heading's offset)

    @property
    def deadline(self) -> int | None:
        """The year a plan or long-term plan of this part is due, else None."""
        return self.last_year if self.label in (PLAN, LONG_TERM) else None


class Parts:
    """Every paragraph's :class:`Part`, in text order."""

    def __init__(self, paragraphs: list[Part], length: int) -> None:
        self.paragraphs = paragraphs
        self._starts = [p.start for p in paragraphs]
        self.length = length

    def __iter__(self) -> Iterator[Part]:
        return iter(self.paragraphs)

    def __len__(self) -> int:
        return len(self.paragraphs)

    def at(self, pos: int) -> Part:
        """The part of the paragraph holding ``pos`` (before the first paragraph: the first's)."""
        if not self.paragraphs:
            return Part(OTHER, 0, self.length, None, None, UNCLEAR_CONFIDENCE, "empty text")
        i = max(bisect_right(self._starts, pos) - 1, 0)
        return self.paragraphs[i]

    def of(self, label: str) -> list[Part]:
        """The paragraphs labelled ``label``, in order."""
        return [p for p in self.paragraphs if p.label == label]


@dataclass(frozen=True, slots=True)
class _Rules:
    review_words: tuple[str, ...]
    plan_words: tuple[str, ...]
    notes_words: tuple[str, ...]
    openers: dict[str, tuple[int, int]]
    opener: re.Pattern[str]
    signals: re.Pattern[str]  # every past and future word, longest first
    weights: dict[str, tuple[float, float]]  # word -> (past weight, future weight)
    review_share: float
    plan_share: float
    min_weight: float
    five_year_titles: tuple[str, ...]
    annual_titles: tuple[str, ...]
    since: re.Pattern[str]
    period_ends: dict[str, int]  # 十五五 → 2030


@cache
def _rules() -> _Rules:
    data: dict[str, Any] = rules.load()["parts"]
    period_ends = {str(name): int(end) for name, end in rules.load()["horizons"]["periods"].items()}
    periods = rules.alternation(period_ends)
    openers = {w: (int(a), int(b)) for w, (a, b) in data["review_openers"].items()}
    return _Rules(
        review_words=tuple(data["headings"]["review"]),
        plan_words=tuple(data["headings"]["plan"]),
        notes_words=tuple(data["headings"]["notes"]),
        openers=openers,
        opener=re.compile(rf"[ \u3000\u200b]*(?P<word>{rules.alternation(openers)})"),
        signals=re.compile(rules.alternation([*data["past"], *data["future"]])),
        weights={
            str(w): (float(data["past"].get(w, 0)), float(data["future"].get(w, 0)))
            for w in (*data["past"], *data["future"])
        },
        review_share=float(data["review_share"]),
        plan_share=float(data["plan_share"]),
        min_weight=float(data["min_weight"]),
        five_year_titles=tuple(data["five_year_titles"]),
        annual_titles=tuple(data["annual_titles"]),
        # "十四五"以来, 2021年以来: a review of the years since.
        since=re.compile(rf"[ \u3000\u200b]*(?:[“\"]?(?P<period>{periods})[”\"]?(?:时期)?|(?P<year>{YEAR})[ ]?年)以来"),
        period_ends=period_ends,
    )


@dataclass(slots=True)
class _Section:
    """A run of paragraphs under one heading (or before the first)."""

    start: int
    heading: str | None
    level: int  # 1: 一、/第一篇; 2: 第一章; 3: （一）/第一节; 4: a heading with no number
    label: str | None  # what its heading (or the heading above it) names; None: its words decide
    years: tuple[int | None, int | None]
    horizon: Horizon | None
    group: int  # sections judged together by their words: those under one unlabelled heading
    paragraphs: list[tuple[int, int]]


def read_parts(text: str, year: int | None, title: str | None = None) -> Parts:
    """Label every paragraph (non-empty line) of ``text``; ``year`` is the document's year."""
    r = _rules()
    default = _document_default(text, year, title, r)
    sections = _sections(text, year, default, r)
    weights: dict[int, list[float]] = {}
    for section in sections:
        if section.label is None and section.paragraphs:
            total = weights.setdefault(section.group, [0.0, 0.0])
            past, future = _weights(text, section.paragraphs[0][0], section.paragraphs[-1][1], r)
            total[0] += past
            total[1] += future
    out: list[Part] = []
    for section in sections:
        if section.label is not None:
            label, years = section.label, section.years
            confidence, reason = HEADING_CONFIDENCE, f"heading {section.heading!r}"
        else:
            label, years, confidence, reason = _by_words(*weights.get(section.group, (0.0, 0.0)), section, default, year, r)
        horizon = section.horizon if label in (PLAN, LONG_TERM) else None
        opened: Part | None = None  # a review opener (过去五年，…) speaks for the paragraphs after it
        for start, end in section.paragraphs:
            part = _paragraph(text, start, end, label, years, confidence, reason, section, horizon, year, r)
            if part.reason.startswith(OPENS):
                opened = part
            elif opened is not None and label == REVIEW:
                part = Part(REVIEW, start, end, opened.first_year, opened.last_year, confidence,
                            f"{reason}, after {opened.reason}", part.heading, None, section.start)  # fmt: skip
            out.append(part)
    return Parts(out, len(text))


def _document_default(text: str, year: int | None, title: str | None, r: _Rules) -> tuple[str, tuple[int | None, int | None], str] | None:
    """What a part with no heading of its own is, where the document says: a five-year plan's
    parts plan its period; a year's work report's parts that set out work plan its year."""
    head = (title or "") + text[:200]
    if any(w in head for w in r.five_year_titles):
        found = [h for h in find_horizons(head, year) if h.deadline is not None]
        period = _period(found[0], year) if found else None
        if period is None:
            m = re.search(r"第([一二三四五六七八九十]+)个五年", head)
            end = r.period_ends.get(m.group(1) + "五") if m else None  # 第十五个五年 → "十五五" → 2030
            period = (end - PERIOD_YEARS + 1, end) if end else None
        if period is not None:
            return LONG_TERM, period, "a five-year plan"
    if year is not None and any(w in head for w in r.annual_titles):
        return PLAN, (year, year), "a year's work report"
    return None


def _period(h: Horizon, year: int | None) -> tuple[int | None, int | None]:
    """The years a long-term plan's horizon covers: "十五五"时期 2026–2030; 今后五年 from the
    document's year; 到2035年 from the document's year."""
    assert h.deadline is not None
    if _is_period(h):
        return h.deadline - PERIOD_YEARS + 1, h.deadline
    return (year if year is not None and year <= h.deadline else h.deadline), h.deadline


def _is_period(h: Horizon) -> bool:
    """A five-year plan's period ("十四五"时期), not a year or a span from the document's year."""
    return h.words.lstrip("“\"").startswith("十") and not h.relative

def _by_words(
    past: float, future: float, section: _Section, default: tuple | None, year: int | None, r: _Rules
) -> tuple[str, tuple[int | None, int | None], float, str]:
    """A part no heading names, read from its words (and what the document is)."""
    why = f"words: past {past:g}, future {future:g}"
    if section.heading is not None:
        why = f"heading {section.heading!r} names no part; {why}"
    verdict = _verdict(past, future, r)
    if verdict == REVIEW:
        # Without a heading's year, a review part of a year's report looks back on the year before.
        last = year - 1 if year is not None else None
        return REVIEW, (last, last), WORDS_CONFIDENCE, why
    if default is not None and (verdict == PLAN or default[0] == LONG_TERM):
        # A five-year plan's title decides its parts; a year's report's part decides by its words.
        return default[0], default[1], WORDS_CONFIDENCE, f"{why}; {default[2]}"
    return OTHER, (None, None), UNCLEAR_CONFIDENCE, why


def _verdict(past: float, future: float, r: _Rules) -> str | None:
    total = past + future
    if past >= r.min_weight and past >= r.review_share * total:
        return REVIEW
    if future >= r.min_weight and future >= r.plan_share * total:
        return PLAN
    return None


def _weights(text: str, start: int, end: int, r: _Rules) -> tuple[float, float]:
    """Past and future weight of ``text[start:end]``: one regex pass, once per section (no word
    spans a line, so a section's text counts as its paragraphs do)."""
    past = future = 0.0
    for word, n in Counter(r.signals.findall(text, start, end)).items():
        p, f = r.weights[word]
        past, future = past + n * p, future + n * f
    return past, future


def _paragraph(
    text: str, start: int, end: int, label: str, years: tuple[int | None, int | None], confidence: float,
    reason: str, section: _Section, horizon: Horizon | None, year: int | None, r: _Rules,
) -> Part:  # fmt: skip
    """A paragraph's part: its section's, unless it opens by reviewing (过去五年，…)."""
    heading = section.heading
    if label != NOTES and (m := r.opener.match(text, start, end)):
        back_first, back_last = r.openers[m["word"]]
        span = (None, None) if year is None else (year - back_first, year - back_last)
        return Part(REVIEW, start, end, *span, HEADING_CONFIDENCE, f"{OPENS} {m['word']!r}", heading, None, section.start)
    if label != NOTES and (m := r.since.match(text, start, end)):
        first = r.period_ends[m["period"]] - PERIOD_YEARS + 1 if m["period"] else parse_year(m["year"])
        last = year - 1 if year is not None else None
        return Part(REVIEW, start, end, first, last, HEADING_CONFIDENCE, f"{OPENS} {m.group().strip()!r}", heading, None, section.start)
    return Part(label, start, end, years[0], years[1], confidence, reason, heading, horizon, section.start)


def _sections(text: str, year: int | None, default: tuple | None, r: _Rules) -> list[_Section]:
    """Runs of paragraphs, each under the heading before it (the first run has none).

    A heading ends every part of its level or below (第二节 ends 第一节, 二、 ends all); one that
    names no part takes the label of the heading above it, if any.
    """
    sections = [_Section(0, None, 0, None, (None, None), None, 0, [])]
    stack: list[_Section] = []  # the headings enclosing the current line, outermost first
    pos = 0
    after_break = True  # the previous line closed a sentence, or was blank
    for line in text.split("\n"):
        line_start, pos = pos, pos + len(line) + 1
        stripped = line.strip(_BLANK)
        if not stripped:
            after_break = True
            continue
        start = line_start + line.index(stripped)
        follows_break, after_break = after_break, stripped[-1] in _CLOSING
        heading = _heading(stripped, follows_break) if len(stripped) <= HEADING_MAX_CHARS + 12 else None
        label = None
        if heading is not None:
            level, body = heading
            label, years, horizon = _heading_label(body, start + stripped.index(body), year, default, r)
        if heading is None or (label is None and level == UNNUMBERED):
            sections[-1].paragraphs.append((start, start + len(stripped)))
            continue
        after_break = True  # a heading closes like a sentence
        while stack and stack[-1].level >= level:
            stack.pop()
        above = next((s for s in reversed(stack) if s.label is not None), None)
        if label is None and above is not None:
            label, years, horizon = above.label, above.years, above.horizon
        elif above is not None and label == above.label and horizon is None:
            years, horizon = above.years, above.horizon  # 认真抓好11方面重点工作： under 二、2025年目标任务
        group = stack[0].group if stack and label is None and stack[0].label is None else len(sections)
        section = _Section(start, stripped, level, label, years, horizon, group, [(start, start + len(stripped))])
        sections.append(section)
        stack.append(section)
    return sections


UNNUMBERED = 4
_LEVELS = (("第", "篇", 1), ("第", "部分", 1), ("第", "章", 2), ("第", "节", 3), ("（", "）", 3), ("(", ")", 3))


def _heading(stripped: str, follows_break: bool) -> tuple[int, str] | None:
    """(level, body) when the line is a heading, else None."""
    bare = _MARKUP.sub("", stripped).strip(_BLANK + "*_")
    if len(bare) > HEADING_MAX_CHARS + 6 or not (m := _HEADING.fullmatch(bare)):
        return None
    level = _level(m["top"]) if m["top"] else UNNUMBERED
    # Unless numbered (一、…), a line cut out of a sentence by the scraper (根据《\n中共中央
    # 关于…的建议\n》) follows an unclosed line, and a short sentence cut at a comma (经济增速是
    # 综合性指标，今年预期目标设定) is no heading unless it ends in a colon (一年来，…以下工作：).
    if level == UNNUMBERED and (not follows_break or ("，" in bare and bare[-1] not in ":：")):
        return None
    return level, m["body"]


def _level(number: str) -> int:
    for opening, closing, level in _LEVELS:
        if number.startswith(opening) and number.rstrip(" \u3000").endswith(closing):
            return level
    return 1


def _heading_label(
    body: str, at: int, year: int | None, default: tuple | None, r: _Rules
) -> tuple[str | None, tuple[int | None, int | None], Horizon | None]:
    """What a heading names: a part label, the years it speaks of, and a plan's horizon words."""
    if any(w in body for w in r.notes_words):
        return NOTES, (None, None), None
    if (m := r.opener.match(body)) and year is not None:
        back_first, back_last = r.openers[m["word"]]  # 五年来的主要工作及特点：
        return REVIEW, (year - back_first, year - back_last), None
    last_review = max((body.rfind(w) + len(w) for w in r.review_words if w in body), default=-1)
    last_plan = max((body.rfind(w) + len(w) for w in r.plan_words if w in body), default=-1)
    if last_review < 0 and last_plan < 0:
        return None, (None, None), None
    found = [h for h in find_horizons(body, year) if h.deadline is not None]
    if last_review > last_plan:
        # 2024年工作回顾 → 2024; "十二五"时期和2015年工作回顾 → 2011–2015: the span of all it names.
        spans = [_period(h, None) if _is_period(h) else (h.deadline, h.deadline) for h in found]
        if spans:
            return REVIEW, (min(a for a, _ in spans), max(b for _, b in spans)), None
        if (m := r.opener.search(body)) and year is not None:
            back_first, back_last = r.openers[m["word"]]
            return REVIEW, (year - back_first, year - back_last), None
        return REVIEW, ((year - 1, year - 1) if year is not None else (None, None)), None
    # A plan heading: the last period or year it names ("十三五"时期发展成就和"十四五"时期主要目标
    # 任务 → 十四五); a year past the document's is a long-term plan.
    ahead = [h for h in found if h.start < last_plan]
    if not ahead:
        # 第三章 主要目标 of a five-year plan plans its period; 二、对今年政府工作的建议 its year (a
        # congress report's 使命任务 names none).
        if default is not None:
            return default[0], default[1], None
        return PLAN, ((year, year) if year is not None and "今年" in body else (None, None)), None
    h = ahead[-1]
    horizon = Horizon(at + h.start, at + h.end, h.words, h.deadline, h.relative)
    period = _period(h, year)
    if year is not None and h.deadline is not None and h.deadline > year:
        return LONG_TERM, period, horizon
    return PLAN, (h.deadline, h.deadline), horizon
