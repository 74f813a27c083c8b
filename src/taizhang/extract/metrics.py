"""Naming what a pledge measures, from the words before its number or, for a count, after it.

``全区生产总值突破1500亿元`` → 全区生产总值; ``1364个重点项目`` → 重点项目; ``总投资7100亿元的1364个
重点项目`` → 重点项目总投资. Horizons, hedges, comparators, change and auxiliary words are trimmed
off (``rules/zh/metrics.yaml`` and the words of the other stages).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from taizhang.extract import rules
from taizhang.extract.horizons import YEAR, Horizon, find_horizons
from taizhang.extract.marks import ITEM_MARKS, TRIM, last_mark, next_mark

# A metric is at most this long: longer prefixes are whole sentences, not names of a measure.
METRIC_MAX = 24
NOUN_AFTER_MAX = 14
ASIDE_MAX = 8  # the longest aside in brackets inside a noun: 乡镇（街道）
_NOUN_STOPS = ITEM_MARKS + "的和及与。“”‘’\"（）()"  # where a count's noun ends
# A bound word then a number: 产值超100亿元(的) says which things, not what they are.
_BOUNDED_DIGIT = re.compile(r"(?:超过|超|过|高于|达到|达)[0-9０-９]")


@dataclass(frozen=True, slots=True)
class Rules:
    strip_head: re.Pattern[str]
    lead: re.Pattern[str]  # adverbs, a hedge and a verb leading a metric, trimmed once
    strip_tail: rules.TrailingWords
    base_phrase: re.Pattern[str]  # 比2010年, 与2020年相比: a base of comparison, no part of a metric
    origin_phrase: re.Pattern[str]  # 从人均8.7万元(提高到): where a change starts, no part of a metric
    action_verbs: re.Pattern[str]
    money_words: tuple[str, ...]
    list_joiners: tuple[str, ...]
    noun_goes_on_after: tuple[str, ...]
    milestones: tuple[str, ...]
    generic_nouns: frozenset[str]
    topic: re.Pattern[str]  # 关于城镇新增就业，…: what a sentence is about
    comparatives: frozenset[str]
    predicate: re.Pattern[str]  # a verb and its object after a count's noun (…企业|实施技改)
    next_head: re.Pattern[str]  # the head noun of the next item of a list of qualified counts


@cache
def patterns() -> Rules:
    data = rules.load()
    alt = rules.alternation
    kinds, metrics, horizons = data["kinds"], data["metrics"], data["horizons"]
    strip = (
        list(data["comparators"]["before"]) + kinds["growth"] + kinds["decline"] + kinds["annual"]
        + data["hedges"]["hedges"] + data["lists"]["distribute"] + metrics["metric_strip"]
    )  # fmt: skip
    from_words = alt(data["quantities"]["from_words"])
    return Rules(
        # Two regexes: one alternation of literals first (not ``(?:…)+$``) lets the regex engine
        # skip in C to the characters a word can start with.
        strip_head=re.compile(rf"(?:(?!{alt(metrics['kept_terms'])})(?:{alt(strip)}))+"),
        lead=re.compile(
            rf"(?:{alt(metrics['lead_adverbs'])})*(?:{alt(data['hedges']['hedges'])})?(?:{alt(metrics['lead_verbs'])})?"
        ),
        strip_tail=rules.TrailingWords.of(strip + metrics["metric_strip_tail"]),
        base_phrase=re.compile(
            rf"(?:{alt(horizons['base_markers'])})[ ]?{YEAR}[ ]?年(?:{alt(horizons['base_after'])})?"
        ),
        # 由2010年的162.4亿元增加到(2015年的): what is left of an origin once its years are taken out.
        origin_phrase=re.compile(rf"(?:{from_words})[^0-9０-９，,；;]{{0,8}}[0-9０-９][0-9０-９., ]*[^0-9０-９，,；;的]{{0,4}}的?$"),
        action_verbs=re.compile(rf"(?:{alt(metrics['action_verbs'])})+"),
        money_words=tuple(metrics["money_words"]),
        list_joiners=tuple(data["lists"]["list_joiners"]),
        noun_goes_on_after=tuple(metrics["noun_goes_on_after"]),
        milestones=tuple(metrics["milestones"]),
        generic_nouns=frozenset(metrics["generic_nouns"]),
        topic=re.compile(r"[ \t\u3000\u200b]*关于(?P<topic>[^，,：:。；;]{2,16})[，,：:]"),
        comparatives=frozenset(metrics["comparatives"]),
        predicate=re.compile(
            rf"(?<=..)(?:{alt(metrics['predicate_adverbs'])})?(?:{alt(metrics['noun_predicates'])})[^0-9０-９]{{2,}}$"
        ),
        # 3个千亿级、3个五百亿级产业集群: after the count and the other qualifier (…级) comes the head.
        next_head=re.compile(rf"[^{ITEM_MARKS}。的和及与]{{1,{NOUN_AFTER_MAX}}}?级(?P<head>[^{ITEM_MARKS}。的和及与“”（）()]{{2,{NOUN_AFTER_MAX}}})"),
    )


def clean(raw: str, year: int | None, horizons: list[Horizon] | None = None) -> str:
    """What is measured, from the words before a number: horizon, hedge, comparator and
    auxiliary verbs trimmed (到2026年高新技术企业突破 → 高新技术企业). ``horizons`` are those
    already found in ``raw``'s sentence, when the caller has them."""
    p = patterns()
    # Horizons go before the trim: a horizon's words may hold a quote mark (“十三五”时期).
    metric = raw
    for h in find_horizons(metric, year) if horizons is None else horizons:
        if h.words:
            metric = metric.replace(h.words, "")
    if "年" in metric:  # every base phrase holds one (比2010年)
        metric = p.base_phrase.sub("", metric)
    metric = metric.strip(TRIM)
    previous = None
    while previous != metric:
        previous = metric
        head = p.strip_head.match(metric)
        metric = p.strip_tail.cut(metric[head.end() :] if head else metric)
        metric = p.origin_phrase.sub("", metric).strip(TRIM)
    # Once, not in the loop: what a lead word leaves is the name (实施重点项目 → 重点项目, not 项目).
    metric = metric[p.lead.match(metric).end() :].lstrip(" \t\u3000\u200b")  # “你点我检”食品抽检 keeps its “
    return "" if metric in p.comparatives else metric[-METRIC_MAX:]


