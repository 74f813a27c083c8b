"""Metric keys: wordings of one measure meet; others keep their own wording."""

from __future__ import annotations

import pytest

from taizhang.ledger.metrics import broad_head, indicators, metric_key


@pytest.mark.parametrize(
    ("metric", "key"),
    [
        ("地区生产总值", "gdp"),
        ("全区生产总值", "gdp"),
        ("国内生产总值", "gdp"),
        ("GDP", "gdp"),
        ("全省生产总值", "gdp"),
        ("城镇新增就业", "new_urban_jobs"),
        ("新增城镇就业", "new_urban_jobs"),
        ("区级一般公共预算收入", "budget_revenue"),
        ("地方一般公共预算收入", "budget_revenue"),
        ("居民消费价格指数涨幅", "cpi"),
        ("单位国内生产总值能耗", "energy_intensity"),
        ("粮食总产", "grain_output"),
        ("海洋生产总值", "海洋生产总值"),  # a different measure: not GDP
        ("“三公”经费", "三公经费"),
        ("全区高新技术企业", "高新技术企业"),
        ("水冲式公厕", "水冲式公共厕所"),  # an abbreviation spelled out
        ("棚改配套道路", "棚户区改造配套道路"),
        ("规上工业增加值", "industrial_value_added"),
    ],
)
def test_metric_keys(metric: str, key: str) -> None:
    assert metric_key(metric) == key


def test_headline_indicators_cover_the_standard_targets() -> None:
    keys = {i.key for i in indicators(headline_only=True)}
    assert {"gdp", "cpi", "surveyed_unemployment", "new_urban_jobs", "grain_output", "energy_intensity",
            "budget_revenue", "deficit_ratio", "income", "balance_of_payments"} <= keys  # fmt: skip


# What a longer wording adds in front of one that ends it (the 9 pairs a ledger of ../shared/corpus
# met, and their kin): only heads that name no narrower thing let one answer the other.
@pytest.mark.parametrize(
    ("longer", "shorter", "broad"),
    [
        ("实施棚户区改造", "棚户区改造", True),  # what was done
        ("实施了中心城区", "中心城区", True),
        ("实现再就业", "再就业", True),  # 城镇失业人员实现再就业 (key 实现再就业)
        ("建成水冲式公共厕所", "水冲式公共厕所", True),
        ("和困难人员再就业", "再就业", True),  # 下岗失业人员和困难人员再就业: more people counted
        ("城区供水主管网改造", "管网改造", False),  # a narrower network than all pipe
        ("老旧小区既有建筑节能改造", "既有建筑节能改造", False),
        ("旅游接待床位", "接待床位", False),
        ("建设办建成蔬菜大棚", "建成蔬菜大棚", False),  # a sub-district's share
        ("城区人口", "人口", False),  # a place inside the actor narrows
        ("困难人员再就业", "再就业", False),  # the hard-to-employ alone are fewer
    ],
)
def test_a_head_that_names_no_narrower_thing(longer: str, shorter: str, broad: bool) -> None:
    assert longer.endswith(shorter)
    assert broad_head(longer[: len(longer) - len(shorter)]) is broad
