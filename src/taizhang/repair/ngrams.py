"""A character n-gram model: does a paragraph read on from another one, or open on its own?

A cut between two words leaves no dictionary word across the break, but the text still reads on:
…做实做强西承东|联桥头堡 or …持续推进网络提速降费|，发展“互联网+”. The model compares how likely
a candidate tail's first characters are after the head's last ones with how likely they are to
open a paragraph; the log of that ratio is the evidence :mod:`~taizhang.repair.fragments` uses.

Counts come from two places, added at look-up: a background table of clean official texts shipped
as data (``rules/<lang>/ngrams.tsv``, written by ``scripts/build_repair_ngrams.py``) and the
document itself, whose own phrasing repeats. Probabilities are Witten–Bell interpolated from the
longest history seen down to single characters.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property

from taizhang.repair.rules import RULES_DIR

ORDER = 4  # characters in the longest n-gram: three of history, one predicted
# Weight, in paragraphs, of the running-text chance in the chance that a paragraph opens on some
# characters: characters seen opening few paragraphs are not taken to never open one.
OPEN_PRIOR = 20.0
TABLE = "ngrams.tsv"
HEADER = "# paragraphs"


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


class Model:
    """Background and document counts read as one model."""

    def __init__(self, parts: Iterable[Counts]) -> None:
        self.parts = [p for p in parts if p.paragraphs]
        self.total = sum(p.total for p in self.parts)
        self.types = len(frozenset().union(*(p.unigrams for p in self.parts))) + 1
        self.paragraphs = sum(p.paragraphs for p in self.parts)

    def _n(self, gram: str) -> int:
        return sum(p.grams.get(gram, 0) for p in self.parts)

    def _unigram(self, ch: str) -> float:
        return (self._n(ch) + 0.5) / (self.total + 0.5 * self.types)

    def prob(self, ch: str, history: str) -> float:
        """P(ch | history), Witten–Bell interpolated over the last ORDER-1 characters of history.
        (Followers are counted in each part apart, so a follower both know counts twice among
        the types: a slightly larger share for the shorter history.)"""
        p = self._unigram(ch)
        for k in range(1, min(ORDER - 1, len(history)) + 1):
            h = history[-k:]
            tokens = sum(part.followed(h) for part in self.parts)
            if tokens <= 0:
                break
            # at least one: in a pruned table a history can outlive all of its followers
            types = max(sum(part.types.get(h, 0) for part in self.parts), 1)
            p = (self._n(h + ch) + types * p) / (tokens + types)
        return p

    def _opens(self, prefix: str) -> int:
        if not prefix:
            return self.paragraphs
        return sum(p.opens.get(prefix, 0) for p in self.parts)

    def p_open(self, ch: str, prefix: str) -> float:
        """Chance that a paragraph opening on ``prefix`` goes on with ``ch``, leaving out the one
        paragraph being judged (which opens so by definition), drawn toward the running-text
        chance by OPEN_PRIOR paragraphs."""
        opens = max(self._opens(prefix + ch) - 1, 0)
        seen = max(self._opens(prefix) - 1, 0)
        return (opens + OPEN_PRIOR * self.prob(ch, prefix)) / (seen + OPEN_PRIOR)

    def reads(self, text: str, start: int, end: int) -> float:
        """Mean log-probability of ``text[start:end]`` and of the ORDER-1 characters after it,
        whose histories hold it: how naturally a stretch reads where it stands."""
        stop = min(len(text), end + ORDER - 1)
        if stop <= start:
            return 0.0
        logp = sum(math.log(self.prob(text[i], text[max(i - ORDER + 1, 0) : i])) for i in range(start, stop))
        return logp / (stop - start)

    def reads_on(self, head: str, tail: str, chars: int) -> float:
        """Log-likelihood ratio of the first ``chars`` characters of ``tail`` following ``head``
        against their opening a paragraph: positive when the tail reads as the head's sequel."""
        tail = tail[:chars]
        if not head or not tail:
            return 0.0
        after = sum(math.log(self.prob(tail[i], head[-(ORDER - 1) :] + tail[:i])) for i in range(len(tail)))
        alone = sum(math.log(self.p_open(tail[i], tail[:i])) for i in range(len(tail)))
        return after - alone
