"""Whole real documents read part by part (#12): no review number is a pledge, news states few
pledges, the same words with two deadlines are two pledges, and a report's header gives its owner."""

from __future__ import annotations

import pytest

from taizhang.extract import extract
from taizhang.extract.actors import report_owner
from taizhang.source import load
from tests.helpers import ROOT, corpus_file

SHARED = ROOT.parent / "shared" / "corpus"


def lines_of(text: str, pledges: list) -> set[int]:
    return {text.count("\n", 0, p.start) + 1 for p in pledges}


@pytest.mark.parametrize(
    ("name", "review"),
    [
        # 一、2024年国民经济和社会发展计划执行情况 (a markdown heading in **…**): 2024's results
        ("national_china_2025_ndrc-plan-report.md", range(23, 153)),
        # 一、过去一年和五年工作回顾: about 180 numbers, none a pledge
        ("national_china_2023_gwr.txt", range(23, 166)),
        # 一、2024年工作回顾 and its slogan-headed 一是…六是 (lines 15–21)
        ("provincial_shandong_2025_gwr.txt", range(6, 26)),
    ],
)
def test_no_review_number_is_a_pledge(name: str, review: range) -> None:
    source = load(corpus_file(name))
    pledges = extract(source.text, name, title=source.title, date=source.date).pledges
    assert pledges and not lines_of(source.text, pledges) & set(review)


def test_the_same_words_with_two_deadlines_are_two_pledges() -> None:
    # national_china_2021_gwr.txt: the five-year summary's ceiling (line 99) restated as the year's
    # (its line 122 says 5.5%左右; the year's sentence here repeats the five-year words).
    text = (
        "二、“十三五”时期发展成就和“十四五”时期主要目标任务\n城镇调查失业率控制在5.5%以内。\n"
        "三、2021年重点工作\n城镇调查失业率控制在5.5%以内。\n"
    )
    got = sorted((p.deadline, p.quote) for p in extract(text, "r.txt", 2021).pledges)
    assert got == [(2021, "城镇调查失业率控制在5.5%以内"), (2025, "城镇调查失业率控制在5.5%以内")]


def test_a_restated_target_is_one_pledge_with_two_mentions() -> None:
    # national_china_2025_ndrc-plan-report.md: the target (line 169) and its explanation (line 173)
    source = load(corpus_file("national_china_2025_ndrc-plan-report.md"))
    pledges = extract(source.text, source.name, title=source.title, date=source.date).pledges
    rate = [p for p in pledges if p.norm_unit == "%" and p.value == 5.5 and "失业率" in p.metric]
    assert len(rate) == 1 and len(rate[0].mentions) == 1


def news(name: str):
    path = SHARED / name
    if not path.is_file():
        pytest.skip("no ../shared/corpus")
    source = load(path)
    return source.text, extract(source.text, name, title=source.title, date=source.date).pledges


def test_news_figures_of_what_exists_are_no_pledges() -> None:
    text, pledges = news("news_2025-03-14_jiangsu.md")
    # “江苏已有外贸近远洋航线84条，覆盖65%的重要贸易国家和地区，稳定开行…线路25条”
    assert not [p for p in pledges if p.value in (84, 65, 25)]
    assert {p.value for p in pledges} >= {60, 80}  # 安排60项科技攻关项目、80项前沿技术研发项目


def test_news_pledge_belongs_to_its_province_and_no_one_not_named_with_it() -> None:
    text, pledges = news("news_2025-03-01_hunan.md")
    target = next(p for p in pledges if p.value == 2000)  # 今年计划推动2000家以上工业企业实施技改
    assert (target.actor, target.official, target.deadline) == ("湖南", None, 2025)
    text, pledges = news("news_2025-03-01_shanxi.md")
    assert not [p for p in pledges if p.value in (494, 9, 200)]  # 签约、开工、投产项目494个; 目前已有9家


HEBEI_HEAD = corpus_file("provincial_hebei_2025_gwr.txt").read_text(encoding="utf-8")[:400]


@pytest.mark.parametrize(
    "head",
    [
        # Hebei's header as scraped pages break it: the congress's name across two lines…
        HEBEI_HEAD.replace("第十四届人民代表大会", "第十四届\n人民代表大会"),
        # …the governor's name letter-spaced, or on a line of its own after the province and title
        HEBEI_HEAD.replace("王正谱", "王 正 谱"),
        HEBEI_HEAD.replace("河北省人民政府省长 王正谱", "河北省人民政府省长\n王正谱"),
    ],
)
def test_a_provincial_header_as_scraped_gives_the_province_and_its_governor(head: str) -> None:
    assert report_owner(head, None) == ("河北省", "王正谱")


def test_news_speakers_own_the_paragraphs_that_name_them() -> None:
    path = SHARED / "news_2025-03-07_jiangsu-roundup.md"
    if not path.is_file():
        pytest.skip("no ../shared/corpus")
    from taizhang.extract.actors import attribute

    source = load(path)
    attribution = attribute(source.text, source.title)
    # 江苏省工业和信息化厅厅长朱爱勋表示 (a provincial department: the province), 盐城市市长张明康说
    for quote, owner in (("朱爱勋表示", ("江苏省", "朱爱勋")), ("张明康说", ("盐城市", "张明康"))):
        assert attribution.owner(source.text.index(quote)) == owner
    # a paragraph naming nobody belongs to no one of them
    plain = source.text.index("曾是茅山革命老区贫困村")
    assert attribution.owner(plain)[1] is None
