"""The extraction engine: quantities found by a few compiled regexes, each judged from its clause.

Speed comes from never walking the text character by character in Python: four compiled
regexes (each starting with one character class, so the regex engine scans for it in C) find
every numeral-with-unit, 百分之X / 翻一番 / 倍增 and unitless 万 of people, only in the parts worth
scanning (not glossaries, and of review parts only sentences that look ahead); another finds
sentence ends once per text. Each candidate is then judged by bisecting that list and looking at
a few characters around it: its sentence for horizons (found once per sentence), its clause for
comparators, hedges and kind words.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache

from taizhang.document import Outcome, Pledge
from taizhang.extract import rules
from taizhang.extract.actors import CJK, Attribution, attribute
from taizhang.extract.horizons import YEAR, Horizon, document_year, find_horizons
from taizhang.extract.numbers import (
    ARABIC_LEAD,
    CHINESE_LEAD,
    NUMERAL,
    is_arabic,
    is_bare_magnitude,
    parse_arabic,
    parse_numeral,
    parse_quantity,
    scale,
    split_multiplier,
)
from taizhang.extract.parts import LONG_TERM, NOTES, OTHER, PLAN, REVIEW, Part, Parts, read_parts

SENTENCE_END = re.compile(r"[。！？!?\n]")
_CJK = re.compile(rf"[{CJK}]")
CLAUSE_MARKS = "，,；;：:"
BLANKS = " \t\u3000\u200b\r"
ITEM_MARKS = CLAUSE_MARKS + "、"
# Characters a metric is trimmed of at either end.
TRIM = " \t\u3000\u200b“”‘’\"'（）()《》「」【】—-·"
# A metric is at most this long: longer prefixes are whole sentences, not names of a measure.
METRIC_MAX = 24
NOUN_AFTER_MAX = 14
# How far around a unitless 万 to look for the people it counts (2300万省外劳动力).
PEOPLE_NOUN_WINDOW = 10
PART_SURE = 0.95  # a part its heading names: no doubt taken off a record's confidence
RELATIVE_WARNING = "no document year: relative horizons (今年, 年内, 明年, 未来N年) got no deadline"


@dataclass(slots=True)
class Extraction:
    """What :func:`extract` found in one text."""

    pledges: list[Pledge]
    year: int | None
    warnings: list[str] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)  # what the text says was reached


@dataclass(frozen=True, slots=True)
class Patterns:
    quantity: tuple[re.Pattern[str], ...]  # Arabic, Chinese numeral; 百分之/翻番/倍增; unitless 万
    before: re.Pattern[str]  # comparator word ending right before a number
    after: re.Pattern[str]  # bound word right after a unit
    hedge: re.Pattern[str]  # group "word" set for a real hedge
    change: re.Pattern[str]  # group "growth" or "decline" set for a real change word
    growth: re.Pattern[str]
    annual: re.Pattern[str]
    reach: re.Pattern[str]
    distribute: re.Pattern[str]
    joiners: re.Pattern[str]
    past: re.Pattern[str]
    past_in_plan: re.Pattern[str]
    conditional: re.Pattern[str]
    future: re.Pattern[str]
    target_cues: re.Pattern[str]
    qualifier_after: tuple[str, ...]
    qualifier_before: tuple[str, ...]
    bound_then_noun: tuple[str, ...]
    upper_bound_then_noun: tuple[str, ...]
    context_openers: re.Pattern[str]
    qualifying_before: tuple[str, ...]
    enumeration_nouns: tuple[str, ...]
    capacity_categories: frozenset[str]
    from_words: tuple[str, ...]
    to_words: tuple[str, ...]
    horizon_to_words: tuple[str, ...]
    comparators_before: dict[str, str]
    comparators_after: dict[str, str]
    money_words: tuple[str, ...]
    compounds: dict[str, list[str]]
    same_measure: tuple[re.Pattern[str], ...]
    level_verbs: re.Pattern[str]
    list_joiners: tuple[str, ...]
    action_verbs: re.Pattern[str]
    people_nouns: re.Pattern[str]
    looks_ahead: re.Pattern[str]
    base_phrase: re.Pattern[str]  # 比2010年, 与2020年相比: a base of comparison, no part of a metric
    origin_phrase: re.Pattern[str]  # 从人均8.7万元(提高到): where a change starts, no part of a metric
    strip_head: re.Pattern[str]
    strip_tail: re.Pattern[str]
    quote_open: str
    quote_close: str
    quote_max: int


@cache
def patterns() -> Patterns:
    data = rules.load()
    alt = rules.alternation
    comp, kinds, markers = data["comparators"], data["kinds"], data["markers"]
    mults = alt(data["units"]["multipliers"])
    units = alt(data["units"]["units"])  # for the unitless 万 regex's lookahead
    seps = alt(comp["range"])
    more = alt(comp["more"])
    numeral = NUMERAL
    def rest(unit_words: object) -> str:
        return (
            rf"(?:(?P<u1>[%％])?[ ]?(?P<sep>{seps})[ ]?(?P<n2>{numeral}))?"
            rf"[ ]?(?P<mult>{mults})?(?P<more>{more})?(?P<unit>{alt(unit_words)})"
        )

    # Chinese numerals never count with a measure word (一项任务, 五个方面): see
    # _chinese_numeral_may_pledge; leaving those units out spares the regex most of its matches.
    cn_units = [w for w, u in rules.units().items() if u.category != "count"]
    # Three regexes, not one alternation: each starts with a single character class or literal,
    # which the regex engine scans for in C; an alternation of classes defeats that scan.
    quantity = (
        re.compile(rf"(?P<n1>{ARABIC_LEAD}){rest(data['units']['units'])}"),
        re.compile(rf"(?P<n1>{CHINESE_LEAD}){rest(cn_units)}"),
        # One leading class, then a lookbehind to tell the three apart (see above).
        re.compile(
            rf"[百翻倍](?:(?<=百)分之(?P<pct>{numeral})|(?<=翻)(?P<fan>[一两二三四1-4])?番|(?<=倍)(?P<double>增))"
        ),
        # 保持2300万省外劳动力, 农村贫困人口减少1000万以上: 万/亿 with no unit, people if the
        # words around say so. The never-matching groups keep the numeral regexes' group names.
        re.compile(
            rf"(?P<n1>{ARABIC_LEAD})[ ]?(?P<mult>[万亿])(?P<more>{more})?(?![ ]?(?:{mults})?(?:{units}))"
            r"(?P<u1>(?!))?(?P<sep>(?!))?(?P<n2>(?!))?(?P<unit>(?!))?"
        ),
    )
    verbs = alt(kinds["growth"] + kinds["decline"])
    strip = (
        list(comp["before"]) + kinds["growth"] + kinds["decline"] + kinds["annual"]
        + data["hedges"]["hedges"] + kinds["distribute"] + markers["metric_strip"]
    )  # fmt: skip
    return Patterns(
        quantity=quantity,
        before=re.compile(rf"(?:{alt(comp['before'])})[ ]?$"),
        after=re.compile(rf"[ ]?(?:{alt(comp['after'])})"),
        # The "not" words come first so that 虚拟 is consumed before its 拟 is seen.
        hedge=re.compile(rf"{alt(data['hedges']['not_hedges'])}|(?P<word>{alt(data['hedges']['hedges'])})"),
        change=re.compile(
            rf"{alt(kinds['not_change'])}|(?P<share>{alt(kinds['share'])})"
            rf"|(?P<decline>{alt(kinds['decline'])})|(?P<growth>{alt(kinds['growth'])})"
        ),
        growth=re.compile(alt(kinds["growth"])),
        annual=re.compile(rf"(?:{alt(kinds['annual'])})(?:{verbs})"),
        # 城镇化率提高到65%; 增加到全国人口的72% (the share of a whole); 从202元、270元提高到209元、
        # 280元 (the second of two levels reached).
        reach=re.compile(rf"(?:{verbs})(?:{alt(kinds['reach'])})(?:[^，,；;：:]{{1,12}}[的、和])?[ ]?$"),
        distribute=re.compile(
            rf"(?<![{''.join(kinds['distribute_not_after'])}])(?:{alt(kinds['distribute'])})"
            rf"(?=(?:{verbs}|{alt(comp['before'])}|{alt(markers['from_words'])}|为))"
        ),
        joiners=re.compile(alt(kinds["list_joiners"])),
        past=re.compile(alt(markers["past"])),
        past_in_plan=re.compile(
            rf"{alt(markers['past_in_plan'])}|(?<![比较于与同])(?:{alt(markers['past_in_plan_uncompared'])})"
        ),
        conditional=re.compile(alt(markers["conditional"])),
        future=re.compile(alt(markers["future"])),
        target_cues=re.compile(alt(markers["target_cues"])),
        qualifier_after=tuple(markers["qualifier_after"]),
        qualifier_before=tuple(markers["qualifier_before"]),
        bound_then_noun=tuple(markers["bound_then_noun"]),
        upper_bound_then_noun=tuple(markers["upper_bound_then_noun"]),
        context_openers=re.compile(rf"^[ \u3000]*(?:{alt(markers['context_openers'])})"),
        qualifying_before=tuple(markers["qualifying_before"]),
        enumeration_nouns=tuple(markers["enumeration_nouns"]),
        capacity_categories=frozenset(markers["capacity_categories"]),
        from_words=tuple(markers["from_words"]),
        to_words=tuple(markers["to_words"]),
        horizon_to_words=tuple(data["horizons"]["to_words"]),
        comparators_before=dict(comp["before"]),
        comparators_after=dict(comp["after"]),
        money_words=tuple(markers["money_words"]),
        compounds={k: list(v) for k, v in kinds["compounds"].items()},
        same_measure=tuple(re.compile(alt(group)) for group in kinds["same_measure"]),
        level_verbs=re.compile(alt(kinds["level_verbs"])),
        list_joiners=tuple(kinds["list_joiners"]),
        action_verbs=re.compile(rf"(?:{alt(markers['action_verbs'])})+"),
        people_nouns=re.compile(alt(markers["people_nouns"])),
        # What _Context.states_past lets through in a review: a future word, or a horizon that
        # can lie past the document's year (到2035年, 到二〇三五年, 未来五年, 三年内, 明年).
        # Every branch starts with a literal, so the regex engine skips in C to their first
        # characters (a branch starting with a class would make it try every position); only the
        # sentence of a match counts, so 三年内 may match from its 年.
        looks_ahead=re.compile(
            rf"{alt([*markers['future'], *data['horizons']['span_before']])}|到[ ]?[12二]|至[ ]?[12二]"
            r"|年(?<=[0-9０-９一二两三四五六七八九十]年)(?:内|之内)"
            rf"|{alt(w for w, offset in data['horizons']['relative'].items() if offset > 0)}"
        ),
        # Two regexes: one alternation of literals first (not ``(?:…)+$``) lets the regex engine
        # skip in C to the characters a word can start with.
        base_phrase=re.compile(
            rf"(?:{alt(data['horizons']['base_markers'])})[ ]?{YEAR}[ ]?年(?:{alt(data['horizons']['base_after'])})?"
        ),
        origin_phrase=re.compile(
            rf"(?:{alt(markers['from_words'])})[^0-9０-９，,；;]{{0,8}}[0-9０-９][0-9０-９., ]*[^0-9０-９，,；;的]{{0,4}}$"
        ),
        strip_head=re.compile(rf"(?:{alt(strip)})+"),
        strip_tail=re.compile(rf"(?:{alt(strip)})(?:{alt(strip)})*$"),
        quote_open="".join(markers["quote_open"]),
        quote_close="".join(markers["quote_close"]),
        quote_max=int(markers["quote_max_chars"]),
    )


@dataclass(slots=True)
class _Candidate:
    """A quantity accepted as a pledge, before distribution and merging."""

    start: int  # of the number
    end: int  # of the unit and any bound word
    sentence: tuple[int, int]
    clause_start: int
    item_start: int
    quote: tuple[int, int]
    metric: str
    kind: str
    comparator: str
    value: float
    value_high: float | None
    unit: str
    norm_value: float
    norm_unit: str
    horizon: Horizon | None
    hedge: str | None
    actor: str | None
    official: str | None
    confidence: float
    doubling: bool  # 翻一番, 增长1倍: said of every metric listed before it (A和B翻一番)


class _Context:
    """Everything precomputed once per text that candidates are judged against."""

    def __init__(self, text: str, year: int | None, title: str | None) -> None:
        self.text = text
        self.year = year
        self.p = patterns()
        self.sentence_ends = list(map(re.Match.start, SENTENCE_END.finditer(text)))
        self._horizons: dict[int, list[Horizon]] = {}  # sentence start -> its horizons
        self._goals: dict[tuple[int, int], Horizon | None] = {}  # see goal_before
        self.parts: Parts = read_parts(text, year, title)
        self.attribution: Attribution = attribute(text, title)
        self.sentence_kind: dict[int, bool] = {}  # sentence start -> states the past
        self.used_relative_without_year = False

    def sentence(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.sentence_ends, pos)
        start = self.sentence_ends[i - 1] + 1 if i > 0 else 0
        end = self.sentence_ends[i] if i < len(self.sentence_ends) else len(self.text)
        return start, end

    def horizons(self, sentence: tuple[int, int]) -> list[Horizon]:
        """The horizons of a sentence, found the first time a candidate in it asks."""
        found = self._horizons.get(sentence[0])
        if found is None:
            found = self._horizons[sentence[0]] = find_horizons(self.text, self.year, *sentence)
        return found

    def horizon(self, sentence: tuple[int, int], hi: int) -> Horizon | None:
        """The last horizon of ``sentence`` that ends by ``hi``."""
        last = None
        for h in self.horizons(sentence):
            if h.end > hi:
                break
            last = h
        return last

    def goal_before(self, pos: int, paragraph: int) -> Horizon | None:
        """Outside plan and review parts, the goal year an earlier sentence set for what follows:
        the last 到/至 horizon past the document's year before ``pos`` in its numbered part (三、全面
        建成小康社会…的目标: 确保到二0二0年…。…翻一番。), or in its paragraph where there are no
        parts."""
        if self.year is None:
            return None
        part = self.parts.at(pos)
        lo = part.section_start if part.heading is not None else paragraph
        key = (lo, pos)
        if key not in self._goals:
            self._goals[key] = next(
                (
                    h
                    for h in reversed(find_horizons(self.text, self.year, lo, pos))
                    if not h.relative and h.deadline is not None and h.deadline > self.year
                    and h.words.startswith(self.p.horizon_to_words)
                ),
                None,
            )  # fmt: skip
        return self._goals[key]

    def hedge(self, lo: int, hi: int) -> str | None:
        """The last hedge word inside ``[lo, hi)``: a clause is short, so it is searched then."""
        word = None
        for m in self.p.hedge.finditer(self.text, lo, hi):
            if m["word"]:
                word = m["word"]
        return word

    def states_past(self, sentence: tuple[int, int], mode: str) -> bool:
        key = sentence[0]
        if key not in self.sentence_kind:
            s = self.text[sentence[0] : sentence[1]]
            if mode == REVIEW:
                # 到2035年 / 未来五年 look ahead; a "十四五"规划 named in a review does not.
                ahead = self.year is not None and any(
                    h.deadline is not None and h.deadline > self.year
                    and (h.relative or h.words.startswith(self.p.horizon_to_words))
                    for h in self.horizons(sentence)
                )
                past = not (ahead or self.p.future.search(s))
            elif mode in (PLAN, LONG_TERM):
                past = False  # judged clause by clause: see _judge
            else:
                past = bool(self.p.past.search(s)) and not self.p.target_cues.search(s)
            self.sentence_kind[key] = past
        return self.sentence_kind[key]


@cache
def _marks(marks: str | tuple[str, ...], last: bool) -> re.Pattern[str]:
    """A regex for the first of ``marks`` (characters, or words), or with ``last`` for the end of
    the last one: greedy ``.*`` backtracks from the end in C, one call instead of one ``rfind`` per
    mark. (Marks never end inside one another, so the rightmost one also ends last.)"""
    words = rules.alternation(marks)
    return re.compile(rf"(?s).*(?:{words})" if last else words)


def _last_mark(text: str, lo: int, hi: int, marks: str | tuple[str, ...]) -> int:
    """Index just after the last of ``marks`` (characters, or words) in ``text[lo:hi]``, or ``lo``."""
    m = _marks(marks, True).match(text, lo, hi)
    return m.end() if m else lo


def _next_mark(text: str, lo: int, hi: int, marks: str | tuple[str, ...]) -> int:
    """Index of the first of ``marks`` wholly inside ``text[lo:hi]``, or ``hi``."""
    m = _marks(marks, False).search(text, lo, hi)
    return m.start() if m else hi


def _in_short_quote(ctx: _Context, start: int, end: int, sentence: tuple[int, int]) -> bool:
    """Inside “…” of at most a few characters: a name such as “7+10+7” or ‘四个中心’."""
    text, p = ctx.text, ctx.p
    lo = max(sentence[0], start - p.quote_max)
    opened = _last_mark(text, lo, start, p.quote_open)
    if opened == lo and (lo == 0 or text[lo - 1] not in p.quote_open):
        return False
    if _last_mark(text, opened, start, p.quote_close) != opened:
        return False
    closed = _next_mark(text, end, min(sentence[1], opened + p.quote_max + 1), p.quote_close)
    return closed < min(sentence[1], opened + p.quote_max + 1)


def _clean_metric(ctx: _Context, raw: str, horizons: list[Horizon] | None = None) -> str:
    """What is measured, from the words before a number: horizon, hedge, comparator and
    auxiliary verbs trimmed (到2026年高新技术企业突破 → 高新技术企业). ``horizons`` are those
    already found in ``raw``'s sentence, when the caller has them."""
    # Horizons go before the trim: a horizon's words may hold a quote mark (“十三五”时期).
    metric = raw
    for h in find_horizons(metric, ctx.year) if horizons is None else horizons:
        metric = metric.replace(h.words, "")
    metric = ctx.p.base_phrase.sub("", metric).strip(TRIM)
    previous = None
    while previous != metric:
        previous = metric
        head = ctx.p.strip_head.match(metric)
        metric = ctx.p.strip_tail.sub("", metric[head.end() :] if head else metric)
        metric = ctx.p.origin_phrase.sub("", metric).strip(TRIM)
    return metric[-METRIC_MAX:]


