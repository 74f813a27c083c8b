"""The scorer on small hand-built cases made of real sentences from the corpus.

Each test states the numbers the spec's "Scoring" section implies, so a scorer that bends a rule
(unit ignored, no overlap check, a gold matched twice, optional gold counted) fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from taizhang.document import Pledge
from taizhang.evaluate import (
    actor_matches,
    format_report,
    load_gold,
    load_regions,
    metric_overlap,
    score,
    values_match,
)

SRC = "national_china_2023_gwr.txt"
# 2023 national work report: a review sentence (past results, abridged) and the main-targets paragraph (verbatim).
REVIEW = "——经济发展再上新台阶。国内生产总值增加到121万亿元，五年年均增长5.2%，十年增加近70万亿元、年均增长6.2%。\n"
TARGETS = (
    "今年发展主要预期目标是：国内生产总值增长5%左右；城镇新增就业1200万人左右，城镇调查失业率5.5%左右；"
    "居民消费价格涨幅3%左右；居民收入增长与经济增长基本同步；进出口促稳提质，国际收支基本平衡；"
    "粮食产量保持在1.3万亿斤以上；单位国内生产总值能耗和主要污染物排放量继续下降，重点控制化石能源消费，"
    "生态环境质量稳定改善。\n"
)
TEXT = REVIEW + TARGETS
TEXTS = {SRC: TEXT}


def gold(quote, value, unit, norm_value, norm_unit, *, id="g", metric="", kind="level", comparator="~",
         value_high=None, deadline=2023, actor="全国", aliases=(), official=None, optional=False,
         source=SRC):  # fmt: skip
    return {
        "id": id, "source": source, "quote": quote, "actor": actor, "aliases": list(aliases),
        "official": official, "metric": metric, "kind": kind, "comparator": comparator,
        "value": value, "value_high": value_high, "unit": unit, "norm_value": norm_value,
        "norm_unit": norm_unit, "deadline": deadline, "horizon": "今年", "hedge": None,
        "optional": optional, "note": None,
    }  # fmt: skip


def pred(quote, norm_value, norm_unit, *, text=TEXT, occurrence=0, **fields):
    """A prediction whose span is the `occurrence`-th place `quote` appears in `text`."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    record = {
        "source": SRC, "start": start, "end": start + len(quote), "norm_value": norm_value,
        "norm_unit": norm_unit, "kind": "level", "comparator": "~", "deadline": 2023,
        "actor": "全国", "official": None, "metric": "",
    }  # fmt: skip
    record.update(fields)
    return record


GDP = gold("国内生产总值增长5%左右", 5, "%", 5, "%", id="gdp", metric="国内生产总值", kind="growth")
JOBS = gold("城镇新增就业1200万人左右", 1200, "万人", 12_000_000, "人", id="jobs", metric="城镇新增就业")
GRAIN = gold("粮食产量保持在1.3万亿斤以上", 1.3, "万亿斤", 6.5e11, "kg", id="grain", metric="粮食产量",
             comparator=">=")  # fmt: skip


def test_exact_match_is_one_true_positive_with_full_agreement():
    p = pred("城镇新增就业1200万人左右", 12_000_000, "人", metric="城镇新增就业")
    s = score([p], [JOBS], TEXTS)
    assert (s.tp, s.fp, s.fn, s.full_tp) == (1, 0, 0, 1)
    assert s.value_f1 == 1.0 and s.full_f1 == 1.0
    assert s.field_accuracy["metric"] == 1.0


def test_value_within_relative_tolerance_matches_but_not_beyond():
    near = pred("城镇新增就业1200万人左右", 12_000_000 * (1 + 5e-7), "人")
    far = pred("城镇新增就业1200万人左右", 12_000_000 * (1 + 5e-6), "人")
    assert score([near], [JOBS], TEXTS).tp == 1
    assert score([far], [JOBS], TEXTS).tp == 0


def test_wrong_unit_is_a_false_positive_and_a_miss():
    # 1200 万人 read as 1200 "万人" not normalised: value and unit both off.
    p = pred("城镇新增就业1200万人左右", 1200, "万人")
    s = score([p], [JOBS], TEXTS)
    assert (s.tp, s.fp, s.fn) == (0, 1, 1)
    # Same number, other unit: norm_unit must be equal too.
    p2 = pred("城镇新增就业1200万人左右", 12_000_000, "人次")
    assert score([p2], [JOBS], TEXTS).tp == 0


def test_wrong_value_does_not_match():
    p = pred("城镇新增就业1200万人左右", 1_200, "人")
    s = score([p], [JOBS], TEXTS)
    assert (s.tp, s.fp, s.fn) == (0, 1, 1)
    assert s.value_precision == 0.0 and s.value_recall == 0.0 and s.value_f1 == 0.0


