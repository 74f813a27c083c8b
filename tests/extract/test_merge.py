"""A pledge stated twice in one source is one record with mentions; distinct ones stay apart."""

from __future__ import annotations

from taizhang.extract import extract


def test_repeated_pledge_is_one_record() -> None:
    text = "到2026年，全区生产总值突破1500亿元。\n\n再次强调，到2026年，生产总值突破1500亿元。"
    (pledge,) = extract(text, "t.txt", 2022).pledges
    assert pledge.quote == "全区生产总值突破1500亿元"
    assert [text[s:e] for s, e in pledge.mentions] == ["生产总值突破1500亿元"]


def test_same_value_other_metric_stays_apart() -> None:
    text = "今年地区生产总值增长5%左右，社会消费品零售总额增长5%左右。"
    pledges = extract(text, "t.txt", 2025).pledges
    assert [p.metric for p in pledges] == ["地区生产总值", "社会消费品零售总额"]


def test_distributed_records_share_a_span_and_stay_apart() -> None:
    text = "城镇常住居民人均可支配收入、农村常住居民人均可支配收入均增长8%。"
    pledges = extract(text, "t.txt", 2016).pledges
    assert len(pledges) == 2
    assert pledges[0].mentions == pledges[1].mentions == []


def test_other_deadline_stays_apart() -> None:
    text = "今年新增就业7万人。\n到2026年，新增就业7万人。"
    assert [p.deadline for p in extract(text, "t.txt", 2022).pledges] == [2022, 2026]


def test_a_bond_and_a_longer_named_bond_of_one_amount_stay_apart() -> None:
    # national_china_2025_ndrc-plan-report.md lines 185 and 205: 超长期 says which bond it is
    text = (
        "拟发行特别国债5000亿元，支持国有大型商业银行补充资本。\n"
        "安排超长期特别国债5000亿元支持大规模设备更新和消费品以旧换新。\n"
    )
    pledges = extract(text, "t.txt", 2025).pledges
    assert [p.metric for p in pledges] == ["特别国债", "超长期特别国债"]