def _noun_after(text: str, pos: int, hi: int) -> str:
    """The noun a count word introduces: 1364个|重点项目|建设 → 重点项目建设 (to a stop); a name
    in quotes opening it belongs to it (10个|“数字领航”企业)."""
    end = min(hi, pos + NOUN_AFTER_MAX)
    start = pos
    if text.startswith(("“", "‘"), pos):
        closed = _next_mark(text, pos + 1, end, "”’")
        if closed < end:
            start = closed + 1
    stop = _next_mark(text, start, end, ITEM_MARKS + "的和及与。“”‘’\"（）()")
    return text[pos:stop].strip(" \t\u3000\u200b")


def _changes(p: Patterns, text: str, start: int) -> bool:
    """A change verb ends right before ``start`` (增长7万人, 再提高1岁)."""
    return any(w.lastgroup in ("growth", "decline") for w in p.change.finditer(text, max(0, start - 3), start))


def _chinese_numeral_may_pledge(p: Patterns, text: str, m: re.Match[str]) -> bool:
    """Chinese numerals are mostly words (一项任务, 五个方面, 千亩产业园, 十三亿人民): they count
    only as a percentage (三成, 一个百分点), right after a comparator or change verb (达到七万人),
    or closing their clause (新增就业七万人，)."""
    numeral, start, end = m["n1"], m.start(), m.end()
    if is_bare_magnitude(numeral):
        return False  # 千亩产业园, 过百万元农村社区: 'thousand-mu', not a target of a thousand mu
    category = rules.units()[m["unit"]].category
    if category == "count" or numeral == "一":
        return False  # 一项任务, 五个方面, 四张名片
    if category in ("percent", "points") or p.before.search(text, max(0, start - 5), start):
        return True
    if _changes(p, text, start):
        return True
    return end == len(text) or text[end] in CLAUSE_MARKS + "。！？!?\n" or bool(p.after.match(text, end))


