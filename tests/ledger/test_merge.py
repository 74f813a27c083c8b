"""Merging mentions into entries, on real texts: reprints meet, disagreeing figures are flagged."""

from __future__ import annotations

from taizhang.document import Pledge
from taizhang.extract import extract
from taizhang.ledger.merge import build_entries
from tests.helpers import corpus_file
from tests.ledger.ledger_support import SEED, SEED_GOLD, gold, mentions, pledges_in

SEED_TEXT = SEED.read_text(encoding="utf-8")
SEED_NAME = SEED.name
# A second outlet reprinting the same article puts its own masthead line above it: every offset moves.
REPRINT = "来源：大众日报  2022-07-01\n\n" + SEED_TEXT
LAOSHAN_GDP = "全区生产总值突破1500亿元"


def seed_mentions(text: str = SEED_TEXT, name: str = SEED_NAME, order: int = 1):
    return mentions(pledges_in(text, name, gold(SEED_GOLD)), order, year=2022)


def test_one_source_gives_one_entry_per_commitment_without_conflicts() -> None:
    entries = build_entries(seed_mentions())
    assert len(entries) == len(gold(SEED_GOLD))
    assert not any(e.conflicts for e in entries)


def test_two_reprints_of_one_article_are_one_entry_each() -> None:
    alone = build_entries(seed_mentions())
    both = build_entries(seed_mentions() + seed_mentions(REPRINT, "reprint_dazhong.txt", order=2))
    assert len(both) == len(alone)
    for entry in both:
        assert entry.sources == [SEED_NAME, "reprint_dazhong.txt"]
        assert not entry.conflicts
    laoshan = next(e for e in both if e.first.pledge.quote == LAOSHAN_GDP)
    assert [m.pledge.start for m in laoshan.mentions] == [SEED_TEXT.find(LAOSHAN_GDP), REPRINT.find(LAOSHAN_GDP)]


def test_a_report_with_a_different_figure_makes_one_flagged_conflict() -> None:
    # The same sentence as a second outlet printed it with 1300 for 1500 (a misprint or a revised target).
    revised = REPRINT.replace(LAOSHAN_GDP, "全区生产总值突破1300亿元")
    records = gold(SEED_GOLD)
    second = pledges_in(revised, "reprint_revised.txt", [r for r in records if r["quote"] != LAOSHAN_GDP])
    [changed] = [r for r in records if r["quote"] == LAOSHAN_GDP]
    second += pledges_in(revised, "reprint_revised.txt", [{**changed, "quote": "全区生产总值突破1300亿元", "value": 1300, "norm_value": 1.3e11}])
    entries = build_entries(seed_mentions() + mentions(second, 2, year=2022))
    assert len(entries) == len(records)
    [conflict] = [e for e in entries if e.conflicts]
    assert conflict.metric_key == "gdp" and conflict.place.code == "370212"
    assert [m.pledge.value for m in conflict.mentions] == [1500, 1300]
    assert conflict.conflicts == [f"数值不一致 figures differ: >1500亿元 ({SEED_NAME}) / >1300亿元 (reprint_revised.txt)"]


def test_a_moved_deadline_is_one_entry_flagged_as_a_conflict() -> None:
    moved = REPRINT.replace("到2026年,打造虚拟现实", "到2027年,打造虚拟现实", 1)
    records = [r for r in gold(SEED_GOLD) if r["quote"] == LAOSHAN_GDP]
    later = pledges_in(moved, "reprint_2027.txt", [{**records[0], "deadline": 2027, "horizon": "到2027年"}])
    entries = build_entries(mentions(pledges_in(SEED_TEXT, SEED_NAME, records), 1, year=2022) + mentions(later, 2, year=2022))
    [entry] = entries
    assert entry.conflicts == [f"期限不一致 deadlines differ: 2026 ({SEED_NAME}) / 2027 (reprint_2027.txt)"]


def test_the_same_annual_target_in_two_years_reports_is_two_entries() -> None:
    # 海拉尔区's 2013 and 2014 reports both aim at 地区生产总值 282亿元, each for its own year.
    built = build_entries(hailar_gdp(1, 2013, 2013) + hailar_gdp(2, 2014, 2014))
    assert [e.first.pledge.deadline for e in built] == [2013, 2014]
    assert not any(e.conflicts for e in built)


def test_synonyms_and_place_names_meet() -> None:
    # 全区生产总值 of 崂山区 (the seed) and 地区生产总值 of 青岛市崂山区 (as a city paper would write it).
    [laoshan] = [r for r in gold(SEED_GOLD) if r["quote"] == LAOSHAN_GDP]
    city = "崂山区委书记表示，到2026年，青岛市崂山区地区生产总值突破1500亿元。"
    other = {**laoshan, "quote": "地区生产总值突破1500亿元", "metric": "地区生产总值", "actor": "青岛市崂山区"}
    built = build_entries(
        mentions(pledges_in(SEED_TEXT, SEED_NAME, [laoshan]), 1) + mentions(pledges_in(city, "city_paper.txt", [other]), 2)
    )
    [entry] = built
    assert entry.sources == [SEED_NAME, "city_paper.txt"] and not entry.conflicts


