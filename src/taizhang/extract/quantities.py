"""Reading quantities: a number with its unit, its bound words, its kind and sign, or why it is none.

Compiled regexes, each starting with one character class or word so that the regex engine scans
for it in C, find every numeral-with-unit, 百分之X / 翻一番 / 倍增 and unitless 万 of people (the
Arabic numerals of both kinds found in one scan, :func:`find`). A match
is then read (:func:`read`): its value and unit normalised (``rules/zh/units.yaml``), and it is
turned down when it is part of a name or code (2.0版, 第十二次, “7+10+7”), qualifies a noun
(10亿元以上项目, 千亿级), counts a text's own parts (9个方面, 22项主要指标) or names a project's
capacity (700万吨煤炭项目). :func:`kind_and_sign` gives its kind (level, growth, annual growth,
share) from the change words of its clause (``kinds.yaml``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from taizhang.extract import rules
from taizhang.extract.marks import CLAUSE_MARKS, ITEM_MARKS, TRIM, last_mark, next_mark
from taizhang.extract.numbers import (
    ARABIC_LEAD,
    ARABIC_LEAD_REST,
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

CJK = re.compile(r"[\u4e00-\u9fff]")
# How far around a unitless 万 to look for the people it counts (2300万省外劳动力).
PEOPLE_NOUN_WINDOW = 10
_CLAUSE_ENDS = CLAUSE_MARKS + "。！？!?\n"  # what ends a clause, the sentence's ends too


@dataclass(frozen=True, slots=True)
class Rules:
    """The regexes and word lists of this stage, built once from the rule files."""

    quantity: tuple[re.Pattern[str], ...]  # Arabic, Chinese numeral; 百分之, 翻番, 倍增; unitless 万
    ranged: re.Pattern[str]  # an Arabic range whose first end carries magnitude or unit (1400万亩至1500万亩)
    range_seps: tuple[str, ...]  # the words between a range's ends
    arabic_scan: re.Pattern[str]  # where the Arabic or the unitless 万 regex matches, and which (see find)
    unitless: re.Pattern[str]  # 系数提高到: a noun of a unitless ratio and its bound, before its number
    bare: re.Pattern[str]  # a number with no unit (read after `unitless`)
    before: re.Pattern[str]  # comparator word ending right before a number
    after: re.Pattern[str]  # bound word right after a unit
    comparators_before: dict[str, str]
    comparators_after: dict[str, str]
    change: rules.WordLed  # group "growth", "decline" or "share" set for a real change or share word
    growth: re.Pattern[str]
    annual: re.Pattern[str]
    reach: re.Pattern[str]
    level_verbs: re.Pattern[str]
    qualifier_after: tuple[str, ...]
    code_before: re.Pattern[str]  # a qualifier word (第, 每, No) or a Latin letter right before a number
    code_after: re.Pattern[str]  # a qualifier word (级, 版), a Latin letter or + right after it
    qualifying_before: tuple[str, ...]
    qualifying_before_of: tuple[str, ...]
    bound_then_noun: tuple[str, ...]
    upper_bound_then_noun: tuple[str, ...]
    enumeration_nouns: tuple[str, ...]
    capacity_categories: frozenset[str]
    from_words: tuple[str, ...]
    to_words: tuple[str, ...]
    people_nouns: re.Pattern[str]
    people_verbs: re.Pattern[str]
    structure_nouns: tuple[str, ...]
    unit_context: dict[str, tuple[str, ...]]
    per_capita: re.Pattern[str]  # 每万人口: per so many people
    duration_bounds: frozenset[str]
    quote_open: str
    quote_close: str
    quote_max: int
    quote_open_mark: re.Pattern[str]  # any of quote_open


@cache
def patterns() -> Rules:
    data = rules.load()
    alt = rules.alternation
    comp, kinds, q = data["comparators"], data["kinds"], data["quantities"]
    mults = alt(data["units"]["multipliers"])
    units = alt(data["units"]["units"])  # for the unitless 万 regex's lookahead
    seps = alt(comp["range"])
    more = alt(comp["more"])

    # A rate: a unit per another (17.4万元/人, 0.8人/百亿元).
    per_units = [w for w, u in rules.units().items() if u.category not in ("percent", "points", "ratio", "proportion")]
    per = rf"(?:(?:{alt(q['rate_marks'])})(?P<per_mult>{mults})?(?P<per>{alt(per_units)}))?"

    def rest(unit_words: Iterable[str]) -> str:
        return (
            rf"(?:(?P<u1>[%％])?[ ]?(?P<sep>{seps})[ ]?(?P<n2>{NUMERAL}))?"
            rf"[ ]?(?P<lead>(?:{more})(?=(?:{mults})))?(?P<mult>{mults})?(?P<more>{more})?(?P<unit>{alt(unit_words)}){per}"
        )  # <lead>: 1200多万人, 7500多亿元 (more than, before the magnitude)

    # Chinese numerals never count with a measure word (一项任务, 五个方面): see
    # chinese_numeral_may_pledge; leaving those units out spares the regex most of its matches.
    cn_units = [w for w, u in rules.units().items() if u.category != "count"]
    verbs = alt(kinds["growth"] + kinds["decline"])
    arabic = rest(data["units"]["units"])
    # 保持2300万省外劳动力, 农村贫困人口减少1000万以上: 万/亿 with no unit, people if the words
    # around say so. The never-matching groups keep the numeral regexes' group names.
    unitless_wan = (
        rf"[ ]?(?P<lead>(?:{more})(?=[万亿]))?(?P<mult>[万亿])(?P<more>{more})?"
        rf"(?![ ]?(?:{mults})?(?:{units}))(?P<u1>(?!))?(?P<sep>(?!))?(?P<n2>(?!))?(?P<unit>(?!))?"
        r"(?P<per_mult>(?!))?(?P<per>(?!))?"
    )
    # A range whose first end carries the magnitude or the unit too (1400万亩至1500万亩, 1.2万至1.5万人):
    # the same magnitude and unit at both ends (the backreferences), else two quantities, as before.
    ranged = (
        rf"(?P<n1>{ARABIC_LEAD})(?P<m1>{mults})?(?P<w1>{units})?[ ]?(?P<sep>{seps})[ ]?(?P<n2>{ARABIC_LEAD})"
        rf"(?P<mult>(?(m1)(?P=m1)))(?P<unit>(?(w1)(?P=w1)|(?:{units})))"
        r"(?P<u1>(?!))?(?P<lead>(?!))?(?P<more>(?!))?(?P<per_mult>(?!))?(?P<per>(?!))?"
    )
    return Rules(
        # Separate regexes, not one alternation: each starts with a single character class or
        # literal, which the regex engine scans for in C; an alternation of classes defeats that.
        quantity=(
            re.compile(rf"(?P<n1>{ARABIC_LEAD}){arabic}"),
            re.compile(rf"(?P<n1>{CHINESE_LEAD}){rest(cn_units)}"),
            # One regex each, opening on its word, which the regex engine finds faster than a class;
            # the never-matching groups give each the others' group names.
            re.compile(rf"百分之(?P<pct>{NUMERAL})(?P<fan>(?!))?(?P<double>(?!))?"),
            re.compile(r"翻(?P<fan>[一两二三四1-4])?番(?P<pct>(?!))?(?P<double>(?!))?"),
            re.compile(r"倍(?P<double>增)(?P<pct>(?!))?(?P<fan>(?!))?"),
            re.compile(rf"(?P<n1>{ARABIC_LEAD}){unitless_wan}"),
        ),
        ranged=re.compile(ranged),
        range_seps=tuple(comp["range"]),
        # Both Arabic regexes tried at once where a numeral starts: the first at a place, else the
        # second (a group says which), as find took them one after the other.
        arabic_scan=re.compile(rf"[0-9０-９](?:{_plain(ARABIC_LEAD_REST + arabic)}|(?P<unitless>{_plain(ARABIC_LEAD_REST + unitless_wan)}))"),
        unitless=re.compile(rf"(?:{alt(q['unitless_nouns'])})(?:{alt(comp['before'])})[ ]?"),
        bare=re.compile(
            rf"(?P<n1>{ARABIC_LEAD})(?![0-9０-９.．%％‰])"
            r"(?P<u1>(?!))?(?P<sep>(?!))?(?P<n2>(?!))?(?P<lead>(?!))?(?P<mult>(?!))?(?P<more>(?!))?(?P<unit>(?!))?"
            r"(?P<per_mult>(?!))?(?P<per>(?!))?"
        ),
        before=re.compile(rf"(?:{alt(comp['before'])})[ ]?$"),
        after=re.compile(rf"[ ]?(?:{alt(comp['after'])})"),
        comparators_before=dict(comp["before"]),
        comparators_after=dict(comp["after"]),
        change=rules.WordLed.of(
            rf"{alt(kinds['not_change'])}|(?P<share>{alt(kinds['share'])})"
            rf"|(?P<decline>{alt(kinds['decline'])})|(?P<growth>{alt(kinds['growth'])})",
            kinds["not_change"] + kinds["share"] + kinds["decline"] + kinds["growth"],
        ),
        growth=re.compile(alt(kinds["growth"])),
        annual=re.compile(rf"(?:{alt(kinds['annual'])})(?:分别|均)?(?:{verbs})"),  # 年均分别增长8.8%
        # 城镇化率提高到65%; 增加到全国人口的72% (the share of a whole); 从202元、270元提高到209元、
        # 280元 (the second of two levels reached).
        reach=re.compile(
            rf"(?:{verbs})(?:{alt(kinds['reach'])})(?:[^，,；;：:]{{1,12}}[的、和]|{alt(comp['before'])})?[ ]?$"
        ),  # 城镇化率提高到65%, 增加到超过100万亿元
        level_verbs=re.compile(alt(kinds["level_verbs"])),
        qualifier_after=tuple(q["qualifier_after"]),
        # \Z, not $: a word must end right at the number, not before a newline ending there.
        code_before=re.compile(rf"(?:{alt(q['qualifier_before'])}|[A-Za-z])\Z"),
        code_after=re.compile(rf"{alt(q['qualifier_after'])}|[+＋A-Za-z]"),
        qualifying_before=tuple(q["qualifying_before"]),
        qualifying_before_of=tuple(q["qualifying_before_of"]),
        bound_then_noun=tuple(q["bound_then_noun"]),
        upper_bound_then_noun=tuple(q["upper_bound_then_noun"]),
        enumeration_nouns=tuple(q["enumeration_nouns"]),
        capacity_categories=frozenset(q["capacity_categories"]),
        from_words=tuple(q["from_words"]),
        to_words=tuple(q["to_words"]),
        people_nouns=re.compile(alt(q["people_nouns"])),
        people_verbs=re.compile(alt(q["people_verbs"])),
        structure_nouns=tuple(q["structure_nouns"]),
        unit_context={str(unit): tuple(words) for unit, words in q["unit_context"].items()},
        per_capita=re.compile(alt(q["per_capita"])),
        duration_bounds=frozenset(q["duration_bounds"]),
        quote_open="".join(q["quote_open"]),
        quote_close="".join(q["quote_close"]),
        quote_max=int(q["quote_max_chars"]),
        quote_open_mark=re.compile(f"[{re.escape(''.join(q['quote_open']))}]"),
    )


def _plain(pattern: str) -> str:
    """A regex's source with its named groups made non-capturing."""
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


