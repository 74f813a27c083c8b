"""Consistency checks on the outcome and matching gold in tests/gold/ (see tests/gold/README.md,
section "Outcome and matching gold").

They guard the hand annotation against its usual mistakes: a quote that is not in its document or
not inside a listed paragraph, a period or basis that does not fit the document, a norm_value
computed with the wrong multiplier, a sign or bound that contradicts the words of the quote, a match
whose outcome is not an annotated record or whose verdict does not follow from the documented
tolerance, margin and direction. The verdicts are re-derived here by a judge written for this test
from ../shared/spec/outcomes.md's table; it does not use taizhang's code.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from pathlib import Path

import pytest

from tests.helpers import corpus_file, occurrences

GOLD_DIR = Path(__file__).parent / "gold"
DOCS = GOLD_DIR / "outcome_docs"
SHARED_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


OUTCOMES = _jsonl(GOLD_DIR / "outcomes.jsonl")
REGIONS = _jsonl(GOLD_DIR / "outcomes.annotated.jsonl")
MATCHES = _jsonl(GOLD_DIR / "matches.jsonl")
PLEDGE_GOLD = _jsonl(GOLD_DIR / "pledges.jsonl")

FIELDS = ["id", "source", "quote", "actor", "aliases", "metric", "kind", "comparator", "value", "value_high",
          "unit", "norm_value", "norm_unit", "period", "basis", "optional", "note"]  # fmt: skip
PLEDGE_FIELDS = ["source", "quote", "actor", "metric", "kind", "comparator", "value", "value_high", "unit",
                 "norm_value", "norm_unit", "deadline"]  # fmt: skip
OUTCOME_FIELDS = ["source", "quote", "metric", "value", "norm_value", "norm_unit", "period"]
KINDS = {"level", "growth", "annual_growth", "share"}
VERDICTS = {"已完成", "部分完成", "未完成", "待核实"}

# The pledge spec's normalisation table, written out for this test: unit as written -> (multiplier, base).
_MU = 666.667
UNITS = {
    "%": (1, "%"), "个百分点": (1, "pp"),
    "元": (1, "CNY"), "万元": (1e4, "CNY"), "亿元": (1e8, "CNY"), "万亿元": (1e12, "CNY"), "亿美元": (1e8, "USD"),
    "人": (1, "人"), "名": (1, "人"), "位": (1, "人"), "万人": (1e4, "人"), "亿人": (1e8, "人"),
    "人次": (1, "人次"), "万人次": (1e4, "人次"),
    "万头只": (1e4, "头只"), "万头（只）": (1e4, "头只"),
    "亩": (_MU, "m2"), "万亩": (1e4 * _MU, "m2"), "万平方米": (1e4, "m2"),
    "米": (1, "m"), "公里": (1e3, "m"), "万公里": (1e7, "m"),
    "公斤": (1, "kg"), "万吨": (1e7, "kg"), "万亿斤": (0.5e12, "kg"),
    "万元/人": (1e4, "CNY/人"), "件/万人": (1e-4, "件/人"),
    "年": (1, "年"), "岁": (1, "岁"), "倍": (1, "倍"), "ratio": (1, "ratio"),
}  # fmt: skip
for _word in ["个", "家", "条", "件", "项", "户", "套", "座", "处", "所", "张", "栋"]:
    UNITS[_word] = (1, _word)
    UNITS["万" + _word] = (1e4, _word)

# Each document: its actor and the year it reviews (the year before the report's; the plan report
# of 2025 reviews 2024). A multi-year period ends with that year.
DOC_META = {
    **{f"district_hailar_{y}_gwr.txt": ("海拉尔区", y - 1) for y in range(2012, 2020)},
    "national_china_2013_gwr.txt": ("全国", 2012),
    "national_china_2016_gwr.txt": ("全国", 2015),
    "national_china_2021_gwr.txt": ("全国", 2020),
    "national_china_2025_ndrc-plan-report.md": ("全国", 2024),
}
# The documents are kept once in the repository (tests/helpers.py): those no other test needs are in
# gold/outcome_docs/. The text of a .md document is the file's whole text, front matter included.
TEXTS = {name: corpus_file(name).read_text(encoding="utf-8") for name in DOC_META}

# ------------------------------------------------------------------ the documented judging settings
PERCENT_UNITS = {"%", "pp"}
PERCENT_TOLERANCE, PERCENT_MARGIN = 0.2, 0.5  # percentage points
OTHER_TOLERANCE, OTHER_MARGIN = 0.02, 0.10  # fractions of the target
SHOULD_BE_LOW = ("价格", "失业率", "能耗", "排放", "赤字", "用水量")


def _direction(metric: str, note: str | None) -> str:
    found = re.search(r"direction: (high|low)", note or "")
    if found:
        return found.group(1)
    return "low" if any(word in metric for word in SHOULD_BE_LOW) else "high"


def _judge(pledge: dict, outcome: dict | None, note: str | None) -> str:
    """outcomes.md's table: met / partly met (within the margin) / missed; no outcome -> 待核实."""
    if outcome is None:
        return "待核实"
    target, high_end, actual = pledge["norm_value"], None, outcome["norm_value"]
    if pledge["value_high"] is not None:
        high_end = pledge["value_high"] * pledge["norm_value"] / pledge["value"]
    if pledge["norm_unit"] in PERCENT_UNITS:
        tolerance, margin = PERCENT_TOLERANCE, PERCENT_MARGIN
    else:
        tolerance, margin = OTHER_TOLERANCE * abs(target), OTHER_MARGIN * abs(target)
    slack = 1e-9 * max(1.0, abs(target))  # bounds are inclusive; float noise is not a miss
    comparator = pledge["comparator"]
    if target < 0 and comparator in {">", ">=", "<", "<="}:
        target, actual = -target, -actual  # "下降3.4%以上": the bound is on the size of the decrease
    if comparator in {">", ">="}:
        met = actual > target if comparator == ">" else actual >= target - slack
        partly = actual >= target - margin - slack
    elif comparator in {"<", "<="}:
        met = actual < target if comparator == "<" else actual <= target + slack
        partly = actual <= target + margin + slack
    elif comparator == "range":
        met = target - tolerance - slack <= actual <= high_end + tolerance + slack
        partly = target - margin - slack <= actual <= high_end + margin + slack
    elif _direction(pledge["metric"], note) == "high":
        met, partly = actual >= target - tolerance - slack, actual >= target - margin - slack
    else:
        met, partly = actual <= target + tolerance + slack, actual <= target + margin + slack
    return "已完成" if met else "部分完成" if partly else "未完成"


