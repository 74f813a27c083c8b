"""All 24 documents of shared/corpus through repair (a few seconds; they sit beside the checkout in CI).

They are clean official texts, so repair may only join lines the scrape split inside a word:
national_china_2021_gwr.txt has nine such splits (交出一份人|民满意的答卷, 制|度, 稳|定, 体|系,
阶段性稳|岗政策…), checked by hand. Nothing is removed or moved anywhere.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from taizhang.repair import repair

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
FILES = sorted(CORPUS.glob("*.txt"))
# The splits of national_china_2021_gwr.txt, as (head, tail) paragraph indexes.
REAL_SPLITS = {
    "national_china_2021_gwr.txt": {
        (8, 9), (19, 20), (31, 32), (41, 42), (48, 49), (65, 66), (81, 82), (91, 92), (107, 108),
    },
}

pytestmark = [
    pytest.mark.skipif(not FILES, reason=f"no corpus at {CORPUS}"),
]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_corpus_document_only_gets_its_real_splits_joined(path):
    result = repair(path.read_text(encoding="utf-8"), path.name)
    assert {c.kind for c in result.changes} <= {"join_fragment"}
    assert {c.paragraphs for c in result.changes} == REAL_SPLITS.get(path.name, set())
    for c in result.changes:
        head, tail = (result.paragraphs[i] for i in c.paragraphs)
        assert tail.index == head.index + 1  # each split line continues on the next line
    assert not [p for p in result.problems if p.kind == "conflict"]


def test_ngram_table_is_built_from_the_corpus():
    """rules/zh/ngrams.tsv is what scripts/build_repair_ngrams.py makes of the corpus."""
    script = ROOT / "scripts" / "build_repair_ngrams.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
