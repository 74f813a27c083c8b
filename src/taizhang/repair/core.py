"""The repair stage: paragraphs → joined fragments → owners → duplicates removed → sections.

Each step records what it changed (:class:`Change`) or found and left (a problem). Nothing here
edits text: a repaired paragraph is a list of pieces of the original, so every character of the
repaired text maps back to the original.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict

from taizhang.repair import conflicts, duplicates, fragments, ngram_model, ngrams
from taizhang.repair.model import Change, Paragraph, Piece, Repair, Section, Segment, Unit
from taizhang.repair.rules import Rules, load
from taizhang.repair.speakers import Speakers
from taizhang.repair.text import (
    ends_closed, ends_on_lone_character, first_sentence, is_enumerated, normalise, paragraphs,
)

SECTION_SEPARATOR = "\n\n"
PARAGRAPH_SEPARATOR = "\n"
# A template (勇当…的排头兵) is an opening sentence this short that shares its start and end with
# others; a paragraph without its own evidence follows where most of its siblings belong.
TEMPLATE_MAX_CHARS = 40
TEMPLATE_PREFIX, TEMPLATE_SUFFIX, TEMPLATE_LONG_PREFIX = 2, 3, 6
WORD_SLACK = 4  # characters: about one word
READING_STEP = 1.0  # nats per character: copies reading within this of each other read alike
# What decided among copies alike in length, by the position of the deciding key in _choose.
_DECIDED_BY = (
    "the one in its owner's section", "the one that reads right where they differ",
    "the one among its section's run (a moved copy sits alone)", "the first",
)  # fmt: skip
TRUNCATED = "stops mid-sentence; no continuation found"
ORPHAN = "starts mid-sentence; no head found"


def _classify(paras: list[Paragraph], speakers: Speakers, rules: Rules) -> dict[int, str]:
    """Kind of each paragraph: header, title (lines before the text opens), heading, truncated
    (stops mid-sentence) or body."""
    kinds: dict[int, str] = {}
    opened = False
    previous = ""
    for p in paras:
        if p.index in speakers.headers:
            kind = "header"
        elif ends_closed(p.text, rules):
            kind = "body"
        elif p.text[-1] in rules.text["clause_separators"]:
            kind = "truncated"
        elif not opened:
            kind = "title"
        elif len(p.text) > rules.text["heading_max_chars"] or _has_sentence_end(p.text, rules):
            kind = "truncated"  # too long for a heading, or sentences before the cut
        elif previous == "header" or is_enumerated(p.text, rules):
            kind = "heading"
        elif any(c in rules.text["inner_marks"] for c in p.text[1:]):
            # A heading is one phrase; clauses before the end mean a sentence cut off (a colon
            # may stand in a heading or a by-line: 来源：河北日报).
            kind = "truncated"
        elif not ends_on_lone_character(p.text):
            # A short line ending on a whole word reads as a heading; one ending on a lone
            # character (…攻坚行) was most likely cut inside a word.
            kind = "heading"
        else:
            kind = "truncated"
        opened = opened or kind in ("body", "header")
        kinds[p.index] = kind
        previous = kind
    return kinds


def _has_sentence_end(text: str, rules: Rules) -> bool:
    return first_sentence(text, rules) != text


def _complete(copies: list[Unit]) -> list[Unit]:
    """The copies within a word's length of the longest: a changed word makes a copy neither more
    nor less complete."""
    longest = max(len(normalise(u.text)) for u in copies)
    return [u for u in copies if len(normalise(u.text)) >= longest - WORD_SLACK]


def _span(paras: list[Paragraph], i: int) -> tuple[int, int]:
    return paras[i].start, paras[i].end


def _change(kind: str, indexes: list[int], paras: list[Paragraph], detail: str, values=()) -> Change:
    idx = tuple(sorted(set(indexes)))
    return Change(kind, idx, tuple(_span(paras, i) for i in idx), detail, tuple(values))


class _Repairer:
    def __init__(self, text: str, source: str, rules: Rules, lang: str = "zh") -> None:
        self.text = text
        self.lang = lang
        self.source = source
        self.rules = rules
        self.paras = paragraphs(text)
        self.speakers = Speakers(self.paras, rules)
        self.kinds = _classify(self.paras, self.speakers, rules)
        self.changes: list[Change] = []
        self.problems: list[Change] = []
        self.units: list[Unit] = []
        self.exact = duplicates.exact_groups({p.index: p.text for p in self.paras}, rules)
        self.later_copies = {i for group in self.exact for i in group[1:]}
        self.evidence: dict[int, Counter[str]] = {}
        self.reasons: dict[int, str] = {}  # why a paragraph was given to another speaker
        self.counts: ngrams.TextCounts | None = None

    # -- fragments -------------------------------------------------------------------------
    def join_fragments(self) -> None:
        paras, kinds = self.paras, self.kinds
        heads = [
            (p.index, p.text) for p in paras if kinds[p.index] == "truncated" and p.index not in self.later_copies
        ]
        tails = [
            (p.index, p.text)
            for p in paras
            if kinds[p.index] == "body"
            and p.index not in self.later_copies
            and p.text[0] not in self.rules.text["opening_marks"]
            and not is_enumerated(p.text, self.rules)
        ] if heads else []  # fmt: skip
        model = None
        if heads:  # the n-gram table is read only for a document with a cut to mend
            model = ngram_model.Model([ngrams.background(self.lang), self._counts()])
        # A head followed by a short unpunctuated line most likely runs on through it (a link or a
        # term the page set on a line of its own): reading on elsewhere is no evidence for it.
        runs_on = {
            p.index
            for p in paras[:-1]
            if kinds[p.index + 1] in ("heading", "title") and not is_enumerated(paras[p.index + 1].text, self.rules)
        }
        joins = {j.head: j for j in fragments.find_joins(heads, tails, self.rules, model, runs_on)}
        joined_tails = {j.tail for j in joins.values()}
        for p in paras:
            if p.index in joined_tails:
                continue
            if p.index in joins:
                tail = paras[joins[p.index].tail]
                self.units.append(Unit(
                    (p.index, tail.index), (Piece(p.start, p.end), Piece(tail.start, tail.end)),
                    p.text + tail.text,
                ))
                self.changes.append(_change("join_fragment", [p.index, tail.index], paras, joins[p.index].reason))
                continue
            self.units.append(Unit((p.index,), (Piece(p.start, p.end),), p.text, kind=kinds[p.index]))
            if kinds[p.index] == "truncated" and p.index not in self.later_copies:
                self.problems.append(_change("truncated", [p.index], paras, TRUNCATED))
            elif kinds[p.index] == "body" and fragments.is_orphan_tail(p.text, self.rules):
                self.problems.append(_change("orphan_tail", [p.index], paras, ORPHAN))
        self.units.sort(key=lambda u: u.first)
        for unit in self.units:
            if unit.first in self.speakers.headers:
                unit.kind, unit.speaker = "header", self.speakers.headers[unit.first]

    def join_overlaps(self) -> None:
        """Adjacent paragraphs where the second repeats the end of the first (a page split)."""
        merged: list[Unit] = []
        for unit in self.units:
            prev = merged[-1] if merged else None
            k = 0
            if prev and prev.kind == unit.kind == "body" and unit.first == prev.indexes[-1] + 1:
                k = fragments.overlap(prev.text, unit.text, self.rules.text["overlap_min_chars"])
            if not k:
                merged.append(unit)
                continue
            tail = Piece(unit.pieces[0].start + k, unit.pieces[0].end)
            prev.indexes += unit.indexes
            prev.pieces += (tail, *unit.pieces[1:])
            prev.text += unit.text[k:]
            self.changes.append(_change(
                "join_overlap", list(prev.indexes), self.paras,
                f"paragraph {unit.first} repeats the last {k} characters of paragraph {prev.indexes[0]}",
            ))
        self.units = merged

    # -- owners ----------------------------------------------------------------------------
    def place(self) -> None:
        """Where each unit sits (``found_under``) and whose it is (``owner``)."""
        starts = {s.start: s.official for s in self.speakers.list if s.header is None}
        current: str | None = None
        previous: Unit | None = None
        for unit in self.units:
            current = self.speakers.headers.get(unit.first, starts.get(unit.first, current))
            unit.found_under = unit.owner = current
            if unit.kind == "header":
                unit.owner = unit.speaker
            elif unit.kind == "heading" and previous is not None and previous.kind == "header":
                pass  # a header's subtitle is the header's
            elif current is not None and len(self.speakers.list) > 1:
                # Text before the first speaker is the article's own voice and stays there.
                ev = self.speakers.evidence(unit.text) or self.speakers.level_evidence(unit.text, current)
                self.evidence[unit.first] = ev
                if ev and not ev[current]:
                    ranked = ev.most_common(2)
                    if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
                        unit.owner = ranked[0][0]
                        self.reasons[unit.first] = self.speakers.sign(unit.text, unit.owner)
            previous = unit
        self._follow_templates()
        self._follow_neighbours()

    def _template(self, unit: Unit) -> str | None:
        if unit.kind != "body":
            return None
        opening = first_sentence(unit.text, self.rules)
        return opening if len(opening) <= TEMPLATE_MAX_CHARS and opening != unit.text else None

    def _follow_templates(self) -> None:
        """A paragraph with no name or place of its own goes where its parallel siblings are."""
        openings = {u.first: self._template(u) for u in self.units}
        by_start: dict[str, list[Unit]] = defaultdict(list)  # parallel openings share a start
        for unit in self.units:
            opening = openings[unit.first]
            if opening is not None:
                by_start[opening[:TEMPLATE_PREFIX]].append(unit)
        for unit in self.units:
            mine = openings[unit.first]
            if mine is None or unit.found_under is None or self.evidence.get(unit.first):
                continue
            votes: Counter[str | None] = Counter()
            for other in by_start[mine[:TEMPLATE_PREFIX]]:
                theirs = openings[other.first]
                if other is not unit and theirs != mine and _parallel(mine, theirs):
                    votes[other.owner] += 1
            if not votes:
                continue
            (best, n), *_ = votes.most_common(1)
            if best is not None and best != unit.found_under and n >= 2 and n > 2 * votes[unit.found_under]:
                unit.owner = best
                self.reasons[unit.first] = f"opens like {n} of {best}'s paragraphs ({mine})"

    def _follow_neighbours(self) -> None:
        """A body paragraph with no sign of its own, between two of its section's paragraphs that
        both belong to one other speaker, came with them: misplaced text moves in runs."""
        body = [u for u in self.units if u.kind == "body"]
        for before, unit, after in zip(body, body[1:], body[2:]):
            if (
                unit.owner == unit.found_under
                and not self.evidence.get(unit.first)
                and before.found_under == unit.found_under == after.found_under
                and before.owner == after.owner != unit.found_under
            ):
                unit.owner = before.owner
                self.reasons[unit.first] = f"sits between two of {unit.owner}'s paragraphs"

    # -- duplicates ------------------------------------------------------------------------
    def _runs(self) -> dict[int, int]:
        """Length of the run of same-owner paragraphs each unit sits in; a header starts a run."""
        runs: dict[int, int] = {}
        block: list[Unit] = []
        for unit in self.units + [None]:
            if unit is None or unit.kind == "header" or (block and unit.owner != block[-1].owner):
                for member in block:
                    runs[member.first] = len(block)
                block = []
            if unit is not None:
                block.append(unit)
        return runs

    def _keep(self, group: list[Unit], runs: dict[int, int]) -> Unit:
        """The most complete copy; among equals the one in its owner's section, then the one
        that reads best where the copies differ (a slipped word reads worse than the right
        one), then the one among the most siblings (a moved copy sits alone), then the first.
        Copies within a word's length of the longest are equals (:func:`_complete`)."""
        return self._choose(group, runs)[0]

    def _choose(self, group: list[Unit], runs: dict[int, int]) -> tuple[Unit, str]:
        """The copy :meth:`_keep` keeps, and in words what decided it."""
        complete = _complete(group)
        reading = self._readings(complete)
        keys = {u.first: (u.found_under != u.owner, -reading[u.first], -runs[u.first], u.first) for u in complete}
        keep = min(complete, key=lambda u: keys[u.first])
        if len(complete) == 1:
            return keep, "the most complete"
        rivals = [keys[u.first] for u in complete if u is not keep]
        decided = min(next(k for k, (a, b) in enumerate(zip(keys[keep.first], rival)) if a != b) for rival in rivals)
        return keep, "of copies alike in length, " + _DECIDED_BY[decided]

    def _readings(self, copies: list[Unit]) -> dict[int, float]:
        """How well each copy reads where it differs from the first, in steps so that only a
        clear difference counts (0 for all when the copies do not differ). The copies are read
        by a model that has not seen them: each would read best by its own counts."""
        first = copies[0].text
        reading = {u.first: 0.0 for u in copies}
        differing = []
        for unit in copies[1:]:
            edits = [op for op in difflib.SequenceMatcher(None, first, unit.text, autojunk=False).get_opcodes()
                     if op[0] != "equal"]  # fmt: skip
            if edits:
                differing.append((unit, edits))
        if differing:
            unseen = self._counts().without(ngrams.count(u.text for u in copies))
            model = ngram_model.Model([ngrams.background(self.lang), unseen])
            model.expect_stretches(
                stretch for unit, edits in differing for _, i1, i2, j1, j2 in edits
                for stretch in ((first, i1, i2), (unit.text, j1, j2))
            )  # fmt: skip
            for unit, edits in differing:
                for _, i1, i2, j1, j2 in edits:
                    reading[copies[0].first] += model.reads(first, i1, i2)
                    reading[unit.first] += model.reads(unit.text, j1, j2)
        # the first copy is read once per other copy that differs: its reading is their mean
        reading[copies[0].first] /= max(len(differing), 1)
        return {i: round(r / READING_STEP) for i, r in reading.items()}

    def _counts(self) -> ngrams.TextCounts:
        """This document's n-gram counts, each counted once, when needed."""
        if self.counts is None:
            self.counts = ngrams.TextCounts(p.text for p in self.paras)
        return self.counts

    def deduplicate(self) -> None:
        runs = self._runs()
        unit_of = {i: u for u in self.units for i in u.indexes}
        for group in self.exact:
            members = list({id(unit_of[i]): unit_of[i] for i in group}.values())
            keep = self._keep(members, runs)
            for unit in members:
                if unit is not keep:
                    unit.removed = True
            self.changes.append(_change(
                "remove_duplicate", group, self.paras,
                f"kept paragraph {keep.first}; the others repeat it" + (
                    f" (it belongs to {keep.owner})" if keep.owner else ""
                ),
            ))
        self._near(runs)

    def _near(self, runs: dict[int, int]) -> None:
        live = {u.first: u for u in self.units if u.kind != "header" and not u.removed}
        parent = {i: i for i in live}

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        found_by: dict[int, set[str]] = defaultdict(set)
        for a, b, how in duplicates.near_pairs({i: u.text for i, u in live.items()}, self.rules):
            na, nb = self.speakers.named(live[a].text), self.speakers.named(live[b].text)
            if na and nb and not set(na) & set(nb):
                continue  # the same words given to two people: a conflict, reported as such
            found_by[a].add(how)
            parent[root(a)] = root(b)
        groups: dict[int, list[Unit]] = defaultdict(list)
        for i, unit in live.items():
            groups[root(i)].append(unit)
        posts = set(self.rules.speakers["posts"])
        for members in groups.values():
            if len(members) < 2:
                continue
            keep, why = self._choose(members, runs)
            values: list[str] = []
            for unit in members:
                if unit is keep:
                    continue
                unit.removed = True
                for kept, lost in duplicates.differs(keep.text, unit.text, posts):
                    values += [kept or "(absent)", lost or "(absent)"]
            indexes = [i for u in members for i in u.indexes]
            how = " and ".join(sorted({h for u in members for h in found_by[u.first]}))
            self.changes.append(_change(
                "remove_near_duplicate", indexes, self.paras,
                f"near-duplicates by {how}; kept paragraph {keep.first}, {why}; the others differ in "
                + "; ".join(f"{values[k]} / {values[k + 1]}" for k in range(0, len(values), 2)),
                values,
            ))
            self._figures(members, values)

    def _figures(self, members: list[Unit], values: list[str]) -> None:
        """Near-duplicates that differ in a number state one figure two ways."""
        pairs = [(values[k], values[k + 1]) for k in range(0, len(values), 2)]
        for kept, lost in pairs:
            if any(c.isdigit() for c in kept) and any(c.isdigit() for c in lost):
                self.problems.append(_change(
                    "conflict", [i for u in members for i in u.indexes], self.paras,
                    f"a figure stated two ways: {kept} / {lost}", (kept, lost),
                ))

    # -- conflicts, moves, sections ------------------------------------------------------------
    def report_conflicts(self) -> None:
        found = (
            conflicts.titles(self.speakers.mentions, self.paras, self.rules)
            + conflicts.ordinals(self.paras, self.rules)
            + conflicts.quotes(self.paras, self.speakers, self.rules)
        )
        for c in found:
            places = sorted(set(c.places))
            detail = f"{c.what}: " + " / ".join(c.values)
            if c.likely:
                detail += f" (most places say {c.likely})"
            self.problems.append(Change(
                "conflict", tuple(p[0] for p in places), tuple((p[1], p[2]) for p in places), detail, c.values,
            ))

    def report_moves(self) -> None:
        for unit in self.units:
            if not unit.removed and unit.owner != unit.found_under:
                self.changes.append(_change(
                    "move", list(unit.indexes), self.paras,
                    f"found under {unit.found_under}, belongs to {unit.owner}"
                    + (f": {self.reasons[unit.first]}" if self.reasons.get(unit.first) else ""),
                    (str(unit.found_under), str(unit.owner)),
                ))

    def sections(self) -> list[Section]:
        sections: list[Section] = []
        kept = [u for u in self.units if not u.removed]
        preamble = [u for u in kept if u.owner is None]
        if preamble:
            sections.append(Section(None, [], None, None, preamble))
        for s in self.speakers.list:
            mine = [u for u in kept if u.owner == s.official]
            # The header line first even when its kept copy is a later repeat of it.
            native = sorted((u for u in mine if u.found_under == u.owner), key=lambda u: (u.kind != "header", u.first))
            moved = [u for u in mine if u.found_under != u.owner]
            sections.append(Section(s.official, list(s.titles), s.region, s.header, native + moved))
        return sections

    def run(self) -> Repair:
        self.join_fragments()
        self.join_overlaps()
        self.place()
        self.deduplicate()
        self.report_conflicts()
        self.report_moves()
        sections = self.sections()
        parts, segments, at = [], [], 0
        for k, section in enumerate(sections):
            if k and section.paragraphs and parts:
                parts.append(SECTION_SEPARATOR)
                at += len(SECTION_SEPARATOR)
            for j, unit in enumerate(section.paragraphs):
                if j:
                    parts.append(PARAGRAPH_SEPARATOR)
                    at += len(PARAGRAPH_SEPARATOR)
                for piece in unit.pieces:
                    segments.append(Segment(at, piece.start, piece.end - piece.start))
                    parts.append(self.text[piece.start : piece.end])
                    at += piece.end - piece.start
        return Repair(
            self.source, self.text, self.paras, sections,
            sorted(self.changes, key=lambda c: (c.paragraphs, c.kind)),
            sorted(self.problems, key=lambda c: (c.paragraphs, c.kind)),
            "".join(parts), segments,
        )


def _parallel(a: str, b: str) -> bool:
    """Whether two opening sentences follow one template (勇当X的排头兵 / 勇当Y的排头兵)."""
    prefix = 0
    while prefix < min(len(a), len(b)) and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(a), len(b)) - prefix and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    return prefix >= TEMPLATE_LONG_PREFIX or (prefix >= TEMPLATE_PREFIX and suffix >= TEMPLATE_SUFFIX)


def repair(text: str, source: str = "", lang: str = "zh") -> Repair:
    """Repair a scraped article: join fragments, give paragraphs to their speakers, drop
    duplicates, and report what cannot be fixed.

    >>> r = repair("崂山区将打造虚拟现实产业链,推动创新企业集聚。\\n" * 2)
    >>> [(c.kind, c.paragraphs) for c in r.changes], r.repaired_text
    ([('remove_duplicate', (0, 1))], '崂山区将打造虚拟现实产业链,推动创新企业集聚。')
    """
    return _Repairer(text, source, load(lang), lang).run()
