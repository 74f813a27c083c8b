"""Consistency checks on the development gold set in tests/gold/ (see tests/gold/README.md).

These guard the gold against the mistakes hand annotation makes: a quote that drifted from the
text, a region whose offsets no longer point at its paragraph, a norm_value computed with the wrong
multiplier, a comparator that contradicts the words of its own quote.

Two kinds of gold are checked alike: paragraph gold (pledges.jsonl, scored inside the paragraphs of
annotated.jsonl) and whole-document gold (whole/<document>.pledges.jsonl, every paragraph of the
document in scope, so no regions; its records carry `binding` as well).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from pathlib import Path

import pytest

from taizhang.evaluate import load_gold, load_regions, score

GOLD_DIR = Path(__file__).parent / "gold"
DOCS = GOLD_DIR / "docs"
SHARED_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

GOLD = load_gold(GOLD_DIR / "pledges.jsonl")
REGIONS = [json.loads(line) for line in (GOLD_DIR / "annotated.jsonl").read_text(encoding="utf-8").splitlines() if line]
TEXTS = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.txt")}
# Whole-document gold: one file per document, named after it (national_china_2023_gwr.pledges.jsonl).
WHOLE_FILES = sorted((GOLD_DIR / "whole").glob("*.pledges.jsonl"))
WHOLE = {path.name.removesuffix(".pledges.jsonl") + ".txt": load_gold(path) for path in WHOLE_FILES}
WHOLE_GOLD = [g for records in WHOLE.values() for g in records]
ALL_GOLD = GOLD + WHOLE_GOLD

FIELDS = ["id", "source", "quote", "actor", "aliases", "official", "metric", "kind", "comparator", "value",
          "value_high", "unit", "norm_value", "norm_unit", "deadline", "horizon", "hedge", "optional", "note"]  # fmt: skip
WHOLE_FIELDS = FIELDS[: FIELDS.index("hedge") + 1] + ["binding"] + FIELDS[FIELDS.index("hedge") + 1 :]
BINDINGS = {None, "约束性", "预期性"}
KINDS = {"level", "growth", "annual_growth", "share"}
COMPARATORS = {">", ">=", "=", "~", "<=", "<", "range"}

# The spec's normalisation table, written out independently of the annotation tooling:
# unit as written -> (multiplier to the base unit, base unit).
_MU = 666.667  # m2 per 亩, as the spec states it
UNITS = {
    "%": (1, "%"), "个百分点": (1, "pp"),
    "人": (1, "人"), "万人": (1e4, "人"), "名": (1, "人"), "万名": (1e4, "人"),
    "人次": (1, "人次"), "万人次": (1e4, "人次"),
    "元": (1, "CNY"), "万元": (1e4, "CNY"), "亿元": (1e8, "CNY"), "万亿元": (1e12, "CNY"),
    "亿斤": (1e8 * 0.5, "kg"), "万亿斤": (1e12 * 0.5, "kg"), "万吨": (1e4 * 1000, "kg"),
    "亩": (_MU, "m2"), "万亩": (1e4 * _MU, "m2"), "亿亩": (1e8 * _MU, "m2"),
    "平方米": (1, "m2"), "万平方米": (1e4, "m2"),
    "公里": (1000, "m"), "万千瓦": (1e4 * 1000, "W"), "亿立方米": (1e8, "m3"),
    "年": (1, "年"), "岁": (1, "岁"), "类": (1, "类"), "天": (1, "天"),
}  # fmt: skip
for _word in ["个", "家", "所", "项", "条", "座", "套", "户", "台", "支", "场", "列"]:
    UNITS[_word] = (1, _word)  # other counts keep their measure word
    UNITS["万" + _word] = (1e4, _word)

# Each document's reporting place, year (the year "今年" refers to) and the person the document
# names as delivering the report (None where the text names nobody: 2019 report, CPC 18 report).
DOC_META = {
    "national_china_2023_gwr.txt": ("全国", 2023, "李克强"),
    "national_china_2021_gwr.txt": ("全国", 2021, "李克强"),
    "national_china_2019_gwr.txt": ("全国", 2019, None),
    "national_china_2012_cpc18-congress-report.txt": ("全国", 2012, None),
    "provincial_hebei_2025_gwr.txt": ("河北", 2025, "王正谱"),
    "provincial_zhejiang_2025_gwr.txt": ("浙江", 2025, "刘捷"),
    "provincial_hubei_2025_gwr.txt": ("湖北", 2025, "李殿勋"),
    "provincial_guangdong_2025_gwr.txt": ("广东", 2025, "王伟中"),
    "district_hailar_2013_gwr.txt": ("海拉尔区", 2013, "杜联合"),
    "district_hailar_2018_gwr.txt": ("海拉尔区", 2018, "杨国宏"),
    "district_hailar_2019_gwr.txt": ("海拉尔区", 2019, "萨国文"),
}


def _occurrences(text: str, quote: str) -> list[int]:
    out, i = [], text.find(quote)
    while i >= 0:
        out.append(i)
        i = text.find(quote, i + 1)
    return out


def _ids(records):
    return [r["id"] for r in records]


# ------------------------------------------------------------------ size and coverage


def test_at_least_200_required_records_from_at_least_10_documents():
    required = [g for g in ALL_GOLD if not g["optional"]]
    assert len(required) >= 200
    assert len({g["source"] for g in required}) >= 10


def test_document_kinds_are_mixed():
    sources = {g["source"] for g in ALL_GOLD}
    assert any(s.startswith("national_") and s.endswith("_gwr.txt") for s in sources)
    assert any(s.startswith("provincial_") for s in sources)
    assert any(s.startswith("district_hailar_") for s in sources)
    assert any("congress-report" in s for s in sources)


def test_every_source_has_its_document_metadata_and_regions():
    sources = {g["source"] for g in GOLD}
    assert sources == {r["source"] for r in REGIONS}
    # A document is annotated either by paragraphs or whole, never both; whole ones have no regions.
    assert not sources & set(WHOLE)
    assert sources | set(WHOLE) == set(DOC_META) == set(TEXTS)


@pytest.mark.parametrize("path", WHOLE_FILES, ids=lambda p: p.name)
def test_whole_document_file_holds_its_own_document_only(path):
    source = path.name.removesuffix(".pledges.jsonl") + ".txt"
    assert WHOLE[source], f"{path.name}: no records"
    assert {g["source"] for g in WHOLE[source]} == {source}


def test_ids_unique_and_prefixed_consistently_per_source():
    ids = _ids(ALL_GOLD)
    assert len(ids) == len(set(ids))
    prefixes = {}
    for g in ALL_GOLD:
        prefixes.setdefault(g["source"], set()).add(g["id"].rsplit("-", 1)[0])
    assert all(len(p) == 1 for p in prefixes.values()), prefixes


# ------------------------------------------------------------------ documents


@pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason="shared corpus not available")
@pytest.mark.parametrize("name", sorted(TEXTS))
def test_documents_are_byte_identical_copies(name):
    ours = hashlib.sha256((DOCS / name).read_bytes()).hexdigest()
    theirs = hashlib.sha256((SHARED_CORPUS / name).read_bytes()).hexdigest()
    assert ours == theirs


# ------------------------------------------------------------------ annotated regions


@pytest.mark.parametrize("region", REGIONS, ids=lambda r: f"{r['source']}:{r['start']}")
def test_region_starts_with_first_chars_and_is_a_whole_line(region):
    text = TEXTS[region["source"]]
    start, end = region["start"], region["end"]
    assert 0 <= start < end <= len(text)
    assert text[start:end].startswith(region["first_chars"])
    assert len(region["first_chars"]) == min(20, end - start)
    # A whole paragraph: it begins after a newline (or at 0) and ends at a newline (or the end).
    assert start == 0 or text[start - 1] == "\n"
    assert end == len(text) or text[end] == "\n"
    assert "\n" not in text[start:end]


def test_regions_do_not_overlap():
    by_source = load_regions(GOLD_DIR / "annotated.jsonl")
    for source, spans in by_source.items():
        spans = sorted(spans)
        for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
            assert e1 <= s2, (source, s1, s2)


# ------------------------------------------------------------------ records


@pytest.mark.parametrize("g", WHOLE_GOLD, ids=_ids(WHOLE_GOLD))
def test_whole_document_quote_occurs_exactly_once(g):
    # Every paragraph is in scope, so a quote that also occurred elsewhere (a review part repeating
    # the words of a target) would let a prediction at the wrong place match: quotes are unique.
    assert len(_occurrences(TEXTS[g["source"]], g["quote"])) == 1


@pytest.mark.parametrize("g", GOLD, ids=_ids(GOLD))
def test_quote_occurs_inside_an_annotated_region(g):
    text = TEXTS[g["source"]]
    starts = _occurrences(text, g["quote"])
    assert starts, "quote not in document"
    spans = [(r["start"], r["end"]) for r in REGIONS if r["source"] == g["source"]]
    assert any(s <= i and i + len(g["quote"]) <= e for i in starts for s, e in spans)


@pytest.mark.parametrize("g", ALL_GOLD, ids=_ids(ALL_GOLD))
def test_record_schema(g):
    if g["source"] in WHOLE:
        assert list(g) == WHOLE_FIELDS  # the seed gold's fields and order, binding after hedge
        assert g["binding"] in BINDINGS
    else:
        assert list(g) == FIELDS  # same fields, same order as the seed gold
    assert g["kind"] in KINDS
    assert g["comparator"] in COMPARATORS
    assert isinstance(g["optional"], bool)
    assert isinstance(g["aliases"], list) and all(isinstance(a, str) for a in g["aliases"])
    assert g["quote"] and g["metric"] and g["unit"]
    actor, year, official = DOC_META[g["source"]]
    assert g["actor"] == actor
    assert g["official"] == official
    # Ranges and only ranges carry a high end, above the low end.
    if g["comparator"] == "range":
        assert g["value_high"] is not None and g["value_high"] > g["value"]
    else:
        assert g["value_high"] is None
    # Deadlines are years no earlier than the document's own year.
    if g["deadline"] is not None:
        assert isinstance(g["deadline"], int) and year <= g["deadline"] <= year + 20
    if not g["optional"]:
        assert g["deadline"] is not None, "every required record here has a deadline (the year's plan or 十四五)"


@pytest.mark.parametrize("g", ALL_GOLD, ids=_ids(ALL_GOLD))
def test_norm_value_follows_the_unit_table(g):
    assert g["unit"] in UNITS, f"unit {g['unit']!r} not in the normalisation table"
    multiplier, base = UNITS[g["unit"]]
    assert g["norm_unit"] == base
    assert math.isclose(g["norm_value"], g["value"] * multiplier, rel_tol=1e-6)


@pytest.mark.parametrize("g", ALL_GOLD, ids=_ids(ALL_GOLD))
def test_the_number_is_written_in_the_quote(g):
    # The value (or, for 翻一番 / 一半, the word for it) must appear in the quote it is read from.
    # Full-width digits count as digits.
    quote = g["quote"].translate(str.maketrans("０１２３４５６７８９．％", "0123456789.%"))
    words = {100: "翻一番", 50: "一半", 1000: "千亿斤", 0: "正增长"}
    written = f"{abs(g['value']):g}"
    assert written in quote or words.get(abs(g["value"]), "\0") in quote
    if g["value_high"] is not None:
        assert f"{g['value_high']:g}" in quote


@pytest.mark.parametrize("g", ALL_GOLD, ids=_ids(ALL_GOLD))
def test_comparator_agrees_with_the_words_closing_the_quote(g):
    q = g["quote"]
    if q.endswith("左右"):
        assert g["comparator"] == "~"
    elif q.endswith("以上") or "不低于" in q:
        assert g["comparator"] == ">="
    elif q.endswith("以内"):
        assert g["comparator"] == "<="
    # 突破 / 超过 / 超 directly before this record's own number make it a strict ">".
    for m in re.finditer(r"(突破|超过|超)([0-9][0-9.]*)", q):
        if float(m.group(2)) == abs(g["value"]):
            assert g["comparator"] == ">"
    if g["comparator"] == "range":
        assert "—" in q or "－" in q or "-" in q


@pytest.mark.parametrize("g", ALL_GOLD, ids=_ids(ALL_GOLD))
def test_decreases_are_negative(g):
    decrease = any(w in g["quote"] for w in ("下降", "降低", "减少", "压减", "再降"))
    assert (g["value"] < 0) == decrease


@pytest.mark.parametrize("g", ALL_GOLD, ids=_ids(ALL_GOLD))
def test_kind_matches_annual_and_share_words(g):
    if "年均" in g["quote"]:
        assert g["kind"] == "annual_growth"
    if g["kind"] in {"growth", "annual_growth"} and g["unit"] == "%":
        assert any(w in g["quote"] for w in ("增长", "降低", "下降", "压减", "再降", "翻一番", "涨幅", "增幅"))


def test_deadline_is_the_report_year_for_this_year_targets():
    for g in ALL_GOLD:
        if g["horizon"] in {"今年", "年内", "全年", "年度"}:
            assert g["deadline"] == DOC_META[g["source"]][1], g["id"]
        elif g["horizon"] and (year := re.search(r"(\d{4})年", g["horizon"])):
            assert g["deadline"] == int(year.group(1)), g["id"]  # 到2025年, 2019年度


def test_binding_is_said_in_the_paragraph_of_the_quote():
    # 约束性 / 预期性 only where the text says it of the indicator: the word is in the quote's paragraph.
    for g in WHOLE_GOLD:
        if g["binding"]:
            text = TEXTS[g["source"]]
            i = text.index(g["quote"])
            end = text.find("\n", i)
            paragraph = text[text.rfind("\n", 0, i) + 1 : len(text) if end < 0 else end]
            assert g["binding"] in paragraph, g["id"]


@pytest.mark.parametrize("source", sorted(DOC_META))
def test_official_is_named_near_the_top_of_the_document(source):
    # The official must be a name the document itself gives in its heading (first 25 lines).
    official = DOC_META[source][2]
    head = "\n".join(TEXTS[source].splitlines()[:25])
    if official is None:
        assert not any(g["official"] for g in ALL_GOLD if g["source"] == source)
    else:
        assert official in head


def test_gold_scores_perfectly_against_itself():
    # Turning each gold record into a prediction at its quote must give F1 = 1 under the official
    # scorer with the annotated regions: no quote is ambiguous between records of the same value,
    # and the duplicated quotes of 分别 records are resolved by the assignment.
    predictions = []
    for g in GOLD:
        start = TEXTS[g["source"]].index(g["quote"])
        predictions.append({**g, "start": start, "end": start + len(g["quote"])})
    regions = load_regions(GOLD_DIR / "annotated.jsonl")
    result = score(predictions, GOLD, TEXTS, regions)
    assert result.fn == 0 and result.fp == 0 and result.ignored == 0
    assert result.value_f1 == 1.0 and result.full_f1 == 1.0
    assert result.optional_matched == sum(g["optional"] for g in GOLD)


@pytest.mark.parametrize("source", sorted(WHOLE))
def test_whole_document_gold_scores_perfectly_against_itself(source):
    # Scored with no regions: every paragraph of the document is in scope.
    gold = WHOLE[source]
    text = TEXTS[source]
    predictions = []
    for g in gold:
        start = text.index(g["quote"])
        predictions.append({**g, "start": start, "end": start + len(g["quote"])})
    result = score(predictions, gold, {source: text})
    assert result.fn == 0 and result.fp == 0 and result.ignored == 0
    assert result.value_f1 == 1.0 and result.full_f1 == 1.0
    assert result.optional_matched == sum(g["optional"] for g in gold)


def test_per_source_counts_are_what_the_readme_says():
    # README.md lists the required/optional counts per document; keep them in step.
    readme = (GOLD_DIR / "README.md").read_text(encoding="utf-8")
    for source, n in Counter(g["source"] for g in ALL_GOLD if not g["optional"]).items():
        n_opt = sum(1 for g in ALL_GOLD if g["source"] == source and g["optional"])
        assert f"| `{source}` |" in readme
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{source}` |"))
        assert f"| {n} | {n_opt} |" in row, row
