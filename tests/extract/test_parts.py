"""The parts of a document (review, plan, long-term plan, notes, other) and the years each speaks of,
read from real reports: by their headings, and by their words where a heading names no part."""

from __future__ import annotations

import pytest

from taizhang.extract import extract
from taizhang.extract.parts import LONG_TERM, NOTES, OTHER, PLAN, REVIEW, read_parts
from tests.helpers import corpus_file

REPORT = """2025年某省政府工作报告
——2025年1月20日在某省第十四届人民代表大会第三次会议上
一、2024年工作回顾
过去一年，全省生产总值增长5.7%，城镇新增就业125万人。
一年来，着重抓了以下工作：
争取新增专项债资金3903亿元，支持项目512个。
二、2025年目标任务和重点工作
地区生产总值增长5%以上，城镇新增就业110万人以上。
认真抓好11方面重点工作：
新建改造农村公路5000公里。
优化已建成超1.6万个“爱心驿站”的服务，升级拓展2250家智能化驿站。
今年拟安排专项债券3.8万亿元，比去年增加1.5万亿元。去年居民消费价格涨幅回落到2.6%。
过去五年，全省累计减贫100万人，城镇化率提高到65%。
到2027年，高新技术企业突破3万家。
三、全面加强政府自身建设
名词解释
1.“氢走廊”是指投入约1000辆氢燃料物流车。
"""


def lines_of(text: str, labels: object) -> dict[int, object]:
    """Line number (1-based) -> what ``labels`` gives for that paragraph."""
    return {text.count("\n", 0, part.start) + 1: labels(part) for part in read_parts(text, 2025)}


def test_headings_decide_and_carry_years() -> None:
    parts = read_parts(REPORT, 2025)
    got = {REPORT.count("\n", 0, p.start) + 1: (p.label, p.first_year, p.last_year) for p in parts}
    assert got[3] == got[4] == got[6] == (REVIEW, 2024, 2024)
    assert got[7] == got[8] == got[10] == (PLAN, 2025, 2025)  # a sub-heading keeps its part's year
    assert got[13] == (REVIEW, 2020, 2024)  # 过去五年 opens a review inside the plan
    assert got[16] == (NOTES, None, None)
    assert parts.at(REPORT.index("新建改造")).horizon.words == "2025年"


def test_review_is_not_pledged_and_plan_takes_heading_year() -> None:
    result = extract(REPORT, "report.txt")
    assert result.year == 2025
    got = {(p.quote, p.deadline, p.actor) for p in result.pledges}
    assert got == {
        ("地区生产总值增长5%以上", 2025, "某省"),
        ("城镇新增就业110万人以上", 2025, "某省"),
        ("新建改造农村公路5000公里", 2025, "某省"),
        ("升级拓展2250家智能化驿站", 2025, "某省"),  # not the 已建成 clause before it
        ("今年拟安排专项债券3.8万亿元", 2025, "某省"),
        ("比去年增加1.5万亿元", 2025, "某省"),  # 比去年 compares; 去年…回落 is a fact
        ("高新技术企业突破3万家", 2027, "某省"),
    }


def slogan_headings(text: str, headings: dict[str, str]) -> str:
    for heading, slogan in headings.items():
        assert text.count(heading) == 1, heading
        text = text.replace(heading, slogan)
    return text


HEBEI = "provincial_hebei_2025_gwr.txt"
# Hebei's real report with its two part headings replaced by slogans that name neither part nor year
# (as some provinces head them: 一、一年接着一年干，…): its words must tell the parts apart.
SLOGANS = {"一、2024年工作回顾": "一、一年接着一年干，一锤接着一锤敲", "二、2025年目标任务和主要工作": "二、乘势而上开新局，奋楫扬帆再出发"}


def test_parts_under_slogan_headings_are_read_from_their_words() -> None:
    text = slogan_headings(corpus_file(HEBEI).read_text(encoding="utf-8"), SLOGANS)
    parts = read_parts(text, 2025, "2025年河北省政府工作报告")
    review = parts.at(text.index("（一）经济运行总体平稳"))
    plan = parts.at(text.index("提高投资效益。"))
    assert (review.label, review.first_year, review.last_year) == (REVIEW, 2024, 2024)
    assert (plan.label, plan.last_year) == (PLAN, 2025)
    assert "past" in review.reason and review.confidence < 0.95  # read from words: less sure


