"""The pure parts of the dashboard: figures as written, a text cut into marked runs, the words of
both languages, and the gazetteer's children and code prefixes the place filters use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from taizhang.ledger.browse import Mark, page_token, read_token
from taizhang.ledger.entry_view import sentence_around
from taizhang.ledger.errors import LedgerError
from taizhang.places import children, code_prefix, lineage, resolve
from taizhang.repair import Change
from taizhang.web import i18n
from taizhang.web.render import lines, normalised, number, written


@pytest.mark.parametrize(
    ("row", "shown"),
    [
        ({"kind": "level", "comparator": ">", "value": 1500.0, "value_high": None, "unit": "亿元"}, "超过1500亿元"),
        ({"kind": "growth", "comparator": "range", "value": 6.0, "value_high": 6.5, "unit": "%"}, "增长6–6.5%"),
        ({"kind": "level", "comparator": "=", "value": 0.25, "value_high": None, "unit": "万人"}, "0.25万人"),
        ({"kind": "growth", "comparator": "~", "value": 5.5, "value_high": None, "unit": "%"}, "增长5.5%左右"),
        ({"kind": "share", "comparator": "<=", "value": 3.0, "value_high": None, "unit": "%"}, "占比3%以内"),
        ({"kind": "annual_growth", "comparator": ">=", "value": 7.0, "value_high": None, "unit": "%"}, "年均增长7%以上"),
        ({"kind": "growth", "comparator": "=", "value": -3.0, "value_high": None, "unit": "%"}, "下降3%"),
    ],
)
def test_figures_as_written(row: dict, shown: str) -> None:
    assert written(row) == shown


def test_normalised_value_for_the_hover() -> None:
    assert normalised({"comparator": ">", "norm_value": 1.5e11, "norm_unit": "CNY"}) == "> 150,000,000,000 CNY"
    assert number(2026.0) == "2026" and number(6.5) == "6.5" and number(None) == ""


def test_lines_cut_at_marks_and_note_repairs() -> None:
    text = "标题\n\n到2026年,全区生产总值突破1500亿元。\n尾"
    start = text.index("全区")
    marks = [Mark(start, start + 14, 7, "全区生产总值", 1500.0, "亿元", ())]
    change = Change("remove_duplicate", (2,), ((text.index("尾"), len(text)),), "copy of ¶1")
    shown = lines(text, marks, [change])
    assert [line.start for line in shown] == [0, 4, text.index("尾")]  # empty lines dropped, offsets kept
    runs = shown[1].runs
    assert "".join(r.text for r in runs) == text[4 : text.index("\n", 4)]
    marked = [r for r in runs if r.entries]
    assert marked[0].entries == (7,) and marked[0].start == start and text[start : start + len(marked[0].text)] == marked[0].text
    assert shown[2].kinds == ["remove_duplicate"] and not shown[1].notes
    kept = lines(text, marks, [change], frozenset({text.index("尾")}))
    assert kept[2].kinds == ["kept"]  # the copy the repaired article kept is not struck out


def test_sentence_around_a_quote() -> None:
    text = "过去一年成绩显著。到2026年,全区生产总值突破1500亿元,增长50%。下一句。"
    start = text.index("全区")
    before, after = sentence_around(text, start, start + 14)
    assert before == "到2026年," and after == ",增长50%。"


def test_page_tokens_round_trip_and_refuse_garbage() -> None:
    assert read_token(page_token(2026, 17)) == (2026, 17)
    assert read_token(page_token(None, 3)) == (None, 3)
    for bad in ("abc", "%%", page_token([1], 2)):
        with pytest.raises(LedgerError):
            read_token(bad)


def test_children_and_code_prefixes() -> None:
    shandong, qingdao, laoshan = (resolve(n) for n in ("山东省", "青岛市", "崂山区"))
    assert code_prefix(shandong) == "37" and code_prefix(qingdao) == "3702" and code_prefix(laoshan) == "370212"
    assert code_prefix(lineage("全国")[0]) == ""
    assert laoshan in children(qingdao) and qingdao in children(shandong) and children(laoshan) == []
    assert len(children(lineage("全国")[0])) >= 34  # provinces, autonomous regions, municipalities, SARs


def test_every_word_the_templates_use_exists_in_both_languages() -> None:
    folder = Path(i18n.__file__).parent / "templates"
    used = {key for path in folder.glob("*.html") for key in re.findall(r"\bt\('([a-z_]+)'\)", path.read_text(encoding="utf-8"))}
    used |= {"status", "deadline", "kind", "metric", "place", "official", "conflict", "source", "queue_low", "queue_conflicts", "queue_due"}  # fmt: skip
    table = i18n.messages()
    assert used - set(table) == set()
    for key, words in table.items():
        assert set(words) == set(i18n.LANGUAGES) and all(isinstance(w, str) and w for w in words.values()), key
