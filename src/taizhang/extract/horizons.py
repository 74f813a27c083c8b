"""Horizons: the words that give a pledge its deadline, and the year a document speaks from.

``到2026年`` → 2026; ``年内``/``今年`` → the document's year; ``明年`` → year + 1; ``未来5年`` /
``今后三年`` / ``三年内`` → year + N (five years from a plan period's first year: its last); ``"十四五"`` → 2025; ``到本世纪中叶`` → 2050. A year right
after 比/较 (``比2020年增长``) is a base of comparison and gives no deadline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from taizhang.extract import rules
from taizhang.extract.numbers import parse_arabic, parse_chinese

_CN_YEAR_DIGITS = str.maketrans("〇零○一二三四五六七八九", "000123456789")
# A four-digit year: 2026, spaced 2 0 2 6 (old scrapes), full-width, or 二〇二六 (also written
# 二0二0 with a Latin zero), not inside a longer run of digits. Written to start with one
# character class (then a lookbehind for a digit before it, and one per branch for which class
# the first character was) so that the regex engine scans for that class in C: a leading
# lookbehind made it try the whole pattern at every position, 9x slower over a report.
YEAR = (
    r"[12０-９一二](?<![0-9０-９][12０-９一二])"
    r"(?:(?<=[12０-９])[0-9０-９]{3}|(?<=[12])(?: [0-9]){3}|(?<=[一二])[〇零○0九][〇零○0一二三四五六七八九]{2})"
    r"(?![0-9０-９])"
)


@dataclass(frozen=True, slots=True)
class Horizon:
    start: int
    end: int
    words: str
    deadline: int | None  # None when it needs the document's year and none is known
    relative: bool  # counted from the document's year


# The years a document may speak from or a pledge fall due in: a date outside them is a typo or junk.
YEARS = (1900, 2200)


def plausible_year(year: int) -> bool:
    return YEARS[0] <= year <= YEARS[1]


def parse_year(span: str) -> int | None:
    """``2026`` / ``2 0 2 6`` / ``二〇二六`` → 2026; None for anything else."""
    span = span.replace(" ", "").translate(_CN_YEAR_DIGITS)
    value = parse_arabic(span)
    if value is None or not plausible_year(int(value)):
        return None
    return int(value)


def _small(span: str) -> int | None:
    value = parse_arabic(span) if span[:1].isdigit() else parse_chinese(span)
    return int(value) if value is not None and 0 < value < 100 else None


# What follows N年 after 用 for a span of time (用三年时间, 用3年左右时间, 用五年的时间).
_TIME = ("时间", "左右时间", "左右的时间", "的时间")
_YEAR_SUFFIXES = ("底前", "年底", "底", "末", "前", "以前", "之前", "内", "度")
_NUM_CHARS = "0-9０-９〇零○一二两三四五六七八九十"


@cache
def patterns() -> tuple[re.Pattern[str], rules.WordLed]:
    """Two regexes, each starting with one character class or literal so that the regex engine
    can scan for it in C: a number before 年 (2026年, 1 9 9 8 年, 二〇三五年, 5年, 三年内) and the
    fixed words (今年, 年内, 十四五, 本世纪中叶). What stands before a match (到, 未来, 比) is
    looked at in :func:`find_horizons`."""
    data = rules.load()["horizons"]
    alt = rules.alternation
    suffixes = alt(_YEAR_SUFFIXES + tuple(data["span_after"]))
    return (
        re.compile(rf"(?P<num>[{_NUM_CHARS}](?:[ ]?[{_NUM_CHARS}]){{0,3}})[ ]?年(?P<suffix>{suffixes})?"),
        rules.WordLed.of(
            rf"(?P<relative>{alt(data['relative'])})"
            rf"|(?P<period>{alt(data['periods'])})[”\"]?(?:时期|期间|末|规划期|规划)?"
            rf"|(?P<fixed>{alt(data['fixed'])})",
            [*data["relative"], *data["periods"], *data["fixed"]],
        ),
    )


@dataclass(frozen=True, slots=True)
class _Context:
    """What is looked at around a match: words before it (base, to, span, reference) and after it
    (base, span, reference); built once, with the rules and regexes find_horizons uses, as it runs
    once per sentence."""

    data: dict[str, Any]  # horizons.yaml
    numbers: re.Pattern[str]
    words: rules.WordLed
    base_before: re.Pattern[str]
    to_words: re.Pattern[str]
    span_before: re.Pattern[str]
    base_after: tuple[str, ...]
    span_after: tuple[str, ...]
    reference_before: re.Pattern[str]
    reference_after: tuple[str, ...]


@cache
def _context() -> _Context:
    data = rules.load()["horizons"]
    alt = rules.alternation
    return _Context(
        data,
        *patterns(),
        re.compile(rf"(?:{alt(data['base_markers'])})[ ]?$"),
        re.compile(rf"(?:{alt(data['to_words'])})[ ]?$"),
        re.compile(rf"(?:{alt(data['span_before'])})$"),
        tuple(data["base_after"]),
        tuple(data["span_after"]),
        re.compile(rf"(?:{alt(data['reference_before'])})[ ]?$"),
        tuple(data["reference_after"]),
    )


def _span_end(year: int | None, n: int) -> int | None:
    """The year a span of ``n`` years from the document's year ends: year + n (未来5年, as the spec
    and the seed's gold read it), except five years from the first year of a five-year plan, which
    are that plan's period: a 2026 report's 今后五年 ends in 2030, with its "十五五"时期."""
    if year is None:
        return None
    if n == PERIOD_YEARS and year + PERIOD_YEARS - 1 in _period_ends():
        return year + PERIOD_YEARS - 1
    return year + n


PERIOD_YEARS = 5


@cache
def _period_ends() -> frozenset[int]:
    return frozenset(int(end) for end in rules.load()["horizons"]["periods"].values())


def find_horizons(text: str, year: int | None, lo: int = 0, hi: int | None = None) -> list[Horizon]:
    """Every horizon phrase in ``text[lo:hi]``, in order; base years (比2020年) are left out."""
    c = _context()
    data, numbers, to_words, span_after = c.data, c.numbers, c.to_words, c.span_after
    hi = len(text) if hi is None else hi
    # Every number match holds 年: a stretch without one (most of a review's sentences of figures) is
    # not searched digit by digit, and its word matches need no sorting.
    matches: Iterable[re.Match[str]] = c.words.finditer(text, lo, hi)
    if text.find("年", lo, hi) >= 0:
        matches = sorted([*numbers.finditer(text, lo, hi), *matches], key=re.Match.start)
    found: list[Horizon] = []
    covered = lo
    for m in matches:
        start, end = m.start(), m.end()
        if start < covered:
            continue  # the 年内 of 三年内
        before = text[max(lo, start - 4) : start]
        horizon = None
        if m.re is numbers:
            if before[-1:].isdigit():
                continue
            digits = m["num"].replace(" ", "")
            suffix = m["suffix"] or ""
            if len(digits) == 4:
                deadline = parse_year(digits)
                if deadline is None or c.base_before.search(before) or text.startswith(c.base_after, end):
                    continue
                if c.reference_before.search(before) or text.startswith(c.reference_after, end):
                    continue  # 展望2035年, 2035年远景目标: a year looked towards, not a deadline
                if suffix and suffix not in _YEAR_SUFFIXES:
                    end -= len(suffix)
                if to := to_words.search(before):
                    start -= len(to.group())
                horizon = Horizon(start, end, text[start:end].strip(), deadline, False)
            elif (n := _small(digits)) is not None:
                if lead := c.span_before.search(before):
                    if lead.group().endswith("用") and not text.startswith(_TIME, m.end("num") + 1):
                        continue  # 再生水利用三年行动: 用 of 利用, a programme's length; 用三年时间 is a span
                    start -= len(lead.group())
                    if suffix not in span_after:
                        end -= len(suffix)
                elif suffix not in span_after or not suffix:
                    continue  # 三年攻坚行动, 五年来: a length, not a horizon
                horizon = Horizon(start, end, text[start:end], _span_end(year, n), True)
        elif m["relative"]:
            offset = data["relative"][m["relative"]]
            horizon = Horizon(start, end, m.group(), None if year is None else year + offset, True)
        elif m["period"]:
            if before and before[-1] in "“\"":
                start -= 1
            horizon = Horizon(start, end, text[start:end], int(data["periods"][m["period"]]), False)
        else:
            if to := to_words.search(before):
                start -= len(to.group())
            horizon = Horizon(start, end, text[start:end], int(data["fixed"][m["fixed"]]), False)
        if horizon is None:
            continue  # 0年, 100年: neither a year nor a span of years
        found.append(horizon)
        covered = m.end()
    return found


_DAY = r"(?:[0-9０-９](?: ?[0-9０-９])?|[一二三四五六七八九十]{1,3})"
# The date a report was delivered: a full date, on a line of its own or before 在…会议上.
_DATE_LINE = re.compile(rf"(?P<year>{YEAR})[ ]?年[ ]?{_DAY}[ ]?月[ ]?{_DAY}[ ]?日")
_TITLE_YEAR = re.compile(rf"(?P<year>{YEAR})[ ]?年")
_ISO = re.compile(r"^\s*(?P<year>\d{4})(?:$|[-/.])")
# Headings that name the report's year: 2018年工作回顾 (the year before), 关于1 9 9 8 年政府工作的
# 建议 / 2016年重点工作 / 2016年工作安排 (the year itself).
_REVIEW_YEAR = re.compile(rf"(?P<year>{YEAR})[ ]?年(?:工作)?回顾")
_PLAN_YEAR = re.compile(rf"(?P<year>{YEAR})[ ]?年(?:政府工作的建议|重点工作|工作安排|工作任务)")
_YEAR_IS = re.compile(rf"(?P<year>{YEAR})[ ]?年[，,]?是")
# How far into a text to look for its date line: it is in the first lines or nowhere.
HEAD_CHARS = 600


def document_year(text: str, title: str | None = None, date: str | None = None) -> int | None:
    """The year a document speaks from, or None.

    In order: an ISO ``date`` (2024-03-05); a date line near the top of ``text``
    (``——2024年3月5日在第十四届全国人民代表大会第二次会议上``, ``2022年6月1日…``); a year in
    ``title`` (``2026年山东省政府工作报告``); a heading ``2018年工作回顾`` (year + 1) or
    ``2016年重点工作``; a plan part's paragraph opening ``2013年是…开局之年``; looking forward to
    a party congress (``迎接党的二十大胜利召开`` → 2022), or a congress report's first lines naming
    its congress (``中国共产党第十八次全国代表大会`` → 2012).
    """
    if date and (m := _ISO.match(date)) and plausible_year(int(m["year"])):
        return int(m["year"])
    head = text[:HEAD_CHARS]
    if m := _DATE_LINE.search(head):
        return parse_year(m["year"])
    if title and (m := _TITLE_YEAR.search(title)):
        return parse_year(m["year"])
    if m := _REVIEW_YEAR.search(text):
        year = parse_year(m["year"])
        return None if year is None else year + 1
    if m := _PLAN_YEAR.search(text):
        return parse_year(m["year"])
    if (year := _plan_opening_year(text)) is not None:
        return year
    ahead, held = _congress_patterns()
    if m := ahead.search(text) or held.search(head):
        return int(rules.load()["horizons"]["congress_years"][m["congress"]])
    return None


def _plan_opening_year(text: str) -> int | None:
    """A paragraph of a plan part opening ``2013年是…的开局之年`` names the year planned for (a
    review's ``2015年是…`` names the year reviewed, so review parts are left out)."""
    # Imported here: parts builds on this module.
    from taizhang.extract.parts import PLAN, read_parts

    parts = None
    for m in _YEAR_IS.finditer(text):
        if text[text.rfind("\n", 0, m.start()) + 1 : m.start()].strip(" \t\u3000"):
            continue  # not where a paragraph opens
        parts = parts or read_parts(text, None)
        if parts.at(m.start()).label == PLAN:
            return parse_year(m["year"])
    return None


@cache
def _congress_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A text looking forward to a congress (迎接党的二十大胜利召开), and a congress's own report
    naming it in its first lines (中国共产党第十八次全国代表大会，是在…召开的): both of that
    congress's year."""
    congresses = rules.alternation(rules.load()["horizons"]["congress_years"])
    return (
        re.compile(rf"迎接(?:党的)?(?:第)?(?P<congress>{congresses})(?:次全国代表)?大会?的?(?:胜利)?召开"),
        re.compile(rf"(?:中国共产党|党的)第(?P<congress>{congresses})次全国代表大会"),
    )
