"""Consistency checks on the development gold set in tests/gold/ (see tests/gold/README.md).

These guard the gold against the mistakes hand annotation makes: a quote that drifted from the
text, a region whose offsets no longer point at its paragraph, a norm_value computed with the wrong
multiplier, a comparator that contradicts the words of its own quote, a record in a review part.

Two kinds of gold are checked alike: chosen paragraphs (pledges.jsonl, with their regions in
annotated.jsonl) and whole documents (whole/<document stem>.pledges.jsonl, every paragraph in scope).
The news gold (shared/news.*.jsonl) annotates People's Daily pieces that may not be copied into the
repository: its checks read the pieces from ../shared/corpus and skip only where that is absent.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

from taizhang.evaluate import load_gold, load_regions, score
from tests.helpers import occurrences

GOLD_DIR = Path(__file__).parent / "gold"
DOCS = GOLD_DIR / "docs"
SHARED_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

NEWS_DIR = GOLD_DIR / "shared"  # gold of the news pieces, whose texts stay in ../shared/corpus


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


PARAGRAPH_GOLD = load_gold(GOLD_DIR / "pledges.jsonl")
REGIONS = _jsonl(GOLD_DIR / "annotated.jsonl")
TEXTS = {p.name: p.read_text(encoding="utf-8") for p in DOCS.iterdir() if p.suffix in {".txt", ".md"}}
# Whole-document gold: one file per document, named after it; every paragraph of it is in scope.
WHOLE_FILES = sorted((GOLD_DIR / "whole").glob("*.pledges.jsonl"))
WHOLE_BY_FILE = {path.name: load_gold(path) for path in WHOLE_FILES}
WHOLE = [g for records in WHOLE_BY_FILE.values() for g in records]
WHOLE_SOURCES = {path.name.removesuffix(".pledges.jsonl") + ".txt" for path in WHOLE_FILES}
GOLD = PARAGRAPH_GOLD + WHOLE

NEWS_GOLD = load_gold(NEWS_DIR / "news.pledges.jsonl")
NEWS_REGIONS = _jsonl(NEWS_DIR / "news.annotated.jsonl")
NEWS_TEXTS = {
    name: (SHARED_CORPUS / name).read_text(encoding="utf-8")
    for name in sorted({r["source"] for r in NEWS_REGIONS})
    if (SHARED_CORPUS / name).is_file()
}
ALL_GOLD = GOLD + NEWS_GOLD
needs_shared_corpus = pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason="shared corpus not available")

# The seed gold's fields in its order, and the spec's `binding` after `hedge`.
FIELDS = ["id", "source", "quote", "actor", "aliases", "official", "metric", "kind", "comparator", "value",
          "value_high", "unit", "norm_value", "norm_unit", "deadline", "horizon", "hedge", "binding", "optional",
          "note"]  # fmt: skip
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
    "亿吨": (1e8 * 1000, "kg"), "亿吨标准煤": (1e8 * 1000, "kgce"),  # 吨标准煤: mass of standard coal
    "微克/立方米": (1, "µg/m3"), "‰": (0.1, "%"), "/10万": (1e-3, "%"),  # rates per mille / per 10万 as %
    "ratio": (1, "ratio"),  # a coefficient written without a unit
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
    "district_hailar_2019_gwr.txt": ("海拉尔区", 2019, "萨国文"),
    # Markdown pages of People's Daily with their YAML front matter; no person delivers either text.
    "national_china_2026_15th-fyp-outline.md": ("全国", 2026, None),
    "national_china_2025_ndrc-plan-report.md": ("全国", 2025, None),
}


# The review parts of the whole documents (1-based first and last line, as the README lists them):
# every number there is a result of past years, so no gold record may lie in them.
REVIEW_LINES = {
    "provincial_hebei_2025_gwr.txt": [(6, 15)],
    "provincial_shandong_2025_gwr.txt": [(6, 25)],
    "national_china_2023_gwr.txt": [(23, 162)],
    "district_hailar_2019_gwr.txt": [(16, 36)],
}


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
    # The new kinds of text: a five-year plan outline, a plan-execution report and news pieces.
    assert any("fyp-outline" in s for s in sources)
    assert any("plan-report" in s for s in sources)
    assert len({g["source"] for g in NEWS_GOLD if not g["optional"]}) >= 3


def test_every_source_has_its_document_metadata_and_regions():
    paragraph_sources = {g["source"] for g in PARAGRAPH_GOLD}
    assert paragraph_sources == {r["source"] for r in REGIONS}
    # A document is annotated either in chosen paragraphs or whole, never both.
    assert not paragraph_sources & WHOLE_SOURCES
    assert paragraph_sources | WHOLE_SOURCES == set(DOC_META) == set(TEXTS)
    # News: every piece has regions (all its paragraphs), records only where it pledges something.
    news_sources = {r["source"] for r in NEWS_REGIONS}
    assert {g["source"] for g in NEWS_GOLD} <= news_sources
    assert all(re.fullmatch(r"news_\d{4}-\d\d-\d\d_[a-z-]+\.md", s) for s in news_sources)


@pytest.mark.parametrize("name", sorted(WHOLE_BY_FILE))
def test_whole_document_file_holds_its_own_document_only(name):
    records = WHOLE_BY_FILE[name]
    assert records, "empty whole-document gold file"
    assert {g["source"] for g in records} == {name.removesuffix(".pledges.jsonl") + ".txt"}
    assert name.removesuffix(".pledges.jsonl") + ".txt" in REVIEW_LINES, "say where its review parts are"


def test_ids_unique_and_prefixed_consistently_per_source():
    ids = _ids(ALL_GOLD)
    assert len(ids) == len(set(ids))
    prefixes = {}
    for g in ALL_GOLD:
        prefixes.setdefault(g["source"], set()).add(g["id"].rsplit("-", 1)[0])
    assert all(len(p) == 1 for p in prefixes.values()), prefixes
    assert len({p for (p,) in prefixes.values()}) == len(prefixes), "one prefix per source"


# ------------------------------------------------------------------ documents


@pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason="shared corpus not available")
@pytest.mark.parametrize("name", sorted(TEXTS))
def test_documents_are_byte_identical_copies(name):
    ours = hashlib.sha256((DOCS / name).read_bytes()).hexdigest()
    theirs = hashlib.sha256((SHARED_CORPUS / name).read_bytes()).hexdigest()
    assert ours == theirs


def test_news_pieces_are_not_copied_into_the_repository():
    # The People's Daily pieces are the paper's: only their gold lives here, never their text.
    root = GOLD_DIR.parents[1]
    for folder in ("tests", "examples", "src", "bench", "docs"):
        assert not list((root / folder).rglob("news_*.md")), folder


@needs_shared_corpus
def test_every_news_piece_of_the_gold_is_in_the_shared_corpus():
    assert set(NEWS_TEXTS) == {r["source"] for r in NEWS_REGIONS}


# ------------------------------------------------------------------ annotated regions


def _check_region(region: dict, text: str) -> None:
    start, end = region["start"], region["end"]
    assert 0 <= start < end <= len(text)
    assert text[start:end].startswith(region["first_chars"])
    assert len(region["first_chars"]) == min(20, end - start)
    # A whole paragraph: it begins after a newline (or at 0) and ends at a newline (or the end).
    assert start == 0 or text[start - 1] == "\n"
    assert end == len(text) or text[end] == "\n"
    assert "\n" not in text[start:end]


@pytest.mark.parametrize("region", REGIONS, ids=lambda r: f"{r['source']}:{r['start']}")
def test_region_starts_with_first_chars_and_is_a_whole_line(region):
    _check_region(region, TEXTS[region["source"]])


@needs_shared_corpus
@pytest.mark.parametrize("region", NEWS_REGIONS, ids=lambda r: f"{r['source']}:{r['start']}")
def test_news_region_starts_with_first_chars_and_is_a_whole_line(region):
    _check_region(region, NEWS_TEXTS[region["source"]])


@pytest.mark.parametrize("path", [GOLD_DIR / "annotated.jsonl", NEWS_DIR / "news.annotated.jsonl"], ids=str)
def test_regions_do_not_overlap(path):
    by_source = load_regions(path)
    for source, spans in by_source.items():
        spans = sorted(spans)
        for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
            assert e1 <= s2, (source, s1, s2)


@needs_shared_corpus
@pytest.mark.parametrize("source", sorted(NEWS_TEXTS))
def test_every_paragraph_of_a_news_piece_is_annotated(source):
    # From the headline on (the YAML front matter is the page's metadata, not the article), every
    # non-empty line is a region: numbers in bylines, reports of what was done and named systems
    # all count as false positives when read as pledges.
    text = NEWS_TEXTS[source]
    offset, expected, body = 0, [], False
    for line in text.split("\n"):
        body = body or line.startswith("# ")
        if body and line.strip():
            expected.append((offset, offset + len(line)))
        offset += len(line) + 1
    assert sorted((r["start"], r["end"]) for r in NEWS_REGIONS if r["source"] == source) == expected


# ------------------------------------------------------------------ records


def _in_regions(g: dict, text: str, regions: list[dict]) -> bool:
    spans = [(r["start"], r["end"]) for r in regions if r["source"] == g["source"]]
    return any(s <= i and i + len(g["quote"]) <= e for i in occurrences(text, g["quote"]) for s, e in spans)


def _lines_holding(text: str, quote: str) -> list[str]:
    """The whole lines (paragraphs) of the text that hold an occurrence of the quote."""
    return [text[text.rfind("\n", 0, i) + 1 : (text.find("\n", i) + 1 or len(text) + 1) - 1]
            for i in occurrences(text, quote)]  # fmt: skip


@pytest.mark.parametrize("g", PARAGRAPH_GOLD, ids=_ids(PARAGRAPH_GOLD))
def test_quote_occurs_inside_an_annotated_region(g):
    assert occurrences(TEXTS[g["source"]], g["quote"]), "quote not in document"
    assert _in_regions(g, TEXTS[g["source"]], REGIONS)


@needs_shared_corpus
@pytest.mark.parametrize("g", NEWS_GOLD, ids=_ids(NEWS_GOLD))
def test_news_quote_occurs_inside_an_annotated_region(g):
    assert occurrences(NEWS_TEXTS[g["source"]], g["quote"]), "quote not in the piece"
    assert _in_regions(g, NEWS_TEXTS[g["source"]], NEWS_REGIONS)


@pytest.mark.parametrize("g", WHOLE, ids=_ids(WHOLE))
def test_whole_document_quote_occurs_once_outside_the_review_parts(g):
    # Whole-document quotes locate their clause on their own: one occurrence, not in a review part.
    text = TEXTS[g["source"]]
    starts = occurrences(text, g["quote"])
    assert len(starts) == 1, f"quote occurs {len(starts)} times"
    line = text.count("\n", 0, starts[0]) + 1
    assert not any(first <= line <= last for first, last in REVIEW_LINES[g["source"]]), f"line {line} is review"


def _check_schema(g: dict, year: int) -> None:
    assert list(g) == FIELDS
    assert g["kind"] in KINDS
    assert g["comparator"] in COMPARATORS
    assert g["binding"] in BINDINGS
    assert isinstance(g["optional"], bool)
    assert isinstance(g["aliases"], list) and all(isinstance(a, str) for a in g["aliases"])
    assert g["quote"] and g["metric"] and g["unit"] and g["actor"]
    if g["optional"]:
        assert g["note"], "an optional record says why"
    # Ranges and only ranges carry a high end, above the low end.
    if g["comparator"] == "range":
        assert g["value_high"] is not None and g["value_high"] > g["value"]
    else:
        assert g["value_high"] is None
    # Deadlines are years no earlier than the document's own year; 今年/年内/全年 (and 年度 of the
    # year's own list) is that year, a horizon naming a year (到2025年, 2019年度) that year.
    if g["deadline"] is not None:
        assert isinstance(g["deadline"], int) and year <= g["deadline"] <= year + 20
    if g["horizon"] in {"今年", "年内", "全年", "年度"}:
        assert g["deadline"] == year
    elif g["horizon"] and (named := re.search(r"(\d{4})年", g["horizon"])):
        assert g["deadline"] == int(named.group(1))


@pytest.mark.parametrize("g", GOLD, ids=_ids(GOLD))
def test_record_schema(g):
    actor, year, official = DOC_META[g["source"]]
    _check_schema(g, year)
    assert g["actor"] == actor
    assert g["official"] == official
    if not g["optional"]:
        assert g["deadline"] is not None, "every required record here has a deadline (the year's plan or 十四五/十五五)"


def _front_matter_year(text: str) -> int:
    return int(re.search(r"^date: (\d{4})-", text, re.M).group(1))


@needs_shared_corpus
@pytest.mark.parametrize("g", NEWS_GOLD, ids=_ids(NEWS_GOLD))
def test_news_record_schema_and_speaker(g):
    text = NEWS_TEXTS[g["source"]]
    _check_schema(g, _front_matter_year(text))
    # The official is the person who states the goal, named in the paragraph that holds it; the
    # actor (the place or body whose goal it is) is named in the piece.
    if g["official"] is not None:
        assert all(g["official"] in p for p in _lines_holding(text, g["quote"]))
    assert any(name in text for name in [g["actor"], *g["aliases"]])


@pytest.mark.parametrize("g", ALL_GOLD, ids=_ids(ALL_GOLD))
def test_norm_value_follows_the_unit_table(g):
    assert g["unit"] in UNITS, f"unit {g['unit']!r} not in the normalisation table"
    multiplier, base = UNITS[g["unit"]]
    assert g["norm_unit"] == base
    assert math.isclose(g["norm_value"], g["value"] * multiplier, rel_tol=1e-6)


@pytest.mark.parametrize("g", ALL_GOLD, ids=_ids(ALL_GOLD))
def test_the_number_is_written_in_the_quote(g):
    # The value (or, for 翻一番 / 倍增 / 一半, the word for it) must appear in the quote it is read
    # from. Full-width digits count as digits.
    quote = g["quote"].translate(str.maketrans("０１２３４５６７８９．％", "0123456789.%"))
    words = {100: ("翻一番", "倍增"), 50: ("一半",), 1000: ("千亿斤",), 0: ("正增长",)}
    written = f"{abs(g['value']):g}"
    assert written in quote or any(w in quote for w in words.get(abs(g["value"]), ()))
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
    # 突破 / 超过 / 超 / 低于 directly before this record's own number make it a strict comparison.
    for m in re.finditer(r"(突破|超过|超|低于)([0-9][0-9.]*)", q):
        if float(m.group(2)) == abs(g["value"]) and not q[: m.start()].endswith("不"):
            assert g["comparator"] == ("<" if m.group(1) == "低于" else ">")
    if g["comparator"] == "range":
        assert "—" in q or "－" in q or "-" in q


@pytest.mark.parametrize("g", ALL_GOLD, ids=_ids(ALL_GOLD))
def test_decreases_are_negative(g):
    # A decrease by X is negative; "下降到 X" (fall to X) is a level to reach, positive.
    decrease = re.search(r"(下降|降低|减少|压减|再降)(?![到至])", g["quote"]) is not None
    assert (g["value"] < 0) == decrease


@pytest.mark.parametrize("g", ALL_GOLD, ids=_ids(ALL_GOLD))
def test_kind_matches_annual_and_share_words(g):
    if "年均" in g["quote"]:
        assert g["kind"] == "annual_growth"
    if g["kind"] in {"growth", "annual_growth"} and g["unit"] == "%":
        assert any(w in g["quote"] for w in ("增长", "降低", "下降", "压减", "再降", "翻一番", "倍增", "涨幅", "增幅"))


def test_binding_is_given_only_where_the_paragraph_says_it():
    # 约束性 / 预期性 come from the text of the indicator's own paragraph, never from knowledge of the
    # plan: the outline as stored leaves out its indicator table (专栏1), so its records have none.
    for g in GOLD:
        if g["binding"] is not None:
            assert all(g["binding"] in p for p in _lines_holding(TEXTS[g["source"]], g["quote"])), g["id"]
    assert all(g["binding"] is None for g in NEWS_GOLD)


def test_five_year_targets_are_due_at_the_end_of_the_period():
    # The outline's targets are due in 2030 unless their own clause names another year (2035).
    for g in GOLD:
        if g["source"] == "national_china_2026_15th-fyp-outline.md" and g["deadline"] is not None:
            assert g["deadline"] == 2030 or str(g["deadline"]) in g["quote"] or g["horizon"] == "十年", g["id"]


@pytest.mark.parametrize("source", sorted(DOC_META))
def test_official_is_named_near_the_top_of_the_document(source):
    # The official must be a name the document itself gives in its heading (first 25 lines).
    official = DOC_META[source][2]
    head = "\n".join(TEXTS[source].splitlines()[:25])
    if official is None:
        assert not any(g["official"] for g in GOLD if g["source"] == source)
    else:
        assert official in head


def _self_score(gold: list[dict], texts: dict[str, str], regions: dict[str, list[tuple[int, int]]]) -> None:
    # Turning each gold record into a prediction at its quote must give F1 = 1 under the official
    # scorer: no quote is ambiguous between records of the same value, and the duplicated quotes of
    # 分别 records are resolved by the assignment.
    predictions = []
    for g in gold:
        start = texts[g["source"]].index(g["quote"])
        predictions.append({**g, "start": start, "end": start + len(g["quote"])})
    result = score(predictions, gold, texts, regions)
    assert result.fn == 0 and result.fp == 0 and result.ignored == 0
    assert result.value_f1 == 1.0 and result.full_f1 == 1.0
    assert result.optional_matched == sum(g["optional"] for g in gold)


def test_gold_scores_perfectly_against_itself():
    _self_score(PARAGRAPH_GOLD, TEXTS, load_regions(GOLD_DIR / "annotated.jsonl"))


@pytest.mark.parametrize("name", sorted(WHOLE_BY_FILE))
def test_whole_document_gold_scores_perfectly_against_itself(name):
    records = WHOLE_BY_FILE[name]
    source = records[0]["source"]
    _self_score(records, TEXTS, {source: [(0, len(TEXTS[source]))]})  # the whole document is in scope


@needs_shared_corpus
def test_news_gold_scores_perfectly_against_itself():
    _self_score(NEWS_GOLD, NEWS_TEXTS, load_regions(NEWS_DIR / "news.annotated.jsonl"))


def test_per_source_counts_are_what_the_readme_says():
    # README.md lists the required/optional counts per document; keep them in step.
    readme = (GOLD_DIR / "README.md").read_text(encoding="utf-8")
    for source in {g["source"] for g in ALL_GOLD} | {r["source"] for r in NEWS_REGIONS}:
        n = sum(1 for g in ALL_GOLD if g["source"] == source and not g["optional"])
        n_opt = sum(1 for g in ALL_GOLD if g["source"] == source and g["optional"])
        assert f"| `{source}` |" in readme, source
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{source}` |"))
        assert f"| {n} | {n_opt} |" in row, row


@needs_shared_corpus
def test_the_held_out_gold_passes_its_own_checks():
    # tests/gold/heldout/check.py: field order and types, quotes found once outside review parts,
    # norm values, comparators and signs against the quote's words, deadlines of their parts.
    checker = GOLD_DIR / "heldout" / "check.py"
    result = subprocess.run([sys.executable, str(checker), "--corpus", str(SHARED_CORPUS)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stdout[-2000:]
