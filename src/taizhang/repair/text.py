"""Text helpers shared by the repair stages: paragraphs, comparison keys, word segmentation."""

from __future__ import annotations

import bisect
import logging
import math
import os
import re
import stat
import tempfile
import unicodedata
from functools import cache, lru_cache

import jieba

from taizhang.repair.model import Paragraph
from taizhang.repair.rules import Rules

# Zero-width and BOM characters scraped pages carry; they count as whitespace here.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_LINE = re.compile(r"[^\r\n\u2028\u2029\x85\x0b\x0c\x1c-\x1e]+")
CJK = "\u4e00-\u9fff"  # the range of Chinese characters, for character classes
_NOT_CJK = re.compile(f"[^{CJK}]+")


def paragraphs(text: str) -> list[Paragraph]:
    """Non-empty lines of ``text``, stripped, with their spans into ``text``."""
    found = []
    for m in _LINE.finditer(text):
        line = m.group()
        lead = len(line) - len(line.lstrip(" \t\u3000" + INVISIBLE))
        body = line.strip(" \t\u3000" + INVISIBLE)
        if not body:
            continue
        start = m.start() + lead
        found.append(Paragraph(len(found), start, start + len(body), body))
    return found


def _kept(ch: str) -> bool:
    """Whether a character of an NFKC-folded text stays in the comparison key."""
    return ch not in INVISIBLE and unicodedata.category(ch)[0] not in "PZSC"


class _KeyCharacters(dict):
    """``str.translate`` table of the comparison key: a character is dropped (None) or kept (its
    code), looked up once per character and then in C."""

    def __missing__(self, code: int) -> int | None:
        kept = code if _kept(chr(code)) else None
        self[code] = kept
        return kept


_KEY_CHARACTERS = _KeyCharacters()
# Where the characters of Chinese text lie: ASCII, general punctuation, CJK punctuation,
# ideographs and full-width forms.
_PLAIN_RANGES = ((0x00, 0x7F), (0x2000, 0x206F), (0x3000, 0x303F), (0x4E00, 0x9FFF), (0xFF01, 0xFF5E))


@cache
def _plain_keys() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], dict[int, str], re.Pattern[str]]:
    """The characters of :data:`_PLAIN_RANGES` that combine with no neighbour (canonical
    combining class 0, as every character of their NFKC form has, and none the second of a
    canonical composition: see the test), each with its comparison key. A text of only these
    folds one character at a time, which is a fraction of the cost of NFKC over the whole.
    Returns patterns for any other character, for those whose key is empty, for those whose key
    is another string, the table of those keys, and a pattern for any character that is neither
    kept as it is nor dropped (most paragraphs have none: one search and one deletion fold them)."""
    plain, dropped, mapped = [], [], {}
    for low, high in _PLAIN_RANGES:
        for code in range(low, high + 1):
            ch = chr(code)
            folded = unicodedata.normalize("NFKC", ch)
            if any(unicodedata.combining(c) for c in ch + folded):
                continue
            plain.append(code)
            key = "".join(c for c in folded if _kept(c))
            if not key:
                dropped.append(code)
            elif key != ch:
                mapped[code] = key
    return (
        re.compile(f"[^{_char_class(plain)}]"), re.compile(f"[{_char_class(dropped)}]+"),
        re.compile(f"[{_char_class(list(mapped))}]"), mapped,
        re.compile(f"[^{_char_class([code for code in plain if code not in mapped])}]"),
    )  # fmt: skip


def _char_class(codes: list[int]) -> str:
    """A regex character class body for sorted code points, as ranges."""
    parts, start = [], 0
    for k in range(1, len(codes) + 1):
        if k == len(codes) or codes[k] != codes[k - 1] + 1:
            low, high = re.escape(chr(codes[start])), re.escape(chr(codes[k - 1]))
            parts.append(low if start == k - 1 else f"{low}-{high}")
            start = k
    return "".join(parts)


@lru_cache(maxsize=8192)  # each paragraph is compared many times
def normalise(text: str) -> str:
    """The comparison key of a paragraph: NFKC width-folded, without punctuation or spaces.

    Used only to compare; what repair keeps is always the original text.
    """
    other, dropped, mapped, table, changed = _plain_keys()
    if not changed.search(text):
        return dropped.sub("", text)
    if other.search(text):
        return unicodedata.normalize("NFKC", text).translate(_KEY_CHARACTERS)
    key = dropped.sub("", text)
    return key.translate(table) if mapped.search(key) else key