def find(text: str, spans: Iterable[tuple[int, int]]) -> list[re.Match[str]]:
    """Every quantity match in ``spans`` of ``text``, in text order; of overlapping matches the
    first regex's wins (7100亿元 over the unitless 7100亿)."""
    p = patterns()
    spans = list(spans)
    arabic, unitless_wan, others = p.quantity[0], p.quantity[-1], p.quantity[1:-1]
    found = []
    for lo, hi in spans:
        # One scan for both Arabic regexes (a scan costs more than the few matches it finds), then
        # the match of the one that matched, which the readers look at.
        for m in p.arabic_scan.finditer(text, lo, hi):
            q = (unitless_wan if m.lastgroup else arabic).match(text, m.start(), hi)
            # A range word right after it: perhaps a range whose first end carries the magnitude
            # or unit too (only then is its regex tried: most numbers have none).
            if text.startswith(p.range_seps, q.end()) and (r := p.ranged.match(text, m.start(), hi)) and _one_range(text, lo, r):
                q = r
            found.append(q)
        found += [m for pattern in others for m in pattern.finditer(text, lo, hi)]
    # 农田灌溉水有效利用系数提高到0.6: a ratio written with no unit, found from its noun (after the
    # others, so a number with a unit is read with it).
    found += [b for lo, hi in spans for u in p.unitless.finditer(text, lo, hi) if (b := p.bare.match(text, u.end(), hi))]
    matches = sorted(found, key=re.Match.start)
    kept: list[re.Match[str]] = []
    for m in matches:
        if not kept or m.start() >= kept[-1].end():
            kept.append(m)
    return kept


