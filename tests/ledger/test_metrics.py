"""Metric keys: wordings of one measure meet; others keep their own wording."""

from __future__ import annotations

import pytest

from taizhang.ledger.metrics import indicators, metric_key


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
    ],
)
def test_metric_keys(metric: str, key: str) -> None:
    assert metric_key(metric) == key


def test_headline_indicators_cover_the_standard_targets() -> None:
    keys = {i.key for i in indicators(headline_only=True)}
    assert {"gdp", "cpi", "surveyed_unemployment", "new_urban_jobs", "grain_output", "energy_intensity",
            "budget_revenue", "deficit_ratio", "income", "balance_of_payments"} <= keys  # fmt: skip
