"""Exact and near-duplicate paragraphs, and reprints of one article across a corpus.

Exact duplicates share the hash of their comparison key (:func:`~taizhang.repair.text.normalise`).
Near-duplicates are found two ways with rapidfuzz, as measured on the seed: ``fuzz.ratio`` catches
copies with a word changed; ``partial_ratio`` catches a copy that lost a sentence (a quote opening
dropped), which only containment can see. Candidate pairs come from shared character 4-grams so
that long documents are not compared all against all (found with numpy, see ``_candidates``).
"""

from __future__ import annotations

import difflib
import hashlib
from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz

from taizhang.repair.grams import Grams
from taizhang.repair.rules import Rules
from taizhang.repair.text import cjk_count, normalise, words

if TYPE_CHECKING:
    from datasketch import MinHash

GRAM = 4
# A pair is compared only when it shares this share of the shorter key's 4-grams.
MIN_SHARED = 0.3
MAX_POSTING = 50


def key_hash(text: str) -> str:
    return hashlib.sha1(normalise(text).encode("utf-8")).hexdigest()


def exact_groups(texts: dict[int, str], rules: Rules) -> list[list[int]]:
    """Groups of ids whose texts have the same comparison key, with enough Chinese not to be a
    stock line (各位代表！ may recur on purpose, and so may page residue such as "Public domain")."""
    by_hash: dict[str, list[int]] = defaultdict(list)
    for i, text in texts.items():
        if cjk_count(text) >= rules.text["duplicate_min_chars"]:
            by_hash[key_hash(text)].append(i)
    return [sorted(ids) for ids in by_hash.values() if len(ids) > 1]


def _grams(key: str) -> set[str]:
    return {key[i : i + GRAM] for i in range(len(key) - GRAM + 1)}


def near_pairs(texts: dict[int, str], rules: Rules) -> list[tuple[int, int, str]]:
    """Pairs ``(a, b, how)`` of different texts that are near-duplicates; ``how`` is ``ratio`` or
    ``containment``."""
    t = rules.text
    keys = {i: normalise(s) for i, s in texts.items()}
    keys = {i: k for i, k in keys.items() if cjk_count(k) >= t["duplicate_min_chars"]}
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
    order = np.lexsort((key, *reversed(columns)))
    key, columns = key[order], [column[order] for column in columns]
    same_gram = np.ones(len(key), bool)
    same_gram[0] = False
    for column in columns:
        same_gram[1:] &= column[1:] == column[:-1]
    distinct = ~same_gram
    distinct[1:] |= key[1:] != key[:-1]
    key, same_gram = key[distinct], same_gram[distinct]  # each gram once per key
    grams_of = np.bincount(key, minlength=n)
    run_start = np.flatnonzero(~same_gram)
    holders = np.diff(np.append(run_start, len(key)))
    run = np.repeat(np.arange(len(holders)), holders)
    useful = (holders[run] > 1) & (holders[run] <= MAX_POSTING)
    key, run = key[useful], run[useful]
    found = []
    for shift in range(1, MAX_POSTING):  # keys are in order within a gram's run: pairs come out (low, high)
        both = run[:-shift] == run[shift:]
        if not both.any():
            break
        found.append(key[:-shift][both] * n + key[shift:][both])
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


def _minhash(text: str, num_perm: int) -> MinHash:
    from datasketch import MinHash

    m = MinHash(num_perm=num_perm)
    key = normalise(text)
    m.update_batch([g.encode("utf-8") for g in _grams(key)] or [key.encode("utf-8")])
    return m


def find_reprints(texts: dict[str, str], threshold: float = 0.8, num_perm: int = 128) -> list[set[str]]:
    """Groups of sources that reprint the same article: MinHash LSH over character 4-grams.

    ``threshold`` is the estimated Jaccard similarity above which two texts are one article.
    Returns only groups of two or more sources, in the order their first member was given.
    """
    # Imported here: datasketch (numpy, scipy) costs about a second of start-up that only a corpus
    # run needs, not every repair or CLI command.
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    hashes = {}
    for name, text in texts.items():
        hashes[name] = _minhash(text, num_perm)
        lsh.insert(name, hashes[name])
    parent = {name: name for name in texts}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for name in texts:
        for other in lsh.query(hashes[name]):
            parent[root(other)] = root(name)
    groups: dict[str, set[str]] = defaultdict(set)
    for name in texts:
        groups[root(name)].add(name)
    return [g for g in groups.values() if len(g) > 1]
