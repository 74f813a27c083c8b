"""What a quantity is judged against, found once per text: sentences, their horizons, the parts of
the document, who speaks, and whether a sentence or clause states the past (``tense.yaml``).

Every lookup is a bisect into a list built once, or a search bounded by its clause: the work per
quantity does not grow with the text, so extraction is linear in its length.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache

from taizhang.extract import rules
from taizhang.extract.actors import Attribution, attribute
from taizhang.extract.horizons import Horizon, find_horizons
from taizhang.extract.marks import CLAUSE_MAX, SENTENCE_END
from taizhang.extract.parts import LONG_TERM, PLAN, REVIEW, Parts, read_parts


TABLE_ROW_MAX = 200  # a table row holds one indicator: longer lines are prose


@dataclass(frozen=True, slots=True)
class Rules:
    hedge: re.Pattern[str]  # group "word" set for a real hedge
    past: re.Pattern[str]
    past_in_plan: re.Pattern[str]
    conditional: re.Pattern[str]
    future: re.Pattern[str]
    target_cues: re.Pattern[str]
    context_openers: re.Pattern[str]
    looks_ahead: re.Pattern[str]
    cues: re.Pattern[str]  # group "present" (it already is), "forward" (to come) or "verb" (a plan's)
    horizon_to_words: tuple[str, ...]
    binding: re.Pattern[str]


@cache
def patterns() -> Rules:
    data = rules.load()
    alt = rules.alternation
    tense, horizons = data["tense"], data["horizons"]
    return Rules(
        # The "not" words come first so that 虚拟 is consumed before its 拟 is seen.
        hedge=re.compile(rf"{alt(data['hedges']['not_hedges'])}|(?P<word>{alt(data['hedges']['hedges'])})"),
        past=re.compile(alt(tense["past"])),
        past_in_plan=re.compile(
            rf"{alt(tense['past_in_plan'])}|(?<![比较于与同])(?:{alt(tense['past_in_plan_uncompared'])})"
            + "".join(f"|{pattern}" for pattern in tense["past_in_plan_patterns"])
        ),
        conditional=re.compile(alt(tense["conditional"])),
        future=re.compile(alt(tense["future"])),
        target_cues=re.compile(alt(tense["target_cues"])),
        context_openers=re.compile(rf"^[ \u3000]*(?:{alt(tense['context_openers'])})"),
        # What Context.states_past lets through in a review: a future word, or a horizon that can
        # lie past the document's year (到2035年, 到二〇三五年, 未来五年, 三年内, 明年). Every branch
        # starts with a literal, so the regex engine skips in C to their first characters (a branch
        # starting with a class would make it try every position); only the sentence of a match
        # counts, so 三年内 may match from its 年.
        looks_ahead=re.compile(
            rf"{alt([*tense['future'], *horizons['span_before']])}|到[ ]?[12二]|至[ ]?[12二]"
            r"|年(?<=[0-9０-９一二两三四五六七八九十]年)(?:内|之内)"
            rf"|{alt(w for w, offset in horizons['relative'].items() if offset > 0)}"
        ),
        # One alternation, longest word first, so 已有 is read whole and 完成 not inside 已完成.
        cues=re.compile(
            rf"(?P<present>{alt(tense['present_state'])})|(?P<forward>{alt(tense['forward_cues'])})"
            rf"|(?P<verb>{alt(tense['plan_verbs'])})"
        ),
        horizon_to_words=tuple(horizons["to_words"]),
        binding=re.compile(alt(data["kinds"]["binding"])),
    )


class Context:
    """Everything precomputed once per text that quantities are judged against."""

    def __init__(self, text: str, year: int | None, title: str | None) -> None:
        self.text = text
        self.year = year
        self.p = patterns()
        self.sentence_ends = list(map(re.Match.start, SENTENCE_END.finditer(text)))
        # sentence start -> its horizons, their starts, their ends (in order, none overlapping)
        self._horizons: dict[int, tuple[list[Horizon], list[int], list[int]]] = {}
        self._goals: dict[int, tuple[int, list[Horizon], list[int]]] = {}  # see goal_before
        self.parts: Parts = read_parts(text, year, title)
        self.attribution: Attribution = attribute(text, title)
        self._past: dict[int, bool] = {}  # sentence start -> states the past
        self.used_relative_without_year = False
        self.warnings: list[str] = []  # what was left out and why, for the Extraction

    def sentence(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.sentence_ends, pos)
        start = self.sentence_ends[i - 1] + 1 if i > 0 else 0
        end = self.sentence_ends[i] if i < len(self.sentence_ends) else len(self.text)
        return start, end

    def _found(self, sentence: tuple[int, int]) -> tuple[list[Horizon], list[int], list[int]]:
        found = self._horizons.get(sentence[0])
        if found is None:
            horizons = find_horizons(self.text, self.year, *sentence)
            found = (horizons, [h.start for h in horizons], [h.end for h in horizons])
            self._horizons[sentence[0]] = found
        return found

    def horizons(self, sentence: tuple[int, int], lo: int | None = None, hi: int | None = None) -> list[Horizon]:
        """The horizons of a sentence (found the first time a quantity in it asks); with ``lo`` and
        ``hi``, those lying wholly inside ``[lo, hi)``."""
        horizons, starts, ends = self._found(sentence)
        if lo is None or hi is None:
            return horizons
        return horizons[bisect_left(starts, lo) : bisect_right(ends, hi)]

    def horizon(self, sentence: tuple[int, int], hi: int) -> Horizon | None:
        """The last horizon of ``sentence`` that ends by ``hi``."""
        horizons, _, ends = self._found(sentence)
        i = bisect_right(ends, hi)
        return horizons[i - 1] if i else None

    def goal_before(self, pos: int, paragraph: int) -> Horizon | None:
        """Outside plan and review parts, the goal year an earlier sentence set for what follows:
        the last 到/至 horizon past the document's year before ``pos`` in its numbered part (三、全面
        建成小康社会…的目标: 确保到二0二0年…。…翻一番。), or in its paragraph where there are no
        parts.

        Quantities come in text order, so each part is searched once, up to the furthest ``pos``
        asked so far: linear however many quantities a part holds."""
        if self.year is None:
            return None
        part = self.parts.at(pos)
        lo = part.section_start if part.heading is not None else paragraph
        scanned, goals, ends = self._goals.get(lo, (lo, [], []))
        if pos > scanned:
            for h in find_horizons(self.text, self.year, scanned, pos):
                if (
                    not h.relative and h.deadline is not None and h.deadline > self.year
                    and h.words.startswith(self.p.horizon_to_words)
                ):  # fmt: skip
                    goals.append(h)
                    ends.append(h.end)
            self._goals[lo] = (pos, goals, ends)
        i = bisect_right(ends, pos)
        return goals[i - 1] if i else None

    def hedge(self, lo: int, hi: int) -> str | None:
        """The last hedge word inside ``[lo, hi)`` (a clause, bounded)."""
        word = None
        for m in self.p.hedge.finditer(self.text, lo, hi):
            if m["word"]:
                word = m["word"]
        return word

    def states_past(self, sentence: tuple[int, int], mode: str) -> bool:
        """Whether a sentence speaks of the past, as its part is judged: in a review unless it looks
        ahead; in a plan never as a whole (a clause may, see :meth:`clause_states_past`); elsewhere
        when it has a past word and no target cue."""
        key = sentence[0]
        if key not in self._past:
            s = self.text[sentence[0] : sentence[1]]
            if mode == REVIEW:
                # 到2035年 / 未来五年 look ahead; a "十四五"规划 named in a review does not.
                ahead = self.year is not None and any(
                    h.deadline is not None and h.deadline > self.year
                    and (h.relative or h.words.startswith(self.p.horizon_to_words))
                    for h in self.horizons(sentence)
                )  # fmt: skip
                past = not (ahead or self.p.future.search(s))
            elif mode in (PLAN, LONG_TERM):
                past = False
            else:
                past = bool(self.p.past.search(s)) and not self.p.target_cues.search(s)
            self._past[key] = past
        return self._past[key]

    def clause_states_past(self, lo: int, hi: int) -> bool:
        """A plan's clause that recalls a fact: 优化已建成超1.6万个…, 去年…回落到2.6%."""
        return bool(self.p.past_in_plan.search(self.text, lo, hi))

    def binding(self, clause: tuple[int, int], sentence: tuple[int, int]) -> str | None:
        """约束性 / 预期性 when the quantity's clause names exactly one of them, or its line does and
        is a table row (cells joined by | or tabs, one indicator a row); else None (全面完成…约束性
        指标，地区生产总值增长5%: the other clause's words are not this target's)."""
        spans = [clause]
        lo, hi = sentence
        if hi - lo <= TABLE_ROW_MAX and any(mark in self.text[lo:hi] for mark in "|\t"):
            spans.append(sentence)
        for lo, hi in spans:
            said = {m.group() for m in self.p.binding.finditer(self.text, lo, hi)}
            if said:
                return said.pop() if len(said) == 1 else None
        return None

    def looks_forward(self, clause: tuple[int, int], sentence: tuple[int, int]) -> bool:
        """In a part no heading or words decide, whether the sentence up to the clause's end (a
        bounded stretch back) says something is to be done (tense.yaml: forward_cues, plan_verbs,
        present_state): a word of time to come after any word saying it already is; with neither,
        nothing says it already is."""
        present = forward = verb = -1
        for m in self.p.cues.finditer(self.text, max(sentence[0], clause[0] - 2 * CLAUSE_MAX), clause[1]):
            if m["present"]:
                present = m.start()
            elif m["forward"]:
                forward = m.start()
            else:
                verb = m.start()
        if forward >= 0 or present >= 0:
            return forward > present
        return True  # a plan's verb, or no word either way (工业增加值占GDP比重达到43%以上)

    def conditional(self, lo: int, hi: int) -> bool:
        """有6.5%－7%的增速就能够实现比较充分的就业: a condition, not a commitment."""
        return bool(self.p.conditional.search(self.text, lo, hi))

    def opens_with_context(self, clause_prefix: str) -> bool:
        """围绕全市24条重点产业链: the clause's object is the existing frame, not a target."""
        return bool(self.p.context_openers.match(clause_prefix))