def _spans(source: str) -> list[tuple[int, int]]:
    return [(r["start"], r["end"]) for r in REGIONS if r["source"] == source]


def _region_records(region: dict) -> list[dict]:
    text = TEXTS[region["source"]]
    return [o for o in OUTCOMES if o["source"] == region["source"]
            and any(region["start"] <= i and i + len(o["quote"]) <= region["end"] for i in occurrences(text, o["quote"]))]  # fmt: skip


def _ascii_digits(quote: str) -> str:
    return quote.translate(str.maketrans("０１２３４５６７８９．％", "0123456789.%"))


# ------------------------------------------------------------------ size and coverage


def test_at_least_150_required_outcomes_from_at_least_8_documents():
    required = [o for o in OUTCOMES if not o["optional"]]
    assert len(required) >= 150
    assert len({o["source"] for o in required}) >= 8


def test_every_kind_of_review_is_covered():
    periods = Counter(o["period"] for o in OUTCOMES)
    assert any("-" in p for p in periods), "a multi-year review"
    assert any(o["kind"] == "annual_growth" for o in OUTCOMES), "年均增长"
    assert any(o["basis"] == "preliminary" for o in OUTCOMES), "预计"
    assert any(o["source"].endswith("ndrc-plan-report.md") for o in OUTCOMES), "the plan-execution report"
    assert any("比上年" in o["quote"] or "同比" in o["quote"] for o in OUTCOMES)
    assert any(o["comparator"] is not None for o in OUTCOMES), "a result stated as a bound"


def test_plan_paragraphs_without_records_are_listed_as_traps():
    empty = [r for r in REGIONS if not _region_records(r)]
    assert len(empty) >= 10
    for region in empty:  # each is a paragraph of targets
        paragraph = TEXTS[region["source"]][region["start"] : region["end"]]
        assert re.search(r"目标|全年|今年|今后五年|实现", paragraph), region


