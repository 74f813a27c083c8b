"""Fragments: paragraphs cut mid-sentence, the tails cut from them, and overlapping splits.

A head is a body paragraph that does not end on closing punctuation. It is joined to a tail only
on evidence that the break runs through one sentence:

- a dictionary word spans the break (地方发|展合作: 发展), measured as the gain in jieba's
  segmentation log-probability when the two sides are read together;
- a number spans the break (突破1|500亿元);
- a clause completes in parallel with the list it ends (…专精特新企业达到500家、独角兽企业|达到13家:
  the tail supplies the verb-number-measure the item before had);
- the text reads on: a character n-gram model (:mod:`~taizhang.repair.ngrams`) finds the tail's
  first characters much likelier after the head than at the opening of a paragraph, which is
  what catches a cut between two words (西承东|联桥头堡, 提速降费|，发展). A tail opening on a
  mark or particle no paragraph opens on (，的、) adds to that evidence, and so does sharing
  the head's vocabulary: the two halves of one paragraph talk about the same things. Weaker
  reading is enough for a head and a tail left over that are each other's clear best.

Without such evidence the head is reported as truncated, and a paragraph that cannot start a
sentence as an orphan tail; neither is changed.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from taizhang.repair.ngram_model import Model
from taizhang.repair.rules import Rules
from taizhang.repair.text import (
    CJK,
    first_clause,
    has_cjk,
    last_clause,
    open_ends,
    tagged,
    word_across,
)

WINDOW = 6  # characters each side of a break given to the segmenter
MAX_TAIL_CLAUSE = 12  # a completing clause is short: a verb, a number, a measure word
BARE_NOUN_CHARS = 4  # what is left of a cut list: one noun (经济,)
_DIGIT_END = re.compile(r"[0-9０-９]$")
_DIGIT_START = re.compile(r"[0-9０-９.．]")
_NUMBER_TAGS = {"m", "eng"}  # jieba tags Arabic numbers eng, Chinese ones m
_CJK_FIRST, _CJK_LAST = (ord(c) for c in CJK.split("-"))  # the range of Chinese characters


@dataclass(frozen=True, slots=True)
class Join:
    head: int
    tail: int
    score: float
    reason: str


@lru_cache(maxsize=4096)
def _shape(clause: str) -> tuple[str, ...]:
    """Coarse part-of-speech shape of a clause: v, m (number), q (measure), n, x (other)."""
    shape = []
    for word, tag in tagged(clause):
        if tag in _NUMBER_TAGS and any(c.isdigit() for c in word) or tag == "m":
            shape.append("m")
        elif tag[0] in "vqn":
            shape.append(tag[0])
        else:
            shape.append("x")
    return tuple(shape)


class _Head:
    """What the evidence reads of a head, worked out once for all the tails it is paired with."""

    __slots__ = ("bigrams", "ends", "item", "left", "number", "readable", "sibling", "text")

    def __init__(self, text: str, rules: Rules) -> None:
        self.text = text
        self.item = last_clause(text, rules)
        self.left = self.item[-WINDOW:]
        self.ends = open_ends(self.left)
        self.number = bool(_DIGIT_END.search(text))
        self.sibling = _sibling(text, self.item, rules)
        self.readable = has_cjk(text, rules.text["join_read_min_head"])
        self.bigrams: frozenset[int] | None = None  # given by _give_bigrams, for the heads read


def _sibling(head: str, item: str, rules: Rules) -> tuple[str, ...] | None:
    """When the head ends on a list item without a verb (独角兽企业 after 专精特新企业达到500家、),
    the shape of the item before it, which a completing clause must end like; else None."""
    before = head[: len(head) - len(item)]
    if not item or not before or before[-1] not in rules.text["list_separators"]:
        return None
    if any(s == "v" for s in _shape(item)):
        return None
    sibling = _shape(last_clause(before[:-1], rules))
    # A completing clause opens on a verb and holds a number, and the sibling ends like it: one
    # without a verb before a number is completed by no tail (whose clauses are then not tagged).
    if not any(tag == "v" and "m" in sibling[k:] for k, tag in enumerate(sibling)):
        return None
    return sibling


class _Tail:
    """What the evidence reads of a tail, worked out once for all the heads it is paired with."""

    __slots__ = ("_completion", "bigrams", "bonus", "clause", "number", "readable", "right", "text")

    def __init__(self, text: str, rules: Rules) -> None:
        self.text = text
        self.clause = first_clause(text, rules)
        self.right = self.clause[:WINDOW]
        self.number = bool(_DIGIT_START.match(text))
        self.readable = has_cjk(text[: rules.text["join_read_chars"]])
        self.bonus = rules.text["join_starter_bonus"] if text[0] in rules.text["tail_starters"] else 0.0
        self._completion: tuple[str, ...] | None | bool = False  # tagged only when a head ends on a list item
        self.bigrams: frozenset[int] | None = None  # given by _give_bigrams, for the tails read

    def completion(self) -> tuple[str, ...] | None:
        """The shape of the first clause when it can complete a list item: short, opening on a
        verb, holding a number (达到13家); else None."""
        if self._completion is False:
            clause, shape = self.clause, None
            if clause and len(clause) <= MAX_TAIL_CLAUSE:
                shape = _shape(clause)
                if not shape or shape[0] != "v" or "m" not in shape:
                    shape = None
            self._completion = shape
        return self._completion


def score(head: str, tail: str, rules: Rules) -> tuple[float, str]:
    """Evidence that ``tail`` continues ``head`` mid-sentence: ``(score, reason)``, 0 when none."""
    return _score(_Head(head, rules), _Tail(tail, rules), rules)


def _score(head: _Head, tail: _Tail, rules: Rules) -> tuple[float, str]:
    need = rules.text["join_min_gain"]
    if head.left and tail.right:
        gain, word = word_across(head.left, tail.right, head.ends)
        if gain >= need:
            return gain, f"the word {word} spans the break"
    if head.number and tail.number:
        return need, "a number spans the break"
    if head.sibling is not None:
        # The tail's first clause gives the head's last list item the predicate its sibling has.
        shape = tail.completion()
        if shape is not None and head.sibling[-len(shape) :] == shape:
            return need, f"{tail.clause} completes the clause {head.item}"
    return 0.0, ""


def reads_on(head: str, tail: str, rules: Rules, model: Model) -> float:
    """How much better ``tail`` reads as ``head``'s sequel than as a paragraph of its own: the
    n-gram log-likelihood ratio of its first characters, plus a bonus when it opens on a mark or
    particle that cannot open a sentence, plus the share of character bigrams the two have in
    common. Only Chinese text is read (page residue such as a lone "。" follows anything)."""
    sides = _Head(head, rules), _Tail(tail, rules)
    _give_bigrams(sides)
    return _reading(*sides, rules, model)


def _reading(head: _Head, tail: _Tail, rules: Rules, model: Model) -> float:
    if not tail.readable or not head.readable:
        return 0.0  # too little of a sentence before the cut to read on from (习　近　平, 据)
    return (
        model.reads_on(head.text, tail.text, rules.text["join_read_chars"])
        + tail.bonus
        + rules.text["join_topic_weight"] * _shared(head.bigrams, tail.bigrams)
    )


def _give_bigrams(sides: Iterable[_Head | _Tail]) -> None:
    """Give each head or tail the pairs of Chinese characters side by side in its text, as
    integers (the first character's code above the second's), found in one numpy pass over all
    their texts: one Python string per pair, in a set per text, was a tenth of repair."""
    sides = [side for side in dict.fromkeys(sides) if side.bigrams is None]
    if not sides:
        return
    ends = np.cumsum([len(side.text) for side in sides])
    codes = np.frombuffer("".join(side.text for side in sides).encode("utf-32-le"), np.uint32)
    chinese = (codes >= _CJK_FIRST) & (codes <= _CJK_LAST)
    paired = chinese[:-1] & chinese[1:]
    paired[ends[:-1] - 1] = False  # no pair runs from one text into the next
    at = np.flatnonzero(paired)
    found = ((codes[at] << np.uint32(16)) | codes[at + 1]).tolist()  # a Chinese character is 16 bits
    bounds = np.searchsorted(at, ends - 1).tolist()
    for side, start, stop in zip(sides, [0, *bounds], bounds, strict=False):
        side.bigrams = frozenset(found[start:stop])


def _shared(ga: frozenset[int], gb: frozenset[int]) -> float:
    """Cosine of the Chinese character bigrams of two texts, as sets: 0 (nothing in common) to 1."""
    return len(ga & gb) / math.sqrt(len(ga) * len(gb)) if ga and gb else 0.0


def find_joins(
    heads: list[tuple[int, str]],
    tails: list[tuple[int, str]],
    rules: Rules,
    model: Model | None = None,
    unread: frozenset[int] | set[int] = frozenset(),
) -> list[Join]:
    """Best head–tail pairs, each head and tail used once, strongest evidence first, ties to the
    nearest. A tail is looked for only after its head, within ``join_max_distance`` paragraphs:
    a scraper pushes a cut tail down the page, and looking both ways doubles the chance of a word
    spanning a false break (攻坚行|省党代会). ``tails`` must be in paragraph order. Without a
    ``model``, and for the heads in ``unread``, only the word, number and clause evidence counts.
    The heads and tails left over are then paired where each is the other's clear best."""
    reach = rules.text["join_max_distance"]
    need = rules.text["join_min_reading"]
    next_line = rules.text["join_next_line_bonus"]
    tail_at = [t for t, _ in tails]
    pairs = [
        (h, head, k)
        for h, head in ((h, _Head(text, rules)) for h, text in heads)
        for k in range(bisect.bisect_right(tail_at, h), bisect.bisect_right(tail_at, h + reach))
    ]
    sides = {k: _Tail(tails[k][1], rules) for k in sorted({k for _, _, k in pairs})}  # only tails after a head
    if model is not None:  # what the readings will ask of the document's counts, counted at once
        read = [(head, sides[k]) for h, head, k in pairs if h not in unread and head.readable and sides[k].readable]
        model.expect(((head.text, tail.text) for head, tail in read), rules.text["join_read_chars"])
        _give_bigrams(side for pair in read for side in pair)
    candidates, readings = [], {}
    for h, head, k in pairs:
        read = model is not None and h not in unread
        t, tail = tail_at[k], sides[k]
        s, reason = _score(head, tail, rules)
        reading = _reading(head, tail, rules, model) if read else 0.0
        if read:
            readings[h, t] = reading
        if s <= 0 and reading >= need:
            s, reason = reading, f"the text reads on across the break (n-gram evidence {reading:.1f})"
        elif s > 0:
            # Among tails with a word across the break, the one that also reads on; the word
            # alone stays enough (a number or a list item may read badly to the model).
            s += max(reading, 0.0)
        if s > 0:
            # A scraper's line split leaves the tail on the next line; a moved tail competes
            # for its head with that much less.
            s += next_line if t == h + 1 else 0.0
            candidates.append((-s, t - h, h, t, reason))
    joins, used_heads, used_tails = [], set(), set()
    for neg, _, h, t, reason in sorted(candidates):
        if h in used_heads or t in used_tails or t in used_heads:
            continue
        used_heads.add(h)
        used_tails.add(t)
        joins.append(Join(h, t, -neg, reason))
    used = used_tails | used_heads
    left = {(h, t): r for (h, t), r in readings.items() if h not in used_heads and t not in used}
    return joins + _clear_best(left, rules)