def _one_range(text: str, lo: int, m: re.Match[str]) -> bool:
    """Whether a range with its unit at both ends is one quantity, not a change from one to the
    other (由600万吨至500万吨, 从500万吨到600万吨: the reader takes the second as the target). One
    written backwards (达到600万吨至500万吨) is one, which :func:`read` turns down whole: which end
    is meant cannot be told."""
    clause = last_mark(text, lo, m.start(), _CLAUSE_ENDS)
    return last_mark(text, clause, m.start(), patterns().from_words) == clause


@dataclass(slots=True)
class Quantity:
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

    @property
    def norm_value(self) -> float:
        return scale(self.value, self.factor)

    @property
    def finite(self) -> bool:
        """False for a number no float holds once normalised (a 301-digit number with 亿). The bare
        product decides: :func:`scale` rounds a finite product to a finite float (12 significant
        digits never round past the largest float), so its string formatting need not be paid here."""
        return math.isfinite(self.value * self.factor) and (self.value_high is None or math.isfinite(self.value_high * self.factor))


def changes(text: str, start: int) -> bool:
    """A change verb ends right before ``start`` (增长7万人, 再提高1岁), in its clause (综合实力显著提高。
    2011年，… is no change of 2011 years)."""
    p = patterns()
    lo = last_mark(text, max(0, start - 3), start, _CLAUSE_ENDS)
    return any(w.lastgroup in ("growth", "decline") for w in p.change.finditer(text, lo, start))


