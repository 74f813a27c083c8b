"""Character n-gram counts for a model that asks: does a paragraph read on from another one, or
open on its own? (The model is :mod:`~taizhang.repair.ngram_model`.)

Counts come from two places, added at look-up: a background table of clean official texts shipped
as data (``rules/<lang>/ngrams.tsv``, written by ``scripts/build_repair_ngrams.py``) and the
document itself, whose own phrasing repeats.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import repeat
from operator import sub

import numpy as np

from taizhang.repair.grams import Grams, hashed
from taizhang.repair.rules import RULES_DIR

ORDER = 4  # characters in the longest n-gram: three of history, one predicted
TABLE = "ngrams.tsv"
HEADER = "# paragraphs"
# Characters that frame paragraphs in TextCounts: the first that no paragraph holds.
_FRAMES = "\n\x00\x01\x02\x03\ufffe\uffff"
# The table of hashes that narrows a document's n-grams to those a batch of questions needs
# (TextCounts.prefetch): 2¹⁶ entries for at most a few thousand questions, a few percent collide.
_HASH_BITS = 16


@dataclass
class Counts:
    """n-gram counts of some paragraphs: ``grams`` inside paragraphs (orders 1 to ORDER),
    ``opens`` and ``ends`` the first and last 1 to ORDER-1 characters of each paragraph,
    ``paragraphs`` how many there were."""

    grams: Counter[str] = field(default_factory=Counter)
    opens: Counter[str] = field(default_factory=Counter)
    ends: Counter[str] = field(default_factory=Counter)
    paragraphs: int = 0
    complete: bool = True  # False once pruned: rare n-grams dropped, ends not kept

    @cached_property
    def total(self) -> int:
        return sum(n for g, n in self.grams.items() if len(g) == 1)

    @cached_property
    def unigrams(self) -> frozenset[str]:
        return frozenset(g for g in self.grams if len(g) == 1)

    @cached_property
    def types(self) -> Counter[str]:
        """For each history, how many different characters follow it (counted in C)."""
        return Counter(g[:-1] for g in self.grams if len(g) > 1)

    @cached_property
    def _followed(self) -> Counter[str]:
        tokens: Counter[str] = Counter()
        for g, n in self.grams.items():
            if len(g) > 1:
                tokens[g[:-1]] += n
        return tokens

    def followed(self, history: str) -> int:
        """How often something follows ``history``. In complete counts that is every time it is
        not a paragraph's end, found without a pass over all n-grams; a pruned table sums the
        followers it kept, once."""
        if self.complete:
            return self.grams.get(history, 0) - self.ends.get(history, 0)
        return self._followed.get(history, 0)

    def n(self, gram: str) -> int:
        return self.grams.get(gram, 0)

    # Many at once (Model asks in batches): the look-ups run in C, not a method call each.
    def n_each(self, grams: list[str]) -> list[int]:
        return list(map(self.grams.get, grams, repeat(0)))

    def followed_each(self, histories: list[str]) -> list[int]:
        if self.complete:
            return list(map(sub, self.n_each(histories), map(self.ends.get, histories, repeat(0))))
        return list(map(self._followed.get, histories, repeat(0)))

    def followers_each(self, histories: list[str]) -> list[int]:
        return list(map(self.types.get, histories, repeat(0)))

    def opened(self, prefix: str) -> int:
        """How many paragraphs open on ``prefix``."""
        return self.opens.get(prefix, 0)

    def followers(self, history: str) -> int:
        """How many different characters follow ``history``."""
        return self.types.get(history, 0)

    def pruned(self, min_count: int) -> Counts:
        kept = Counter({g: n for g, n in self.grams.items() if n >= min_count})
        opens = Counter({g: n for g, n in self.opens.items() if n >= min_count})
        return Counts(kept, opens, Counter(), self.paragraphs, complete=False)

    def without(self, other: Counts) -> Counts:
        """These counts less ``other``'s (what a table would hold without some documents)."""
        parts = []
        for mine, theirs in ((self.grams, other.grams), (self.opens, other.opens), (self.ends, other.ends)):
            left = Counter(mine)
            left.subtract(theirs)
            parts.append(+left)
        return Counts(*parts, max(self.paragraphs - other.paragraphs, 0), complete=self.complete)


