"""The extraction engine: quantities found in the parts worth reading, each judged from its clause.

The stages, each a module with its own rules file:

1. :mod:`~taizhang.extract.parts` labels every paragraph review / plan / long-term plan / notes /
   other; :func:`scan_spans` leaves out notes and, of a review, all but the sentences that look
   ahead (its numbers are results, not pledges).
2. :mod:`~taizhang.extract.quantities` finds every number with its unit in what is left and reads
   it (value, unit, bounds, kind and sign), turning down names, codes and qualifiers.
3. :func:`judge` (here) decides from its clause and part whether a quantity is a pledge, and
   gives it its deadline, hedge, owner and confidence; :mod:`~taizhang.extract.metrics` names it.
4. :mod:`~taizhang.extract.lists` spreads 分别 lists; :mod:`~taizhang.extract.merge` makes a
   pledge said twice one record.

Speed comes from never walking the text character by character in Python: compiled regexes find
the quantities, sentence ends are found once per text, and each quantity is judged by bisecting
those lists and looking at a bounded window of characters around it (see :mod:`.marks`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from taizhang.document import Outcome, Pledge
from taizhang.extract import lists, merge, metrics, quantities, rules
from taizhang.extract.candidate import Candidate
from taizhang.extract.context import Context
from taizhang.extract.horizons import YEARS, Horizon, document_year, find_horizons, plausible_year
from taizhang.extract.marks import CLAUSE_MARKS, TRIM, clause_end, clause_start, last_mark, next_mark
from taizhang.extract.parts import LONG_TERM, NOTES, OTHER, PLAN, REVIEW, Part

PART_SURE = 0.95  # a part its heading names: no doubt taken off a record's confidence
RELATIVE_WARNING = "no document year: relative horizons (今年, 年内, 明年, 未来N年) got no deadline"
NOT_FINITE = "a number too large to record was left out (offset {at}: {quote!r}…)"
IMPLAUSIBLE_YEAR = "the document's year {year} is not a plausible year ({low}–{high}): it was not used"


@dataclass(slots=True)
class Extraction:
    """What :func:`extract` found in one text."""

    pledges: list[Pledge]
    year: int | None
    warnings: list[str] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)  # what the text says was reached


def judge(ctx: Context, m: re.Match[str], previous_end: int = 0) -> Candidate | None:
    """A pledge from one quantity match, or None when it is not one. ``previous_end``: where the
    quantity found before it ends."""
    text, q_rules = ctx.text, quantities.patterns()
    start, end = m.start(), m.end()
    if m.re is q_rules.quantity[1] and not quantities.chinese_numeral_may_pledge(text, m):
        return None
    attribution = ctx.attribution
    paragraph = attribution.paragraph_start(start)
    if paragraph in attribution.headers:
        return None
    sentence = ctx.sentence(start)
    part = ctx.parts.at(start)
    mode = part.label
    if mode == NOTES or ctx.states_past(sentence, mode):
        return None
    after_bound = q_rules.after.match(text, end)
    tail = after_bound.end() if after_bound else end
    if quantities.is_code_or_name(text, start, end, tail, sentence):
        return None

    clause_lo = clause_start(text, sentence[0], start)
    item_lo = last_mark(text, clause_lo, start, "、")
    continued = attribution.continues.get(paragraph)
    if continued and clause_lo == paragraph:
        clause_lo = item_lo = paragraph
    else:
        continued = None if sentence[0] > paragraph else continued
    clause_prefix = text[clause_lo:start]
    if ctx.opens_with_context(clause_prefix):
        return None
    clause_hi = clause_end(text, end, sentence[1])
    if mode in (PLAN, LONG_TERM) and ctx.clause_states_past(clause_lo, clause_hi):
        return None  # a plan's sentence may recall a fact: 优化已建成超1.6万个…，升级拓展2250家…
    if ctx.conditional(clause_lo, clause_hi):
        return None  # 有6.5%－7%的增速就能够实现比较充分的就业: a condition, not a commitment
    origin = last_mark(text, clause_lo, start, q_rules.from_words)
    if (
        origin > clause_lo
        and last_mark(text, origin, start, q_rules.to_words) == origin
        and next_mark(text, end, clause_hi, q_rules.to_words) < clause_hi
    ):
        return None  # 从17%降至13%: 17% is where the change starts
    before = q_rules.before.search(text, max(clause_lo, start - 5), start)
    before_word = before.group().strip() if before else ""
    comparator = q_rules.comparators_before[before_word] if before else "="
    if before_word in q_rules.qualifying_before and text[tail : tail + 1] not in ("", *CLAUSE_MARKS, *"。！？!?\n)）"):
        return None  # 过 + a quantity the clause goes on from: 过百万元农村社区
    if before_word in q_rules.qualifying_before_of and text.startswith("的", tail):
        return None  # 培育10个产值超100亿元的产业集群: 超100亿元 says which clusters
    if after_bound:
        comparator = q_rules.comparators_after[after_bound.group().strip()]
    q = quantities.read(text, m, comparator, clause_prefix, before_word)
    if q is None:
        return None
    if not q.finite:
        ctx.warnings.append(NOT_FINITE.format(at=start, quote=text[start:tail][:40]))
        return None
    bound = after_bound.group().strip() if after_bound else ""
    if bound in q_rules.upper_bound_then_noun or (bound in q_rules.bound_then_noun and q.category not in ("people", "count")):
        following = text[tail : tail + 1]
        if quantities.CJK.match(following) and following not in "和及与并或且":
            return None  # a bound then a noun qualifies the noun: 10亿元以上项目 (not 1500万人次以上的培训)
    if q.category in ("count", "people") and _subject_of_next(text, tail, clause_hi):
        return None  # 关岭等8个重点县人均地区生产总值增长10%: the 8 counties are whose figure it is
    # The change words since the quantity before it decide its kind (年均增长6%左右、迈上3万亿元
    # 台阶: a level), unless only a joiner stands between (分别增长3.5%、6%: both growths).
    gap = text[previous_end:start] if previous_end > clause_lo else ""
    kind_prefix = gap if gap.strip() and not lists.patterns().joiners.fullmatch(gap.strip()) else clause_prefix
    kind = quantities.kind_and_sign(kind_prefix, q, text.startswith("的", tail))

    horizon = _deadline(ctx, part, sentence, start, paragraph, continued)
    due = horizon.deadline if horizon is not None else None
    if horizon is not None and not horizon.relative and horizon.words and ctx.year and due and due < ctx.year:
        return None  # 其中2024年首次突破1.4万亿斤 in the 2025 plan: a past year's fact
    if mode == OTHER and not (ctx.year and due and due > ctx.year) and not ctx.looks_forward((clause_lo, clause_hi), sentence):
        return None  # 目前已有9家“晋创谷”挂牌运营, 每年接待游客近500万人次: what is, not what is to be
    hedge = ctx.hedge(clause_lo, start)
    following = q_rules.quantity[0].match(text, tail + 1) if text.startswith("的", tail) else None
    metric, quote_end = metrics.name(
        text, ctx.year, start, tail, item_lo, clause_end(text, tail, sentence[1]),
        ctx.horizons(sentence, item_lo, start), q.named_after, q.category == "money", continued, following,
        sentence[0],
    )  # fmt: skip
    quote_start = item_lo
    while quote_start < start and text[quote_start] in TRIM:
        quote_start += 1
    actor, official = attribution.owner(start)
    binding = ctx.binding((clause_lo, clause_end(text, tail, sentence[1])), sentence)
    confidence = q.confidence - (0.15 if horizon is None and hedge is None and before is None else 0.0)
    confidence -= max(0.0, PART_SURE - part.confidence) / 2  # a part read from its words, or unclear
    return Candidate(
        start=start, end=tail, sentence=sentence, clause_start=clause_lo, item_start=item_lo,
        quote=(quote_start, quote_end), metric=metric, kind=kind, comparator=q.comparator, value=q.value,
        value_high=q.value_high, unit=q.unit, norm_value=q.norm_value, norm_unit=q.norm_unit,
        horizon=horizon, hedge=hedge, actor=actor, official=official, confidence=confidence,
        doubling=q.category == "ratio", binding=binding,
    )  # fmt: skip


def _subject_of_next(text: str, tail: int, clause_hi: int) -> bool:
    """Whether another quantity ends the item this count opens: the count names whose figure the
    other is (22个自贸试验区进出口额达到8.45万亿元), not a target of its own. A quantity that goes
    on to 的 qualifies the noun instead (10个产值超100亿元的产业集群: 10个 is the target)."""
    item_end = next_mark(text, tail, clause_hi, "、和及与")
    units = rules.units()
    found = [m for m in quantities.find(text, [(tail, item_end)]) if not (m["unit"] and units[m["unit"]].category == "duration")]
    if not found:
        return False  # (65岁及以上老年人: an age says which people, it is no figure of theirs)
    q_rules = quantities.patterns()
    before = q_rules.before.search(text, max(tail, found[0].start() - 5), found[0].start())
    if before and before.group().strip() in q_rules.qualifying_before:
        return False  # 64个预增产值过10亿元: 过… qualifies the 64
    after = q_rules.after.match(text, found[0].end())
    rest = text[after.end() if after else found[0].end() : item_end]
    return not rest.strip(" \u3000")


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


def run(text: str, source: str, year: int | None, title: str | None, date: str | None) -> Extraction:
    """:func:`taizhang.extract.extract` without its safety net (the fuzz tests call this)."""
    warnings: list[str] = []
    if year is None:
        year = document_year(text, title, date)
    if year is not None and not plausible_year(year):
        warnings.append(IMPLAUSIBLE_YEAR.format(year=year, low=YEARS[0], high=YEARS[1]))
        year = None
    ctx = Context(text, year, title)
    candidates = []
    previous = 0
    for m in quantities.find(text, scan_spans(ctx)):
        if (c := judge(ctx, m, previous)) is not None:
            candidates.append(c)
        previous = m.end()
    candidates = lists.inherit_metrics(lists.distribute(text, year, candidates))
    pledges = merge.merge(source, text, candidates)
    if ctx.used_relative_without_year:
        warnings.append(RELATIVE_WARNING)
    return Extraction(pledges, year, warnings + ctx.warnings)

