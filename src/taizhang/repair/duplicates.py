"""Exact and near-duplicate paragraphs, and reprints of one article across a corpus.

Exact duplicates share their comparison key (:func:`~taizhang.repair.text.normalise`).
Near-duplicates are found two ways with rapidfuzz, as measured on the seed: ``fuzz.ratio`` catches
copies with a word changed; ``partial_ratio`` catches a copy that lost a sentence (a quote opening
dropped), which only containment can see. Candidate pairs come from shared character 4-grams so
that long documents are not compared all against all (found with numpy, see ``_candidates``).
"""

from __future__ import annotations

import difflib
import hashlib
from collections import defaultdict
from collections.abc import Hashable
from functools import cache

import numpy as np
from rapidfuzz import fuzz

from taizhang.repair.grams import Grams, hashed
from taizhang.repair.rules import Rules
from taizhang.repair.text import has_cjk, normalise, words

GRAM = 4
NUM_PERM = 128  # MinHash values of a reprint signature (at most 256: see signature)
REPRINT_THRESHOLD = 0.8  # estimated Jaccard similarity of character 4-grams that makes two texts one article
# Odd 64-bit multipliers that mix a 4-gram's characters into one integer before hashing it.
_MIX = tuple(np.uint64(m) for m in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93))
_EMPTY = np.uint64(2**64 - 1)
# A pair is compared only when it shares this share of the shorter key's 4-grams.
MIN_SHARED = 0.3
MAX_POSTING = 50


def exact_groups(texts: dict[int, str], rules: Rules) -> list[list[int]]:
    """Groups of ids whose texts have the same comparison key, with enough Chinese not to be a
    stock line (各位代表！ may recur on purpose, and so may page residue such as "Public domain")."""
    by_key: dict[str, list[int]] = defaultdict(list)  # the keys themselves: no digest to work out
    for i, text in texts.items():
        if has_cjk(text, rules.text["duplicate_min_chars"]):
            by_key[normalise(text)].append(i)
    return [sorted(ids) for ids in by_key.values() if len(ids) > 1]


def near_pairs(texts: dict[int, str], rules: Rules) -> list[tuple[int, int, str]]:
    """Pairs ``(a, b, how)`` of different texts that are near-duplicates; ``how`` is ``ratio`` or
    ``containment``."""
    t = rules.text
    keys = {i: normalise(s) for i, s in texts.items()}
    keys = {i: k for i, k in keys.items() if has_cjk(k, t["duplicate_min_chars"])}
    pairs = []
    for a, b in _candidates(keys):
        ka, kb = keys[a], keys[b]
        if ka == kb:
            continue
        short, long_ = sorted((ka, kb), key=len)
        # fuzz.ratio is at most 200·len(short)/(len(short)+len(long)): skip pairs too unequal in
        # length for it that are also too short for containment.
        if len(short) < t["containment_min_chars"] and 200 * len(short) < t["near_ratio"] * (len(short) + len(long_)):
            continue
        if fuzz.ratio(ka, kb) >= t["near_ratio"]:
            pairs.append((a, b, "ratio"))
            continue
        if (
            len(short) >= t["containment_min_chars"]
            and fuzz.partial_ratio(short, long_) >= t["containment_ratio"]
        ):
            pairs.append((a, b, "containment"))
    return pairs