def noun_after(text: str, pos: int, hi: int) -> tuple[str, int]:
    """The noun a count word introduces, and where it ends: 1364个|重点项目|建设 → 重点项目建设 (to a
    stop); a name in quotes opening it belongs to it (10个|“数字领航”企业), and so do what its items
    share (94个|省、市、区重点项目: one character is no noun of its own; 3个千亿级、3个五百亿级产业集群:
    千亿级产业集群) and a short aside (700个|乡镇（街道）应急消防管理站)."""
    p = patterns()
    end = min(hi, pos + NOUN_AFTER_MAX)
    start = pos
    if text.startswith(("“", "‘"), pos):
        closed = next_mark(text, pos + 1, end, "”’")
        if closed < end:
            start = closed + 1
    stop = next_mark(text, start, end, _NOUN_STOPS)
    item = start  # where the item that ``stop`` ends starts
    head = ""
    while stop < end:
        mark = text[stop]
        if mark in "和及与" and text[pos:stop].endswith(p.noun_goes_on_after):
            pass  # 11个省级和美乡村重点片区
        elif mark == "、" and stop - item == 1:
            item = stop + 1  # 省、市、区重点项目
        elif mark in "（(" and stop > start and (closed := next_mark(text, stop + 1, min(len(text), stop + ASIDE_MAX), "）)")) < stop + ASIDE_MAX:
            end = min(hi, end + closed + 1 - stop)  # 乡镇（街道）应急消防管理站: read on after the aside,
            stop = closed  # which does not count against the noun's length
        else:
            if mark == "、" and text[pos:stop].endswith(p.noun_goes_on_after) and (m := p.next_head.match(text, stop + 1, hi)):
                head = m["head"]  # 千亿级、3个五百亿级产业集群
            break
        stop = next_mark(text, stop + 1, end, _NOUN_STOPS)
    if stop < len(text) and text[stop] == "的" and _BOUNDED_DIGIT.search(text, pos, stop):
        # 10个|产值超100亿元的|产业集群: what comes before 的 says which; the noun after names them.
        pos = stop + 1
        stop = next_mark(text, pos, min(len(text), pos + NOUN_AFTER_MAX), _NOUN_STOPS)
    noun = text[pos:stop]
    return noun.strip(" \t\u3000\u200b") + head, pos + len(noun.rstrip(" \t\u3000\u200b"))


