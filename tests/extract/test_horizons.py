"""Horizons → deadlines, and the document's year."""

from __future__ import annotations

import pytest

from taizhang.extract import document_year
from taizhang.extract.horizons import find_horizons, parse_year


@pytest.mark.parametrize(
    ("phrase", "year", "deadline", "words"),
    [
        ("到2026年，", 2022, 2026, "到2026年"),
        ("2025年前完成", 2022, 2025, "2025年前"),
        ("年内完成", 2022, 2022, "年内"),
        ("今年重点推进", 2022, 2022, "今年"),
        ("全年新增", 2019, 2019, "全年"),
        ("明年实现", 2022, 2023, "明年"),
        ("未来5年，", 2022, 2027, "未来5年"),
        ("未来三年，", 2022, 2025, "未来三年"),
        # five years from a five-year plan's first year are its period (#12): the 2016 report's
        # 今后五年 is "十三五" (2016–2020), as is its "十三五"时期; from another year, year + 5
        ("今后五年，", 2016, 2020, "今后五年"),
        ("今后五年，", 2023, 2028, "今后五年"),
        ("未来5年，", 2026, 2030, "未来5年"),
        ("三年内建成", 2020, 2023, "三年内"),
        ("“十四五”时期", 2021, 2025, "“十四五”时期"),
        ("十五五末", 2026, 2030, "十五五末"),
        ("到2035年基本实现", 2022, 2035, "到2035年"),
        ("到本世纪中叶，", 2017, 2050, "到本世纪中叶"),
        ("到二〇三五年", 2021, 2035, "到二〇三五年"),
        ("确保到二0二0年", 2012, 2020, "到二0二0年"),
        ("于1 9 9 8 年", 1998, 1998, "于1 9 9 8 年"),
        ("完成2019年度投资", 2019, 2019, "2019年度"),
        ("今年", None, None, "今年"),
    ],
)
def test_horizon(phrase: str, year: int | None, deadline: int | None, words: str) -> None:
    found = find_horizons(phrase, year)
    assert [(h.deadline, h.words) for h in found] == [(deadline, words)]


@pytest.mark.parametrize(
    "phrase",
    [
        "比2020年增长1倍", "在2020年基础上翻一番", "与2019年相比", "12026年", "三年攻坚行动", "0年", "建党100年", "五年来",
        # a year looked towards is no deadline (#12): 展望2035年, 面向2035年 (四川 2025), 2035年远景目标
        "展望2035年", "以县为单元编制面向2035年基本实现现代化公共服务发展规划", "锚定2035年远景目标",
    ],
)  # fmt: skip
def test_not_a_horizon(phrase: str) -> None:
    assert find_horizons(phrase, 2022) == []


@pytest.mark.parametrize(
    ("span", "year"), [("2026", 2026), ("2 0 2 6", 2026), ("二〇二六", 2026), ("二0二0", 2020), ("１９９８", 1998), ("3000", None)]
)
def test_parse_year(span: str, year: int | None) -> None:
    assert parse_year(span) == year


@pytest.mark.parametrize(
    ("text", "title", "date", "year"),
    [
        ("政府工作报告\n——2024年3月5日在第十四届全国人民代表大会第二次会议上\n", None, None, 2024),
        ("2022年6月1日，省第十二次党代会开幕。", None, None, 2022),
        ("各位代表：", "2026年山东省政府工作报告", None, 2026),
        ("各位代表：", None, "2019-03-05", 2019),
        ("各位代表：", None, "2019", 2019),
        ("本届政府从1 9 9 3 年3 月就职。\n一、关于过去五年的政府工作\n二、关于1 9 9 8 年政府工作的建议\n", None, None, 1998),
        ("各位代表：\n一、2018年工作回顾\n", None, None, 2019),
        ("担当实干奋勇争先，以优异成绩迎接党的二十大胜利召开。", None, None, 2022),
        ("以优异成绩迎接党的十九大召开", None, None, 2017),
        ("深入学习贯彻党的二十大精神", None, None, None),
        # A plan part opening with its year (the 2013 report has no date line); a review's is the
        # year reviewed.
        ("一、过去五年工作回顾\n2012年是很不平凡的一年。\n二、对今年工作的建议\n　　2013年是全面贯彻落实党的十八大精神的开局之年。", None, None, 2013),
        ("一、过去一年工作回顾\n2015年是“十二五”收官之年。", None, None, None),
        # A congress report names its own congress in its first lines (the CPC-18 report has no date).
        ("同志们：\n现在，我代表第十七届中央委员会向大会作报告。\n中国共产党第十八次全国代表大会，是在…召开的一次十分重要的大会。", None, None, 2012),
        ("各位代表：\n" + "过去一年，我们做了大量工作。" * 60 + "党的第十八次全国代表大会提出…", None, None, None),
        ("各位代表：现在，我代表国务院向大会报告。", None, None, None),
    ],
)
def test_document_year(text: str, title: str | None, date: str | None, year: int | None) -> None:
    assert document_year(text, title=title, date=date) == year
