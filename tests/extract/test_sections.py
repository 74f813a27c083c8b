"""Review and plan parts of a work report, and a plan heading's default deadline."""

from __future__ import annotations

from taizhang.extract import extract
from taizhang.extract.sections import NOTES, PLAN, REVIEW, UNKNOWN, find_sections

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


def test_modes() -> None:
    sections = find_sections(REPORT, 2025)
    assert sections.modes == [REVIEW, REVIEW, PLAN, PLAN, UNKNOWN, NOTES]
    assert sections.horizons[2].deadline == 2025
    assert sections.horizons[3].deadline == 2025  # a sub-heading keeps its part's year


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