def test_ids_unique_and_prefixed_by_source():
    ids = [o["id"] for o in OUTCOMES] + [m["id"] for m in MATCHES]
    assert len(ids) == len(set(ids))
    prefixes: dict[str, set[str]] = {}
    for o in OUTCOMES:
        prefixes.setdefault(o["source"], set()).add(o["id"].rsplit("-", 1)[0])
    assert all(len(p) == 1 for p in prefixes.values()), prefixes


# ------------------------------------------------------------------ documents and regions


def test_documents_are_the_annotated_ones():
    assert {o["source"] for o in OUTCOMES} == set(DOC_META) == {r["source"] for r in REGIONS}
    assert {p.name for p in DOCS.iterdir()} <= set(DOC_META)


@pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason="shared corpus not available")
@pytest.mark.parametrize("name", sorted(TEXTS))
def test_documents_are_byte_identical_copies(name):
    ours = hashlib.sha256(corpus_file(name).read_bytes()).hexdigest()
    theirs = hashlib.sha256((SHARED_CORPUS / name).read_bytes()).hexdigest()
    assert ours == theirs


@pytest.mark.parametrize("region", REGIONS, ids=lambda r: f"{r['source']}:{r['start']}")
def test_region_is_a_whole_line_with_its_first_chars(region):
    text = TEXTS[region["source"]]
    start, end = region["start"], region["end"]
    assert list(region) == ["source", "start", "end", "first_chars"]
    assert 0 <= start < end <= len(text)
    assert text[start:end].startswith(region["first_chars"])
    assert len(region["first_chars"]) == min(20, end - start)
    assert start == 0 or text[start - 1] == "\n"
    assert end == len(text) or text[end] == "\n"
    assert "\n" not in text[start:end]


def test_regions_do_not_overlap():
    for source in TEXTS:
        spans = sorted(_spans(source))
        for (_, e1), (s2, _) in zip(spans, spans[1:]):
            assert e1 <= s2, (source, s2)


# ------------------------------------------------------------------ outcome records


@pytest.mark.parametrize("o", OUTCOMES, ids=[o["id"] for o in OUTCOMES])
def test_quote_occurs_inside_an_annotated_region(o):
    starts = occurrences(TEXTS[o["source"]], o["quote"])
    assert starts, "quote not in document"
    assert any(s <= i and i + len(o["quote"]) <= e for i in starts for s, e in _spans(o["source"]))


@pytest.mark.parametrize("o", OUTCOMES, ids=[o["id"] for o in OUTCOMES])
def test_outcome_schema(o):
    assert list(o) == FIELDS
    actor, reviewed = DOC_META[o["source"]]
    assert o["actor"] == actor
    assert o["aliases"] == (["海拉尔"] if actor == "海拉尔区" else [])
    assert o["kind"] in KINDS
    assert o["comparator"] in {None, ">", ">=", "<", "<="}  # a bound only where the text gives one
    assert o["value_high"] is None
    assert isinstance(o["value"], (int, float)) and not isinstance(o["value"], bool)
    assert o["basis"] in {None, "preliminary", "final"}
    assert isinstance(o["optional"], bool)
    assert o["quote"] and o["metric"]
    assert o["note"] is None or isinstance(o["note"], str)


@pytest.mark.parametrize("o", OUTCOMES, ids=[o["id"] for o in OUTCOMES])
def test_period_is_a_year_or_a_span_ending_no_later_than_the_reviewed_year(o):
    period = o["period"]
    assert isinstance(period, str) and re.fullmatch(r"\d{4}(-\d{4})?", period), period
    first, _, last = period.partition("-")
    reviewed = DOC_META[o["source"]][1]
    if last:
        assert int(first) < int(last) == reviewed, "a multi-year figure covers the years up to the one reviewed"
    else:
        assert int(first) <= reviewed
    if o["kind"] == "annual_growth":
        assert last, "年均 growth is over a span"


@pytest.mark.parametrize("o", OUTCOMES, ids=[o["id"] for o in OUTCOMES])
def test_norm_value_follows_the_unit_table(o):
    assert o["unit"] in UNITS, f"unit {o['unit']!r} not in the table"
    multiplier, base = UNITS[o["unit"]]
    assert o["norm_unit"] == base
    assert math.isclose(o["norm_value"], o["value"] * multiplier, rel_tol=1e-6)