def _clear_best(readings: dict[tuple[int, int], float], rules: Rules) -> list[Join]:
    """Joins among the heads and tails left unjoined (``readings`` of their pairs): a head and a
    tail are joined on weaker reading when each is the other's clear best, by
    ``join_unique_margin`` over every other pair either of them is in. In a document with a few
    cuts the true tail reads on from its head better than anything else does, even where its
    reading alone would be too weak (…体现了“经济大省挑大梁”的|担当。)."""
    low, margin = rules.text["join_unique_min_reading"], rules.text["join_unique_margin"]
    by_head: dict[int, list[tuple[float, int]]] = {}
    by_tail: dict[int, list[tuple[float, int]]] = {}
    for (h, t), r in readings.items():
        by_head.setdefault(h, []).append((r, t))
        by_tail.setdefault(t, []).append((r, h))
    joins = []
    for h, options in by_head.items():
        best, t = max(options)
        if best < low:
            continue  # (most heads: the rivals are not looked at)
        rivals = (*(r for r, u in options if u != t), *(r for r, g in by_tail[t] if g != h))
        if all(best - r >= margin for r in rivals):
            reason = f"the text reads on across the break as from no other head (n-gram evidence {best:.1f})"
            joins.append(Join(h, t, best, reason))
    return joins


def overlap(a: str, b: str, min_chars: int) -> int:
    """Length of the longest end of ``a`` that ``b`` starts with (at least ``min_chars``), else 0.

    A page split that repeats the last sentence of one paragraph at the start of the next.
    """
    if min(len(a), len(b)) < min_chars:
        return 0
    probe = b[:min_chars]
    best = 0
    start = a.find(probe)
    while start >= 0:
        k = len(a) - start
        if k <= len(b) and b.startswith(a[start:]):
            best = max(best, k)
        start = a.find(probe, start + 1)
    return best if best < len(b) else 0


def is_orphan_tail(text: str, rules: Rules) -> bool:
    """Whether a paragraph cannot start a sentence: it opens on a particle or closing mark, or on a
    bare noun followed by a comma (经济,加快建设…), which is what is left of a cut-off list."""
    if text[0] in rules.text["tail_starters"]:
        return True
    clause = first_clause(text, rules)
    if len(clause) >= len(text) or len(clause) > BARE_NOUN_CHARS or text[len(clause)] not in rules.text["commas"]:
        return False
    tags = tagged(clause)
    return len(tags) == 1 and tags[0][1] == "n"
