"""Character n-grams of many texts at once, as numpy integers.

Counting n-grams one Python string at a time cost more than the rest of repair together. Here
every character of the texts is replaced by its rank among the distinct characters they hold
(``bits`` bits each), so an n-gram of up to ``64 // bits`` characters is one 64-bit integer, its
characters side by side: n-grams are then counted, sorted and matched with numpy in C.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class Grams:
    """The characters of ``texts`` as ranks; n-grams never run from one text into the next."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.lengths = np.fromiter(map(len, texts), np.int64, len(texts))
        codes = np.frombuffer("".join(texts).encode("utf-32-le"), np.uint32)
        # ranks by table look-up over the code points present: no sort of every position, and
        # no pass over every code point below the largest (a cumulative sum) either
        present = np.zeros(int(codes.max()) + 1 if len(codes) else 0, bool)
        present[codes] = True
        self.chars = np.flatnonzero(present)
        ranks = np.zeros(len(present), np.uint64)
        ranks[self.chars] = np.arange(len(self.chars), dtype=np.uint64)
        self.rank = ranks[codes]
        self.bits = max(int(len(self.chars) - 1).bit_length(), 1)
        self._ranks: dict[str, int] | None = None

    def fits(self, order: int) -> bool:
        """Whether an n-gram of ``order`` characters is one integer."""
        return order * self.bits <= 64

    def windows(self, order: int) -> tuple[np.ndarray, np.ndarray]:
        """Where each n-gram of ``order`` characters starts, and which text holds it."""
        count = np.maximum(self.lengths - order + 1, 0)
        owner = np.repeat(np.arange(len(self.lengths)), count)
        offset = np.cumsum(self.lengths) - self.lengths - (np.cumsum(count) - count)
        return np.repeat(offset, count) + np.arange(len(owner)), owner

    def columns(self, order: int) -> tuple[list[np.ndarray], np.ndarray]:
        """Every n-gram of ``order`` characters as integers (one column when it fits, else the
        fewest that hold it), and the text each is in."""
        first, owner = self.windows(order)
        width = 64 // self.bits
        columns = []
        for part in range(0, order, width):
            column = np.zeros(len(first), np.uint64)
            for k in range(part, min(part + width, order)):
                column = (column << np.uint64(self.bits)) | self.rank[first + k]
            columns.append(column)
        return columns, owner

    def key(self, gram: str) -> int | None:
        """The integer of ``gram`` (which must fit), None when a character of it is in no text."""
        if self._ranks is None:
            self._ranks = {chr(c): r for r, c in enumerate(self.chars.tolist())}
        value = 0
        for ch in gram:
            rank = self._ranks.get(ch)
            if rank is None:
                return None
            value = (value << self.bits) | rank
        return value

    def keys(self, grams: list[str], order: int) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`key` of many n-grams of ``order`` characters (which must fit) at once, and
        whether each has all its characters in the texts (its key means nothing where not)."""
        codes = np.frombuffer("".join(grams).encode("utf-32-le"), np.uint32).reshape(len(grams), order)
        if not len(self.chars):
            return np.zeros(len(grams), np.uint64), np.zeros(len(grams), bool)
        rank = np.minimum(np.searchsorted(self.chars, codes), len(self.chars) - 1)
        known = (self.chars[rank] == codes).all(axis=1)
        value = np.zeros(len(grams), np.uint64)
        for k in range(order):
            value = (value << np.uint64(self.bits)) | rank[:, k].astype(np.uint64)
        return value, known


_FIBONACCI = np.uint64(0x9E3779B97F4A7C15)  # 2⁶⁴ over the golden ratio, odd


def hashed(keys: np.ndarray, bits: int) -> np.ndarray:
    """Fibonacci hashing of 64-bit ``keys`` to ``bits`` bits: the top bits once multiplied by an
    odd constant, which mixes every bit of a key into them."""
    return ((keys * _FIBONACCI) >> np.uint64(64 - bits)).astype(np.intp)