def cjk_count(text: str) -> int:
    return len(_NOT_CJK.sub("", text))


@cache
def _cjk_at_least(n: int) -> re.Pattern[str]:
    # possessive: what is not Chinese is skipped once, never tried again
    return re.compile(f"(?:[^{CJK}]*+[{CJK}]){{{n}}}")


def has_cjk(text: str, n: int = 1) -> bool:
    """Whether ``text`` holds at least ``n`` Chinese characters: ``cjk_count(text) >= n``, read
    only as far as the n-th (a paragraph needs ten to count as a duplicate, and has them early)."""
    return n <= 0 or _cjk_at_least(n).match(text) is not None


@cache
def _tokenizer() -> jieba.Tokenizer:
    # Our own instance so that repair never changes the global jieba state other code uses.
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    # jieba caches its dictionary as one "jieba.cache" in the temporary folder for every user; the
    # next user may neither read nor replace the first one's, so every command of theirs built the
    # dictionary again and printed a traceback: one cache per user, in a folder of theirs alone
    # (a file of the shared folder could be put there first by anyone, with other words in it).
    tokenizer.cache_file = "jieba.cache"
    folder = _own_folder()
    if folder is not None:
        tokenizer.tmp_dir = folder
        tokenizer.initialize()
        return tokenizer
    with tempfile.TemporaryDirectory(prefix="taizhang-jieba-") as fresh:  # built anew, then let go
        logging.getLogger(__name__).warning("%s is not this user's alone: the word dictionary is built anew", _own_folder_name())
        tokenizer.tmp_dir = fresh
        tokenizer.initialize()
    return tokenizer


def _own_folder_name() -> str:
    return os.path.join(tempfile.gettempdir(), f"taizhang-{os.getuid()}")


def _own_folder() -> str | None:
    """This user's folder in the temporary folder, made if missing; None if what stands there is
    not a folder only this user may write (another user made it, or a link)."""
    folder = _own_folder_name()
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    found = os.lstat(folder)
    if stat.S_ISDIR(found.st_mode) and found.st_uid == os.getuid() and not found.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return folder
    return None


@cache
def _pos_tokenizer() -> jieba.posseg.POSTokenizer:
    # Imported here: jieba.posseg loads its HMM tables on import (about 0.4 s), and only a cut
    # list or an orphan tail ever needs part-of-speech tags.
    import jieba.posseg

    # POSTokenizer(tokenizer) would read the dictionary's word tags again (0.17 s): the module has
    # just read them for its own tagger, from the same default dictionary ours uses. Shared, not
    # copied: a tagger only reads them (a user word's tag goes in only once one is added to its
    # tokenizer, which repair never does).
    tagger = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
    tagger.tokenizer = _tokenizer()
    tagger.word_tag_tab = jieba.posseg.dt.word_tag_tab
    return tagger


def words(text: str) -> list[str]:
    """Dictionary words of ``text`` (no HMM guessing, so unknown words fall apart into characters)."""
    return _tokenizer().lcut(text, HMM=False)