def test_west_coast_new_area_and_huangdao_are_one_place() -> None:
    records = [r for r in gold(SEED_GOLD) if r["actor"] == "西海岸新区"]
    as_huangdao = [{**r, "actor": "黄岛区"} for r in records]
    built = build_entries(
        mentions(pledges_in(SEED_TEXT, SEED_NAME, records), 1) + mentions(pledges_in(REPRINT, "r.txt", as_huangdao), 2)
    )
    assert len(built) == len(records) and all(e.place.code == "370211" for e in built)


_EMISSIONS = {"actor": "全国", "official": None, "kind": "growth", "comparator": "=", "value_high": None, "unit": "%",
              "norm_unit": "%", "deadline": 2019, "horizon": "今年", "hedge": None, "metric": "排放量"}  # fmt: skip
# national_china_2019_gwr.txt line 162, as an extractor that does not split its lists reads it: both
# records named 排放量, so one metric key.
UNSPLIT_LISTS = [
    {**_EMISSIONS, "quote": "二氧化硫、氮氧化物排放量要下降3%", "value": -3, "norm_value": -3},
    {**_EMISSIONS, "quote": "化学需氧量、氨氮排放量要下降2%", "value": -2, "norm_value": -2},
]


def test_two_records_of_one_source_are_never_one_entry() -> None:
    # Before #12 the two made one entry with a conflict.
    text = corpus_file("national_china_2019_gwr.txt").read_text(encoding="utf-8")
    records = UNSPLIT_LISTS
    entries = build_entries(mentions(pledges_in(text, "national_china_2019_gwr.txt", records), 1, year=2019))
    assert [e.first.pledge.value for e in entries] == [-3, -2]
    assert not any(e.conflicts for e in entries)
    assert len({e.key for e in entries}) == 2


def test_one_sources_year_and_period_targets_of_the_same_words_are_two_entries() -> None:
    # national_china_2021_gwr.txt line 99's words under the 十四五 part and again under the year's plan:
    # two pledges (2021, 2025), never one entry with a moved deadline.
    text = (
        "二、“十三五”时期发展成就和“十四五”时期主要目标任务\n城镇调查失业率控制在5.5%以内。\n"
        "三、2021年重点工作\n城镇调查失业率控制在5.5%以内。\n"
    )
    pledges = extract(text, "r.txt", 2021).pledges
    entries = build_entries(mentions(pledges, 1, year=2021))
    assert sorted(e.first.pledge.deadline for e in entries) == [2021, 2025]
    assert not any(e.conflicts for e in entries)


def test_a_reprint_joins_the_record_it_repeats_when_its_source_has_two_in_one_key() -> None:
    text = corpus_file("national_china_2019_gwr.txt").read_text(encoding="utf-8")
    records = UNSPLIT_LISTS
    reprint = "来源：人民网\n" + text
    both = mentions(pledges_in(text, "a.txt", records), 1, year=2019)
    both += mentions(pledges_in(reprint, "b.txt", records[1:]), 2, year=2019)
    entries = build_entries(both)
    assert [(e.first.pledge.value, e.sources) for e in entries] == [(-3, ["a.txt"]), (-2, ["a.txt", "b.txt"])]


def test_an_annual_target_joins_the_same_figure_moved_from_another_report() -> None:
    # 2013's report aims at 282亿元 for 2015; 2014's aims at it for 2014, its own year: a moved deadline
    # joins them. A commitment is looked at whole once one of its groups is not an annual target.
    [entry] = build_entries(hailar_gdp(1, 2013, 2015) + hailar_gdp(2, 2014, 2014))
    assert entry.conflicts == ["期限不一致 deadlines differ: 2015 (district_hailar_2013_gwr.txt) / 2014 (district_hailar_2014_gwr.txt)"]


def hailar_gdp(order: int, year: int, deadline: int):
    """海拉尔区's year's report aiming at 地区生产总值 282亿元 for ``deadline``, as a mention ``order``."""
    name = f"district_hailar_{year}_gwr.txt"
    quote = "达到282亿元"
    start = corpus_file(name).read_text(encoding="utf-8").find(quote)
    pledge = Pledge(
        source=name, start=start, end=start + len(quote), quote=quote, metric="地区生产总值", kind="level",
        comparator=">=", value=282, unit="亿元", norm_value=2.82e10, norm_unit="CNY", actor="海拉尔区", deadline=deadline,
    )  # fmt: skip
    return mentions([pledge], order, year=year)