def is_date(text: str, m: re.Match[str]) -> bool:
    """2025年 with no change verb right before it (达到2025年 is a date too): a year, which
    :func:`read` turns down, found from the match alone so that nothing around it is looked at."""
    if m.re is not patterns().quantity[0] or m["unit"] != "年" or m["mult"] or m["per"]:
        return False
    value = parse_arabic(m["n1"])
    return value is not None and value >= 1000 and not changes(text, m.start())


def chinese_numeral_may_pledge(text: str, m: re.Match[str]) -> bool:
    """Chinese numerals are mostly words (一项任务, 五个方面, 千亩产业园, 十三亿人民): they count
    only as a percentage (三成, 一个百分点), right after a comparator or change verb (达到七万人),
    or closing their clause (新增就业七万人，)."""
    p = patterns()
    numeral, start, end = m["n1"], m.start(), m.end()
    if is_bare_magnitude(numeral):
        return False  # 千亩产业园, 过百万元农村社区: 'thousand-mu', not a target of a thousand mu
    category = rules.units()[m["unit"]].category
    if category == "count" or numeral == "一":
        return False  # 一项任务, 五个方面, 四张名片
    if category in ("percent", "points") or p.before.search(text, max(0, start - 5), start):
        return True
    if changes(text, start):
        return True
    return end == len(text) or text[end] in _CLAUSE_ENDS or bool(p.after.match(text, end))


def in_short_quote(text: str, start: int, end: int, sentence: tuple[int, int]) -> bool:
    """Inside “…” of at most a few characters: a name such as “7+10+7” or ‘四个中心’."""
    p = patterns()
    lo = max(sentence[0], start - p.quote_max)
    if not p.quote_open_mark.search(text, max(0, lo - 1), start):
        return False  # no quote opens within reach (nor right before it): most numbers, one search
    opened = last_mark(text, lo, start, p.quote_open)
    if opened == lo and (lo == 0 or text[lo - 1] not in p.quote_open):
        return False
    if last_mark(text, opened, start, p.quote_close) != opened:
        return False
    closed = next_mark(text, end, min(sentence[1], opened + p.quote_max + 1), p.quote_close)
    return closed < min(sentence[1], opened + p.quote_max + 1)


