"""Speakers of a roundup article: header lines, people introduced in text, and who owns what.

A header line is a title chain ending in a name and a colon ("省党代表、市北区委书记高健:").
A speaker without a header is one introduced in running text with a title that names a region
("省党代表、李沧区委书记张友玉表示"). Evidence that a paragraph is someone's: their name next to a
title or a speech verb, their region (崂山区, its stem 崂山, or a distinctive suffix 新区) or a place
in it (杭州 for 浙江省, from the gazetteer); failing those, the level it calls its own (全区, 我省).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from taizhang import places
from taizhang.repair.model import Paragraph
from taizhang.repair.rules import Rules, alternation
from taizhang.repair.text import CJK, word_bounds

_DIGIT = re.compile(r"[0-9０-９一二三四五六七八九十百千〇零]")
# How much one mention counts: a name says more than a place, since places are also talked about.
NAME_WEIGHT = 3
REGION_WEIGHT = 1


@dataclass(slots=True)
class Speaker:
    official: str
    titles: list[str]
    region: str | None
    header: int | None  # paragraph index of the header line
    start: int  # paragraph index where the speaker's section begins by position
    aliases: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TitleMention:
    """A name with the chain of titles written before it, in one paragraph."""

    official: str
    titles: tuple[str, ...]
    paragraph: int


def _cue_near(text: str, cues: list[str], reach: int, before: bool) -> bool:
    """Whether one of ``cues`` stands in ``text`` as whole words (与 alone, not in 参与; 等地 as
    等|地, not 同 in 同比) within ``reach`` characters of the place, with no number between: the
    place ``text`` ends at when ``before``, else the one it starts after (至2027年宁波 is a time,
    not a trip to 宁波)."""
    present = [cue for cue in cues if cue in text]
    if not present:
        return False
    bounds = word_bounds(text)
    for cue in present:
        for at in _occurrences(text, cue):
            gap = text[at + len(cue) :] if before else text[:at]
            if at in bounds and at + len(cue) in bounds and len(gap) <= reach and not _DIGIT.search(gap):
                return True
    return False


def _occurrences(text: str, part: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(part), text)]


class Speakers:
    """The speakers of one document and the regexes that find evidence for them."""

    def __init__(self, paras: list[Paragraph], rules: Rules) -> None:
        self.rules = rules
        self.list: list[Speaker] = []
        self.headers: dict[int, str] = {}
        self.mentions: list[TitleMention] = []
        self._find(paras)
        self._alias()

    # -- finding ---------------------------------------------------------------------------
    @cached_property
    def _separators(self) -> str:
        return re.escape(self.rules.speakers["title_separators"])

    def _chain(self, before: str) -> list[str]:
        """The chain of titles written just before a name (省党代表、市北区委书记), in reading order."""
        posts = re.compile(f"(?:{self.rules.posts_re})$")
        chain: list[str] = []
        for segment in reversed(re.split(f"[{self._separators}]", before)):
            segment = re.split(f"[{re.escape(self.rules.speakers['chain_breaks'])}]", segment)[-1].strip()
            if not segment or not posts.search(segment) or not re.fullmatch(f"[{CJK}()（）]+", segment):
                break
            chain.append(segment)
        return chain[::-1]

    def region_of(self, titles: list[str] | tuple[str, ...]) -> str | None:
        region = re.compile(self.rules.region_re)
        for title in titles:
            m = region.match(title)
            if m:
                return m.group()
        return None

    def _header(self, para: Paragraph) -> tuple[str, list[str]] | None:
        sp = self.rules.speakers
        text = para.text
        if len(text) > sp["header_max_chars"] or text[-1] not in sp["header_colons"]:
            return None
        m = re.fullmatch(
            f"(.*?(?:{self.rules.posts_re}))([{CJK}]{{{sp['name_min_chars']},{sp['name_max_chars']}}})",
            text[:-1],
        )
        if not m or not self.rules.is_name(m.group(2)):
            return None
        titles = self._chain(m.group(1))
        return (m.group(2), titles) if titles else None

    @cached_property
    def _intro_re(self) -> re.Pattern[str]:
        sp = self.rules.speakers
        return re.compile(
            f"(?:{self.rules.posts_re})([{CJK}]{{{sp['name_min_chars']},{sp['name_max_chars']}}}?)"
            f"(?:{self.rules.adverbs_re})?(?:{self.rules.verbs_re})"
        )

    def _find(self, paras: list[Paragraph]) -> None:
        by_name: dict[str, Speaker] = {}
        for para in paras:
            header = self._header(para)
            if header:
                name, titles = header
                self.headers[para.index] = name
                self.mentions.append(TitleMention(name, tuple(titles), para.index))
                if name not in by_name:
                    by_name[name] = Speaker(name, titles, self.region_of(titles), para.index, para.index)
                continue
            for m in self._intro_re.finditer(para.text):
                name = m.group(1)
                if not self.rules.is_name(name):
                    continue
                titles = self._chain(para.text[: m.start(1)])
                if not titles:
                    continue
                self.mentions.append(TitleMention(name, tuple(titles), para.index))
                region = self.region_of(titles)
                if name not in by_name and region:
                    by_name[name] = Speaker(name, titles, region, None, para.index)
        self.list = sorted(by_name.values(), key=lambda s: s.start)

    def _alias(self) -> None:
        """Give each speaker the ways their region is written, then the places in it, dropping
        any two speakers share. A speaker's own region wins over a place in another's (崂山区 is
        its secretary's even beside 青岛市's)."""
        claims: dict[str, set[str]] = {}
        for s in self.list:
            for form in self._forms(s.region):
                claims.setdefault(form, set()).add(s.official)
        within: dict[str, set[str]] = {}
        for s in self.list:
            for form in places.inside(s.region) if s.region else ():
                if form not in claims:
                    within.setdefault(form, set()).add(s.official)
        for s in self.list:
            s.aliases = sorted(  # longest first, then in a fixed order: evidence must not vary by run
                (f for table in (claims, within) for f, who in table.items() if who == {s.official}),
                key=lambda f: (-len(f), f),
            )

    @staticmethod
    def _forms(region: str | None) -> set[str]:
        """How a region is written, and the most specific place it names (青岛市崂山区 is 崂山区,
        崂山 too: so that 山东's secretary does not claim 崂山区 from its own)."""
        if not region:
            return set()
        place = places.resolve(region)
        return {*places.forms(region), *(places.forms(place.name) if place and place.name != region else ())}

    # -- evidence --------------------------------------------------------------------------
    @cached_property
    def _name_re(self) -> re.Pattern[str] | None:
        names = [s.official for s in self.list]
        if not names:
            return None
        n = alternation(names)
        r = self.rules
        return re.compile(f"(?:{r.posts_re})({n})|({n})(?=(?:{r.adverbs_re})?(?:{r.verbs_re}))")

    def named(self, text: str) -> Counter[str]:
        """Speakers named in ``text`` next to a title or a speech verb."""
        if self._name_re is None:
            return Counter()
        return Counter(m.group(1) or m.group(2) for m in self._name_re.finditer(text))

    def evidence(self, text: str) -> Counter[str]:
        """Weighted mentions of each speaker in ``text``: names, then regions."""
        found: Counter[str] = Counter()
        for name, n in self.named(text).items():
            found[name] += NAME_WEIGHT * n
        for _, official in self._places(text):
            found[official] += REGION_WEIGHT
        return found

    def _places(self, text: str) -> list[tuple[str, str]]:
        """The speakers' region names and places in ``text`` as ``(place, speaker)`` in reading
        order, each named as a whole word and not in passing."""
        owner = {a: s.official for s in self.list for a in s.aliases}
        if not owner or not any(a in text for a in owner):
            return []
        # A place is named by whole words only: 推广东营 holds 广东 across two words, while
        # 市北区委书记 is cut 市北|区委书记, so 市北 is the name there, not 市北区.
        bounds = word_bounds(text)
        taken: set[int] = set()
        found = []
        for alias in sorted(owner, key=lambda a: (-len(a), a)):
            at = text.find(alias)
            while at >= 0:
                span = set(range(at, at + len(alias)))
                if at in bounds and at + len(alias) in bounds and not span & taken:
                    taken |= span
                    if not self._in_passing(text, at, at + len(alias)):
                        found.append((at, alias, owner[alias]))
                at = text.find(alias, at + 1)
        return [(alias, official) for _, alias, official in sorted(found)]

    def sign(self, text: str, official: str) -> str:
        """What in ``text`` says it is ``official``'s, in words for a report of the move."""
        if official in self.named(text):
            return f"names {official}"
        named = [alias for alias, who in self._places(text) if who == official]
        if named:
            return "names " + "、".join(dict.fromkeys(named))
        level_words = self._level_words(text)
        return f"calls its region {'、'.join(level_words)}" if level_words else ""

    @cached_property
    def _clause_end_re(self) -> re.Pattern[str]:
        # 、 separates the items of one clause (与上海、浙江携手): it ends no clause here.
        ends = "".join(c for c in self.rules.text["clause_separators"] if c not in "、")
        return re.compile(f"[{re.escape(ends)}]")

    def _in_passing(self, text: str, start: int, end: int) -> bool:
        """Whether the place at ``text[start:end]`` is named in passing: after a word such as 学习,
        对口支援, 与, 至 in its clause, or before 等地 or 经验 (learning from a place, partnering with
        it, travelling to it say nothing of whose the paragraph is)."""
        before = self._clause_end_re.split(text[:start])[-1]
        after = self._clause_end_re.split(text[end:])[0]
        r = self.rules.regions
        reach = r["passing_reach"]
        return _cue_near(before, r["passing_before"], reach, True) or _cue_near(after, r["passing_after"], reach, False)

    @cached_property
    def _by_level(self) -> dict[str, list[str]]:
        """Speakers by the last character of their region's name: its level (区, 市, 省)."""
        found: dict[str, list[str]] = {}
        for s in self.list:
            if s.region:
                found.setdefault(s.region[-1], []).append(s.official)
        return found

    def _rank(self, official: str | None) -> int | None:
        """How high a speaker's region stands: 1 a province, 2 a prefecture, 3 a county or district."""
        speaker = next((s for s in self.list if s.official == official and s.region), None)
        if speaker is None:
            return None
        place = places.resolve(speaker.region)
        return place.level if place and place.level else self.rules.regions["level_ranks"].get(speaker.region[-1])

    def _level_words(self, text: str) -> list[str]:
        """The words by which ``text`` calls its region by a speaker's level: 全区, 我省."""
        prefixes = self.rules.regions["own_region_words"]
        at = [i for i in range(len(text) - 1) if text[i] in prefixes and text[i + 1] in self._by_level]
        if not at:
            return []
        bounds = word_bounds(text)  # 全区 as a word, not inside 健全|区域
        return list(dict.fromkeys(text[i : i + 2] for i in at if i in bounds and i + 2 in bounds))

    def level_evidence(self, text: str, under: str | None) -> Counter[str]:
        """The speaker whose region is of the one level ``text`` calls its own (全区 → 海拉尔区
        among provinces), when exactly one speaker's region is of that level and that level is
        below the region of ``under``, the speaker the text sits under; else nothing."""
        levels = {word[-1] for word in self._level_words(text)}
        if len(levels) != 1:
            return Counter()
        level = levels.pop()
        rank, below = self._rank(under), self.rules.regions["level_ranks"].get(level)
        if rank is None or below is None or below <= rank:
            return Counter()
        speakers = self._by_level[level]
        return Counter({speakers[0]: REGION_WEIGHT}) if len(speakers) == 1 else Counter()