def test_span_must_overlap_an_occurrence_of_the_quote():
    # Right value; what decides is whether the span overlaps the gold quote.
    inside = pred("增长5%左右", 5, "%", kind="growth")  # a sub-span of the gold quote: overlaps
    outside = pred("经济发展再上新台阶", 5, "%", kind="growth")  # elsewhere in the text
    assert score([inside], [GDP], TEXTS).tp == 1
    s = score([outside], [GDP], TEXTS)
    assert (s.tp, s.fp, s.fn) == (0, 1, 1)


def test_touching_spans_do_not_overlap():
    # End-exclusive offsets: a span ending exactly where the quote starts shares no character.
    start = TEXT.index("城镇新增就业1200万人左右")
    p = {**pred("城镇新增就业1200万人左右", 12_000_000, "人"), "start": start - 3, "end": start}
    assert score([p], [JOBS], TEXTS).tp == 0
    p["end"] = start + 1
    assert score([p], [JOBS], TEXTS).tp == 1


def test_a_mention_can_carry_the_overlap():
    # The main span is elsewhere; one of the mentions covers the gold quote.
    j = TEXT.index("城镇新增就业1200万人左右")
    p = {**pred("经济发展", 12_000_000, "人"), "mentions": [[0, 2], [j + 6, j + 12]]}
    assert score([p], [JOBS], TEXTS).tp == 1
    p["mentions"] = [[0, 2]]
    assert score([p], [JOBS], TEXTS).tp == 0


def test_duplicate_prediction_gives_one_true_positive_and_one_false_positive():
    p1 = pred("城镇新增就业1200万人左右", 12_000_000, "人")
    p2 = pred("1200万人", 12_000_000, "人")
    s = score([p1, p2], [JOBS], TEXTS)
    assert (s.tp, s.fp, s.fn) == (1, 1, 0)
    assert s.value_precision == 0.5 and s.value_recall == 1.0
    assert len(s.extras) == 1 and len(s.matches) == 1


def test_best_prediction_wins_the_gold():
    # Two predictions for one gold; the one agreeing on comparator takes it, the other is the FP.
    bad = pred("城镇新增就业1200万人左右", 12_000_000, "人", comparator="=")
    good = pred("1200万人左右", 12_000_000, "人", comparator="~")
    s = score([bad, good], [JOBS], TEXTS)
    assert s.full_tp == 1
    assert s.matches[0].prediction is not None and s.matches[0].prediction["comparator"] == "~"
    assert s.extras[0]["comparator"] == "="


def test_assignment_maximises_matches_not_greedy_order():
    # Two identical gold records on one quote (分别增长 style) and two predictions: both must match.
    g1 = gold("国内生产总值增长5%左右", 5, "%", 5, "%", id="a", metric="国内生产总值", kind="growth")
    g2 = gold("国内生产总值增长5%左右", 5, "%", 5, "%", id="b", metric="居民收入", kind="growth")
    p1 = pred("国内生产总值增长5%左右", 5, "%", kind="growth", metric="国内生产总值")
    p2 = pred("增长5%", 5, "%", kind="growth", metric="居民收入")
    s = score([p2, p1], [g1, g2], TEXTS)
    assert (s.tp, s.fp, s.fn) == (2, 0, 0)
    # And each pairing is the one whose metric agrees.
    assert all(m.fields["metric"] for m in s.matches)


def test_optional_gold_counts_neither_way():
    opt = gold("粮食产量保持在1.3万亿斤以上", 1.3, "万亿斤", 6.5e11, "kg", id="grain", comparator=">=",
               optional=True)  # fmt: skip
    hit = pred("粮食产量保持在1.3万亿斤以上", 6.5e11, "kg", comparator=">=")
    s = score([hit], [JOBS, opt], TEXTS)
    assert (s.tp, s.fp, s.fn) == (0, 0, 1)  # JOBS missed; the optional hit is not an FP
    assert s.optional_matched == 1 and s.n_gold == 1 and s.n_optional == 1
    s = score([], [opt], TEXTS)
    assert (s.tp, s.fp, s.fn) == (0, 0, 0)  # and missing it is not an FN


def test_required_gold_preferred_over_optional_for_one_prediction():
    req = gold("国内生产总值增长5%左右", 5, "%", 5, "%", id="req", kind="growth")
    opt = gold("国内生产总值增长5%左右", 5, "%", 5, "%", id="opt", kind="growth", optional=True)
    p = pred("增长5%左右", 5, "%", kind="growth")
    s = score([p], [opt, req], TEXTS)
    assert (s.tp, s.fp, s.fn, s.optional_matched) == (1, 0, 0, 0)


