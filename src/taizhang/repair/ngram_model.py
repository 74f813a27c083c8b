"""A character n-gram model: does a paragraph read on from another one, or open on its own?

A cut between two words leaves no dictionary word across the break, but the text still reads on:
…做实做强西承东|联桥头堡 or …持续推进网络提速降费|，发展“互联网+”. The model compares how likely
a candidate tail's first characters are after the head's last ones with how likely they are to
open a paragraph; the log of that ratio is the evidence :mod:`~taizhang.repair.fragments` uses.
Probabilities are Witten–Bell interpolated from the longest history seen down to single
characters.

Its counts are :mod:`~taizhang.repair.ngrams`' (the shipped table and the document's own, added
at look-up). A document's questions are answered in batches where they can be: each part counts
what a batch needs at once, and the chances are worked out for all of it in one numpy pass.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import cached_property
from operator import add

import numpy as np

from taizhang.repair.ngrams import ORDER, Counts, TextCounts, Without

# Weight, in paragraphs, of the running-text chance in the chance that a paragraph opens on some
# characters: characters seen opening few paragraphs are not taken to never open one.
OPEN_PRIOR = 20.0


class Model:
    """Background and document counts read as one model.

    Each probability is worked out once per model: the heads and tails of a document share
    their characters, and every reading of a pair asks about the same few of them.
    """

    def __init__(self, parts: Iterable[Counts | TextCounts | Without]) -> None:
        self.parts = [p for p in parts if p.paragraphs]
        self.paragraphs = sum(p.paragraphs for p in self.parts)
        self._probs: dict[tuple[str, str], float] = {}
        self._open_probs: dict[tuple[str, str], float] = {}
        self._grams: dict[str, int] = {}
        self._histories: dict[str, tuple[int, int]] = {}
        self._readings: dict[tuple[str, str], float] = {}
        self._alones: dict[str, float] = {}

    @cached_property
    def total(self) -> int:
        return sum(p.total for p in self.parts)

    @cached_property
    def types(self) -> int:
        # the size of the union, without building it: the largest set (the table's) and what the
        # others add to it; a model is made for each group of copies that differ
        sets = sorted((p.unigrams for p in self.parts), key=len)
        if not sets:
            return 1
        largest, seen, added = sets[-1], set(), 0
        for other in sets[:-1]:
            fresh = other - largest - seen
            added += len(fresh)
            seen |= fresh
        return len(largest) + added + 1

    # The sums over the parts are worked out for many n-grams at once where they can be (see
    # expect): one pass over each part per batch, not a chain of calls per n-gram.
    def _n(self, gram: str) -> int:
        found = self._grams.get(gram)
        if found is None:
            self._count([gram])
            found = self._grams[gram]
        return found

    def _count(self, grams: list[str]) -> None:
        totals = [0] * len(grams)
        for part in self.parts:
            totals = list(map(add, totals, part.n_each(grams)))
        self._grams.update(zip(grams, totals))

    def _history(self, history: str) -> tuple[int, int]:
        """How often something follows ``history``, and how many different characters do."""
        found = self._histories.get(history)
        if found is None:
            self._count_histories([history])
            found = self._histories[history]
        return found

    def _count_histories(self, histories: list[str]) -> None:
        tokens, types = [0] * len(histories), [0] * len(histories)
        for part in self.parts:
            tokens = list(map(add, tokens, part.followed_each(histories)))
            types = list(map(add, types, part.followers_each(histories)))
        # at least one type: in a pruned table a history can outlive all of its followers
        self._histories.update(zip(histories, zip(tokens, [max(n, 1) for n in types])))

    @cached_property
    def _smoothed_total(self) -> float:
        return self.total + 0.5 * self.types

    def _unigram(self, ch: str) -> float:
        return (self._n(ch) + 0.5) / self._smoothed_total

    def prob(self, ch: str, history: str) -> float:
        """P(ch | history), Witten–Bell interpolated over the last ORDER-1 characters of history.
        (Followers are counted in each part apart, so a follower both know counts twice among
        the types: a slightly larger share for the shorter history.)"""
        history = history[-(ORDER - 1) :]
        found = self._probs.get((ch, history))
        if found is not None:
            return found
        p = self._unigram(ch)
        for k in range(1, len(history) + 1):
            h = history[-k:]
            tokens, types = self._history(h)
            if tokens <= 0:
                break
            p = (self._n(h + ch) + types * p) / (tokens + types)
        self._probs[ch, history] = p
        return p

    def _opens(self, prefix: str) -> int:
        if not prefix:
            return self.paragraphs
        found = 0
        for part in self.parts:
            found += part.opened(prefix)
        return found

    def p_open(self, ch: str, prefix: str) -> float:
        """Chance that a paragraph opening on ``prefix`` goes on with ``ch``, leaving out the one
        paragraph being judged (which opens so by definition), drawn toward the running-text
        chance by OPEN_PRIOR paragraphs."""
        found = self._open_probs.get((ch, prefix))
        if found is None:
            found = self._open_probs[ch, prefix] = self._p_open(ch, prefix, self.prob(ch, prefix))
        return found

    def _p_open(self, ch: str, prefix: str, running: float) -> float:
        """:meth:`p_open` given the running-text chance of ``ch`` after ``prefix``."""
        opens = max(self._opens(prefix + ch) - 1, 0)
        seen = max(self._opens(prefix) - 1, 0)
        return (opens + OPEN_PRIOR * running) / (seen + OPEN_PRIOR)

    def reads(self, text: str, start: int, end: int) -> float:
        """Mean log-probability of ``text[start:end]`` and of the ORDER-1 characters after it,
        whose histories hold it: how naturally a stretch reads where it stands."""
        stop = min(len(text), end + ORDER - 1)
        if stop <= start:
            return 0.0
        logp = sum(math.log(self.prob(*chance)) for chance in _stretch(text, start, stop))
        return logp / (stop - start)

    def expect_stretches(self, stretches: Iterable[tuple[str, int, int]]) -> None:
        """Work out at once every chance :meth:`reads` of these ``(text, start, end)`` will ask
        for (see :meth:`expect`)."""
        asked = dict.fromkeys(
            chance for text, start, end in stretches
            for chance in _stretch(text, start, min(len(text), end + ORDER - 1))
        )  # fmt: skip
        asked = [chance for chance in asked if chance not in self._probs]
        self._probs.update(zip(asked, self._probs_of(asked), strict=True))

    def expect(self, pairs: Iterable[tuple[str, str]], chars: int) -> None:
        """Work out at once the readings :meth:`reads_on` will be asked for of these pairs: the
        n-grams and histories they need counted by each part in one batch, and every chance of
        a tail's character, after its head or opening a paragraph, in one numpy pass (the steps
        of :meth:`prob`, so the same floating-point numbers). One chance at a time in Python was
        most of the cost of reading a document's cuts."""
        fresh = [
            key for key in dict.fromkeys((head[-(ORDER - 1) :], tail[:chars]) for head, tail in pairs if head and tail)
            if key not in self._readings
        ]  # fmt: skip
        after = []  # the chance of each character of each tail after its head, in order
        for head, tail in fresh:
            text = head + tail
            after += [(text[i], text[max(i - ORDER + 1, 0) : i]) for i in range(len(head), len(text))]
        opening = [
            key for key in dict.fromkeys((tail[i], tail[:i]) for _, tail in fresh for i in range(len(tail)))
            if key not in self._open_probs
        ]  # fmt: skip
        asked = list(dict.fromkeys(after + opening))
        chance = dict(zip(asked, self._probs_of(asked), strict=True))
        for (ch, prefix) in opening:
            self._open_probs[ch, prefix] = self._p_open(ch, prefix, chance[ch, prefix])
        at = 0
        for head, tail in fresh:
            read = sum(map(math.log, map(chance.__getitem__, after[at : at + len(tail)])))
            self._readings[head, tail] = read - self._alone(tail)
            at += len(tail)

    def _probs_of(self, asked: list[tuple[str, str]]) -> list[float]:
        """:meth:`prob` of each ``(ch, history)`` (a history of at most ORDER-1 characters), at
        once: the n-grams and histories counted in one batch per part, then Witten–Bell
        interpolation for all of them level by level, each step the float operation prob does."""
        if not asked:
            return []
        levels = [[history[-k:] for _, history in asked] for k in range(1, ORDER)]
        histories = {h for level in levels for h in level if h}
        grams = {h + ch for level in levels for h, (ch, _) in zip(level, asked, strict=True)}
        grams |= histories | {ch for ch, _ in asked}  # followed: how often a history stands
        for part in self.parts:
            if isinstance(part, (TextCounts, Without)):
                part.prefetch(grams, histories)
        self._count([g for g in grams if g not in self._grams])
        self._count_histories([h for h in histories if h not in self._histories])
        counted = self._grams
        p = (np.array([counted[ch] for ch, _ in asked], np.int64) + 0.5) / self._smoothed_total
        going = np.ones(len(asked), bool)
        depth = np.array([len(history) for _, history in asked])
        for k, level in enumerate(levels, 1):
            going &= depth >= k
            seen = [self._histories[h] if h else (0, 1) for h in level]
            tokens, types = (np.array(column, np.int64) for column in zip(*seen, strict=True))
            going &= tokens > 0
            n = np.array([counted[h + ch] for h, (ch, _) in zip(level, asked, strict=True)], np.int64)
            p = np.where(going, (n + types * p) / np.maximum(tokens + types, 1), p)
        return p.tolist()

    def reads_on(self, head: str, tail: str, chars: int) -> float:
        """Log-likelihood ratio of the first ``chars`` characters of ``tail`` following ``head``
        against their opening a paragraph: positive when the tail reads as the head's sequel."""
        tail = tail[:chars]
        if not head or not tail:
            return 0.0
        head = head[-(ORDER - 1) :]  # all the history its characters are read with
        found = self._readings.get((head, tail))
        if found is None:
            after = sum(math.log(self.prob(tail[i], head + tail[:i])) for i in range(len(tail)))
            found = self._readings[head, tail] = after - self._alone(tail)
        return found

    def _alone(self, tail: str) -> float:
        """Log-probability of ``tail`` opening a paragraph (a tail is read after many heads)."""
        found = self._alones.get(tail)
        if found is None:
            found = self._alones[tail] = sum(math.log(self.p_open(tail[i], tail[:i])) for i in range(len(tail)))
        return found


def _stretch(text: str, start: int, stop: int) -> list[tuple[str, str]]:
    """Each character of ``text[start:stop]`` with its history: the ``(ch, history)`` a model
    reading the stretch asks the chance of."""
    return [(text[i], text[max(i - ORDER + 1, 0) : i]) for i in range(start, stop)]