@dataclass(slots=True)
class _Quantity:
    """A number read with its unit, before kind and sign."""

    value: float
    value_high: float | None
    unit: str  # as written, multiplier included: 亿元
    norm_unit: str
    factor: float  # norm units per written unit
    category: str
    comparator: str
    confidence: float
    named_after: bool = False  # the noun after the number names it (1364个重点项目, 80万重点群体)


def _is_code_or_name(ctx: _Context, start: int, end: int, tail: int, sentence: tuple[int, int]) -> bool:
    """Codes, ordinals and names: 第十二次, 7+10+7, PM2.5, 千亿级, 2.0版, 1号项目, “1866”."""
    text, p = ctx.text, ctx.p
    before_char = text[start - 1] if start else ""
    if text[max(0, start - 3) : start].endswith(p.qualifier_before):
        return True
    if before_char.isascii() and before_char.isalpha():
        return True
    if text.startswith(p.qualifier_after, tail) or text.startswith(p.qualifier_after, end):
        return True
    if tail < len(text) and (text[tail] in "+＋" or (text[tail].isascii() and text[tail].isalpha())):
        return True
    return _in_short_quote(ctx, start, end, sentence)


def _read_ratio(ctx: _Context, m: re.Match[str], comparator: str) -> _Quantity | None:
    """百分之X, 翻一番, 翻两番, 倍增."""
    if m["pct"] is not None:
        value = parse_numeral(m["pct"])
        return None if value is None else _Quantity(value, None, "%", "%", 1.0, "percent", comparator, 0.9)
    if m["double"] and _CJK.match(ctx.text, m.end()):
        return None  # 倍增计划, 提质倍增行动: the name of a programme
    # 翻一番 doubles (+100 %), 翻两番 quadruples (+300 %): growth of 2**n - 1; 翻番 and 倍增 double.
    times = int(parse_quantity(m["fan"]) or 1) if m["fan"] else 1
    return _Quantity(float((2**times - 1) * 100), None, "%", "%", 1.0, "ratio", comparator, 0.7)


