"""Consistency checks on the development gold set in tests/gold/ (see tests/gold/README.md).

These guard the gold against the mistakes hand annotation makes: a quote that drifted from the
text, a region whose offsets no longer point at its paragraph, a norm_value computed with the wrong
multiplier, a comparator that contradicts the words of its own quote, a record in a review part.

Two kinds of gold are checked alike: chosen paragraphs (pledges.jsonl, with their regions in
annotated.jsonl) and whole documents (whole/<document stem>.pledges.jsonl, every paragraph in scope).
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

PARAGRAPH_GOLD = load_gold(GOLD_DIR / "pledges.jsonl")
REGIONS = [json.loads(line) for line in (GOLD_DIR / "annotated.jsonl").read_text(encoding="utf-8").splitlines() if line]
TEXTS = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.txt")}
# Whole-document gold: one file per document, named after it; every paragraph of it is in scope.
WHOLE_FILES = sorted((GOLD_DIR / "whole").glob("*.pledges.jsonl"))
WHOLE_BY_FILE = {path.name: load_gold(path) for path in WHOLE_FILES}
WHOLE = [g for records in WHOLE_BY_FILE.values() for g in records]
WHOLE_SOURCES = {path.name.removesuffix(".pledges.jsonl") + ".txt" for path in WHOLE_FILES}
GOLD = PARAGRAPH_GOLD + WHOLE

FIELDS = ["id", "source", "quote", "actor", "aliases", "official", "metric", "kind", "comparator", "value",
          "value_high", "unit", "norm_value", "norm_unit", "deadline", "horizon", "hedge", "optional", "note"]  # fmt: skip
# The whole-document gold adds the spec's `binding` after `hedge`.
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
    "年": (1, "年"), "岁": (1, "岁"), "类": (1, "类"),
}  # fmt: skip
for _word in ["个", "家", "所", "项", "条", "座", "套", "户", "台", "支", "场", "列", "处", "张"]:
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
    "provincial_shandong_2025_gwr.txt": ("山东", 2025, "周乃翔"),
    "provincial_zhejiang_2025_gwr.txt": ("浙江", 2025, "刘捷"),
    "provincial_hubei_2025_gwr.txt": ("湖北", 2025, "李殿勋"),
    "provincial_guangdong_2025_gwr.txt": ("广东", 2025, "王伟中"),
    "district_hailar_2013_gwr.txt": ("海拉尔区", 2013, "杜联合"),
    "district_hailar_2018_gwr.txt": ("海拉尔区", 2018, "杨国宏"),
}


# The review parts of the whole documents (1-based first and last line, as the README lists them):
# every number there is a result of past years, so no gold record may lie in them.
REVIEW_LINES = {
    "provincial_hebei_2025_gwr.txt": [(6, 15)],
    "provincial_shandong_2025_gwr.txt": [(6, 25)],
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
    required = [g for g in GOLD if not g["optional"]]
    assert len(required) >= 200
    assert len({g["source"] for g in required}) >= 10


def test_document_kinds_are_mixed():
    sources = {g["source"] for g in GOLD}
    assert any(s.startswith("national_") and s.endswith("_gwr.txt") for s in sources)
    assert any(s.startswith("provincial_") for s in sources)
    assert any(s.startswith("district_hailar_") for s in sources)
    assert any("congress-report" in s for s in sources)


def test_every_source_has_its_document_metadata_and_regions():
    paragraph_sources = {g["source"] for g in PARAGRAPH_GOLD}
    assert paragraph_sources == {r["source"] for r in REGIONS}
    # A document is annotated either in chosen paragraphs or whole, never both.
    assert not paragraph_sources & WHOLE_SOURCES
    assert paragraph_sources | WHOLE_SOURCES == set(DOC_META) == set(TEXTS)


@pytest.mark.parametrize("name", sorted(WHOLE_BY_FILE))
def test_whole_document_file_holds_its_own_document_only(name):
    records = WHOLE_BY_FILE[name]
    assert records, "empty whole-document gold file"
    assert {g["source"] for g in records} == {name.removesuffix(".pledges.jsonl") + ".txt"}
    assert name.removesuffix(".pledges.jsonl") + ".txt" in REVIEW_LINES, "say where its review parts are"


def test_ids_unique_and_prefixed_consistently_per_source():
    ids = _ids(GOLD)
    assert len(ids) == len(set(ids))
    prefixes = {}
    for g in GOLD:
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


@pytest.mark.parametrize("g", PARAGRAPH_GOLD, ids=_ids(PARAGRAPH_GOLD))
def test_quote_occurs_inside_an_annotated_region(g):
    text = TEXTS[g["source"]]
    starts = _occurrences(text, g["quote"])
    assert starts, "quote not in document"
    spans = [(r["start"], r["end"]) for r in REGIONS if r["source"] == g["source"]]
    assert any(s <= i and i + len(g["quote"]) <= e for i in starts for s, e in spans)


@pytest.mark.parametrize("g", WHOLE, ids=_ids(WHOLE))
def test_whole_document_quote_occurs_once_outside_the_review_parts(g):
    # Whole-document quotes locate their clause on their own: one occurrence, not in a review part.
    text = TEXTS[g["source"]]
    starts = _occurrences(text, g["quote"])
    assert len(starts) == 1, f"quote occurs {len(starts)} times"
    line = text.count("\n", 0, starts[0]) + 1
    assert not any(first <= line <= last for first, last in REVIEW_LINES[g["source"]]), f"line {line} is review"


@pytest.mark.parametrize("g", GOLD, ids=_ids(GOLD))
def test_record_schema(g):
    # Same fields, same order as the seed gold; the whole-document gold adds `binding`.
    assert list(g) == (WHOLE_FIELDS if g["source"] in WHOLE_SOURCES else FIELDS)
    assert g.get("binding") in BINDINGS
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


@pytest.mark.parametrize("g", GOLD, ids=_ids(GOLD))
def test_norm_value_follows_the_unit_table(g):
    assert g["unit"] in UNITS, f"unit {g['unit']!r} not in the normalisation table"
    multiplier, base = UNITS[g["unit"]]
    assert g["norm_unit"] == base
    assert math.isclose(g["norm_value"], g["value"] * multiplier, rel_tol=1e-6)


@pytest.mark.parametrize("g", GOLD, ids=_ids(GOLD))
def test_the_number_is_written_in_the_quote(g):
    # The value (or, for 翻一番 / 一半, the word for it) must appear in the quote it is read from.
    # Full-width digits count as digits.
    quote = g["quote"].translate(str.maketrans("０１２３４５６７８９．％", "0123456789.%"))
    words = {100: "翻一番", 50: "一半", 1000: "千亿斤"}
    written = f"{abs(g['value']):g}"
    assert written in quote or words.get(abs(g["value"]), "\0") in quote
    if g["value_high"] is not None:
        assert f"{g['value_high']:g}" in quote


@pytest.mark.parametrize("g", GOLD, ids=_ids(GOLD))
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


@pytest.mark.parametrize("g", GOLD, ids=_ids(GOLD))
def test_decreases_are_negative(g):
    decrease = any(w in g["quote"] for w in ("下降", "降低", "减少", "压减", "再降"))
    assert (g["value"] < 0) == decrease


@pytest.mark.parametrize("g", GOLD, ids=_ids(GOLD))
def test_kind_matches_annual_and_share_words(g):
    if "年均" in g["quote"]:
        assert g["kind"] == "annual_growth"
    if g["kind"] in {"growth", "annual_growth"} and g["unit"] == "%":
        assert any(w in g["quote"] for w in ("增长", "降低", "下降", "压减", "再降", "翻一番", "涨幅", "增幅"))


def test_deadline_is_the_report_year_for_this_year_targets():
    for g in GOLD:
        if g["horizon"] in {"今年", "年内", "全年"}:
            assert g["deadline"] == DOC_META[g["source"]][1], g["id"]


@pytest.mark.parametrize("source", sorted(DOC_META))
def test_official_is_named_near_the_top_of_the_document(source):
    # The official must be a name the document itself gives in its heading (first 25 lines).
    official = DOC_META[source][2]
    head = "\n".join(TEXTS[source].splitlines()[:25])
    if official is None:
        assert not any(g["official"] for g in GOLD if g["source"] == source)
    else:
        assert official in head


def _self_score(gold, regions):
    # Turning each gold record into a prediction at its quote must give F1 = 1 under the official
    # scorer: no quote is ambiguous between records of the same value, and the duplicated quotes of
    # 分别 records are resolved by the assignment.
    predictions = []
    for g in gold:
        start = TEXTS[g["source"]].index(g["quote"])
        predictions.append({**g, "start": start, "end": start + len(g["quote"])})
    result = score(predictions, gold, TEXTS, regions)
    assert result.fn == 0 and result.fp == 0 and result.ignored == 0
    assert result.value_f1 == 1.0 and result.full_f1 == 1.0
    assert result.optional_matched == sum(g["optional"] for g in gold)


def test_gold_scores_perfectly_against_itself():
    _self_score(PARAGRAPH_GOLD, load_regions(GOLD_DIR / "annotated.jsonl"))


@pytest.mark.parametrize("name", sorted(WHOLE_BY_FILE))
def test_whole_document_gold_scores_perfectly_against_itself(name):
    records = WHOLE_BY_FILE[name]
    source = records[0]["source"]
    _self_score(records, {source: [(0, len(TEXTS[source]))]})  # the whole document is in scope


def test_per_source_counts_are_what_the_readme_says():
    # README.md lists the required/optional counts per document; keep them in step.
    readme = (GOLD_DIR / "README.md").read_text(encoding="utf-8")
    for source, n in Counter(g["source"] for g in GOLD if not g["optional"]).items():
        n_opt = sum(1 for g in GOLD if g["source"] == source and g["optional"])
        assert f"| `{source}` |" in readme
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{source}` |"))
        assert f"| {n} | {n_opt} |" in row, row
