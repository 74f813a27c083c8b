"""Matching outcomes to what an entry asks: place, indicator, period, kind and unit; which outcome the
status rests on (a person's, then final, then unstated, then preliminary); conflicts and rejections."""

from __future__ import annotations

from dataclasses import replace

from taizhang.ledger.matching import (
    AGREES,
    CHOSEN,
    CONFLICT,
    INCOMPARABLE,
    OUTRANKED,
    REJECTED,
    Candidate,
    Index,
    Wanted,
    match,
)

GDP_2016 = Wanted("150702", "gdp", "growth", "%", 2016, 2016)  # 海拉尔区's 2016 target, set in its 2016 report


def outcome(ref: str, value: float, *, first: int = 2016, last: int = 2016, kind: str | None = "growth",
            unit: str = "%", basis: str | None = None, source: str = "district_hailar_2017_gwr.txt", order: int = 2,
            person: bool = False, place: str = "150702", metric: str = "gdp") -> Candidate:  # fmt: skip
    return Candidate(
        ref=ref, by_person=person, place_key=place, metric_key=metric, metric="地区生产总值", actor="海拉尔区",
        kind=None if person else kind, value=value, unit=unit, norm_value=value, norm_unit=unit, first_year=first,
        last_year=last, source=source, order=order, basis=basis,
    )  # fmt: skip


def states(wanted: Wanted, *candidates: Candidate, **options) -> list[tuple[str, str]]:
    return [(c.candidate.ref, c.state) for c in match(wanted, Index(candidates), **options).considered]


def test_the_same_place_indicator_year_kind_and_unit() -> None:
    assert states(GDP_2016, outcome("t1", 7.2)) == [("t1", CHOSEN)]
    assert states(GDP_2016, outcome("t1", 7.2, place="150703")) == []  # another district
    assert states(GDP_2016, outcome("t1", 7.2, metric="retail_sales")) == []
    assert states(GDP_2016, outcome("t1", 7.2, first=2015, last=2015)) == []  # the year before
    # the same result as a level: evidence, not an answer
    assert states(GDP_2016, outcome("t1", 3.036e10, kind="level", unit="CNY")) == [("t1", INCOMPARABLE)]


def test_periods_of_targets_set_for_several_years() -> None:
    five_years = Wanted("000000", "gdp", "annual_growth", "%", 2020, 2016)  # "十三五"期间年均增长6.5%以上
    assert states(five_years, outcome("t1", 6.6, first=2016, last=2020, kind="annual_growth", place="000000")) == [("t1", CHOSEN)]
    doubling = Wanted("000000", "gdp", "growth", "%", 2020, 2011)  # 到2020年…比2010年翻一番
    assert states(doubling, outcome("t1", 2.3, first=2020, last=2020, place="000000")) == []  # one year's growth is no doubling
    level = Wanted("000000", "gdp", "level", "CNY", 2020, 2016)  # 到2020年…突破100万亿元
    assert states(level, outcome("t1", 1.016e14, first=2020, last=2020, kind="level", unit="CNY", place="000000")) == [("t1", CHOSEN)]
    this_year = Wanted("000000", "new_urban_jobs", "level", "人", 2025, 2025)  # 城镇新增就业1200万人以上
    cumulative = outcome("t1", 6e7, first=2021, last=2025, kind="level", unit="人", place="000000", metric="new_urban_jobs")
    assert states(this_year, cumulative) == []  # five years' jobs do not answer one year's target
    # a target adding up a flow over its years (实现城镇新增就业5000万人以上, "十三五"): that period's figure
    five_years = Wanted("000000", "new_urban_jobs", "level", "人", 2020, 2016, "城镇新增就业 实现城镇新增就业5000万人以上")
    last_year = outcome("t2", 1.186e7, first=2020, last=2020, kind="level", unit="人", place="000000", metric="new_urban_jobs")
    period = outcome("t3", 6e7, first=2016, last=2020, kind="level", unit="人", place="000000", metric="new_urban_jobs")
    assert states(five_years, last_year, period) == [("t3", CHOSEN)]
    stock = Wanted("000000", "new_urban_jobs", "level", "人", 2020, 2016, "农业转移人口 1亿左右农业转移人口")
    assert states(stock, last_year, period) == [("t2", CHOSEN)]  # the figure where its years end
    assert states(stock, period) == [("t3", CHOSEN)]  # …or, with none, the one there is


