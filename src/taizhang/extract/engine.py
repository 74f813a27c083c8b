"""The extraction engine: quantities found in the parts worth reading, each judged from its clause.

The stages, each a module with its own rules file:

1. :mod:`~taizhang.extract.parts` labels every paragraph review / plan / long-term plan / notes /
   other; :func:`scan_spans` leaves out notes and, of a review, all but the sentences that look
   ahead (its numbers are results, not pledges); with outcomes, :func:`.outcomes.scope` adds the
   parts that state results.
2. :mod:`~taizhang.extract.quantities` finds every number with its unit in what is left, in one
   pass; :func:`.reading.locate` places each (paragraph, sentence, part) once, and its part and
   its sentence's tense say what it may be: a pledge (:func:`may_pledge`), an outcome
   (:func:`.outcomes.may_report`) or neither, before anything costly is done.
3. :func:`.reading.read` reads it (value, unit, bounds, kind and sign, metric, owner), turning
   down names, codes and qualifiers; :func:`judge` (here) decides from its clause whether it is a
   pledge and gives it its deadline, hedge and confidence (:func:`.outcomes.judge` its period and
   basis).
4. :mod:`~taizhang.extract.lists` spreads 分别 lists; :mod:`~taizhang.extract.merge` makes a
   pledge said twice one record.

The two readings rarely meet: of the 755 quantities of ../shared/corpus that lie both where pledges
and where results are looked for, the sentences' tense sends all but 3 to one of them; reading
outcomes costs what it does because reviews hold more numbers than plans.

Speed comes from never walking the text character by character in Python: compiled regexes find
the quantities, sentence ends are found once per text, and each quantity is judged by bisecting
those lists and looking at a bounded window of characters around it (see :mod:`.marks`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from taizhang.document import Outcome, Pledge
from taizhang.extract import lists, merge, quantities, reading
from taizhang.extract import outcomes as results
from taizhang.extract.candidate import Candidate
from taizhang.extract.context import FORWARD, INFERRED, Context
from taizhang.extract.horizons import YEARS, Horizon, document_year, find_horizons, plausible_year
from taizhang.extract.marks import clause_end, last_mark
from taizhang.extract.parts import LONG_TERM, NOTES, OTHER, PLAN, REVIEW, Part

# Off a record outside any plan part whose sentence has no word of time to come (a plan's verb or
# its paragraph's words said it is to be done).
INFERRED_DOUBT = 0.1
RELATIVE_WARNING = "no document year: relative horizons (今年, 年内, 明年, 未来N年) got no deadline"
IMPLAUSIBLE_YEAR = "the document's year {year} is not a plausible year ({low}–{high}): it was not used"


@dataclass(slots=True)
class Extraction:
    """What :func:`extract` found in one text."""

    pledges: list[Pledge]
    year: int | None
    warnings: list[str] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)  # what the text says was reached


def may_pledge(ctx: Context, spot: reading.Spot) -> bool:
    """Whether a quantity so placed may be a pledge: its sentence does not state the past."""
    return not ctx.states_past(spot.sentence, spot.part.label)


def judge(ctx: Context, m: re.Match[str], spot: reading.Spot, previous_end: int = 0) -> Candidate | None:
    """A pledge from one quantity match that :func:`may_pledge`, or None when it is not one: a
    quantity (``reading``) in a clause that does not recall a fact, looking to a deadline not past.
    ``previous_end``: where the quantity found before it ends."""
    r = reading.read(ctx, m, spot, previous_end)
    if r is None:
        return None
    mode, part, sentence = r.part.label, r.part, r.sentence
    if mode in (PLAN, LONG_TERM) and ctx.clause_states_past(r.clause_start, r.clause_end):
        return None  # a plan's sentence may recall a fact: 优化已建成超1.6万个…，升级拓展2250家…
    horizon = _deadline(ctx, part, sentence, r.start, r.paragraph, r.continued)
    due = horizon.deadline if horizon is not None else None
    if horizon is not None and not horizon.relative and horizon.words and ctx.year and due and due < ctx.year:
        return None  # 其中2024年首次突破1.4万亿斤 in the 2025 plan: a past year's fact
    tense = FORWARD
    if mode == OTHER and not (ctx.year and due and due > ctx.year):
        tense = ctx.looks_forward((r.clause_start, r.clause_end), sentence, r.paragraph, r.start)
        if tense is None:
            return None  # 目前已有9家“晋创谷”挂牌运营, 每年接待游客近500万人次: what is, not what is to be
        if ctx.parts.news and tense == INFERRED and _ends_a_change(ctx.text, r.clause_start, r.start):
            return None  # news: 项目签约到开工由238天压缩至58天, a change told with no time to come was made
    hedge = ctx.hedge(r.clause_start, r.start)
    binding = ctx.binding((r.clause_start, clause_end(ctx.text, r.tail, sentence[1])), sentence)
    q = r.quantity
    confidence = q.confidence - (0.15 if horizon is None and hedge is None and not r.bound_before else 0.0)
    confidence -= max(0.0, reading.PART_SURE - part.confidence) / 2  # a part read from its words, or unclear
    confidence -= INFERRED_DOUBT if tense == INFERRED else 0.0
    return Candidate(
        start=r.start, end=r.tail, sentence=sentence, clause_start=r.clause_start, item_start=r.item_start,
        quote=r.quote, metric=r.metric, kind=r.kind, comparator=q.comparator, value=q.value,
        value_high=q.value_high, unit=q.unit, norm_value=q.norm_value, norm_unit=q.norm_unit,
        horizon=horizon, hedge=hedge, actor=r.actor, official=r.official, confidence=confidence,
        doubling=q.category == "ratio", binding=binding, paragraph=r.paragraph,
    )  # fmt: skip


def _ends_a_change(text: str, clause_start: int, start: int) -> bool:
    """Whether the number at ``start`` ends a change its clause tells from another (由238天压缩至58天)."""
    q_rules = quantities.patterns()
    origin = last_mark(text, clause_start, start, q_rules.from_words)
    return origin > clause_start and last_mark(text, origin, start, q_rules.to_words) > origin


def _deadline(
    ctx: Context, part: Part, sentence: tuple[int, int], start: int, paragraph: int, continued: tuple[int, int] | None
) -> Horizon | None:
    """The last horizon of the sentence before the number, else the one of the fragment this
    paragraph continues, else its plan part's, else a goal year set earlier in its part."""
    horizon = ctx.horizon(sentence, start)
    if horizon is None and continued:
        found = find_horizons(ctx.text, ctx.year, last_mark(ctx.text, continued[0], continued[1], "。！？"), continued[1])
        horizon = found[-1] if found else None
    if horizon is None and part.label in (PLAN, LONG_TERM):
        horizon = _part_horizon(part)
    if horizon is None:  # a part of no known year (a congress report's 目标): a goal year set before
        horizon = ctx.goal_before(sentence[0], paragraph)
    if horizon is not None and horizon.deadline is None:
        ctx.used_relative_without_year = True
    return horizon