class TextCounts:
    """The counts :func:`count` gives of some paragraphs, each found when first asked for.

    A document's model is asked about a few hundred n-grams (the characters around its cuts,
    where its copies differ); counting all of its n-grams in Python first cost more than the
    rest of repair together. Here the n-grams of each order are numpy integers
    (:class:`~taizhang.repair.grams.Grams`), sorted once when an n-gram of that order is first
    asked for; a count is then two binary searches. (A document of more than 65,536 distinct
    characters has 4-grams too wide for one integer: those are counted in its text.)
    """

    complete = True

    def __init__(self, paragraphs: Iterable[str]) -> None:
        self._texts = [text for text in paragraphs if text]
        self.paragraphs = len(self._texts)
        self.total = sum(map(len, self._texts))
        self._grams = Grams(self._texts)
        self._columns: dict[int, np.ndarray] = {}
        self._sorted: dict[int, np.ndarray] = {}
        self._distinct: dict[int, np.ndarray] = {}
        self._counted: dict[str, int] = {}  # the models of a document's copies ask again
        self._followers: dict[str, int] = {}

    @cached_property
    def unigrams(self) -> frozenset[str]:
        return frozenset(map(chr, self._grams.chars.tolist()))

    @cached_property
    def _unigram_counts(self) -> dict[str, int]:
        counts = np.bincount(self._grams.rank.astype(np.int64), minlength=len(self._grams.chars))
        return dict(zip(map(chr, self._grams.chars.tolist()), counts.tolist(), strict=True))

    def _order(self, order: int) -> np.ndarray:
        """The n-grams of ``order`` characters, as sorted integers."""
        if order not in self._sorted:
            self._sorted[order] = np.sort(self._column(order))
        return self._sorted[order]

    def _column(self, order: int) -> np.ndarray:
        """The n-grams of ``order`` characters, as integers in the order of the text (each batch
        of questions narrows them anew: see :meth:`prefetch`)."""
        if order not in self._columns:
            (self._columns[order],), _ = self._grams.columns(order)
        return self._columns[order]

    def _kinds(self, order: int) -> np.ndarray:
        """The distinct n-grams of ``order`` characters, as sorted integers."""
        if order not in self._distinct:
            self._distinct[order] = _distinct(self._order(order))
        return self._distinct[order]

    @cached_property
    def _framed(self) -> tuple[str, str]:
        """The paragraphs as one string, each framed by a character none holds, and that
        character (for 4-grams too wide for an integer)."""
        frame = next(c for c in _FRAMES if not any(c in text for text in self._texts))
        return frame + frame.join(self._texts) + frame, frame

    def _found(self, gram: str) -> list[int]:
        """Where ``gram`` stands in the framed text, overlapping places too."""
        text, frame = self._framed
        if frame in gram:
            return []
        found, at = [], text.find(gram)
        while at >= 0:
            found.append(at)
            at = text.find(gram, at + 1)
        return found

    def n(self, gram: str) -> int:
        found = self._counted.get(gram)
        if found is None:
            found = self._counted[gram] = self._count(gram)
        return found

    def n_each(self, grams: list[str]) -> list[int]:
        found = list(map(self._counted.get, grams))  # counted by prefetch, most of them
        return [self.n(gram) if n is None else n for gram, n in zip(grams, found, strict=True)]

    def followed_each(self, histories: list[str]) -> list[int]:
        return list(map(sub, self.n_each(histories), map(self._edges[1].get, histories, repeat(0))))

    def followers_each(self, histories: list[str]) -> list[int]:
        found = list(map(self._followers.get, histories))
        return [self.followers(h) if n is None else n for h, n in zip(histories, found, strict=True)]

    def _count(self, gram: str) -> int:
        if len(gram) == 1:
            return self._unigram_counts.get(gram, 0)
        if not 0 < len(gram) <= ORDER:
            return 0
        if not self._grams.fits(len(gram)):
            return len(self._found(gram))
        key = self._grams.key(gram)
        if key is None:
            return 0
        grams, key = self._order(len(gram)), np.uint64(key)  # a Python int would turn the array to floats
        return int(grams.searchsorted(key, "right") - grams.searchsorted(key, "left"))

    @cached_property
    def _edges(self) -> tuple[Counter[str], Counter[str]]:
        """The first and last 1 to ORDER-1 characters of each paragraph, counted."""
        # one list per side, counted in C (two updates per paragraph cost several times more)
        lengths = range(1, ORDER)
        opens = Counter([text[:k] for k in lengths for text in self._texts if len(text) >= k])
        ends = Counter([text[-k:] for k in lengths for text in self._texts if len(text) >= k])
        return opens, ends

    def opened(self, prefix: str) -> int:
        return self._edges[0].get(prefix, 0)

    def ended(self, suffix: str) -> int:
        return self._edges[1].get(suffix, 0)

    def followed(self, history: str) -> int:
        return self.n(history) - self.ended(history)

    def followers(self, history: str) -> int:
        """How many different characters follow ``history``: the distinct n-grams one longer
        that start with it, a run of the sorted integers."""
        found = self._followers.get(history)
        if found is None:
            found = self._followers[history] = self._count_followers(history)
        return found

    def _count_followers(self, history: str) -> int:
        if not 0 < len(history) < ORDER:
            return 0
        if not self._grams.fits(len(history) + 1):
            text, frame = self._framed
            return len({text[at + len(history)] for at in self._found(history)} - {frame})
        key = self._grams.key(history)
        if key is None:
            return 0
        kinds, low = self._kinds(len(history) + 1), key << self._grams.bits
        high = low + (1 << self._grams.bits)
        end = len(kinds) if high >= 2**64 else int(kinds.searchsorted(np.uint64(high)))
        return end - int(kinds.searchsorted(np.uint64(low)))

    def prefetch(self, grams: Iterable[str], histories: Iterable[str]) -> None:
        """Count ``grams`` and the followers of ``histories`` at once, before a model asks for
        them one by one: a few vectorised searches per order instead of a few numpy calls and a
        Python key for each (which was most of the cost of reading cuts).

        The n-grams of an order not yet sorted are first narrowed to those that can answer: an
        n-gram asked about, or one a history asked about is followed by, has a first ORDER-1
        characters marked in a table of hashes (a few percent more pass by collision). Sorting
        every n-gram of the document was most of the cost of reading its cuts."""
        counted = _by_order(g for g in grams if g not in self._counted)
        extended = _by_order(h for h in histories if h not in self._followers)
        for order in range(2, ORDER + 1):
            asked, shorter = counted.get(order, []), extended.get(order - 1, [])
            if not (asked or shorter) or not self._grams.fits(order):
                continue
            keys, known = self._grams.keys(asked, order)
            starts, started = self._grams.keys(shorter, order - 1)
            bits = np.uint64(self._grams.bits)
            if order in self._sorted:
                column, kinds = self._order(order), self._kinds(order)
            else:
                column = self._narrowed(order, np.concatenate([keys[known] >> bits, starts[started]]))
                kinds = _distinct(column)
            if asked:
                found = column.searchsorted(keys, "right") - column.searchsorted(keys, "left")
                self._counted.update(zip(asked, np.where(known, found, 0).tolist(), strict=True))
            if shorter:
                low = starts << bits
                # the followers of a history are the distinct longer n-grams from low to high
                # (high past 2⁶⁴ for the last history of the widest key: to the end)
                past = low > np.uint64(2**64 - 1) - (np.uint64(1) << bits)
                end = np.where(past, len(kinds), kinds.searchsorted(low + (np.uint64(1) << bits)))
                found = end - kinds.searchsorted(low)
                self._followers.update(zip(shorter, np.where(started, found, 0).tolist(), strict=True))

    def _narrowed(self, order: int, starts: np.ndarray) -> np.ndarray:
        """The n-grams of ``order`` characters whose first ``order - 1`` (as integers) may be
        among ``starts``, sorted: all that are, and the few whose hash meets one of theirs."""
        column = self._column(order)
        marked = np.zeros(1 << _HASH_BITS, bool)
        marked[hashed(starts, _HASH_BITS)] = True
        column = column[marked[hashed(column >> np.uint64(self._grams.bits), _HASH_BITS)]]
        column.sort()
        return column

    def without(self, other: Counts) -> Without:
        return Without(self, other)


