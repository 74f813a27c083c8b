"""The whole pipeline on the seed: repair, then extraction, offsets mapped back to the original."""

from __future__ import annotations

from taizhang.evaluate import load_gold, score
from taizhang.pipeline import analyse, warm_up
from taizhang.repair import ngrams
from taizhang.source import load
from tests.helpers import DEMO_CORPUS, FIXTURES

SEED = DEMO_CORPUS / "000_352e13108ae5b528.txt"


def test_the_repaired_seed_scores_above_the_issue_targets_and_counts_nothing_twice() -> None:
    document = load(SEED).document()
    pledges = analyse(document).pledges
    result = score(pledges, load_gold(FIXTURES / "seed.pledges.jsonl"), {document.name: document.text})
    assert result.value_f1 >= 0.97 and result.full_f1 >= 0.92
    assert result.fp == 0  # a duplicated paragraph's pledge is one record with a mention, not two
    unicorns = [p for p in pledges if p.metric == "独角兽企业"]
    assert [(p.norm_value, p.actor, p.quote) for p in unicorns] == [(13, "崂山区", "达到13家")]


def test_every_span_points_into_the_original_text() -> None:
    document = load(SEED).document()
    for pledge in analyse(document).pledges:
        assert document.text[pledge.start : pledge.end] == pledge.quote
        for start, end in pledge.mentions:  # other places that state it: real, non-empty stretches
            assert 0 <= start < end <= len(document.text)


def test_warm_up_reads_the_ngram_table_and_what_the_model_works_out_of_it() -> None:
    # (a worker forked after warm_up shares them with the others, rather than reading its own)
    ngrams.background.cache_clear()
    warm_up()
    assert ngrams.background.cache_info().currsize == 1
    assert {"total", "unigrams", "types", "_followed"} <= vars(ngrams.background("zh")).keys()