def _names_people(p: Patterns, text: str, clause_prefix: str, end: int) -> bool:
    """Whether a unitless 万/亿 counts people: a people noun just after it (为80万重点群体), or in
    a metric that changes by it (农村贫困人口减少1000万以上); 实时人口1.5亿左右 is a fact."""
    after = text[end : _next_mark(text, end, min(len(text), end + PEOPLE_NOUN_WINDOW), CLAUSE_MARKS + "。")]
    if p.people_nouns.search(after):
        return True
    metric = clause_prefix[-PEOPLE_NOUN_WINDOW:]
    return bool(p.people_nouns.search(metric)) and any(w.lastgroup in ("growth", "decline") for w in p.change.finditer(metric))


def _read_quantity(ctx: _Context, m: re.Match[str], comparator: str, clause_prefix: str) -> _Quantity | None:
    """A numeral (or range) with its unit, or None when the unit shows it is no target."""
    text, p = ctx.text, ctx.p
    end = m.end()
    n1, n2 = m["n1"], m["n2"]
    if m["unit"] is None:
        if not clause_prefix.strip(TRIM) or not _names_people(p, text, clause_prefix, end):
            return None  # 9亿多劳动力、1亿多…人才: a population opening its clause is a fact
        unit_word = "人"
    else:
        unit_word = m["unit"]
    unit = rules.units()[unit_word]
    mults = rules.multipliers()
    mult_word = m["mult"] or ""
    confidence = 0.9
    arabic = is_arabic(n1)
    if not arabic:
        head, split = split_multiplier(n1)
        if split:
            n1, mult_word = head, split + mult_word
        confidence = 0.75
    if mult_word and mult_word not in mults:
        return None
    # An Arabic n1 is digits only (its 万/亿 is the mult group): no magnitude to split off.
    value = parse_arabic(n1) if arabic else parse_quantity(n1)
    value_high = parse_quantity(n2) if n2 else None
    if value is None or (m["sep"] and value_high is None):
        return None
    category = unit.category
    if category == "count" and not mult_word and not value.is_integer():
        return None  # 8.6个: a note number run into a count, not 8.6 things
    if category == "count" and text.startswith(p.enumeration_nouns, end):
        return None  # 9个方面工作
    if (
        category in p.capacity_categories
        and _CJK.match(text, end)
        and text[end] not in "的和及与、以左约近多余"
    ):
        return None  # 700万吨煤炭项目: a project's capacity
    if category == "ratio" and not p.growth.search(clause_prefix):
        return None  # 是2倍: a comparison, not a change
    if category == "duration" and not _changes(p, text, m.start()):
        return None  # 2025年, 0-6岁儿童: a date, a qualifier
    if category == "duration" and _CJK.match(text, end) and not p.after.match(text, end):
        return None  # 实施生产性服务业创新提升三年行动: the length of a programme it names
    if m["more"] and comparator == "=":
        comparator = ">"  # 1000多家
    if value_high is not None:
        if value_high <= value:
            return None  # 2023-2025年, 3-1: not a range of targets
        comparator = "range"
    factor = scale(unit.factor, mults[mult_word]) if mult_word else unit.factor
    written = mult_word + (unit_word if unit_word not in "%％" else "%")
    named_after = category == "count" or m["unit"] is None
    return _Quantity(value, value_high, written, unit.norm, factor, category, comparator, confidence, named_after)