def is_code_or_name(text: str, start: int, end: int, tail: int, sentence: tuple[int, int]) -> bool:
    """Codes, ordinals and names: 第十二次, 7+10+7, PM2.5, 千亿级, 2.0版, 1号项目, “1866”."""
    p = patterns()
    if p.code_before.search(text, max(0, start - 3), start) or p.code_after.match(text, tail):
        return True
    return text.startswith(p.qualifier_after, end) or in_short_quote(text, start, end, sentence)


def read_ratio(text: str, m: re.Match[str], comparator: str) -> Quantity | None:
    """百分之X, 翻一番, 翻两番, 倍增."""
    if m["pct"] is not None:
        value = parse_numeral(m["pct"])
        return None if value is None else Quantity(value, None, "%", "%", 1.0, "percent", comparator, 0.9)
    if m["double"] and CJK.match(text, m.end()):
        return None  # 倍增计划, 提质倍增行动: the name of a programme
    # 翻一番 doubles (+100 %), 翻两番 quadruples (+300 %): growth of 2**n - 1; 翻番 and 倍增 double.
    times = int(parse_quantity(m["fan"]) or 1) if m["fan"] else 1
    return Quantity(float((2**times - 1) * 100), None, "%", "%", 1.0, "ratio", comparator, 0.7)


def names_people(text: str, clause_prefix: str, end: int) -> bool:
    """Whether a unitless 万/亿 counts people: a people noun just after it (为80万重点群体), or in
    a metric that changes by it or gains people (农村贫困人口减少1000万以上, 新增旅居人口100万);
    实时人口1.5亿左右 is a fact."""
    p = patterns()
    after = text[end : next_mark(text, end, min(len(text), end + PEOPLE_NOUN_WINDOW), CLAUSE_MARKS + "。")]
    if p.people_nouns.search(after):
        return True
    metric = clause_prefix[-PEOPLE_NOUN_WINDOW:]
    if not p.people_nouns.search(metric):
        return False
    return bool(p.people_verbs.search(metric)) or any(w.lastgroup in ("growth", "decline") for w in p.change.finditer(metric))


def read(
    text: str, m: re.Match[str], comparator: str, clause_prefix: str, before_word: str = "", facts: bool = False
) -> Quantity | None:
    """A numeral (or range) with its unit, or None when the unit shows it is no target.
    ``before_word``: the comparator word right before the number (达到), if any. ``facts``: read
    for what a text reports (outcomes), so a population that opens its clause counts too
    (5575万农村贫困人口实现脱贫)."""
    p = patterns()
    if "n1" not in m.re.groupindex:
        return read_ratio(text, m, comparator)
    end = m.end()
    # One call for the groups (every quantity regex but the ratios' has them all).
    n1, n2, unit_group, mult_group, sep, more, lead, per_group = m.group("n1", "n2", "unit", "mult", "sep", "more", "lead", "per")
    if m.re is p.bare:
        value = parse_arabic(n1)
        return None if value is None else Quantity(value, None, "ratio", "ratio", 1.0, "coefficient", comparator, 0.9)
    if unit_group is None:
        if not (facts or clause_prefix.strip(TRIM)) or not names_people(text, clause_prefix, end):
            return None  # 9亿多劳动力、1亿多…人才: a population opening its clause is a fact
        unit_word = "人"
    else:
        unit_word = unit_group
    unit = rules.units()[unit_word]
    context = p.unit_context.get(unit_word)
    if context and not any(w in clause_prefix or w in text[end : end + PEOPLE_NOUN_WINDOW] for w in context):
        return None  # 3P: a P that no 算力 makes computing power
    mult_word = mult_group or ""
    confidence = 0.9
    arabic = is_arabic(n1)
    if not arabic:
        head, split = split_multiplier(n1)
        if split:
            n1, mult_word = head, split + mult_word
        confidence = 0.75
    if mult_word and mult_word not in rules.multipliers():
        return None
    # An Arabic n1 is digits only (its 万/亿 is the mult group): no magnitude to split off.
    value = parse_arabic(n1) if arabic else parse_quantity(n1)
    value_high = parse_quantity(n2) if n2 else None
    if value is None or (sep and value_high is None):
        return None
    category = unit.category
    per = _per(m, clause_prefix, category) if per_group or category in _PER_PEOPLE else None
    if category == "count" and not mult_word and not value.is_integer() and per is None:
        return None  # 8.6个: a note number run into a count, not 8.6 things (but 每万人口3.3件)
    if category == "count" and text.startswith(p.enumeration_nouns, end):
        return None  # 9个方面工作
    if category == "count" and (noun := _noun(text, end)) and any(w in noun for w in p.structure_nouns):
        return None  # 提出22项主要指标: the plan's own structure
    if category == "proportion" and text[end : end + 1].isdigit():
        return None  # 8:15, a time, not 8∶1
    if category in p.capacity_categories and CJK.match(text, end) and text[end] not in "的和及与、以左约近多余":
        return None  # 700万吨煤炭项目: a project's capacity
    if category == "ratio" and not p.growth.search(clause_prefix):
        return None  # 是2倍: a comparison, not a change
    bounded = before_word in p.duration_bounds and not (unit_word == "年" and value >= 1000)  # 达到2025年: a date
    if category == "duration" and not (changes(text, m.start()) or bounded):
        return None  # 2025年, 0-6岁儿童: a date, a qualifier
    if category == "duration" and CJK.match(text, end) and not p.after.match(text, end):
        return None  # 实施生产性服务业创新提升三年行动: the length of a programme it names
    if (more or lead) and comparator == "=":
        comparator = ">"  # 1000多家
    if value_high is not None:
        if value_high <= value:
            return None  # 2023-2025年, 3-1: not a range of targets
        comparator = "range"
    factor = _factor(unit_word, mult_word) if mult_word else unit.factor
    written = mult_word + (unit_word if unit_word not in "%％" else "%")
    norm_unit = unit.norm
    named_after = category == "count" or unit_group is None
    if per is not None:
        # A rate: the quotient of its normalised parts (万元/人 → CNY/人; 件/万人 → 件/人, value ÷ 10⁴).
        per_written, per_norm, per_factor = per
        written, norm_unit, factor, category, named_after = f"{written}/{per_written}", f"{norm_unit}/{per_norm}", factor / per_factor, "rate", False
    return Quantity(value, value_high, written, norm_unit, factor, category, comparator, confidence, named_after)