def _distinct(grams: np.ndarray) -> np.ndarray:
    """Each value of sorted ``grams`` once."""
    return grams[np.append(True, grams[1:] != grams[:-1])] if len(grams) else grams


def _by_order(grams: Iterable[str]) -> dict[int, list[str]]:
    """``grams`` by their length, each once."""
    found: dict[int, list[str]] = {}
    for gram in dict.fromkeys(grams):
        found.setdefault(len(gram), []).append(gram)
    return found


class Without:
    """:class:`TextCounts` less some paragraphs' :class:`Counts`, as ``Counts.without`` would give
    them (an n-gram the others hold more often than these is gone), found when asked for."""

    complete = True

    def __init__(self, mine: TextCounts, theirs: Counts) -> None:
        self.mine, self.theirs = mine, theirs
        self.paragraphs = max(mine.paragraphs - theirs.paragraphs, 0)

    @cached_property
    def _gone(self) -> frozenset[str]:
        """Characters all of whose occurrences are in the others."""
        return frozenset(c for c in self.theirs.unigrams if self.mine.n(c) <= self.theirs.grams[c])

    @cached_property
    def total(self) -> int:
        return self.mine.total - sum(min(self.mine.n(c), self.theirs.grams[c]) for c in self.theirs.unigrams)

    @cached_property
    def unigrams(self) -> frozenset[str]:
        return self.mine.unigrams - self._gone

    @cached_property
    def _theirs_following(self) -> dict[str, list[str]]:
        following: dict[str, list[str]] = {}
        for gram in self.theirs.grams:
            if len(gram) > 1:
                following.setdefault(gram[:-1], []).append(gram)
        return following

    def n(self, gram: str) -> int:
        return max(self.mine.n(gram) - self.theirs.grams.get(gram, 0), 0)

    def opened(self, prefix: str) -> int:
        return max(self.mine.opened(prefix) - self.theirs.opens.get(prefix, 0), 0)

    def followed(self, history: str) -> int:
        return self.n(history) - max(self.mine.ended(history) - self.theirs.ends.get(history, 0), 0)

    def followers(self, history: str) -> int:
        mine = self.mine.followers(history)
        if not mine:
            return 0
        grams = self.theirs.grams
        return mine - sum(1 for gram in self._theirs_following.get(history, ()) if 0 < self.mine.n(gram) <= grams[gram])

    def prefetch(self, grams: set[str], histories: set[str]) -> None:
        """:meth:`TextCounts.prefetch` of what these counts will ask of the document's: also the
        n-grams of the others that follow a history asked about."""
        following = self._theirs_following
        self.mine.prefetch(grams.union(*(following.get(h, ()) for h in histories)), histories)

    def n_each(self, grams: list[str]) -> list[int]:
        return list(map(self.n, grams))

    def followed_each(self, histories: list[str]) -> list[int]:
        return list(map(self.followed, histories))

    def followers_each(self, histories: list[str]) -> list[int]:
        return list(map(self.followers, histories))