def _kind_and_sign(p: Patterns, clause_prefix: str, q: _Quantity, owns_next: bool) -> str:
    """The kind of ``q``, negating its value for a decrease.

    The last change or share word of the clause decides: 失业率下降 is a change, 工业增加值占GDP
    比重 a share; a change verb then 到 reaches a level (城镇化率提高到65%); with no change word a
    percentage is a share and an amount a level. An amount before 的 (``owns_next``) says whose
    noun changes: 提高…2600人的生活水平 counts people, a level.
    """
    amount = q.category not in ("percent", "points", "ratio")
    unchanged = bool(p.reach.search(clause_prefix)) or (owns_next and amount)
    last = None
    for word in p.change.finditer(clause_prefix):
        if word.lastgroup:
            last = word.lastgroup
    change = not unchanged and last in ("growth", "decline")
    if not amount:
        if change and p.annual.search(clause_prefix):
            kind = "annual_growth"
        elif change or q.category == "ratio":
            kind = "growth"
        else:
            kind = "share"
    else:
        # 分别再增加30元, 压减地下水开采量1.57亿立方米: a change of an amount is a growth too; but
        # 增加超350个行政村通双车道公路 counts things, and 改造提升300座水站 upgrades them.
        amount_change = change and (
            last == "decline" or (q.category != "count" and not p.level_verbs.search(clause_prefix))
        )
        kind = ("annual_growth" if p.annual.search(clause_prefix) else "growth") if amount_change else "level"
    if change and last == "decline":
        if q.value_high is None:
            q.value = -q.value
        else:  # 下降3%-5%: the range is [-5, -3]
            q.value, q.value_high = -q.value_high, -q.value
    return kind