def test_slogan_headed_review_gives_no_pledges_and_plan_items_get_the_year() -> None:
    original = corpus_file(HEBEI).read_text(encoding="utf-8")
    text = slogan_headings(original, SLOGANS)
    review_end = text.index("二、乘势而上")
    got = extract(text, HEBEI, title="2025年河北省政府工作报告").pledges
    assert got and not [p for p in got if p.start < review_end]
    assert {p.deadline for p in got} == {2025}
    # the same records as under the real headings, a little less sure of their part
    headed = extract(original, HEBEI, title="2025年河北省政府工作报告").pledges
    assert [(p.quote, p.norm_value) for p in got] == [(p.quote, p.norm_value) for p in headed]
    assert max(p.confidence for p in got) < max(p.confidence for p in headed)


def test_review_years_from_the_reports_point_of_view() -> None:
    # A 2026 report's 过去一年 is 2025 and its 五年来 / "十四五"以来 2021–2025.
    text = "2026年政府工作报告\n过去一年，地区生产总值增长5%。\n五年来，新增就业50万人。\n“十四五”以来，年均增长4.4%。\n"
    got = {p.reason.split("'")[1]: (p.label, p.first_year, p.last_year) for p in read_parts(text, 2026).paragraphs[1:]}
    assert got == {"过去一年": (REVIEW, 2025, 2025), "五年来": (REVIEW, 2021, 2025), "“十四五”以来": (REVIEW, 2021, 2025)}
    assert [p.quote for p in extract(text, "r.txt").pledges] == []


@pytest.mark.parametrize(
    ("name", "year", "title", "expected"),
    [
        # 一、过去一年和五年工作回顾: 过去一年 is 2022, 过去五年 2018–2022, and the paragraphs after an
        # opener speak of its years until the next
        ("national_china_2023_gwr.txt", 2023, None, {
            "过去一年，我国经济发展遇到": (REVIEW, 2022, 2022), "——经济发展再上新台阶": (REVIEW, 2018, 2022),
            "今年发展主要预期目标是": (PLAN, 2023, 2023),
        }),
        # a period's review, the next period's plan (long-term), the year's plan
        ("district_hailar_2016_gwr.txt", 2016, None, {
            "一、“十二五”时期和2015年工作回顾": (REVIEW, 2011, 2015),
            "二、“十三五”经济社会发展的主要目标和任务": (LONG_TERM, 2016, 2020), "三、2016年工作安排": (PLAN, 2016, 2016),
        }),
        # a five-year plan plans its period except where it reviews the last one
        ("national_china_2026_15th-fyp-outline.md", 2026, "中华人民共和国国民经济和社会发展第十五个五年规划纲要", {
            "国内生产总值突破140万亿元": (REVIEW, 2021, 2025), "全社会研发经费投入年均增长7%以上": (LONG_TERM, 2026, 2030),
            "实施产业基础再造工程": (LONG_TERM, 2026, 2030),
        }),
    ],
)  # fmt: skip
def test_parts_of_real_reports_and_their_years(name: str, year: int, title: str | None, expected: dict) -> None:
    text = corpus_file(name).read_text(encoding="utf-8")
    parts = read_parts(text, year, title)
    got = {quote: (parts.at(text.index(quote)).label, parts.at(text.index(quote)).first_year, parts.at(text.index(quote)).last_year) for quote in expected}
    assert got == expected


def test_a_congress_reports_parts() -> None:
    text = corpus_file("national_china_2012_cpc18-congress-report.txt").read_text(encoding="utf-8")
    parts = read_parts(text, 2012)
    assert parts.at(text.index("一、过去五年的工作和十年的基本总结")).label == REVIEW
    goals = parts.at(text.index("三、全面建成小康社会和全面深化改革开放的目标"))
    assert (goals.label, goals.deadline) == (PLAN, None)  # goals of no one year
    tasks = parts.at(text.index("八、大力推进生态文明建设"))
    assert tasks.label == OTHER and tasks.confidence < 0.75  # neither heading nor words say


def test_every_paragraph_gets_one_part_in_order() -> None:
    text = corpus_file("provincial_shandong_2025_gwr.txt").read_text(encoding="utf-8")
    parts = read_parts(text, 2025)
    paragraphs = [line for line in text.split("\n") if line.strip(" \t\u3000\u200b\r")]
    assert len(parts) == len(paragraphs)
    assert all(a.end <= b.start for a, b in zip(parts, parts.paragraphs[1:]))
    assert {p.label for p in parts} <= {REVIEW, PLAN, OTHER}