class WordBounds:
    """The offsets of ``text`` that no dictionary word spans (``at in bounds``), as
    ``words(text)`` cuts it, each run segmented only when an offset inside it is asked about.

    jieba segments every run of Chinese characters, letters and digits (its ``re_han_default``)
    on its own and cuts what lies between runs into single characters: an offset inside a run is
    a bound by that run's segmentation alone, and any other offset is one. A paragraph asked
    whether a place name stands as whole words is segmented in that name's clause, not whole
    (segmenting whole paragraphs was a tenth of repair)."""

    __slots__ = ("_ends", "_runs", "_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        spans = [m.span() for m in jieba.re_han_default.finditer(text)] if "\r\n" not in text else [(0, len(text))]
        self._starts = [start for start, _ in spans]  # (jieba keeps \r\n as one word: such text is one run)
        self._ends = [end for _, end in spans]
        self._runs: dict[int, frozenset[int]] = {}

    def __contains__(self, at: int) -> bool:
        k = bisect.bisect_right(self._starts, at) - 1
        if k < 0 or at <= self._starts[k] or at >= self._ends[k]:
            return 0 <= at <= len(self.text)
        inside = self._runs.get(k)
        if inside is None:
            inside = self._runs[k] = _bounds(words(self.text[self._starts[k] : self._ends[k]]))
        return at - self._starts[k] in inside


def _bounds(cut: list[str]) -> frozenset[int]:
    """The offsets between the words of ``cut``, its start and end included."""
    bounds, at = {0}, 0
    for w in cut:
        at += len(w)
        bounds.add(at)
    return frozenset(bounds)


@lru_cache(maxsize=1024)  # a paragraph's evidence, level words and sign all ask
def word_bounds(text: str) -> WordBounds:
    """Offsets no dictionary word spans. Without HMM guessing, characters jieba does not know
    stand alone, so only a real word (推广 in 推广东营) can hide a place name."""
    return WordBounds(text)


def ends_on_lone_character(text: str) -> bool:
    """Whether the last word of ``text`` is one Chinese character (a line cut inside a word,
    …攻坚行): its last character is a word when the offset before it is a bound."""
    return cjk_count(text[-1]) == 1 and len(text) - 1 in word_bounds(text)  # the cheap test first


def tagged(text: str) -> list[tuple[str, str]]:
    """``(word, part of speech)`` pairs of ``text``."""
    return [(p.word, p.flag) for p in _pos_tokenizer().cut(text, HMM=False)]


@lru_cache(maxsize=4096)  # one side of a break is read against every candidate for the other
def _route_logp(text: str) -> float:
    """Log-probability of the best dictionary segmentation of ``text`` (jieba's own route)."""
    if not text:
        return 0.0
    tokenizer = _tokenizer()
    dag = tokenizer.get_DAG(text)
    route: dict[int, tuple[float, int]] = {}
    tokenizer.calc(text, dag, route)
    return route[0][0]


def open_ends(head: str) -> tuple[str, ...]:
    """The ends of ``head`` that some dictionary word starts with: where a word spanning a break
    after ``head`` could start (worked out once for a head read against many tails). jieba keeps
    every prefix of a word in its list (with frequency 0), so an end that is not there cannot
    grow into a word."""
    freq = _tokenizer().FREQ
    return tuple(end for end in (head[i:] for i in range(len(head))) if end in freq)


def _may_span(ends: tuple[str, ...], tail: str) -> bool:
    """Whether some dictionary word starts on one of a head's ``ends`` and ends in ``tail``: a
    quick look-up in jieba's word list that spares the segmenter most pairs."""
    freq = _tokenizer().FREQ
    for end in ends:
        for j in range(1, len(tail) + 1):
            count = freq.get(end + tail[:j])
            if count is None:
                break
            if count:
                return True
    return False


def word_across(head: str, tail: str, ends: tuple[str, ...] | None = None) -> tuple[float, str]:
    """How much better ``head + tail`` segments than the two apart, and the word spanning the break.

    A dictionary word cut in two (地方发|展合作 → 发展) gains a lot; two whole words side by side
    gain nothing. Returns ``(gain, word)``; ``word`` is empty when no word spans the break.
    ``ends`` are the head's :func:`open_ends`, when already worked out.
    """
    if not head or not tail or not _may_span(open_ends(head) if ends is None else ends, tail):
        return 0.0, ""
    joined = head + tail
    cut = len(head)
    tokenizer = _tokenizer()
    dag = tokenizer.get_DAG(joined)
    route: dict[int, tuple[float, int]] = {}
    tokenizer.calc(joined, dag, route)
    i = 0
    word = ""
    while i < len(joined):
        j = route[i][1] + 1
        if i < cut < j:
            word = joined[i:j]
        i = j
    if not word:
        return 0.0, ""
    gain = route[0][0] - _route_logp(head) - _route_logp(tail)
    return (gain if math.isfinite(gain) else 0.0), word


def last_clause(text: str, rules: Rules) -> str:
    """What follows the last clause separator (all of ``text`` when it has none)."""
    found = rules.clause_mark_re.search(text[::-1])  # the last mark is the first of the reversed text
    return text[len(text) - found.start() :] if found else text


def first_clause(text: str, rules: Rules) -> str:
    found = rules.clause_mark_re.search(text)
    return text[: found.start()] if found else text


def first_sentence(text: str, rules: Rules) -> str:
    found = rules.sentence_end_re.search(text)
    return text[: found.start()] if found else text


def ends_closed(text: str, rules: Rules) -> bool:
    """Whether the paragraph ends on punctuation that can close it."""
    return text[-1] in rules.text["closing"]


def is_enumerated(text: str, rules: Rules) -> bool:
    return bool(rules.enumerator_re.match(text))