def _metric(ctx: _Context, start: int, tail: int, item_start: int, sentence: tuple[int, int], q: _Quantity,
            continued: tuple[int, int] | None) -> tuple[str, int]:  # fmt: skip
    """What is measured, and where the pledge's quote ends.

    A count word names its noun after it (1364个重点项目, 完成4000户的改造任务); anything else is
    named before the number (全区生产总值突破1500亿元); money before 的 belongs to what follows
    (总投资7100亿元的1364个重点项目 → 重点项目总投资).
    """
    text, p = ctx.text, ctx.p
    clause_end = _next_mark(text, tail, sentence[1], CLAUSE_MARKS)
    noun_after = ""
    noun_start = tail
    if q.named_after:
        noun_start = tail + 1 if text.startswith("的", tail) else tail
        noun_after = _noun_after(text, noun_start, clause_end)
    horizons = [h for h in ctx.horizons(sentence) if item_start <= h.start and h.end <= start]
    metric = noun_after or _clean_metric(ctx, text[item_start:start], horizons)
    if not metric and continued:
        # 达到13家 continuing “…独角兽企业”: the fragment's last item names it.
        metric = _clean_metric(ctx, text[_last_mark(text, continued[0], continued[1], ITEM_MARKS) : continued[1]])
    if not metric or metric.endswith(p.list_joiners) or p.action_verbs.fullmatch(metric):
        # 牢牢守住十八亿亩耕地红线, 5万平方米公安小区和2万平方米回迁房, 开工建设10万平方米职工住宅
        # 小区: nothing before names it (an action, or the item before), the noun after does.
        noun_start = tail + 1 if text.startswith("的", tail) else tail
        noun_after = _noun_after(text, noun_start, clause_end)
        metric = noun_after or metric
    if q.category == "money" and text.startswith("的", tail):
        target = _noun_after(text, tail + 1, clause_end)
        following = p.quantity[0].match(text, tail + 1)
        if following and following["unit"]:
            target = _noun_after(text, following.end(), clause_end)
        word = next((w for w in p.money_words if w in metric), "")
        if target and target not in metric:
            metric = target + (metric[metric.rfind(word) :] if word else metric)
    return metric, (noun_start + len(noun_after) if noun_after else tail)


