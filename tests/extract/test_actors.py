"""Who owns a pledge: reporting governments, speaker headers, inline speakers, region mentions."""

from __future__ import annotations

import pytest

from taizhang.extract import extract
from taizhang.extract.actors import report_owner


@pytest.mark.parametrize(
    ("head", "title", "actor"),
    [
        ("各位代表：\n现在，我代表国务院，向大会报告政府工作。", None, "全国"),
        ("政府工作报告\n——2023年3月5日在第十四届全国人民代表大会第一次会议上\n", None, "全国"),
        ("各位代表：", "2026年山东省政府工作报告", "山东省"),
        ("2025年山东省政府工作报告\n2025年1月20日在山东省第十四届人民代表大会第三次会议上", None, "山东省"),
        ("政 府 工 作 报 告\n----2012年2月29日在海拉尔区第十三届人民代表大会第六次会议上", None, "海拉尔区"),
        ("牢记嘱托走在前 勇担使命开新局", None, None),
        # a title's year, however written, is no part of the place (#11: not 年某区)
        ("各位代表：", "2025年某区政府工作报告", "某区"),
        ("各位代表：", "二〇二五年某区政府工作报告", "某区"),
        ("各位代表：", "2019年度海拉尔区人民政府工作报告", "海拉尔区"),
    ],
)
def test_report_owner(head: str, title: str | None, actor: str | None) -> None:
    assert report_owner(head, title)[0] == actor


@pytest.mark.parametrize(
    ("head", "official"),
    [
        ("第十四届全国人民代表大会第二次会议听取和审议了国务院总理李强所作的\n政府工作报告", "李强"),
        ("——2025年1月15日在广东省第十四届人民代表大会第三次会议上\n广东省省长 王伟中\u3000\n各位代表：", "王伟中"),
        ("2025年1月14日在浙江省第十四届人民代表大会第三次会议上浙江省代省长刘捷作政府工作报告", "刘捷"),
    ],
)
def test_report_official(head: str, official: str) -> None:
    assert report_owner(head, None)[1] == official


@pytest.mark.parametrize(
    ("text", "actor", "official"),
    [
        ("2025年1月20日在山东省第十四届人民代表大会第三次会议上山东省省长周乃翔作政府工作报告\n今年城镇新增就业110万人以上。", "山东省", "周乃翔"),
    ],
)
def test_report_pledge_owner(text: str, actor: str, official: str) -> None:
    (pledge,) = extract(text, "t.txt").pledges
    assert (pledge.actor, pledge.official) == (actor, official)


NEWS = """省党代表、崂山区委书记张元升:
实干担当,打造高质量发展“示范窗口”

到2026年高新技术企业突破800家、专精特新企业达到500家、独角兽企业

省党代表、平度市委书记谢兆村:
抢抓机遇,全力打造综合性节点城市

到2026年,GDP突破1200亿元。

达到13家。实施“汇智崂山”十大人才工程。

聚焦民生,张友玉表示,李沧区统筹推进17件区办实事。

省党代表、李沧区委书记张友玉表示,当前,李沧区正全面扛起职责使命。
"""


@pytest.mark.parametrize(
    ("quote", "actor", "official", "deadline"),
    [
        ("高新技术企业突破800家", "崂山区", "张元升", 2026),
        ("GDP突破1200亿元", "平度市", "谢兆村", 2026),
        # under 谢兆村's header, but it names 崂山 and continues 张元升's cut-off fragment
        ("达到13家", "崂山区", "张元升", 2026),
        # names a speaker introduced later in the text
        ("17件区办实事", "李沧区", "张友玉", None),
    ],
)
def test_speakers(quote: str, actor: str, official: str, deadline: int | None) -> None:
    pledges = extract(NEWS, "news.txt", 2022).pledges
    (pledge,) = [p for p in pledges if quote in p.quote]
    assert (pledge.actor, pledge.official, pledge.deadline) == (actor, official, deadline)


def test_continuation_takes_fragment_metric() -> None:
    (pledge,) = [p for p in extract(NEWS, "news.txt", 2022).pledges if p.quote == "达到13家"]
    assert pledge.metric == "独角兽企业"


def test_subject_region_owns_pledges_of_unattributed_text() -> None:
    text = (
        "发展千亩产业园区必须有规模空间支撑。城阳区顺势而为，今年计划拆迁608万平方米。\n"
        "全市将继续推进，今年新建5所学校。\n"
        "莱西市将大力发展职业教育，计划年内再引入1-2所职业院校。\n"
    )
    pledges = extract(text, "news.txt", 2022).pledges
    assert [(p.quote, p.actor, p.official) for p in pledges] == [
        ("今年计划拆迁608万平方米", "城阳区", None),
        ("今年新建5所学校", "城阳区", None),  # 全市 is no place name: the last one named holds
        ("计划年内再引入1-2所职业院校", "莱西市", None),
    ]