def predicate_first(noun: str) -> str:
    """A count's noun followed by what is said of it, as the noun it qualifies: 工业企业实施技改 →
    实施技改的工业企业 (metrics.yaml: noun_predicates)."""
    m = patterns().predicate.search(noun)
    return f"{noun[m.start() :]}的{noun[: m.start()]}" if m else noun


def name(
    text: str, year: int | None, start: int, tail: int, item_start: int, clause_end: int, horizons: list[Horizon],
    named_after: bool, money: bool, continued: tuple[int, int] | None, following: re.Match[str] | None,
    sentence_start: int = 0,
) -> tuple[str, int]:  # fmt: skip
    """What is measured, and where the pledge's quote ends.

    A count word names its noun after it (1364个重点项目, 完成4000户的改造任务); anything else is
    named before the number (全区生产总值突破1500亿元); money before 的 belongs to what follows
    (总投资7100亿元的1364个重点项目 → 重点项目总投资). ``horizons``: those inside the item before
    the number; ``following``: a quantity right after a 的 that follows this one.
    """
    p = patterns()
    noun, noun_end = "", tail
    if named_after:
        noun, noun_end = noun_after(text, tail + 1 if text.startswith("的", tail) else tail, clause_end)
    metric = noun or clean(text[item_start:start], year, horizons)
    if not metric and continued:
        # 达到13家 continuing “…独角兽企业”: the fragment's last item names it.
        metric = clean(text[last_mark(text, continued[0], continued[1], ITEM_MARKS) : continued[1]], year)
    if not metric or metric.endswith(p.list_joiners) or p.action_verbs.fullmatch(metric):
        # 牢牢守住十八亿亩耕地红线, 5万平方米公安小区和2万平方米回迁房, 开工建设10万平方米职工住宅
        # 小区: nothing before names it (an action, or the item before), the noun after does.
        noun, noun_end = noun_after(text, tail + 1 if text.startswith("的", tail) else tail, clause_end)
        if noun in p.milestones:
            noun = ""  # 迈上3万亿元台阶: no name here; the metric stated before goes on (lists.inherit_metrics)
        metric = noun or metric
    if noun and metric == noun:
        metric = predicate_first(noun)
    if money and text.startswith("的", tail):
        target = noun_after(text, tail + 1, clause_end)[0]
        if following and following["unit"]:
            target = noun_after(text, following.end(), clause_end)[0]
        word = next((w for w in p.money_words if w in metric), "")
        if target and target not in metric:
            metric = target + (metric[metric.rfind(word) :] if word else metric)
    if metric in p.generic_nouns:
        # 关于城镇新增就业，主要考虑：…1200万人以上的预期目标: the sentence's topic, else (empty) the
        # metric stated before in the sentence (lists.inherit_metrics).
        topic = p.topic.match(text, sentence_start, min(len(text), sentence_start + 24))
        metric = clean(topic["topic"], year) if topic else ""
    return metric, (noun_end if noun else tail)
