"""Who owns each paragraph's pledges: the reporting government, or the speaker of the passage.

A work report speaks for the government that delivers it (the State Council's: ``全国``; a
province's: ``山东省``; a district's: ``海拉尔区``), found from the title or the first lines. A
news article quoting several officials has speaker headers (``省党代表、崂山区委书记张元升:``)
and inline attributions (``崂山区委书记张元升表示``); a paragraph belongs to the last speaker
named before it, unless it names another known speaker or only that speaker's region (``崂山``,
``新区``): scraped pages put paragraphs under the wrong header, and the region is the better clue.

A paragraph cut off without closing punctuation is an open fragment; a later paragraph of the
same speaker that starts with a comparator (``达到13家``) continues it, so the extractor reads
the fragment's last sentence as that paragraph's left context.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache

from taizhang import places
from taizhang.extract import rules

CJK = "\u4e00-\u9fff"
# Paragraph endings that close a sentence; anything else at a paragraph's end is a cut.
CLOSED_ENDINGS = set("。！？!?”」』）)…:：；;\"'")
HEADER_MAX_CHARS = 80
# A national report says whose it is in its first lines (我代表国务院); deeper mentions of
# 国务院 in a local article say nothing about who speaks.
NATIONAL_HEAD_CHARS = 400


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str
    region: str
    aliases: tuple[str, ...]


@dataclass(slots=True)
class Attribution:
    """Per-paragraph owners and continuation links for one text."""

    default_actor: str | None
    default_official: str | None
    starts: list[int] = field(default_factory=list)  # paragraph start offsets, ascending
    owners: list[tuple[str | None, str | None]] = field(default_factory=list)  # (actor, official)
    headers: set[int] = field(default_factory=set)  # starts of header paragraphs (no pledges)
    # paragraph start -> (start, end) of the open fragment it continues
    continues: dict[int, tuple[int, int]] = field(default_factory=dict)

    def owner(self, pos: int) -> tuple[str | None, str | None]:
        i = bisect_right(self.starts, pos) - 1
        return self.owners[i] if i >= 0 else (self.default_actor, self.default_official)

    def paragraph_start(self, pos: int) -> int:
        i = bisect_right(self.starts, pos) - 1
        return self.starts[i] if i >= 0 else 0


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    data = rules.load()["actors"]
    alt = rules.alternation
    suffixes = alt(data["region_suffixes"])
    bodies = alt(data["party_bodies"])
    posts = alt(data["posts"])
    verbs = alt(data["speech_verbs"])
    region_post = (
        rf"(?<![{CJK}])(?P<region>[{CJK}]{{1,7}}?(?:{suffixes}))(?:{bodies})?(?:{posts})"
    )
    return {
        "region_post": re.compile(region_post),
        # ...、崂山区委书记张元升表示 / 董事长薛济萍代表说 / 省委书记刘宁在…大会上表示
        "inline": re.compile(
            rf"(?:{posts})(?P<name>[{CJK}]{{2,3}}?)(?:代表|委员)?(?:{verbs}|在[^。\n]{{0,40}}?(?:{verbs}))"
        ),
        # A news piece's speaker by the organ they hold a post in (#12): 江苏省工业和信息化厅厅长朱爱勋 →
        # 江苏省; a national organ (国家发展改革委主任, 工业和信息化部部长) → 全国.
        "organ_post": re.compile(
            rf"(?:(?<![{CJK}])(?P<region>[{CJK}]{{2,7}}?(?:{suffixes}))|(?P<national>{alt(data['national_organs'])}))"
            rf"[{CJK}（）()]{{0,16}}?(?:{posts})$"
        ),
        "header": re.compile(rf"(?:{posts})(?P<name>[{CJK}]{{2,3}})\s*[:：]\s*$"),
        # 省长 王正谱 / 省长\n王正谱 / 省长 王 正 谱 (a name printed letter-spaced)
        "report_post": re.compile(
            rf"(?:{alt(data['report_posts'])})[\s\u3000]*"
            rf"(?P<name>[{CJK}](?:[ \u3000]?[{CJK}]){{1,2}}?)(?:(?![ \u3000]?[{CJK}])|(?=所?作))"
        ),
        # 在河北省第十四届人民代表大会, also broken across lines by the page (在河北省第十四届\n人民代表大会)
        "congress": re.compile(
            rf"在(?P<region>[{CJK}]{{2,14}}?)第[一二三四五六七八九十]+届\s*人民代表大会"
        ),
        # Only the State Council's report, a national congress's or the CPC's speaks for 全国.
        "national": re.compile(alt(data["national_heads"])),
        # 2025年崂山区政府工作报告; a year however written is no part of the place (not 年某区).
        "title_region": re.compile(
            rf"(?:[0-9０-９〇零○一二三四五六七八九]{{4}}[ ]?年)?"
            rf"(?P<region>(?![年度])[{CJK}]{{1,12}}?(?:省|市|区|县|自治区|旗))(?:人民)?政府工作报告"
        ),
        "represent": re.compile(rf"我代表(?P<region>[{CJK}]{{2,12}}?)人民政府"),
        "subject_region": re.compile(
            rf"(?:^|(?<=[，。；,;：:\s“]))(?P<region>[{CJK}]{{2,8}}?(?:{suffixes}))"
            rf"(?={alt(data['region_followers'])})"
        ),
    }


def report_owner(text: str, title: str | None) -> tuple[str | None, str | None]:
    """The government a work report speaks for, and who delivers it, from title and first lines."""
    p = _patterns()
    data = rules.load()["actors"]
    head = text[:1500]
    actor = None
    official = None
    m = (
        (title and p["title_region"].search(title)) or p["congress"].search(head) or p["represent"].search(head)
    )
    if m or (m := p["title_region"].search(head[:200])):
        actor = m["region"]
    elif p["national"].search(head[:NATIONAL_HEAD_CHARS]) or (title and p["national"].search(title)):
        actor = data["national_actor"]
    if actor is None and title:
        actor = _leading_place(title)  # 湖南大力实施产业育新培强攻坚: a news piece about 湖南
    if actor is not None and (m := p["report_post"].search(head)):
        official = re.sub(r"[ \u3000]", "", m["name"])
    return actor, official


def _leading_place(title: str) -> str | None:
    """A province or prefecture a title opens with, as written (湖南, 江苏省), if the gazetteer knows
    it as one place."""
    for length in range(min(6, len(title)), 1, -1):
        name = title[:length]
        found = places.candidates(name)
        if len(found) == 1 and found[0].level in (1, 2):
            return name
    return None


def _speaker_of_post(line: str, name: str) -> Speaker | None:
    m = _patterns()["region_post"].search(line)
    if not m:
        return None
    region = m["region"]
    return Speaker(name, region, places.forms(region))


def _speaker_of_organ(head: str, name: str) -> Speaker | None:
    """An inline speaker by the organ of their post (``head`` ends with the post, before the name)."""
    m = _patterns()["organ_post"].search(head)
    if not m:
        return None
    region = rules.load()["actors"]["national_actor"] if m["national"] else m["region"]
    return Speaker(name, region, places.forms(region))


def attribute(text: str, title: str | None = None) -> Attribution:
    """Owners of every paragraph (a line) of ``text``."""
    p = _patterns()
    actor, official = report_owner(text, title)
    result = Attribution(actor, official)
    lines: list[tuple[int, str, str]] = []  # (start, line, line stripped), non-empty lines only
    pos = 0
    for line in text.split("\n"):
        if stripped := line.strip():
            lines.append((pos, line, stripped))
        pos += len(line) + 1

    # Pass 1: every speaker the text introduces, by name, so a paragraph can name one before
    # (in text order) their header comes.
    speakers: dict[str, Speaker] = {}
    header_of: dict[int, Speaker] = {}
    for start, _, stripped in lines:
        if (
            len(stripped) <= HEADER_MAX_CHARS
            and stripped[-1] in ":："
            and (m := p["header"].search(stripped))
            and (speaker := _speaker_of_post(stripped, m["name"]))
        ):
            header_of[start] = speakers.setdefault(speaker.name, speaker)
    # One pass over the whole text (not one per line) for 区委书记张元升表示.
    for m in p["inline"].finditer(text):
        if m["name"] not in speakers:
            line_start = text.rfind("\n", 0, m.start()) + 1
            head = text[max(line_start, m.start() - 30) : m.end()]
            posted = text[max(line_start, m.start() - 30) : m.start("name")]
            if speaker := _speaker_of_post(head, m["name"]) or _speaker_of_organ(posted, m["name"]):
                speakers[speaker.name] = speaker

    # Pass 2: owners, region switches and fragment links.
    known = _Speakers(speakers)
    stop_prefixes = tuple(rules.load()["actors"]["region_stop_prefixes"])
    stop_suffixes = tuple(rules.load()["actors"]["region_stop_suffixes"])
    named_region: str | None = None  # the last place named as a subject, for texts with no owner
    current: Speaker | None = None
    open_fragment: dict[str | None, tuple[int, int]] = {}
    comparator_openers = tuple(rules.load()["comparators"]["before"])
    for start, line, stripped in lines:
        if start in header_of:
            current = header_of[start]
            result.headers.add(start)
        elif speakers and header_of:
            current = _owner_of_paragraph(line, current, known)
        elif speakers:
            # A news piece quotes people inline, with no headers: a speaker owns the paragraph that
            # names them, not the ones after (沈晓明 speaking in the last paragraph pledges nothing
            # the reporter states before).
            current = known.named_in(line)
        result.starts.append(start)
        if current is None and actor is None:
            named = next(
                (
                    m["region"]
                    for m in p["subject_region"].finditer(line)
                    if not m["region"].startswith(stop_prefixes) and not m["region"].endswith(stop_suffixes)
                ),
                None,
            )
            named_region = named or named_region
            result.owners.append((named_region, None))
        elif current is None:
            result.owners.append((actor, official))
        else:
            result.owners.append((current.region, current.name))
        if start in header_of:
            continue
        key = current.name if current else None
        if stripped.startswith(comparator_openers) and key in open_fragment:
            result.continues[start] = open_fragment.pop(key)
        if stripped and stripped[-1] not in CLOSED_ENDINGS:
            offset = line.index(stripped[0])
            open_fragment[key] = (start + offset, start + offset + len(stripped))
    return result


class _Speakers:
    """The speakers a text introduces, found in a line by one regex over their names and one over
    their regions' forms (a line's cost does not grow with how many speakers the text has)."""

    def __init__(self, speakers: dict[str, Speaker]) -> None:
        self.by_name = speakers
        self.by_alias: dict[str, list[Speaker]] = {}
        for speaker in speakers.values():
            for alias in speaker.aliases:
                self.by_alias.setdefault(alias, []).append(speaker)
        self.names = re.compile(rules.alternation(speakers)) if speakers else None
        self.aliases = re.compile(rules.alternation(self.by_alias)) if self.by_alias else None

    def named_in(self, line: str) -> Speaker | None:
        """The first speaker ``line`` names, if any."""
        m = self.names.search(line) if self.names else None
        return self.by_name[m.group()] if m else None

    def regions_in(self, line: str) -> set[str]:
        """The names of the speakers whose region ``line`` names (in any of its forms)."""
        if self.aliases is None:
            return set()
        found: set[str] = set()
        for m in self.aliases.finditer(line):
            found.update(s.name for s in self.by_alias[m.group()])
        return found


def _owner_of_paragraph(line: str, current: Speaker | None, speakers: _Speakers) -> Speaker | None:
    # A named speaker wins: the first one the paragraph names.
    if (named := speakers.named_in(line)) is not None:
        return named
    # Otherwise a region: keep the current speaker if theirs is named, switch if exactly one
    # other speaker's is.
    regions = speakers.regions_in(line)
    if current is not None and current.name in regions:
        return current
    if len(regions) == 1:
        return speakers.by_name[next(iter(regions))]
    return current
