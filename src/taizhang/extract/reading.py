"""Reading one quantity in its clause: what a pledge and an outcome have in common.

A match of :func:`quantities.find` is read where it stands: its sentence, clause, item and part of
the document. It is turned down when it stands in a header or a glossary, is a code or a name
(2.0版, 第十二次), opens on the existing frame (围绕全市24条产业链), states a condition (就能…), is
where a change starts (从17%降至13%: the 17%), qualifies a noun (10亿元以上项目, 产值超100亿元的),
or names whose figure the next number is (关岭等8个重点县人均…); otherwise it is read into a
:class:`Reading`: its quantity, bound words, kind and sign, metric, quote and owner.

Each quantity is first placed (:func:`locate`: its paragraph, sentence and part, cheap lookups into
lists built once per text); the engine then says from the part and the sentence's tense whether it
may be a pledge, an outcome or neither, and only then is it read (:func:`read`), once for what it
may be.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from taizhang.extract import lists, metrics, quantities, rules
from taizhang.extract.context import Context
from taizhang.extract.marks import CLAUSE_MARKS, CLAUSE_MAX, TRIM, clause_end, clause_start, last_mark, next_mark
from taizhang.extract.parts import NOTES, Part
from taizhang.extract.quantities import Quantity

PART_SURE = 0.95  # a part its heading names: no doubt taken off a record's confidence
NOT_FINITE = "a number too large to record was left out (offset {at}: {quote!r}…)"
# A character any quantity starts with (quantities.find's four regexes): where none is, none is.
_ANY_NUMERAL = re.compile(r"[0-9０-９零〇一二两三四五六七八九十百千万亿翻倍]")


@dataclass(slots=True)
class Reading:
    """One quantity as its clause states it, before anyone decides what it is."""

    start: int  # of the number
    tail: int  # after its unit and any bound word
    sentence: tuple[int, int]
    paragraph: int
    part: Part
    clause_start: int
    clause_end: int
    item_start: int
    continued: tuple[int, int] | None  # the cut-off fragment this paragraph continues, if it opens the clause
    bound_before: str  # the comparator word right before the number, or ""
    bound_after: str  # the bound word right after its unit, or ""
    quantity: Quantity
    kind: str
    metric: str
    quote: tuple[int, int]
    actor: str | None
    official: str | None


@dataclass(slots=True)
class Spot:
    """Where a quantity stands, found once whatever it turns out to be."""

    paragraph: int
    sentence: tuple[int, int]
    part: Part


def locate(ctx: Context, m: re.Match[str]) -> Spot | None:
    """The paragraph, sentence and part of ``m``, or None where no quantity is read: a Chinese
    numeral that is a word (一项任务), a speaker's header line, a glossary."""
    if m.re is quantities.patterns().quantity[1] and not quantities.chinese_numeral_may_pledge(ctx.text, m):
        return None
    if quantities.is_date(ctx.text, m):
        return None  # 2025年: the commonest quantity no reading keeps, turned down before any is made
    start = m.start()
    paragraph = ctx.attribution.paragraph_start(start)
    if paragraph in ctx.attribution.headers:
        return None
    part = ctx.parts.at(start)
    if part.label == NOTES:
        return None
    return Spot(paragraph, ctx.sentence(start), part)


def read(
    ctx: Context,
    m: re.Match[str],
    spot: Spot,
    previous_end: int = 0,
    opens_with_context: Callable[[str], bool] | None = None,
    facts: bool = False,
) -> Reading | None:
    """``m``, placed at ``spot``, read in its clause, or None when it is no quantity a text commits
    to or reports.

    ``previous_end``: where the quantity found before it ends. ``opens_with_context(clause_prefix)``:
    whether the clause opens on the existing frame (default: the context's rule, ``tense.yaml``).
    ``facts``: read for what a text reports (see :func:`quantities.read`).
    """
    text, q_rules = ctx.text, quantities.patterns()
    start, end = m.start(), m.end()
    attribution = ctx.attribution
    paragraph, sentence, part = spot.paragraph, spot.sentence, spot.part
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
    if (opens_with_context or ctx.opens_with_context)(clause_prefix):
        return None
    clause_hi = clause_end(text, end, sentence[1])
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
    bound = after_bound.group().strip() if after_bound else ""
    if bound:
        comparator = q_rules.comparators_after[bound]
    q = quantities.read(text, m, comparator, clause_prefix, before_word, facts)
    if q is None:
        return None
    if not q.finite:
        ctx.warnings.append(NOT_FINITE.format(at=start, quote=text[start:tail][:40]))
        return None
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
    following = q_rules.quantity[0].match(text, tail + 1) if text.startswith("的", tail) else None
    metric, quote_end = metrics.name(
        text, ctx.year, start, tail, item_lo, clause_end_past(text, end, tail, clause_hi, sentence[1]),
        ctx.horizons(sentence, item_lo, start), q.named_after, q.category == "money", continued, following,
        sentence[0],
    )  # fmt: skip
    quote_start = item_lo
    while quote_start < start and text[quote_start] in TRIM:
        quote_start += 1
    actor, official = attribution.owner(start)
    return Reading(
        start, tail, sentence, paragraph, part, clause_lo, clause_hi, item_lo, continued, before_word, bound, q, kind,
        metric, (quote_start, quote_end), actor, official,
    )  # fmt: skip


def clause_end_past(text: str, end: int, tail: int, clause_hi: int, sentence_end: int) -> int:
    """``clause_end(text, tail, sentence_end)`` given ``clause_hi``, the clause end past ``end``
    (``end`` ≤ ``tail``, no clause mark between): the same when a mark was found past ``tail`` and
    before the search's reach, or when none was found before the sentence's end (the last clause
    of a sentence: most results); else searched again from ``tail``."""
    if tail <= clause_hi and (clause_hi < end + CLAUSE_MAX or clause_hi == sentence_end):
        return clause_hi
    return clause_end(text, tail, sentence_end)


def _subject_of_next(text: str, tail: int, clause_hi: int) -> bool:
    """Whether another quantity ends the item this count opens: the count names whose figure the
    other is (22个自贸试验区进出口额达到8.45万亿元), not a figure of its own. A quantity that goes
    on to 的 qualifies the noun instead (10个产值超100亿元的产业集群: 10个 is the figure)."""
    item_end = next_mark(text, tail, clause_hi, "、和及与")
    if not _ANY_NUMERAL.search(text, tail, item_end):
        return False  # no number after it in its item: the common case, decided without reading any
    units = rules.units()
    found = [m for m in quantities.find(text, [(tail, item_end)]) if not (m["unit"] and units[m["unit"]].category == "duration")]
    if not found:
        return False  # (65岁及以上老年人: an age says which people, it is no figure of theirs)
    if not text[tail : found[0].start()].strip(" \u3000"):
        return False  # 13条15公里: the same things counted two ways, not one whose figure the other is
    q_rules = quantities.patterns()
    before = q_rules.before.search(text, max(tail, found[0].start() - 5), found[0].start())
    if before and before.group().strip() in q_rules.qualifying_before:
        return False  # 64个预增产值过10亿元: 过… qualifies the 64
    after = q_rules.after.match(text, found[0].end())
    rest = text[after.end() if after else found[0].end() : item_end]
    return not rest.strip(" \u3000")
