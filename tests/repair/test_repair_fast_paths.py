"""The fast ways repair counts and compares give exactly what the plain definitions give.

Repair counts n-grams with numpy, finds near-duplicate candidates with numpy, folds comparison
keys one character at a time and segments only the runs of a paragraph it asks about; each is
checked here against the straightforward version it replaced, on generated text that mixes
Chinese, punctuation, repeats and rare characters.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taizhang.repair import duplicates, ngram_model, ngrams
from taizhang.repair.text import (
    INVISIBLE, WordBounds, _plain_keys, cjk_count, ends_on_lone_character, has_cjk, normalise, words,
)

PIECES = st.sampled_from([
    "推进", "网络", "提速", "降费", "。", "，", "、", "的", "发展", "啊啊啊", "１２", "ＡＢ", "…", "\u3000",
    "“", "”", "2026", "\u200b", "é", "e\u0301", "ｶﾞ", "가", "\U00020000", "abab", "aaa",
])  # fmt: skip
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=4)), max_size=30).map("".join)
PARAGRAPHS = st.lists(TEXT, max_size=8)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def plain_normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text)
    return "".join(c for c in folded if c not in INVISIBLE and unicodedata.category(c)[0] not in "PZSC")


@SETTINGS
@given(TEXT)
def test_comparison_key_is_nfkc_without_punctuation(text):
    assert normalise(text) == plain_normalise(text)
    assert cjk_count(text) == sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    assert [has_cjk(text, n) for n in range(-1, 12)] == [cjk_count(text) >= n for n in range(-1, 12)]


def test_characters_folded_one_at_a_time_never_compose_with_a_neighbour():
    """No character the key folds on its own is the second of a canonical composition (which is
    what could join it to the one before), over every decomposition Unicode has."""
    other, *_ = _plain_keys()
    seconds = set()
    for code in range(0x110000):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(chr(int(parts[1], 16)))
    assert not [c for c in seconds if not other.match(c)]


WORDY = st.lists(st.one_of(PIECES, st.sampled_from(["\r\n", "\r", " ", "推广东营", "攻坚行", "全区", "a-b.c"]),
                           st.text(max_size=4)), max_size=30).map("".join).filter(bool)  # fmt: skip


@SETTINGS
@given(WORDY)
def test_word_bounds_of_the_runs_asked_about_are_those_of_the_whole_segmentation(text):
    cut = words(text)
    whole = {sum(map(len, cut[:k])) for k in range(len(cut) + 1)}
    assert {at for at in range(-2, len(text) + 3) if at in WordBounds(text)} == whole
    assert ends_on_lone_character(text) == (len(cut[-1]) == 1 and cjk_count(cut[-1]) == 1)


def questions(paragraphs: list[str]) -> set[str]:
    """n-grams worth asking about: every one the paragraphs hold, and some they do not."""
    asked = {"网络", "的发", "啊啊", "xyz", "\n", ""}
    for text in paragraphs:
        for k in range(1, ngrams.ORDER + 2):
            asked.update(text[i : i + k] for i in range(len(text) - k + 1))
    return asked


def assert_same_counts(lazy, eager: ngrams.Counts, asked: set[str]) -> None:
    assert (lazy.paragraphs, lazy.total, lazy.unigrams) == (eager.paragraphs, eager.total, eager.unigrams)
    for gram in asked:
        assert lazy.n(gram) == eager.n(gram), gram
        assert lazy.opened(gram) == eager.opened(gram), gram
        assert lazy.followed(gram) == eager.followed(gram), gram
        assert lazy.followers(gram) == eager.followers(gram), gram


@SETTINGS
@given(PARAGRAPHS)
def test_counts_found_when_asked_are_the_counts(paragraphs):
    assert_same_counts(ngrams.TextCounts(paragraphs), ngrams.count(paragraphs), questions(paragraphs))


@SETTINGS
@given(PARAGRAPHS, st.lists(st.integers(0, 7), max_size=3), TEXT)
def test_counts_without_some_paragraphs_are_the_counts_less_theirs(paragraphs, picked, extra):
    theirs = [paragraphs[i] for i in picked if i < len(paragraphs)] + [extra]  # a joined copy holds new n-grams
    lazy = ngrams.TextCounts(paragraphs).without(ngrams.count(theirs))
    eager = ngrams.count(paragraphs).without(ngrams.count(theirs))
    assert_same_counts(lazy, eager, questions(paragraphs + theirs))


@SETTINGS
@given(PARAGRAPHS)
def test_counts_counted_at_once_are_the_counts(paragraphs):
    lazy, asked = ngrams.TextCounts(paragraphs), questions(paragraphs)
    lazy.prefetch(asked, asked)
    assert {g for g in asked if 1 < len(g) <= ngrams.ORDER} <= lazy._counted.keys()  # counted here, not later
    assert {g for g in asked if 0 < len(g) < ngrams.ORDER} <= lazy._followers.keys()
    assert not lazy._sorted  # only the n-grams the questions narrowed them to were sorted
    assert_same_counts(lazy, ngrams.count(paragraphs), asked)


@SETTINGS
@given(PARAGRAPHS, st.sets(TEXT, max_size=6))
def test_counts_counted_at_once_are_the_counts_whatever_the_hashes_let_by(paragraphs, extra):
    """The table of hashes that narrows the n-grams sorted lets some by that no question needs:
    with two entries it lets nearly all by, and the counts are the same."""
    asked = {text[i : i + k] for text in extra for k in range(1, 5) for i in range(len(text))}
    narrow, wide = ngrams.TextCounts(paragraphs), ngrams.TextCounts(paragraphs)
    narrow.prefetch(asked, asked)
    saved, ngrams._HASH_BITS = ngrams._HASH_BITS, 1
    try:
        wide.prefetch(asked, asked)
    finally:
        ngrams._HASH_BITS = saved
    assert (narrow._counted, narrow._followers) == (wide._counted, wide._followers)
    assert_same_counts(narrow, ngrams.count(paragraphs), asked)


@SETTINGS
@given(PARAGRAPHS, st.lists(st.tuples(TEXT, TEXT), max_size=6))
def test_readings_are_the_same_with_their_counts_expected(paragraphs, pairs):
    plain, expecting = (ngram_model.Model([ngrams.background("zh"), ngrams.TextCounts(paragraphs)]) for _ in range(2))
    expecting.expect(pairs, 3)
    assert [expecting.reads_on(h, t, 3) for h, t in pairs] == [plain.reads_on(h, t, 3) for h, t in pairs]


@SETTINGS
@given(PARAGRAPHS, st.lists(st.integers(0, 7), max_size=3),
       st.lists(st.tuples(st.integers(0, 8), st.integers(0, 30), st.integers(0, 30)), max_size=6), TEXT)
def test_readings_of_stretches_are_the_same_with_their_chances_expected(paragraphs, picked, spans, extra):
    texts = [*paragraphs, extra]
    theirs = ngrams.count([paragraphs[i] for i in picked if i < len(paragraphs)] + [extra])
    plain, expecting = (
        ngram_model.Model([ngrams.background("zh"), ngrams.TextCounts(paragraphs).without(theirs)]) for _ in range(2)
    )
    stretches = [(texts[k % len(texts)], start, start + length) for k, start, length in spans]
    expecting.expect_stretches(stretches)
    assert [expecting.reads(*s) for s in stretches] == [plain.reads(*s) for s in stretches]


def test_counts_of_a_text_with_too_many_characters_for_one_integer_per_4_gram():
    """More than 65,536 distinct characters: 4-grams are found in the text instead."""
    wide = "".join(map(chr, range(0x20000, 0x30001)))
    paragraphs = [wide[:40000] + "啊啊啊啊", "啊啊啊啊" + wide[40000:], "推进网络推进网络"]
    lazy = ngrams.TextCounts(paragraphs)
    assert not lazy._grams.fits(4)
    asked = {"啊啊啊啊", "啊啊啊", "推进网络", "进网络推", wide[5:9], wide[5:8]}
    assert_same_counts(lazy, ngrams.count(paragraphs), asked)
    counted_at_once = ngrams.TextCounts(paragraphs)
    counted_at_once.prefetch(asked, asked)
    assert_same_counts(counted_at_once, ngrams.count(paragraphs), asked)


def test_followers_of_the_widest_history_run_to_the_end_of_the_integers():
    """65,536 distinct characters: a 4-gram takes all 64 bits, and the followers of the history of
    the last character thrice run to the top of the integers."""
    wide = "".join(map(chr, range(0x20000, 0x30000)))
    last = wide[-1]
    paragraphs = [wide, last * 3 + wide[0], last * 4]
    asked = {last * 3, last * 2, wide[-3:], last * 3 + wide[0]}
    lazy, counted_at_once = ngrams.TextCounts(paragraphs), ngrams.TextCounts(paragraphs)
    assert lazy._grams.fits(4) and lazy._grams.bits == 16
    counted_at_once.prefetch(asked, asked)
    for counts in (lazy, counted_at_once):
        assert counts.followers(last * 3) == 2
        assert_same_counts(counts, ngrams.count(paragraphs), asked)


def plain_candidates(keys: dict[int, str]) -> list[tuple[int, int]]:
    """Candidate pairs as repair first found them: sets of 4-grams, a posting index, a Counter."""
    grams = {i: {k[j : j + 4] for j in range(len(k) - 3)} for i, k in keys.items()}
    df: Counter[str] = Counter()
    for g in grams.values():
        df.update(g)
    useful = {g for g, n in df.items() if 1 < n <= duplicates.MAX_POSTING}
    index: dict[str, list[int]] = defaultdict(list)
    for i in sorted(grams):
        for g in grams[i] & useful:
            index[g].append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for ids in index.values():
        shared.update(combinations(ids, 2))
    return [(a, b) for (a, b), n in sorted(shared.items()) if n >= duplicates.MIN_SHARED * min(len(grams[a]), len(grams[b]))]


@SETTINGS
@given(st.lists(st.lists(st.sampled_from("推进网络提速降费的发展高质量"), min_size=0, max_size=30).map("".join), max_size=12))
def test_near_duplicate_candidates_are_those_of_the_plain_search(texts):
    keys = dict(enumerate(texts))
    assert duplicates._candidates(keys) == plain_candidates(keys)


@pytest.mark.parametrize("holders", [2, 50, 51])
def test_a_gram_held_by_more_than_max_posting_keys_pairs_nothing(holders):
    keys = {i: f"共同的词{chr(0x4e00 + 2 * i)}{chr(0x4e01 + 2 * i)}" for i in range(holders)}
    assert duplicates._candidates(keys) == plain_candidates(keys)
    assert bool(duplicates._candidates(keys)) is (holders <= duplicates.MAX_POSTING)


def test_near_duplicate_candidates_with_too_many_characters_for_one_integer():
    wide = "".join(map(chr, range(0x20000, 0x30001)))
    keys = {0: wide[:40000], 1: wide[30000:], 2: "推进网络提速降费", 3: "推进网络提速降价"}
    assert duplicates._candidates(keys) == plain_candidates(keys)