def _judge(ctx: _Context, m: re.Match[str]) -> _Candidate | None:
    """A pledge from one quantity match, or None when it is not one."""
    text, p = ctx.text, ctx.p
    start, end = m.start(), m.end()
    if m.re is p.quantity[1] and not _chinese_numeral_may_pledge(p, text, m):
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
    after_bound = p.after.match(text, end)
    tail = after_bound.end() if after_bound else end
    if _is_code_or_name(ctx, start, end, tail, sentence):
        return None

    clause_start = _last_mark(text, sentence[0], start, CLAUSE_MARKS)
    item_start = _last_mark(text, clause_start, start, "、")
    continued = attribution.continues.get(paragraph)
    if continued and clause_start == paragraph:
        clause_start = item_start = paragraph
    else:
        continued = None if sentence[0] > paragraph else continued
    clause_prefix = text[clause_start:start]
    if p.context_openers.match(clause_prefix):
        return None
    clause_end = _next_mark(text, end, sentence[1], CLAUSE_MARKS)
    if mode in (PLAN, LONG_TERM) and p.past_in_plan.search(text, clause_start, clause_end):
        return None  # a plan's sentence may recall a fact: 优化已建成超1.6万个…，升级拓展2250家…
    if p.conditional.search(text, clause_start, clause_end):
        return None  # 有6.5%－7%的增速就能够实现比较充分的就业: a condition, not a commitment
    origin = _last_mark(text, clause_start, start, p.from_words)
    if (
        origin > clause_start
        and _last_mark(text, origin, start, p.to_words) == origin
        and _next_mark(text, end, clause_end, p.to_words) < clause_end
    ):
        return None  # 从17%降至13%: 17% is where the change starts
    before = p.before.search(text, max(clause_start, start - 5), start)
    before_word = before.group().strip() if before else ""
    comparator = p.comparators_before[before_word] if before else "="
    if before_word in p.qualifying_before and text[tail : tail + 1] not in ("", *CLAUSE_MARKS, *"。！？!?\n)）"):
        return None  # 过 + a quantity the clause goes on from: 过百万元农村社区
    if after_bound:
        comparator = p.comparators_after[after_bound.group().strip()]
    if "n1" in m.re.groupindex:
        q = _read_quantity(ctx, m, comparator, clause_prefix)
    else:
        q = _read_ratio(ctx, m, comparator)
    if q is None:
        return None
    bound = after_bound.group().strip() if after_bound else ""
    if bound in p.upper_bound_then_noun or (bound in p.bound_then_noun and q.category not in ("people", "count")):
        following = text[tail : tail + 1]
        if _CJK.match(following) and following not in "和及与并或且":
            return None  # a bound then a noun qualifies the noun: 10亿元以上项目 (not 1500万人次以上的培训)
    kind = _kind_and_sign(p, clause_prefix, q, text.startswith("的", tail))

    # Deadline: the last horizon of the sentence before the number, else the one of the
    # fragment this paragraph continues, else its section's.
    horizon = ctx.horizon(sentence, start)
    if horizon is None and continued:
        found = find_horizons(text, ctx.year, _last_mark(text, continued[0], continued[1], "。！？"), continued[1])
        horizon = found[-1] if found else None
    if horizon is None and mode in (PLAN, LONG_TERM):
        horizon = _part_horizon(part)
    if horizon is None:  # a part of no known year (a congress report's 目标): a goal year set before
        horizon = ctx.goal_before(sentence[0], paragraph)
    if horizon is not None and horizon.deadline is None:
        ctx.used_relative_without_year = True
    hedge = ctx.hedge(clause_start, start)

    metric, quote_end = _metric(ctx, start, tail, item_start, sentence, q, continued)
    quote_start = item_start
    while quote_start < start and text[quote_start] in TRIM:
        quote_start += 1
    actor, official = attribution.owner(start)
    confidence = q.confidence - (0.15 if horizon is None and hedge is None and before is None else 0.0)
    confidence -= max(0.0, PART_SURE - part.confidence) / 2  # a part read from its words, or unclear
    return _Candidate(
        start=start, end=tail, sentence=sentence, clause_start=clause_start, item_start=item_start,
        quote=(quote_start, quote_end), metric=metric, kind=kind, comparator=q.comparator, value=q.value,
        value_high=q.value_high, unit=q.unit, norm_value=scale(q.value, q.factor), norm_unit=q.norm_unit,
        horizon=horizon, hedge=hedge, actor=actor, official=official, confidence=confidence,
        doubling=q.category == "ratio",
    )  # fmt: skip


def _part_horizon(part: Part) -> Horizon | None:
    """A plan part's own deadline for a pledge whose sentence names none: its heading's words
    (2025年重点工作), or with no words the year its part plans for (a year's work, a period)."""
    if part.horizon is not None:
        return part.horizon
    if part.deadline is None:
        return None
    return Horizon(part.start, part.start, "", part.deadline, False)


def _distribute(ctx: _Context, candidates: list[_Candidate]) -> list[_Candidate]:
    """``A、B分别增长50%`` → one record per metric; ``A、B分别达到X、Y`` → pairs; ``A和B翻一番``
    → one doubling each; values joined by 和/、 share a bound (保持在90%和98%以上)."""
    text, p = ctx.text, ctx.p
    out: list[_Candidate] = []
    i = 0
    while i < len(candidates):
        c = candidates[i]
        marker = p.distribute.search(text, c.clause_start, c.start)
        if not marker and c.doubling:
            # 实现国内生产总值和城乡居民人均收入比二0一0年翻一番: both double, 分别 or not.
            listed = [_clean_metric(ctx, part) for part in p.joiners.split(text[c.clause_start : c.start])]
            listed = [m for m in listed if m]
            if len(listed) > 1:
                out.extend(_replace(c, metric=metric) for metric in listed)
                i += 1
                continue
        group = [c]
        while i + len(group) < len(candidates):
            nxt = candidates[i + len(group)]
            gap = text[group[-1].end : nxt.start]
            if nxt.clause_start != c.clause_start or not p.joiners.fullmatch(gap.strip()):
                break
            group.append(nxt)
        # 达到65%、24.1%: the verb before the first value bounds them all; 保持在90%和98%以上: so
        # does a bound after the last (a range stays its own).
        shared = next((g.comparator for g in (c, group[-1]) if g.comparator not in ("=", "range")), "=")
        if shared != "=":
            group = [g if g.comparator != "=" else _replace(g, comparator=shared) for g in group]
        if not marker:
            out.extend(group)
            i += len(group)
            continue
        listed = text[c.clause_start : marker.start()]
        metrics = [_clean_metric(ctx, part) for part in p.joiners.split(listed)]
        metrics = [m for m in metrics if m]
        if not metrics:
            # 全区生产总值突破1500亿元,区级…收入突破300亿元,分别增长50%: the metrics of the
            # pledges before it in the same part of the sentence.
            segment = _last_mark(text, c.sentence[0], c.start, "；;")
            metrics = [o.metric for o in out if o.start >= segment and o.sentence == c.sentence and o.metric]
        metrics = _split_compound(p, metrics)
        if not metrics:
            out.extend(group)
        elif len(metrics) == 1:
            # 低保人均补助标准分别提高5%和8%: one metric for every value.
            out.extend(_replace(g, metric=metrics[0]) for g in group)
        elif len(group) == 1:
            for metric in metrics:
                out.append(_replace(c, metric=metric))
        elif len(group) == len(metrics):
            out.extend(_replace(g, metric=metric) for g, metric in zip(group, metrics))
        else:
            out.extend(group)
        i += len(group)
    return out