def _candidates(keys: dict[int, str]) -> list[tuple[int, int]]:
    """Pairs of ids, in order, whose keys share at least MIN_SHARED of the shorter one's distinct
    4-grams, counting only grams that 2 to MAX_POSTING keys hold (a stock phrase shared by many
    says nothing about a pair).

    Worked out with numpy over all keys at once (:class:`~taizhang.repair.grams.Grams`): each
    (gram, key) pair is sorted once, and keys that share a gram are paired by comparing the
    sorted list with itself shifted.
    """
    ids = sorted(keys)
    n = len(ids)
    grams = Grams([keys[i] for i in ids])
    columns, key = grams.columns(GRAM)
    if not len(key):
        return []
    key_bits = max(n - 1, 1).bit_length()
    lone = np.zeros(n, np.int64)  # per key, the grams no other place in the document holds
    if len(columns) == 1 and GRAM * grams.bits + key_bits <= 64:
        # A gram held once in the document pairs nothing: only grams whose hash meets another's
        # (every gram held twice, a few held once) are sorted; the others are each key's own.
        bucket = hashed(columns[0], max(len(key).bit_length() + 1, 10))
        met = np.bincount(bucket)[bucket] > 1
        lone = np.bincount(key[~met], minlength=n)
        column, key = columns[0][met], key[met]
        # gram and key side by side in one integer: one sort of values, not a lexsort of two keys
        both = np.sort((column << np.uint64(key_bits)) | key.astype(np.uint64))
        key, columns = (both & np.uint64((1 << key_bits) - 1)).astype(key.dtype), [both >> np.uint64(key_bits)]
    else:
        order = np.lexsort((key, *reversed(columns)))
        key, columns = key[order], [column[order] for column in columns]
    if not len(key):
        return []
    same_gram = np.ones(len(key), bool)
    same_gram[0] = False
    for column in columns:
        same_gram[1:] &= column[1:] == column[:-1]
    distinct = ~same_gram
    distinct[1:] |= key[1:] != key[:-1]
    key, same_gram = key[distinct], same_gram[distinct]  # each gram once per key
    grams_of = np.bincount(key, minlength=n) + lone
    run_start = np.flatnonzero(~same_gram)
    holders = np.diff(np.append(run_start, len(key)))
    run = np.repeat(np.arange(len(holders)), holders)
    useful = (holders[run] > 1) & (holders[run] <= MAX_POSTING)
    key, run = key[useful], run[useful]
    if not len(key):
        return []
    # how many entries of its gram's run follow each entry: an entry pairs with the one ``shift``
    # places on while that many remain, so each shift looks only at the runs long enough for it
    length = holders[run]
    first = np.flatnonzero(np.append(True, run[1:] != run[:-1]))
    after = length - (np.arange(len(key)) - np.repeat(first, length[first])) - 1
    at = np.flatnonzero(after)
    found = []
    for shift in range(1, MAX_POSTING):  # keys are in order within a gram's run: pairs come out (low, high)
        at = at[after[at] >= shift]
        if not len(at):
            break
        found.append(key[at] * n + key[at + shift])
    if not found:
        return []
    pair, shared = np.unique(np.concatenate(found), return_counts=True)
    low, high = pair // n, pair % n
    enough = shared >= MIN_SHARED * np.minimum(grams_of[low], grams_of[high])
    return [(ids[a], ids[b]) for a, b in zip(low[enough].tolist(), high[enough].tolist())]


def differs(a: str, b: str, posts: set[str]) -> list[tuple[str, str]]:
    """Word-level differences between two near-duplicates, as ``(in a, in b)`` pairs.

    A changed post keeps the word before it (市政协副主席 / 市政协委员, not 副主席 / 委员), since
    a post alone does not say which office changed.
    """
    wa, wb = words(normalise(a)), words(normalise(b))
    found = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if i1 > 0 and j1 > 0 and wa[i1 - 1] == wb[j1 - 1] and ({*wa[i1:i2], *wb[j1:j2]} & posts):
            i1, j1 = i1 - 1, j1 - 1
        found.append(("".join(wa[i1:i2]), "".join(wb[j1:j2])))
    return found