@pytest.mark.parametrize("o", OUTCOMES, ids=[o["id"] for o in OUTCOMES])
def test_words_of_the_quote_agree_with_the_record(o):
    quote = _ascii_digits(o["quote"])
    written = f"{abs(o['value']):g}"
    assert written in quote or (abs(o["value"]) == 50 and "一半" in quote)
    # Decreases are negative; 下降到 / 降到 / 回落到 name the level reached.
    assert (o["value"] < 0) == bool(re.search(r"(下降|减少|降低)(?!到)", quote))
    # 预计 (and 初步核算) make a figure preliminary, and nothing else does here.
    assert (o["basis"] == "preliminary") == bool(re.search(r"预计|初步核算", quote))
    # Bounds the text gives: 突破/超过 before the number, 以上 or 多 after it, 近/不到 before it.
    number = re.escape(written)
    if re.search(rf"(突破|超过|不到|近){number}", quote):
        assert o["comparator"] in {">", "<"}
    if re.search(rf"{number}[^0-9.]{{0,3}}(以上)", quote):
        assert o["comparator"] == ">="
    if re.search(rf"{number}多", quote):
        assert o["comparator"] == ">"
    if o["comparator"] is None:
        assert not re.search(rf"(突破|超过|不到|近){number}|{number}(多|[^0-9.，、]{{0,3}}以上)", quote)


@pytest.mark.parametrize("o", OUTCOMES, ids=[o["id"] for o in OUTCOMES])
def test_kind_agrees_with_the_words(o):
    quote = o["quote"]
    assert (o["kind"] == "annual_growth") == ("年均" in quote)
    if o["kind"] == "growth" and o["unit"] == "%":
        assert re.search(r"增长|下降|降低|减少|涨幅|上涨|增速|递增", quote)


def test_optional_records_say_why():
    assert all(o["note"] for o in OUTCOMES if o["optional"])


def test_a_result_stated_twice_is_recorded_at_both_clauses():
    # 海拉尔区 2016 states 2015's GDP (287.9亿元) in the five-year review and in the 2015 review.
    gdp = [o for o in OUTCOMES if o["source"] == "district_hailar_2016_gwr.txt" and o["metric"] == "地区生产总值"
           and o["kind"] == "level" and o["period"] == "2015"]  # fmt: skip
    assert len(gdp) == 2 and {o["norm_value"] for o in gdp} == {28790000000}
    assert any("twice" in (o["note"] or "") for o in gdp)


