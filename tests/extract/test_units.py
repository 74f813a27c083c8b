"""Units: every rule-file unit normalises, and the spec's examples hold."""

from __future__ import annotations

import pytest

from taizhang.extract import extract, rules


@pytest.mark.parametrize(
    ("phrase", "unit", "norm_value", "norm_unit"),
    [
        ("投入550亿元", "亿元", 55_000_000_000, "CNY"),
        ("投入4.06万亿元", "万亿元", 4_060_000_000_000, "CNY"),
        ("达到1000亿美元", "亿美元", 100_000_000_000, "USD"),
        ("新建8万平方米", "万平方米", 80_000, "m2"),
        ("新增3平方公里", "平方公里", 3_000_000, "m2"),
        ("新增1000亩", "亩", 666_667, "m2"),
        ("新增10公顷", "公顷", 100_000, "m2"),
        ("新建100公里", "公里", 100_000, "m"),
        ("达到20万吨", "万吨", 200_000_000, "kg"),
        ("达到1300亿斤", "亿斤", 65_000_000_000, "kg"),
        ("新增200万千瓦", "万千瓦", 2_000_000_000, "W"),
        ("节约5亿千瓦时", "亿千瓦时", 500_000_000_000, "Wh"),
        ("新增就业7万人", "万人", 70_000, "人"),
        ("培训40万人次", "万人次", 400_000, "人次"),
        ("改造1.5万户", "万户", 15_000, "户"),
        ("市场主体达到48万家", "万家", 480_000, "家"),
        ("建成15所", "所", 15, "所"),
        ("抽检300批次", "批次", 300, "批次"),
        ("提高1个百分点", "个百分点", 1, "pp"),
        ("达到三成", "成", 30, "%"),
    ],
)
def test_norm(phrase: str, unit: str, norm_value: float, norm_unit: str) -> None:
    (pledge,) = extract(f"今年{phrase}。", "t.txt", 2024).pledges
    assert (pledge.unit, pledge.norm_unit) == (unit, norm_unit)
    assert pledge.norm_value == pytest.approx(norm_value, rel=1e-6)


def test_rule_files_validate() -> None:
    assert rules.units()["元"].norm == "CNY"
    assert rules.multipliers()["万亿"] == 1e12
    for word, unit in rules.units().items():
        assert unit.factor > 0, word
