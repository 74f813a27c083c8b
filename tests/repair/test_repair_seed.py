"""The seed article against its hand-made repair answer (data/seed.repair.json, copied from
shared/gold): speakers, duplicates, stitches, conflicts and misplaced paragraphs, item by item."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from taizhang.repair import Repair, repair

DATA = Path(__file__).parent / "data"
SEED = DATA / "000_352e13108ae5b528.txt"
GOLD = json.loads((DATA / "seed.repair.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def result() -> Repair:
    return repair(SEED.read_text(encoding="utf-8"), SEED.name)


def _covered(result: Repair, kinds: set[str], indexes: set[int], problems: bool = False) -> bool:
    """Whether one recorded change (or problem) of ``kinds`` names all of ``indexes``."""
    pool = result.problems if problems else result.changes
    return any(c.kind in kinds and indexes <= set(c.paragraphs) for c in pool)


def test_paragraphs_are_numbered_like_the_gold(result):
    assert len(result.paragraphs) == GOLD["paragraphs"]
    for group in GOLD["exact_duplicates"]:
        for p in group:
            assert result.paragraphs[p["index"]].text.startswith(p["opening"])


@pytest.mark.parametrize("gold", GOLD["speakers"], ids=lambda g: g["official"])
def test_speaker_found_with_region(result, gold):
    section = next((s for s in result.sections if s.official == gold["official"]), None)
    assert section is not None
    assert section.region == gold["region"]
    assert section.header == (gold["header"]["index"] if gold["header"] else None)


@pytest.mark.parametrize("group", GOLD["exact_duplicates"], ids=lambda g: str(g[0]["index"]))
def test_exact_duplicates_removed(result, group):
    indexes = {p["index"] for p in group}
    assert _covered(result, {"remove_duplicate"}, indexes)
    kept = [i for i in indexes if result.section_of(i) is not None]
    assert len(kept) == 1


def test_near_duplicates_found(result):
    found = 0
    for group in GOLD["near_duplicates"]:
        indexes = {p["index"] for p in group["paragraphs"]}
        removed = _covered(result, {"remove_near_duplicate"}, indexes)
        # One quote given to two people is kept twice and reported as a conflict.
        conflicting = _covered(result, {"conflict"}, indexes, problems=True)
        found += removed or conflicting
    assert found == len(GOLD["near_duplicates"])  # the brief asks for at least 4 of the 5


@pytest.mark.parametrize(
    "group", [g for g in GOLD["near_duplicates"] if "note" not in g], ids=lambda g: str(g["paragraphs"][0]["index"])
)
def test_near_duplicate_keeps_one_and_names_what_differs(result, group):
    indexes = {p["index"] for p in group["paragraphs"]}
    change = next(c for c in result.changes if c.kind == "remove_near_duplicate" and indexes <= set(c.paragraphs))
    kept = {i for i in indexes if result.section_of(i) is not None}
    assert kept and kept < indexes
    for word in group["differs"]:
        if "present / absent" in word:  # a phrase one copy lacks
            phrase = word.split(" present")[0]
            if phrase.isascii():
                continue
            assert any(phrase in v for v in change.values) or "(absent)" in change.values
        else:
            assert any(word in v for v in change.values), (word, change.values)


def test_the_most_complete_copy_is_kept(result):
    # 10 carries the quote 16 lacks; 43 the quote 44 lacks; 32 the quote 38 lacks.
    for kept, dropped in ((10, 16), (43, 44), (32, 38)):
        assert result.section_of(kept) is not None and result.section_of(dropped) is None


@pytest.mark.parametrize("stitch", GOLD["fragments"]["stitched"], ids=lambda s: s["join"])
def test_stitches(result, stitch):
    head, tail = stitch["head"]["index"], stitch["tail"]["index"]
    assert _covered(result, {"join_fragment"}, {head, tail})
    unit = next(u for u in result.units if head in u.indexes)
    left, right = stitch["join"].split("|")
    assert left + right in unit.text
    assert unit.indexes == (head, tail)


@pytest.mark.parametrize("item", GOLD["fragments"]["truncated_no_continuation"], ids=lambda i: str(i["index"]))
def test_truncated_reported_not_joined(result, item):
    assert _covered(result, {"truncated"}, {item["index"]}, problems=True)
    assert not _covered(result, {"join_fragment"}, {item["index"]})


@pytest.mark.parametrize("item", GOLD["fragments"]["orphan_tails"], ids=lambda i: str(i["index"]))
def test_orphan_tail_reported_not_joined(result, item):
    assert _covered(result, {"orphan_tail"}, {item["index"]}, problems=True)
    assert not _covered(result, {"join_fragment"}, {item["index"]})


@pytest.mark.parametrize("conflict", GOLD["conflicts"], ids=lambda c: c["what"])
def test_conflicts_reported_with_both_places(result, conflict):
    matches = [
        p for p in result.problems
        if p.kind == "conflict" and all(any(v in mine for mine in p.values) for v in conflict["values"])
    ]  # fmt: skip
    assert matches, conflict
    problem = matches[0]
    text = result.text
    for value in conflict["values"]:
        # each value is stated at one of the reported places (a name follows its quote)
        assert any(value in text[s:e] or value in result.paragraphs[i].text
                   for i, (s, e) in zip(problem.paragraphs, problem.spans, strict=True))
    if "likely" in conflict:
        assert conflict["likely"] in problem.detail


@pytest.mark.parametrize("item", GOLD["misplaced"], ids=lambda m: f"{m['belongs_to']}<{m['found_under']}")
def test_misplaced_paragraphs_are_with_their_owner(result, item):
    region_of = {s.official: s.region for s in result.sections}
    for p in item["paragraphs"]:
        i = p["index"]
        section = result.section_of(i)
        if section is None:  # removed as a repeat: its kept copy must be with the owner
            change = next(c for c in result.changes if c.kind == "remove_duplicate" and i in c.paragraphs)
            section = next(result.section_of(j) for j in change.paragraphs if result.section_of(j))
        assert region_of[section.official] == item["belongs_to"], (i, section.official)


def test_laoshan_paragraphs_under_shibei_are_moved(result):
    moved = {i for c in result.changes if c.kind == "move" for i in c.paragraphs}
    assert {35, 36, 37} <= moved  # 34 travels with 12, the head it completes
    section = result.section_of(35)
    assert section.region == "崂山区"
    assert [u.first for u in section.paragraphs][-3:] == [35, 36, 37]


def test_every_repaired_character_maps_to_the_same_original_character(result):
    text, repaired = result.text, result.repaired_text
    for seg in result.segments:
        piece = repaired[seg.repaired_start : seg.repaired_start + seg.length]
        assert piece == text[seg.original_start : seg.original_start + seg.length]
    for offset in range(0, len(repaired), 7):
        if repaired[offset] != "\n":
            assert text[result.to_original(offset)] == repaired[offset]


def test_changes_point_into_the_original(result):
    for c in result.changes + result.problems:
        assert len(c.paragraphs) == len(c.spans)
        for s, e in c.spans:
            assert 0 <= s < e <= len(result.text)