def test_ranges_need_both_ends():
    text = "地区生产总值增长5.5%—6%，一般公共预算收入增长5%。\n"
    texts = {SRC: text}
    g = gold("增长5.5%—6%", 5.5, "%", 5.5, "%", comparator="range", value_high=6, kind="growth")
    both = pred("增长5.5%—6%", 5.5, "%", text=text, comparator="range", value=5.5, value_high=6)
    low_only = pred("增长5.5%—6%", 5.5, "%", text=text)
    wrong_high = pred("增长5.5%—6%", 5.5, "%", text=text, value=5.5, value_high=6.5)
    assert score([both], [g], texts).tp == 1
    assert score([low_only], [g], texts).tp == 0
    assert score([wrong_high], [g], texts).tp == 0


def test_range_high_end_takes_the_low_ends_multiplier():
    # 1-2万人: gold gives norm 10000 for the low end; the high end is derived as 2 × 10000.
    g = {"norm_unit": "人", "norm_value": 10_000, "value": 1, "value_high": 2}
    assert values_match({"norm_unit": "人", "norm_value": 10_000, "norm_value_high": 20_000}, g)
    assert values_match({"norm_unit": "人", "norm_value": 10_000, "value": 1, "value_high": 2}, g)
    assert not values_match({"norm_unit": "人", "norm_value": 10_000, "norm_value_high": 2}, g)
    assert not values_match({"norm_unit": "人", "norm_value": 10_000}, g)


@pytest.mark.parametrize(
    ("predicted", "actor", "aliases", "expected"),
    [
        ("全国", "全国", [], True),
        ("广东省", "广东", ["广东省"], True),  # alias
        ("青岛市崂山区", "崂山区", ["青岛市崂山区"], True),
        ("青岛市崂山区", "崂山区", [], True),  # prediction ends with the gold actor
        ("崂山区", "青岛市崂山区", [], True),  # gold ends with the prediction
        ("海拉尔", "海拉尔区", ["海拉尔"], True),
        ("市南区", "崂山区", ["青岛市崂山区"], False),
        ("", "崂山区", [], False),
        (None, "崂山区", [], False),
        ("广东", "山东", [], False),
    ],
)
def test_actor_rule(predicted, actor, aliases, expected):
    assert actor_matches(predicted, actor, aliases) is expected


def test_actor_alias_counts_for_full_f1_and_wrong_actor_does_not():
    g = gold("城镇新增就业1200万人左右", 1200, "万人", 12_000_000, "人", actor="广东", aliases=["广东省"])
    ok = pred("城镇新增就业1200万人左右", 12_000_000, "人", actor="广东省")
    wrong = pred("城镇新增就业1200万人左右", 12_000_000, "人", actor="全国")
    assert score([ok], [g], TEXTS).full_tp == 1
    s = score([wrong], [g], TEXTS)
    assert s.tp == 1 and s.full_tp == 0 and s.field_accuracy["actor"] == 0.0
    assert s.full_f1 == 0.0 and s.value_f1 == 1.0


@pytest.mark.parametrize("field_name, bad", [("kind", "share"), ("comparator", "="), ("deadline", 2024)])
def test_each_full_field_is_required_for_full_f1(field_name, bad):
    p = pred("城镇新增就业1200万人左右", 12_000_000, "人", **{field_name: bad})
    s = score([p], [JOBS], TEXTS)
    assert s.tp == 1 and s.full_tp == 0
    assert s.field_accuracy[field_name] == 0.0


def test_official_and_metric_are_reported_but_not_part_of_full():
    p = pred("城镇新增就业1200万人左右", 12_000_000, "人", official="李克强", metric="失业率")
    s = score([p], [JOBS], TEXTS)
    assert s.full_tp == 1
    assert s.field_accuracy["official"] == 0.0 and s.field_accuracy["metric"] == 0.0


@pytest.mark.parametrize(
    ("predicted", "gold_metric", "at_least_half"),
    [
        ("全区生产总值", "全区生产总值", True),
        ("生产总值", "全区生产总值", True),  # 2*4/10 = 0.8
        ("城镇新增就业", "新增就业", True),
        ("GDP", "地区生产总值", False),
        ("值", "全区生产总值", False),  # 2*1/7: one shared character is not agreement
        ("今年发展主要预期目标是国内生产总值增长", "国内生产总值", False),  # a whole clause is not a metric
    ],
)
def test_metric_overlap(predicted, gold_metric, at_least_half):
    assert (metric_overlap(predicted, gold_metric) >= 0.5) is at_least_half


