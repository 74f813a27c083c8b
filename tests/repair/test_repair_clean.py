"""A clean document passes through repair unchanged: no joins, removals or moves.

The files in data/ are copied from shared/corpus (real texts as collected). Every paragraph must
come out once, in order, in one section.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from taizhang.repair import repair

DATA = Path(__file__).parent / "data"
CLEAN = sorted(p for p in DATA.glob("*.txt") if not p.name.startswith("000_"))


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.stem)
def test_clean_document_unchanged(path):
    text = path.read_text(encoding="utf-8")
    result = repair(text, path.name)
    assert result.changes == []
    assert [u.indexes for u in result.units] == [(p.index,) for p in result.paragraphs]
    assert result.repaired_text == "\n".join(p.text for p in result.paragraphs)
    assert not [p for p in result.problems if p.kind == "conflict"]


def test_seed_without_its_damage_is_unchanged():
    """The seed's own speaker layout, with every damaged paragraph taken out, is left alone:
    headers, subtitles and quotes that repeat a header's titles are not duplicates or moves."""
    seed = (DATA / "000_352e13108ae5b528.txt").read_text(encoding="utf-8")
    lines = [line for line in seed.splitlines() if line.strip()]
    damaged = {7, 12, 13, 14, 15, 16, 17, 18, 29, 33, 34, 35, 36, 37, 38, 39, 40, 44, 49, 50, 51, 52, 53}
    damaged |= set(range(54, 59)) | {61, 62, 63, 65, 66}
    clean = "\n".join(line for i, line in enumerate(lines) if i not in damaged)
    result = repair(clean)
    assert result.changes == []
    assert [s.official for s in result.sections if s.official] == [
        "孙永红", "张元升", "张新竹", "王锋", "高健", "吕鹏", "谢兆村", "韩世军", "张友玉", "周科",
    ]  # fmt: skip