def signature(text: str, num_perm: int = NUM_PERM) -> np.ndarray:
    """A MinHash signature of ``text``'s character 4-grams (of its comparison key), one value per
    permutation: two texts agree in a share of them close to their Jaccard similarity.

    One-permutation hashing (Li, Owen and Zhang, 2012): each distinct 4-gram is hashed once, to
    64 bits in numpy, and the hash picks its bin and its value; a bin keeps its smallest value,
    and an empty bin (a text of few grams) borrows the next filled one's, shifted by how far it
    reached (rotation densification, Shrivastava and Li, 2014). That is one pass over the grams
    where ``num_perm`` passes, each a Python-level hash per gram (datasketch's ``MinHash``), cost
    more than repair and extraction together on a corpus.
    """
    key = normalise(text)
    codes = np.frombuffer(key.encode("utf-32-le"), np.uint32).astype(np.uint64)
    if len(codes) >= GRAM:
        mixed = codes[: len(codes) - GRAM + 1] * _MIX[0]
        for k in range(1, GRAM):
            mixed ^= codes[k : len(codes) - GRAM + 1 + k] * _MIX[k]
    else:  # too short for a 4-gram: the key itself is the one shingle
        mixed = np.array([sum(int(c) * int(m) for c, m in zip(codes, _MIX, strict=False)) % 2**64], np.uint64)
    hashes = _finalise(mixed)  # a gram met twice hashes alike: the minimum does not mind
    # the low bits pick the bin, the top 56 are the value: a borrowed value, shifted by up to
    # 255 bins' reach above 2⁵⁶, cannot meet a value of its own
    bins, values = (hashes % np.uint64(num_perm)).astype(np.intp), hashes >> np.uint64(8)
    filled = np.full(num_perm, _EMPTY, np.uint64)
    np.minimum.at(filled, bins, values)
    at = np.arange(num_perm)
    full = np.flatnonzero(filled != _EMPTY)
    reach = (full[np.searchsorted(full, at) % len(full)] - at) % num_perm
    return filled[(at + reach) % num_perm] + (reach.astype(np.uint64) << np.uint64(56))


def _finalise(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every bit of the result depends on every bit of ``x``."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


@cache  # datasketch integrates the error probabilities of every choice: 40 ms
def bands(threshold: float = REPRINT_THRESHOLD, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """How many bands of how many rows LSH cuts a signature into for ``threshold``: datasketch's
    choice, which weighs false positives and false negatives alike."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def band_keys(sig: np.ndarray, threshold: float = REPRINT_THRESHOLD) -> list[int]:
    """One 64-bit key per LSH band of ``sig``: two texts are reprint candidates when any band's
    keys are equal (a band is equal when all its rows are; a key collision is a 2⁻⁶⁴ chance)."""
    count, rows = bands(threshold, len(sig))
    return [
        int.from_bytes(hashlib.blake2b(sig[i * rows : (i + 1) * rows].tobytes(), digest_size=8).digest(), "big", signed=True)
        for i in range(count)
    ]


def find_reprints(texts: dict[str, str], threshold: float = REPRINT_THRESHOLD, num_perm: int = NUM_PERM) -> list[set[str]]:
    """Groups of sources that reprint the same article: MinHash LSH over character 4-grams.

    ``threshold`` is the estimated Jaccard similarity above which two texts are one article.
    Returns only groups of two or more sources, in the order their first member was given.
    """
    keys = {name: band_keys(signature(text, num_perm), threshold) for name, text in texts.items()}
    return [set(group) for group in reprint_groups(keys) if len(group) > 1]


def reprint_groups(keys: dict[Hashable, list[int]]) -> list[list[Hashable]]:
    """Everything linked by a shared band key, directly or through others: the groups of
    ``keys`` (member → its band keys), in the order their first member was given."""
    parent = {name: name for name in keys}

    def root(x: Hashable) -> Hashable:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first: dict[tuple[int, int], Hashable] = {}
    for name, found in keys.items():
        for band, key in enumerate(found):
            other = first.setdefault((band, key), name)
            parent[root(other)] = root(name)
    groups: dict[Hashable, list[Hashable]] = defaultdict(list)
    for name in keys:
        groups[root(name)].append(name)
    return list(groups.values())