def test_per_source_counts_are_what_the_readme_says():
    readme = (GOLD_DIR / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Outcome and matching gold", 1)[1]
    for source in TEXTS:
        required = sum(1 for o in OUTCOMES if o["source"] == source and not o["optional"])
        optional = sum(1 for o in OUTCOMES if o["source"] == source and o["optional"])
        row = next(line for line in section.splitlines() if line.startswith(f"| `{source}` |"))
        assert f"| {required} | {optional} |" in row, row


# ------------------------------------------------------------------ matches


def test_at_least_60_targets_and_10_without_a_stated_result():
    assert len(MATCHES) >= 60
    assert sum(m["outcome"] is None for m in MATCHES) >= 10
    assert {m["verdict"] for m in MATCHES} == VERDICTS


@pytest.mark.parametrize("m", MATCHES, ids=[m["id"] for m in MATCHES])
def test_match_schema(m):
    assert list(m) == ["id", "pledge", "outcome", "verdict", "note"]
    assert list(m["pledge"]) == PLEDGE_FIELDS
    assert m["outcome"] is None or list(m["outcome"]) == OUTCOME_FIELDS
    assert m["verdict"] in VERDICTS
    assert (m["outcome"] is None) == (m["verdict"] == "待核实")


@pytest.mark.parametrize("m", MATCHES, ids=[m["id"] for m in MATCHES])
def test_pledge_side_is_a_pledge_record(m):
    p = m["pledge"]
    assert p["quote"] in TEXTS[p["source"]]
    assert p["actor"] == DOC_META[p["source"]][0]
    assert p["kind"] in KINDS
    assert p["comparator"] in {">", ">=", "=", "~", "<=", "<", "range"}
    assert (p["comparator"] == "range") == (p["value_high"] is not None)
    multiplier, base = UNITS[p["unit"]]
    assert p["norm_unit"] == base and math.isclose(p["norm_value"], p["value"] * multiplier, rel_tol=1e-6)
    assert isinstance(p["deadline"], int) and p["deadline"] <= DOC_META[p["source"]][1] + 6
    assert f"{abs(p['value']):g}" in _ascii_digits(p["quote"])
    # Where the pledge gold has the same target, the two agree field for field.
    for g in PLEDGE_GOLD:
        if g["source"] == p["source"] and g["quote"] == p["quote"] and g["metric"] == p["metric"]:
            assert {k: g[k] for k in PLEDGE_FIELDS} == p


@pytest.mark.parametrize("m", [m for m in MATCHES if m["outcome"]], ids=[m["id"] for m in MATCHES if m["outcome"]])
def test_outcome_side_is_an_annotated_outcome_that_answers_the_pledge(m):
    p, o = m["pledge"], m["outcome"]
    records = [r for r in OUTCOMES if all(r[k] == o[k] for k in OUTCOME_FIELDS)]
    assert len(records) == 1, "the outcome is one record of outcomes.jsonl"
    record = records[0]
    assert record["actor"] == p["actor"]
    assert record["kind"] == p["kind"] and record["norm_unit"] == p["norm_unit"]
    assert o["period"].split("-")[-1] == str(p["deadline"]), "the result is for the deadline year (or a span ending there)"
    assert not record["optional"]


@pytest.mark.parametrize("m", MATCHES, ids=[m["id"] for m in MATCHES])
def test_verdict_follows_from_the_documented_settings(m):
    assert _judge(m["pledge"], m["outcome"], m["note"]) == m["verdict"]


def test_judge_reads_the_table():
    # The judge itself, on the cases the table names (so that a wrong judge cannot pass the gold).
    def pledge(comparator, value, unit="%", norm_unit="%", metric="地区生产总值", value_high=None):
        return {"comparator": comparator, "value": value, "value_high": value_high, "norm_value": value,
                "norm_unit": norm_unit, "metric": metric, "unit": unit}  # fmt: skip

    def actual(x):
        return {"norm_value": x}

    assert _judge(pledge("~", 5), actual(4.8), None) == "已完成"  # within the 0.2 pp tolerance
    assert _judge(pledge("~", 5), actual(4.6), None) == "部分完成"
    assert _judge(pledge("~", 5), actual(4.4), None) == "未完成"
    assert _judge(pledge("~", 3, metric="居民消费价格涨幅"), actual(3.2), None) == "已完成"  # should be low
    assert _judge(pledge("~", 3, metric="居民消费价格涨幅"), actual(3.4), None) == "部分完成"
    assert _judge(pledge("~", 3, metric="居民消费价格涨幅"), actual(0.2), None) == "已完成"
    assert _judge(pledge(">=", 100, "亿元", "CNY"), actual(95), None) == "部分完成"  # no tolerance for >=
    assert _judge(pledge(">=", 100, "亿元", "CNY"), actual(89), None) == "未完成"
    assert _judge(pledge("<=", 4), actual(4.3), None) == "部分完成"
    assert _judge(pledge("range", 6.5, value_high=7), actual(7.1), None) == "已完成"
    assert _judge(pledge("range", 6.5, value_high=7), actual(6.1), None) == "部分完成"
    assert _judge(pledge(">=", -3.4, metric="单位国内生产总值能耗"), actual(-3.6), None) == "已完成"
    assert _judge(pledge(">=", -3.4, metric="单位国内生产总值能耗"), actual(-3.0), None) == "部分完成"
    assert _judge(pledge("=", 5700, "人", "人", "新增就业"), actual(5600), None) == "已完成"  # within 2 %
    assert _judge(pledge("~", 5.5, metric="x"), actual(5.1), "direction: low") == "已完成"
    assert _judge(pledge("~", 5.5), actual(5.1), None) == "部分完成"
    assert _judge(pledge("~", 5), None, None) == "待核实"


def test_match_counts_are_what_the_readme_says():
    readme = (GOLD_DIR / "README.md").read_text(encoding="utf-8").split("## Outcome and matching gold", 1)[1]
    counts = Counter(m["verdict"] for m in MATCHES)
    line = next(line for line in readme.splitlines() if line.startswith("Matches:"))
    assert f"{len(MATCHES)} targets" in line
    for verdict, n in counts.items():
        assert f"{n} {verdict}" in line, (verdict, n, line)