def test_a_wording_too_short_to_name_one_measure_matches_nothing() -> None:
    investment = Wanted("150702", "投资", "level", "CNY", 2017, 2017)  # 投资6.6亿元 for one project
    assert states(investment, outcome("t1", 9.007e9, first=2017, last=2017, kind="level", unit="CNY", metric="投资")) == []
    from taizhang.ledger.metrics import metric_key

    assert metric_key("失业人员再就业") == metric_key("再就业")  # a scope word changes no measure


def test_a_wording_that_ends_the_other_answers_when_no_outcome_has_its_key() -> None:
    wanted = Wanted("150702", "实现再就业", "level", "人", 2014, 2014)  # 城镇失业人员实现再就业2000人
    reemployed = outcome("t1", 1687, first=2014, last=2014, kind="level", unit="人", metric="再就业")
    assert states(wanted, reemployed) == [("t1", CHOSEN)]
    elsewhere = outcome("t2", 1700, first=2014, last=2014, kind="level", unit="人", metric="再就业培训")
    assert states(wanted, elsewhere) == []  # 再就业培训 ends in neither
    # …but not when the longer names a narrower thing: 完成9.2公里的城区供水主管网改造 is no share of
    # 全年完成管网改造38.6公里, all pipe of every kind
    mains = Wanted("150702", "城区供水主管网改造", "level", "m", 2017, 2017)
    all_pipe = outcome("t3", 38600, first=2017, last=2017, kind="level", unit="m", metric="管网改造")
    assert states(mains, all_pipe) == []
    # 年内力争建成水冲式公厕30座 / 26座水冲式公共厕所: the abbreviation spelled out, 建成 only says what was done
    from taizhang.ledger.metrics import metric_key

    toilets = Wanted("150702", metric_key("建成水冲式公厕"), "level", "座", 2018, 2018)
    built = outcome("t4", 26, first=2018, last=2018, kind="level", unit="座", metric=metric_key("水冲式公共厕所"))
    assert states(toilets, built) == [("t4", CHOSEN)]


def test_a_persons_outcome_comes_first_then_final_then_unstated_then_preliminary() -> None:
    preliminary = outcome("t1", 6.9, basis="preliminary", source="communique.txt", order=1)
    unstated = outcome("t2", 7.2, order=2)
    final = outcome("t3", 7.0, basis="final", source="verification.txt", order=3)
    assert states(GDP_2016, preliminary, unstated) == [("t2", CHOSEN), ("t1", OUTRANKED)]
    assert states(GDP_2016, preliminary, unstated, final) == [("t3", CHOSEN), ("t2", OUTRANKED), ("t1", OUTRANKED)]
    person = outcome("p1", 7.1, person=True, order=1)
    later = outcome("p2", 7.15, person=True, order=2)
    assert states(GDP_2016, final, person, later) == [("p2", CHOSEN), ("p1", OUTRANKED), ("t3", OUTRANKED)]


def test_two_texts_that_disagree_are_a_conflict_and_those_that_agree_agree() -> None:
    report = outcome("t1", 7.2, order=2)
    communique = outcome("t2", 7.0, source="communique.txt", order=3)
    reprint = outcome("t3", 7.2, source="reprint.txt", order=4)
    matched = match(GDP_2016, Index([report, communique, reprint]))
    assert [(c.candidate.ref, c.state) for c in matched.considered] == [("t1", CHOSEN), ("t2", CONFLICT), ("t3", AGREES)]
    assert [c.ref for c in matched.judged] == ["t1", "t2"]
    assert matched.conflict == "结果不一致 outcomes differ: 7.2% (district_hailar_2017_gwr.txt) / 7% (communique.txt)"
    assert match(GDP_2016, Index([report, reprint])).conflict is None


def test_a_persons_rejection_keeps_the_evidence_and_an_attachment_comes_first() -> None:
    wrong, right = outcome("t1", 3.5), outcome("t2", 7.2, order=3)
    said = {"t1": "人工否决 rejected by 王芳"}
    assert states(GDP_2016, wrong, right, rejected=lambda c: said.get(c.ref)) == [("t2", CHOSEN), ("t1", REJECTED)]
    elsewhere = replace(outcome("t9", 7.3), metric_key="gdp_per_capita")  # matching would never pick it
    assert states(GDP_2016, wrong, right, attached=[(elsewhere, "人工指定 attached")]) == [
        ("t9", CHOSEN), ("t1", OUTRANKED), ("t2", OUTRANKED),
    ]  # fmt: skip


def test_without_a_deadline_the_latest_year_answers() -> None:
    open_ended = Wanted("150702", "gdp", "growth", "%", None, 2016)
    assert states(open_ended, outcome("t1", 7.2), outcome("t2", 6.0, first=2017, last=2017)) == [("t2", CHOSEN)]