def _part_horizon(part: Part) -> Horizon | None:
    """A plan part's own deadline for a pledge whose sentence names none: its heading's words
    (2025年重点工作), or with no words the year its part plans for (a year's work, a period)."""
    if part.horizon is not None:
        return part.horizon
    if part.deadline is None:
        return None
    return Horizon(part.start, part.start, "", part.deadline, False)


def scan_spans(ctx: Context) -> list[tuple[int, int]]:
    """The parts of the text worth scanning: all but glossaries and review parts, and of a review
    part only the sentences that look ahead (明年, 下一步, 到2035年, 未来五年): the rest of a
    review holds facts, so its numbers need not even be found."""
    text = ctx.text
    spans: list[tuple[int, int]] = []
    lo = 0  # start of the run of scanned paragraphs not yet added
    for part in ctx.parts:
        if part.label not in (REVIEW, NOTES):
            continue
        spans.append((lo, part.start))
        lo = part.end
        if part.label == REVIEW:
            # dict.fromkeys: a sentence with two such words is scanned once.
            spans.extend(dict.fromkeys(ctx.sentence(m.start()) for m in ctx.p.looks_ahead.finditer(text, part.start, part.end)))
    spans.append((lo, len(text)))
    # One span for sentences or parts that follow one another (one sentence end between, which no
    # quantity spans): a regex call per span costs more than scanning the span.
    merged = [spans[0]]
    for a, b in spans[1:]:
        if a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        elif b > a:
            merged.append((a, b))
    return merged


def run(text: str, source: str, year: int | None, title: str | None, date: str | None, outcomes: bool = True) -> Extraction:
    """:func:`taizhang.extract.extract` without its safety net (the fuzz tests call this).

    One pass over the quantities: each is found once (in the parts worth scanning for pledges or,
    with ``outcomes``, for results), placed once, then read as what its part and tense say it may
    be — a pledge, an outcome, or (a plan's sentence naming a past year) both."""
    warnings: list[str] = []
    if year is None:
        year = document_year(text, title, date)
    if year is not None and not plausible_year(year):
        warnings.append(IMPLAUSIBLE_YEAR.format(year=year, low=YEARS[0], high=YEARS[1]))
        year = None
    ctx = Context(text, year, title)
    pledge_spans = Spans(scan_spans(ctx))
    scope = results.scope(ctx, title) if outcomes else None
    result_spans = Spans(scope.spans if scope else [])
    candidates: list[Candidate] = []
    found: list[results.Found] = []
    previous_pledge = previous_result = 0  # where the quantity before it in each one's spans ends
    for m in quantities.find(text, pledge_spans.union(result_spans)):
        at = m.start()
        pledge_here, result_here = pledge_spans.holds(at), scope is not None and result_spans.holds(at)
        spot = reading.locate(ctx, m)
        if spot is not None:
            if pledge_here and may_pledge(ctx, spot) and (c := judge(ctx, m, spot, previous_pledge)) is not None:
                candidates.append(c)
            if result_here and results.may_report(ctx, spot, scope) and (f := results.judge(ctx, m, spot, previous_result, scope)):
                found.append(f)
        if pledge_here:
            previous_pledge = m.end()
        if result_here:
            previous_result = m.end()
    candidates = lists.inherit_metrics(lists.distribute(text, year, candidates))
    pledges = merge.merge(source, text, candidates)
    stated, two_figures = results.records(ctx, source, found) if scope is not None else ([], [])
    if ctx.used_relative_without_year:
        warnings.append(RELATIVE_WARNING)
    return Extraction(pledges, year, warnings + ctx.warnings + two_figures, stated)


class Spans:
    """Sorted, disjoint ``[lo, hi)`` spans of a text: which holds an offset, and their union."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = spans
        self._starts = [lo for lo, _ in spans]

    def holds(self, pos: int) -> bool:
        i = bisect_right(self._starts, pos) - 1
        return i >= 0 and pos < self.spans[i][1]

    def union(self, other: Spans) -> list[tuple[int, int]]:
        merged: list[tuple[int, int]] = []
        for lo, hi in sorted(self.spans + other.spans):
            if merged and lo <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
            else:
                merged.append((lo, hi))
        return merged