def count(paragraphs: Iterable[str]) -> Counts:
    counts = Counts()
    for text in paragraphs:
        if not text:
            continue
        counts.paragraphs += 1
        counts.opens.update(text[:k] for k in range(1, min(ORDER - 1, len(text)) + 1))
        counts.ends.update(text[-k:] for k in range(1, min(ORDER - 1, len(text)) + 1))
        for k in range(1, ORDER + 1):
            counts.grams.update(text[i : i + k] for i in range(len(text) - k + 1))
    return counts


def write_table(counts: Counts) -> str:
    """The table as text: a header with the paragraph count, then ``gram, count`` rows, with a
    third column for the paragraphs an n-gram opens when there are any. n-grams holding a tab
    cannot be written and are left out."""
    rows = [f"{HEADER}\t{counts.paragraphs}"]
    for g in sorted(counts.grams):
        if "\t" not in g:
            opens = counts.opens.get(g, 0)
            rows.append(f"{g}\t{counts.grams[g]}" + (f"\t{opens}" if opens else ""))
    return "\n".join(rows) + "\n"


def read_table(text: str) -> Counts:
    counts = Counts(complete=False)
    for line in text.split("\n"):
        if not line:
            continue
        gram, n, *rest = line.split("\t")
        if gram == HEADER:
            counts.paragraphs = int(n)
            continue
        counts.grams[gram] = int(n)
        if rest:
            counts.opens[gram] = int(rest[0])
    return counts


@cache
def background(lang: str) -> Counts:
    """The shipped table of ``lang``, empty when the language has none."""
    path = RULES_DIR / lang / TABLE
    return read_table(path.read_text(encoding="utf-8")) if path.exists() else Counts()
