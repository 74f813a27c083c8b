"""Facts a document states two ways: a person's title, an ordinal, a quote's speaker, a figure.

Conflicts are reported with every place that states each value; repair does not pick one, but
says which value most places state (``likely``) when one has a majority.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from taizhang.repair.model import Paragraph
from taizhang.repair.rules import Rules
from taizhang.repair.speakers import Speakers, TitleMention
from taizhang.repair.text import normalise

QUOTE_MIN_CHARS = 15  # shorter quotes are slogans many people repeat (“走在前、开新局”)
AFTER_CHARS = 2


@dataclass(frozen=True, slots=True)
class Conflict:
    what: str
    values: tuple[str, ...]
    places: tuple[tuple[int, int, int], ...]  # (paragraph, start, end) for each statement
    likely: str | None


def _likely(counts: dict[str, int]) -> str | None:
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    return ranked[0][0] if len(ranked) > 1 and ranked[0][1] > ranked[1][1] else None


def _organ_post(title: str, rules: Rules) -> tuple[str, str] | None:
    m = re.fullmatch(f"(.*?)({rules.posts_re})", title)
    return (m.group(1), m.group(2)) if m and m.group(1) else None


def titles(mentions: list[TitleMention], paras: list[Paragraph], rules: Rules) -> list[Conflict]:
    """One person holding two different posts in the same body (市政协副主席 / 市政协委员)."""
    by_slot: dict[tuple[str, str], dict[str, list[TitleMention]]] = defaultdict(lambda: defaultdict(list))
    for mention in mentions:
        for title in mention.titles:
            split = _organ_post(title, rules)
            if split:
                by_slot[mention.official, split[0]][title].append(mention)
    found = []
    for (official, organ), values in by_slot.items():
        if len(values) < 2:
            continue
        places = []
        for title, ms in values.items():
            for m in ms:
                p = paras[m.paragraph]
                at = p.text.find(title)
                places.append((p.index, p.start + at, p.start + at + len(title)))
        found.append(Conflict(
            f"{official}'s title in {organ}", tuple(values), tuple(places),
            _likely({t: len(ms) for t, ms in values.items()}),
        ))
    return found


def ordinals(paras: list[Paragraph], rules: Rules) -> list[Conflict]:
    """The same body numbered differently (省第十二次党代会 / 省第十三次党代会): same word
    before it, same kind of ordinal, same body name, and the same two characters after it, so
    that two congresses a report names on purpose (第十四次…确定的 / 第十五次…精神) are not one."""
    by_key: dict[tuple[str, str, str, str], dict[str, list[tuple[int, int, int]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for p in paras:
        for m in rules.ordinal_re.finditer(p.text):
            before = p.text[m.start() - 1] if m.start() else ""
            after = p.text[m.end() : m.end() + AFTER_CHARS]
            by_key[before, m.group(2), m.group(3), after][m.group(1)].append(
                (p.index, p.start + m.start(), p.start + m.end())
            )
    found = []
    for (before, kind, body, _), values in by_key.items():
        if len(values) < 2:
            continue
        forms = {n: f"{before}第{n}{kind}{body}" for n in values}
        found.append(Conflict(
            f"which {before}{body}", tuple(forms.values()),
            tuple(place for places in values.values() for place in places),
            forms.get(_likely({n: len(ps) for n, ps in values.items()}) or ""),
        ))
    return found


def quotes(paras: list[Paragraph], speakers: Speakers, rules: Rules) -> list[Conflict]:
    """One quotation attributed to two people: the same quoted words in paragraphs naming
    different speakers. Every paragraph counts, duplicates too, since the article stated them."""
    o, c = re.escape(rules.text["quote_open"]), re.escape(rules.text["quote_close"])
    quote = re.compile(f"{o}([^{o}{c}]{{{QUOTE_MIN_CHARS},}}){c}")
    by_quote: dict[str, dict[str, list[tuple[int, int, int]]]] = defaultdict(lambda: defaultdict(list))
    for p in paras:
        named = speakers.named(p.text)
        if len(named) != 1:
            continue
        (who,) = named
        for m in quote.finditer(p.text):
            by_quote[normalise(m.group(1))][who].append((p.index, p.start + m.start(), p.start + m.end()))
    found = []
    for words, who in by_quote.items():
        if len(who) > 1:
            found.append(Conflict(
                f"who said {words[:20]}…", tuple(who),
                tuple(place for places in who.values() for place in places), None,
            ))
    return found