def test_regions_ignore_predictions_outside_annotated_paragraphs():
    regions = {SRC: [(len(REVIEW), len(TEXT))]}  # only the targets paragraph is annotated
    in_review = pred("121万亿元", 1.21e14, "CNY")  # a past result outside the region
    in_targets = pred("居民消费价格涨幅3%左右", 3, "%")  # an unannotated number inside: an FP
    hit = pred("城镇新增就业1200万人左右", 12_000_000, "人")
    s = score([in_review, in_targets, hit], [JOBS], TEXTS, regions)
    assert (s.tp, s.fp, s.fn, s.ignored) == (1, 1, 0, 1)
    # Without regions the review prediction counts as an FP too.
    s = score([in_review, in_targets, hit], [JOBS], TEXTS)
    assert (s.tp, s.fp, s.fn, s.ignored) == (1, 2, 0, 0)
    # A source without regions is scored in full even when other sources have regions.
    s = score([in_review, hit], [JOBS], TEXTS, {"other.txt": [(0, 1)]})
    assert (s.fp, s.ignored) == (1, 0)


def test_predictions_only_match_gold_of_their_own_source():
    other = {**pred("城镇新增就业1200万人左右", 12_000_000, "人"), "source": "copy.txt"}
    s = score([other], [JOBS], {SRC: TEXT, "copy.txt": TEXT})
    assert (s.tp, s.fp, s.fn) == (0, 1, 1)


def test_gold_quote_missing_from_text_is_an_error_not_a_miss():
    broken = gold("城镇新增就业1100万人左右", 1100, "万人", 11_000_000, "人")
    with pytest.raises(ValueError, match="not found"):
        score([], [broken], TEXTS)


def test_pledge_objects_are_accepted():
    start = TEXT.index("城镇新增就业1200万人左右")
    p = Pledge(source=SRC, start=start, end=start + 15, quote=TEXT[start : start + 15], metric="城镇新增就业",
               kind="level", comparator="~", value=1200, unit="万人", norm_value=12_000_000, norm_unit="人",
               actor="全国", deadline=2023)  # fmt: skip
    s = score([p], [JOBS, GRAIN], TEXTS)
    assert (s.tp, s.fp, s.fn, s.full_tp) == (1, 0, 1, 1)


def test_report_lists_every_miss_and_extra_with_its_quote():
    extra = pred("居民消费价格涨幅3%左右", 3, "%", metric="居民消费价格涨幅")
    s = score([extra], [JOBS, GRAIN], TEXTS)
    report = format_report(s)
    assert "城镇新增就业1200万人左右" in report and "粮食产量保持在1.3万亿斤以上" in report
    assert "居民消费价格涨幅3%左右" in report  # the extra's quote, taken from its span
    assert "FN 2" in report and "FP 1" in report


def test_empty_inputs_give_zero_scores_not_errors():
    s = score([], [], {})
    assert (s.tp, s.fp, s.fn, s.value_f1, s.full_f1) == (0, 0, 0, 0.0, 0.0)
    assert s.field_accuracy["actor"] is None
    format_report(s)


def test_load_gold_and_regions(tmp_path):
    path = tmp_path / "g.jsonl"
    path.write_text('{"id": "x", "source": "a.txt", "quote": "q", "start": 3, "end": 9}\n\n{"id": "y", '
                    '"source": "a.txt", "quote": "r", "start": 20, "end": 30}\n', encoding="utf-8")  # fmt: skip
    assert [r["id"] for r in load_gold(path)] == ["x", "y"]
    assert load_regions(path) == {"a.txt": [(3, 9), (20, 30)]}
    path.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match=":1:"):
        load_gold(path)
    path.write_text('["a list"]\n{"source": "a.txt"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=":1: not a JSON object"):
        load_gold(path)
    path.write_text('{"source": "a.txt", "quote": "q"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=":1: field 'start' is missing"):
        load_regions(path)
    path.write_text('\n{"source": "a.txt", "quote": "q", "start": "3", "end": 9.5}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=""":2: field 'start' must be a whole number, not "3"$"""):
        load_regions(path)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-8-sig"])
def test_gold_is_read_in_every_encoding_a_source_may_have(tmp_path, encoding):
    """As ingest reads texts: gold made on a Chinese Windows machine is GBK."""
    lines = (Path(__file__).parent / "gold" / "pledges.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    if encoding == "gbk":  # (a few lines hold a character GBK lacks, µ: GB18030 has it)
        lines = [line for line in lines if "\xb5" not in line]
    written = "".join(lines)
    (tmp_path / "utf-8.jsonl").write_text(written, encoding="utf-8")
    (tmp_path / "recoded.jsonl").write_bytes(written.encode(encoding))
    expected = load_gold(tmp_path / "utf-8.jsonl")
    assert load_gold(tmp_path / "recoded.jsonl") == expected and len(expected) > 100