def _split_compound(p: Patterns, metrics: list[str]) -> list[str]:
    """城乡居民人均可支配收入 → 城镇居民…, 农村居民… (kinds.yaml: compounds)."""
    if len(metrics) != 1:
        return metrics
    for compound, parts in p.compounds.items():
        if metrics[0].startswith(compound):
            rest = metrics[0][len(compound) :]
            return [part + rest for part in parts]
    return metrics


def _replace(c: _Candidate, **changes: object) -> _Candidate:
    values = {name: getattr(c, name) for name in c.__slots__}
    values.update(changes)
    return _Candidate(**values)


def _inherit_metrics(ctx: _Context, candidates: list[_Candidate]) -> None:
    """``地区生产总值增长20%，达到282亿元``: a clause with no metric of its own continues the last."""
    previous: _Candidate | None = None
    for i, c in enumerate(candidates):
        if not c.metric and previous is not None and previous.sentence == c.sentence:
            candidates[i] = _replace(c, metric=previous.metric)
        previous = candidates[i]


def _same_metric(p: Patterns, a: str, b: str) -> bool:
    """全区生产总值 / 生产总值: one names the other, or both name one measure (国内生产总值 /
    经济增长预期目标: kinds.yaml, same_measure); an empty metric only matches an empty one."""
    if a == b or bool(a and b and (a in b or b in a)):
        return True
    return any(group.search(a) and group.search(b) for group in p.same_measure)


def _merge(p: Patterns, source: str, text: str, candidates: list[_Candidate]) -> list[Pledge]:
    """A pledge said twice in one source is one record; its other places become mentions.

    Twice means: same owner, kind, comparator, value, unit and deadline, a metric that names the
    other's, at another place (records sharing one place, as 分别 makes, are distinct).
    """
    by_key: dict[tuple, list[Pledge]] = {}
    pledges: list[Pledge] = []
    for c in candidates:
        key = (
            c.actor, c.kind, c.comparator, c.norm_value, c.value_high, c.norm_unit,
            c.horizon.deadline if c.horizon else None,
        )  # fmt: skip
        span = c.quote
        same = by_key.setdefault(key, [])
        known = next((k for k in same if _same_metric(p, k.metric, c.metric)), None)
        if known is not None and (known.start, known.end) != span:
            if span not in known.mentions:
                known.mentions.append(span)
            continue
        pledge = Pledge(
            source=source, start=span[0], end=span[1], quote=text[span[0] : span[1]], metric=c.metric,
            kind=c.kind, comparator=c.comparator, value=c.value, unit=c.unit, norm_value=c.norm_value,
            norm_unit=c.norm_unit, actor=c.actor, official=c.official, value_high=c.value_high,
            deadline=c.horizon.deadline if c.horizon else None, horizon=c.horizon.words or None if c.horizon else None,
            hedge=c.hedge, confidence=round(c.confidence, 2),
        )  # fmt: skip
        same.append(pledge)
        pledges.append(pledge)
    return pledges


def _scan_spans(ctx: _Context) -> list[tuple[int, int]]:
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


def _quantities(ctx: _Context) -> list[re.Match[str]]:
    """Every quantity match in the scanned spans, in text order; of overlapping matches the first
    regex's wins (7100亿元 over the unitless 7100亿)."""
    matches = sorted(
        (m for lo, hi in _scan_spans(ctx) for pattern in ctx.p.quantity for m in pattern.finditer(ctx.text, lo, hi)),
        key=re.Match.start,
    )
    kept: list[re.Match[str]] = []
    for m in matches:
        if not kept or m.start() >= kept[-1].end():
            kept.append(m)
    return kept


def run(text: str, source: str, year: int | None, title: str | None, date: str | None) -> Extraction:
    """:func:`taizhang.extract.extract` without its safety net (the fuzz tests call this)."""
    warnings: list[str] = []
    if year is None:
        year = document_year(text, title, date)
    ctx = _Context(text, year, title)
    candidates = [c for m in _quantities(ctx) if (c := _judge(ctx, m)) is not None]
    candidates = _distribute(ctx, candidates)
    _inherit_metrics(ctx, candidates)
    pledges = _merge(ctx.p, source, text, candidates)
    if ctx.used_relative_without_year:
        warnings.append(RELATIVE_WARNING)
    return Extraction(pledges, year, warnings)
