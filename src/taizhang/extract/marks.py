"""Punctuation and the spans it bounds: sentences, clauses and list items around a quantity.

Every search here is bounded: a clause is looked for at most :data:`CLAUSE_MAX` characters from
its quantity, so however long a run without punctuation is (a scraped page with no full stop, or
3,200 quantities joined by 及), judging one quantity costs the same and extraction stays linear.
"""

from __future__ import annotations

import re

from taizhang.extract import rules

SENTENCE_END = re.compile(r"[。！？!?\n]")
CLAUSE_MARKS = "，,；;：:"
ITEM_MARKS = CLAUSE_MARKS + "、"
BLANKS = " \t\u3000\u200b\r"
# Characters a metric or quote is trimmed of at either end.
TRIM = " \t\u3000\u200b“”‘’\"'（）()《》「」【】—-·"
# The furthest a clause reaches from its quantity, either way: real clauses are far shorter.
CLAUSE_MAX = 160


def _marks(marks: str | tuple[str, ...], last: bool) -> re.Pattern[str]:
    """A regex for the first of ``marks`` (characters, or words), or with ``last`` for the end of
    the last one: greedy ``.*`` backtracks from the end in C, one call instead of one ``rfind`` per
    mark. (Marks never end inside one another, so the rightmost one also ends last.)"""
    words = rules.alternation(marks)
    return re.compile(rf"(?s).*(?:{words})" if last else words)


# The regexes of each set of marks, built the first time it is asked for: looked up in a dict by
# the marks alone (a cached function of two arguments hashes a new tuple on every call, and these
# run several times per quantity).
_LAST: dict[str | tuple[str, ...], re.Pattern[str]] = {}
_NEXT: dict[str | tuple[str, ...], re.Pattern[str]] = {}


def last_mark(text: str, lo: int, hi: int, marks: str | tuple[str, ...]) -> int:
    """Index just after the last of ``marks`` (characters, or words) in ``text[lo:hi]``, or ``lo``."""
    pattern = _LAST.get(marks)
    if pattern is None:
        pattern = _LAST[marks] = _marks(marks, True)
    m = pattern.match(text, lo, hi)
    return m.end() if m else lo


def next_mark(text: str, lo: int, hi: int, marks: str | tuple[str, ...]) -> int:
    """Index of the first of ``marks`` wholly inside ``text[lo:hi]``, or ``hi``."""
    pattern = _NEXT.get(marks)
    if pattern is None:
        pattern = _NEXT[marks] = _marks(marks, False)
    m = pattern.search(text, lo, hi)
    return m.start() if m else hi


def clause_start(text: str, sentence_start: int, pos: int, marks: str | tuple[str, ...] = CLAUSE_MARKS) -> int:
    """Where the clause (or item, with other ``marks``) holding ``pos`` starts: after the last mark
    before it in its sentence, looking back at most :data:`CLAUSE_MAX` characters."""
    lo = max(sentence_start, pos - CLAUSE_MAX)
    return last_mark(text, lo, pos, marks)


def clause_end(text: str, pos: int, sentence_end: int, marks: str | tuple[str, ...] = CLAUSE_MARKS) -> int:
    """Where the clause holding ``pos`` ends: at the next mark in its sentence, looking on at most
    :data:`CLAUSE_MAX` characters."""
    hi = min(sentence_end, pos + CLAUSE_MAX)
    return next_mark(text, pos, hi, marks)