def _per(m: re.Match[str], clause_prefix: str, category: str) -> tuple[str, str, float] | None:
    """What a quantity is per, written, normalised and its factor: a unit after / (17.4万元/人), or
    for a count of things or people, so many people named before it (每万人口…拥有量达3.3件)."""
    mults = rules.multipliers()
    if m["per"]:
        unit = rules.units()[m["per"]]
        mult = m["per_mult"] or ""
        return mult + m["per"], unit.norm, scale(unit.factor, mults[mult]) if mult else unit.factor
    if category in _PER_PEOPLE and (base := patterns().per_capita.search(clause_prefix)):
        mult = base.group()[1:].removesuffix("口").removesuffix("人")
        return f"{mult}人", "人", mults[mult]
    return None


_PER_PEOPLE = ("count", "people")  # what so many people named before it may be per (每万人口)


@lru_cache(maxsize=1024)
def _factor(unit_word: str, mult_word: str) -> float:
    """Norm units per written unit of a unit word after a magnitude (亿, 元: 1e8)."""
    return scale(rules.units()[unit_word].factor, rules.multipliers()[mult_word])


def _noun(text: str, end: int) -> str:
    """The few words after a count, to the next stop: 22项|主要指标|，."""
    return text[end : next_mark(text, end, min(len(text), end + PEOPLE_NOUN_WINDOW), ITEM_MARKS + "的和及与。")]


def kind_and_sign(clause_prefix: str, q: Quantity, owns_next: bool) -> str:
    """The kind of ``q``, negating its value for a decrease.

    The last change or share word of the clause decides: 失业率下降 is a change, 工业增加值占GDP
    比重 a share; a change verb then 到 reaches a level (城镇化率提高到65%); with no change word a
    percentage is a share and an amount a level. An amount before 的 (``owns_next``) says whose
    noun changes: 提高…2600人的生活水平 counts people, a level.
    """
    p = patterns()
    amount = q.category not in ("percent", "points", "ratio", "coefficient")
    last = None
    for word in p.change.finditer(clause_prefix):
        if word.lastgroup:
            last = word.lastgroup
    # (what reaches a level is looked for only where a change word is: without one, none is made)
    change = last in ("growth", "decline") and not (owns_next and amount) and not p.reach.search(clause_prefix)
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
