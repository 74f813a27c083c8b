"""The parts of repair on small phrasings: tables of input → expected, one per behaviour."""

from __future__ import annotations

import json

import pytest
import yaml

from taizhang.repair import find_reprints, ngram_model, ngrams, render, repair
from taizhang.repair import rules as rules_module
from taizhang.repair.fragments import _clear_best, is_orphan_tail, overlap, reads_on, score
from taizhang.repair.rules import load
from taizhang.repair.text import _pos_tokenizer, _tokenizer, normalise, paragraphs, tagged

RULES = load("zh")


@pytest.mark.parametrize(("a", "b"), [
    ("省党代表、市北区委书记高健:", "省党代表,市北区委书记高健："),
    ("ＧＤＰ突破１２００亿元。", "GDP突破1200亿元"),
    ("\u200b 一段 话 ", "一段话"),
])  # fmt: skip
def test_normalise_folds_width_punctuation_and_space(a, b):
    assert normalise(a) == normalise(b)


def test_paragraphs_are_non_empty_lines_with_spans():
    text = "  第一段。\n\n\u3000第二段。\r\n\u200b\n"
    paras = paragraphs(text)
    assert [p.text for p in paras] == ["第一段。", "第二段。"]
    assert all(text[p.start : p.end] == p.text for p in paras)


@pytest.mark.parametrize(("head", "tail", "joins"), [
    ("高标准建设中日(青岛)地方发", "展合作示范区、国家进口贸易促进创新示范区。", True),
    ("专精特新企业达到500家、独角兽企业", "达到13家。实施“汇智崂山”十大人才工程。", True),
    ("区级一般公共预算收入突破3", "00亿元,分别增长50%。", True),
    ("纵深推进城市更新和城市建设攻坚行", "经济,加快建设先进制造业集聚区。", False),
    ("高标准建设中日(青岛)地方发", "达到13家。实施“汇智崂山”十大人才工程。", False),
    ("市南区将围绕建", "树牢“工业立市强市”理念,狠抓实体经济和招商引资。", False),
    ("专精特新企业达到500家、独角兽企业", "坚持以党建引领转作风、强基础。", False),
])  # fmt: skip
def test_join_needs_evidence_across_the_break(head, tail, joins):
    assert (score(head, tail, RULES)[0] > 0) is joins


@pytest.mark.parametrize(("head", "tail", "joins"), [
    # cuts between words, no dictionary word across them (from the corpus the table is built on)
    ("近年来，我们持续推进网络提速降费", "，发展“互联网+”。", True),
    ("抓好石家庄都市", "圈规划建设。实施新一轮城市更新行动。", True),
    ("农村牧区常住居民人均可支配收入达到28541元，", "同比增长10.4%；", True),
    # the seed's false break, and tails that open paragraphs of their own
    ("纵深推进城市更新和城市建设攻坚行", "经济,加快建设先进制造业集聚区。", False),
    ("近年来，我们持续推进网络提速降费", "坚持以党建引领转作风、强基础。", False),
    ("近年来，我们持续推进网络提速降费", "各位代表！", False),
    ("习\u3000近\u3000平", "，全面总结党的百年奋斗重大成就。", False),  # too little before the cut
])  # fmt: skip
def test_a_cut_between_words_reads_on(head, tail, joins):
    model = ngram_model.Model([ngrams.background("zh"), ngrams.count([head, tail])])
    assert (reads_on(head, tail, RULES, model) >= RULES.text["join_min_reading"]) is joins


def test_the_tail_that_reads_on_is_joined_past_one_that_does_not():
    text = "过去一年，经济运行总体平稳。\n近年来，我们持续推进网络提速降费\n坚持以党建引领转作风、强基础。\n，发展“互联网+”。\n"
    result = repair(text)
    assert [(c.kind, c.paragraphs) for c in result.changes] == [("join_fragment", (1, 3))]
    assert "提速降费，发展" in result.repaired_text


@pytest.mark.parametrize(("short_line", "is_head"), [
    ("各位代表，当前我区正处", True),  # clauses before the end: a sentence cut short
    ("让奉献成为价值、让优秀成为行为", True),
    ("来源：河北日报", False),  # a by-line, whose colon a heading may hold too
    ("扎实推进乡村全面振兴", False),  # one phrase: a heading
])  # fmt: skip
def test_a_short_line_with_clauses_before_its_end_is_a_cut_head_not_a_heading(short_line, is_head):
    text = f"过去一年，经济运行总体平稳。\n{short_line}\n坚持稳中求进工作总基调。\n"
    kinds = {p.kind for p in repair(text).problems}
    assert ("truncated" in kinds) is is_head


@pytest.mark.parametrize(("readings", "joins"), [
    ({(1, 3): 3.0, (1, 5): -2.0}, [(1, 3)]),  # weak reading, but no other tail comes close
    ({(1, 3): 3.0, (1, 5): 0.5}, []),  # two tails read on about as well
    ({(1, 3): 3.0, (2, 3): -1.5}, [(1, 3)]),  # the tail reads on from one head far better
    ({(1, 3): 5.0, (2, 3): 4.0}, []),  # one tail, two heads it reads on from about as well
    ({(1, 3): 0.5}, []),  # too weak even alone
    ({(1, 3): 3.0, (1, 5): -2.0, (2, 5): 4.0, (2, 3): -3.0}, [(1, 3), (2, 5)]),
])  # fmt: skip
def test_leftover_heads_and_tails_join_only_as_each_others_clear_best(readings, joins):
    assert [(j.head, j.tail) for j in _clear_best(readings, RULES)] == joins


def test_a_head_followed_by_a_short_unpunctuated_line_is_not_joined_by_reading():
    """The cut runs on through that line (a link the page set on its own line), so a tail further
    down that reads on is no evidence: the head is reported, not joined."""
    text = "过去一年，经济运行总体平稳。\n近年来，我们持续推进网络提速降费\n宽带中国\n，发展“互联网+”。\n"
    result = repair(text)
    assert result.changes == []
    assert [(p.kind, p.paragraphs) for p in result.problems] == [("truncated", (1,)), ("orphan_tail", (3,))]


def test_the_tagger_tags_by_the_word_tags_jieba_read_once():
    import jieba.posseg

    tagger = _pos_tokenizer()
    assert tagger.word_tag_tab is jieba.posseg.dt.word_tag_tab  # not a second reading of them
    assert tagger.tokenizer is _tokenizer()  # repair's own dictionary, not jieba's global one
    assert tagged("加快建设先进制造业集聚区") == [
        ("加快", "v"), ("建设", "vn"), ("先进", "a"), ("制造业", "n"), ("集聚", "v"), ("区", "n"),
    ]  # fmt: skip


def test_ngram_table_round_trip():
    counts = ngrams.count(["推进网络提速降费。", "推进城市更新。"]).pruned(1)
    again = ngrams.read_table(ngrams.write_table(counts))
    assert (again.grams, again.opens, again.paragraphs) == (counts.grams, counts.opens, 2)


def test_counts_without_a_document():
    a, b = ngrams.count(["推进网络提速降费。"]), ngrams.count(["推进城市更新。"])
    both = ngrams.count(["推进网络提速降费。", "推进城市更新。"])
    held = both.without(b)
    assert (held.grams, held.opens, held.ends, held.paragraphs) == (a.grams, a.opens, a.ends, 1)


def test_a_model_without_counts_still_gives_probabilities():
    model = ngram_model.Model([ngrams.Counts()])
    assert model.reads_on("推进", "网络", 3) == 0.0


@pytest.mark.parametrize(("text", "orphan"), [
    ("经济,加快建设先进制造业集聚区。", True),
    ("、全面从严治党等重大问题作出决定和部署。", True),
    ("的职责使命,加快推进产业立区行动。", True),
    ("同时,加快建设先进制造业集聚区。", False),
    ("着力扩大有效投资。积极争取并用足用好专项债券。", False),
    ("科技、教育、文化工作的根本任务,是提高全民族素质。", False),
])  # fmt: skip
def test_orphan_tail(text, orphan):
    assert is_orphan_tail(text, RULES) is orphan


@pytest.mark.parametrize(("a", "b", "k"), [
    ("李沧区正全面扛起打造青岛新旧动能转换示范区的职责使命。",
     "全面扛起打造青岛新旧动能转换示范区的职责使命。“一是抓产业。”", 23),
    ("一段完整的话,到此为止。", "另一段完整的话,到此为止。", 0),
    ("重复的整段文字重复的整段文字。", "重复的整段文字重复的整段文字。", 0),  # a whole repeat is a duplicate
])  # fmt: skip
def test_overlap(a, b, k):
    assert overlap(a, b, 15) == k


@pytest.mark.parametrize(("line", "official", "region", "titles"), [
    ("省党代表、市委常委,西海岸新区工委书记、区委书记孙永红:", "孙永红", "西海岸新区",
     ["省党代表", "市委常委", "西海岸新区工委书记", "区委书记"]),
    ("省党代表,市委常委,胶州市委书记,上合示范区党委书记、管委会主任张新竹:", "张新竹", "胶州市",
     ["省党代表", "市委常委", "胶州市委书记", "上合示范区党委书记", "管委会主任"]),
    ("省党代表、市南区委书记王锋:", "王锋", "市南区", ["省党代表", "市南区委书记"]),
])  # fmt: skip
def test_header_line(line, official, region, titles):
    result = repair(line + "\n一段正文,讲的是发展。\n")
    section = next(s for s in result.sections if s.official)
    assert (section.official, section.region, section.titles) == (official, region, titles)
    assert section.header == 0


@pytest.mark.parametrize("line", [
    "各位代表:",
    "为实现上述目标,今年要突出抓好七方面工作:",
    "青岛各区(市)委书记纷纷表示,要把学习贯彻省党代会精神作为重要政治任务。",
])  # fmt: skip
def test_not_a_speaker(line):
    assert [s.official for s in repair(line).sections if s.official] == []


def test_speaker_named_only_in_text_gets_a_section():
    text = (
        "省党代表、市北区委书记高健:\n市北区将加快推进港产城融合发展,建设现代化国际城区。\n"
        "省党代表、李沧区委书记张友玉表示,李沧区正全面扛起打造新旧动能转换示范区的职责使命。\n"
    )
    result = repair(text)
    section = next(s for s in result.sections if s.official == "张友玉")
    assert (section.region, section.header, [u.first for u in section.paragraphs]) == ("李沧区", None, [2])


def test_paragraph_naming_another_speaker_moves_to_them():
    text = (
        "省党代表、崂山区委书记张元升:\n崂山区将打造虚拟现实产业链,推动创新企业集聚。\n"
        "省党代表、市北区委书记高健:\n市北区将推进城市更新,加快打造精美城区。\n"
        "坚持以党建引领转作风,打造基层基础建设“崂山样板”。\n"
    )
    result = repair(text)
    assert [(c.kind, c.paragraphs) for c in result.changes] == [("move", (4,))]
    assert result.section_of(4).official == "张元升"


@pytest.mark.parametrize(
    ("paragraph", "owner"),
    [
        # a place in a speaker's region (the gazetteer's 宁波 in 浙江省) is evidence for them
        ("支持宁波舟山港建设世界一流强港,打造国际航运中心。", "王建国"),
        # the level a paragraph calls its own, when only one speaker's region is of that level
        ("全区实施工业重点项目38个,工业固定资产投资完成93.1亿元。", "李明"),
        # 全区 inside 健全|区域 is no level word; two levels named at once say nothing
        ("健全区域碳排放预算管理和目标考核机制,严把新上项目碳排放关。", None),
        ("全省全区一盘棋,统筹推进重点项目建设。", None),
    ],
)
def test_a_paragraph_without_names_goes_by_places_in_a_region_or_its_level(paragraph, owner):
    text = (
        "省人大代表、浙江省委书记王建国:\n浙江将大力发展数字经济,推进共同富裕示范区建设。\n"
        "省人大代表、海拉尔区委书记李明:\n海拉尔区将加快城乡发展一体化,建设美丽海拉尔。\n"
        "省人大代表、四川省委书记张华:\n四川将推动成渝地区双城经济圈建设走深走实。\n"
        f"{paragraph}\n"
    )
    moves = [c for c in repair(text).changes if c.kind == "move"]
    assert [(c.paragraphs, c.values[1]) for c in moves] == ([((6,), owner)] if owner else [])
    assert all(c.detail.endswith(("names 宁波、舟山", "calls its region 全区")) for c in moves)  # says why


@pytest.mark.parametrize("paragraph", [
    # the cue words inside other words say nothing: 同比, 截至, 参与, 共同
    "同比增长8%的宁波经济总量达到1.8万亿元。",
    "截至年底宁波建成5G基站3万个。",
    "宁波积极参与长三角一体化,共同建设世界级港口群。",
    # 至 before a year is a time, not a trip: the place is the paragraph's subject
    "至2027年宁波港口货物吞吐量达到15亿吨,建成世界一流强港。",
])  # fmt: skip
def test_cue_words_inside_other_words_leave_a_place_its_weight(paragraph):
    text = (
        "代表热议省党代会报告\n省人大代表、浙江省委书记王建国:\n浙江将推进共同富裕示范区建设,全省生产总值年均增长6%以上。\n"
        "省人大代表、江苏省委书记李明:\n江苏将着力建设现代化产业体系,全省研发经费投入强度达到3.2%。\n"
        f"{paragraph}\n"
    )
    assert [(c.paragraphs, c.values[1]) for c in repair(text).changes if c.kind == "move"] == [((5,), "王建国")]


@pytest.mark.parametrize("paragraph", [
    # places of another speaker's region named in passing: learning from, partnering, travelling
    "我们将学习借鉴杭州、深圳等地经验,到2027年数字经济核心产业增加值占比达到15%。",
    "与上海、浙江携手推进长三角一体化,全省跨省通办事项达到200项。",
    "深化对口支援浙江丽水,年内援建项目投资10亿元。",
    "全省将开通至杭州的高铁,年内建成500公里高速公路。",
    "学习温州经验,全省新增民营企业1万家。",
])  # fmt: skip
def test_a_place_named_in_passing_is_no_sign_of_whose_a_paragraph_is(paragraph):
    text = (
        "代表热议省党代会报告\n省人大代表、浙江省委书记王建国:\n浙江将推进共同富裕示范区建设,全省生产总值年均增长6%以上。\n"
        "省人大代表、江苏省委书记李明:\n江苏将着力建设现代化产业体系,全省研发经费投入强度达到3.2%。\n"
        f"{paragraph}\n"
    )
    assert [c for c in repair(text).changes if c.kind == "move"] == []


@pytest.mark.parametrize("header", [
    "全国人大代表、青岛市崂山区委书记黄伟:",  # a chain: the district is the speaker's, not the province's
    "全国人大代表、山东省青岛市崂山区委书记黄伟:",
])  # fmt: skip
def test_the_most_specific_region_of_a_header_is_the_speakers_own(header):
    text = (
        "代表热议党代会报告\n全国人大代表、山东省委书记刘宁:\n山东将加快建设开放合作高地,地区生产总值增长5.5%左右。\n"
        f"{header}\n崂山区将打造总部经济集聚区,地区生产总值达到1200亿元。\n"
    )
    assert [c for c in repair(text).changes if c.kind == "move"] == []


def test_a_level_word_above_the_speaker_it_sits_under_is_no_sign():
    """A district secretary's 全市 is the city above the district, not the county-level city of
    another speaker (the seed's roundup has both)."""
    text = (
        "代表热议党代会报告\n省党代表、平度市委书记李军:\n平度将全力推进乡村振兴,粮食产量稳定在30亿斤以上。\n"
        "省党代表、崂山区委书记张元升:\n崂山区将打造高质量发展示范窗口,地区生产总值达到1000亿元。\n"
        "作为全市创新资源最密集的区域,要为全市高质量发展多作贡献,年内引进高层次人才500人。\n"
    )
    assert [c for c in repair(text).changes if c.kind == "move"] == []


@pytest.mark.parametrize(("run", "moved"), [
    # a paragraph with no sign between two of 崂山区's goes with them
    (["崂山区将打造虚拟现实产业链。", "坚持以党建引领转作风、强基础。", "崂山将实施汇智人才工程。"], [4, 5, 6]),
    # beside just one of them it may as well be 市北区's own: it stays
    (["崂山区将打造虚拟现实产业链。", "坚持以党建引领转作风、强基础。"], [4]),
])  # fmt: skip
def test_a_paragraph_with_no_sign_between_two_of_another_speakers_goes_with_them(run, moved):
    text = (
        "省党代表、崂山区委书记张元升:\n崂山区将推动创新企业集聚。\n"
        "省党代表、市北区委书记高健:\n市北区将推进城市更新,加快打造精美城区。\n"
        + "".join(f"{p}\n" for p in run)
        + "市北区将建设现代化国际城区。\n"
    )
    result = repair(text)
    assert [c.paragraphs[0] for c in result.changes if c.kind == "move"] == moved
    assert all(result.section_of(i).official == "张元升" for i in moved)


def test_a_paragraph_mentioning_its_own_and_another_region_stays():
    text = (
        "省党代表、崂山区委书记张元升:\n崂山区将打造虚拟现实产业链,推动创新企业集聚。\n"
        "省党代表、市北区委书记高健:\n市北区将与崂山区共建科创走廊,加快打造精美城区。\n"
    )
    assert repair(text).changes == []


def test_figures_stated_two_ways_are_a_conflict():
    para = "全区生产总值突破1500亿元,区级一般公共预算收入突破300亿元,分别增长50%,打造两条千亿级产业链。"
    result = repair(para + "\n" + para.replace("1500", "1600") + "\n")
    assert [c.kind for c in result.changes] == ["remove_near_duplicate"]
    conflict = next(p for p in result.problems if p.kind == "conflict")
    assert set(conflict.values) == {"1500", "1600"}


def test_short_stock_lines_may_repeat():
    text = "各位代表!\n今年的主要预期目标是经济增长百分之五左右。\n各位代表!\n"
    assert repair(text).changes == []


def test_to_original_maps_separators_to_the_paragraph_end():
    text = "第一段话讲的是发展。\n\n第二段话讲的是改革。"
    result = repair(text)
    assert result.repaired_text == "第一段话讲的是发展。\n第二段话讲的是改革。"
    assert result.to_original(10) == 10  # the separator: end of the first paragraph
    assert result.to_original(11) == text.index("第二段")
    assert result.to_original(len(result.repaired_text)) == len(text)
    with pytest.raises(IndexError):
        result.to_original(len(result.repaired_text) + 1)


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_render(fmt):
    text = "省党代表、崂山区委书记张元升:\n" + "崂山区将打造虚拟现实产业链,推动创新企业集聚发展。\n" * 2
    out = render(repair(text, "a.txt"), fmt)
    if fmt == "json":
        data = json.loads(out)
        assert data["changes"][0]["kind"] == "remove_duplicate"
        assert data["sections"][0]["official"] == "张元升"
    else:
        assert "张元升" in out and "remove_duplicate" in out
        assert ("## " in out) is (fmt == "markdown")


def test_render_rejects_unknown_format():
    with pytest.raises(ValueError, match="unknown format"):
        render(repair(""), "html")


def test_find_reprints_groups_the_same_article():
    article = "".join(f"第{i}条,全区生产总值突破{i * 100}亿元,新增就业{i}万人,打造千亿级产业链。" for i in range(1, 30))
    other = "".join(f"第{i}项,推进城市更新行动,改造老旧小区{i * 7}个,新建公园{i}座。" for i in range(1, 30))
    groups = find_reprints({"a": article, "b": "来源:青岛日报\n" + article, "c": other, "d": other + "完"})
    assert sorted(sorted(g) for g in groups) == [["a", "b"], ["c", "d"]]


def test_rules_schema_rejects_a_typo(tmp_path, monkeypatch):
    for path in (rules_module.RULES_DIR / "zh").glob("*.yaml"):
        (tmp_path / "xx").mkdir(exist_ok=True)
        (tmp_path / "xx" / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    speakers = yaml.safe_load((tmp_path / "xx" / "speakers.yaml").read_text(encoding="utf-8"))
    speakers["speech_verb"] = speakers.pop("speech_verbs")
    (tmp_path / "xx" / "speakers.yaml").write_text(yaml.safe_dump(speakers, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(rules_module, "RULES_DIR", tmp_path)
    with pytest.raises(ValueError, match="speech_verb"):
        rules_module.load.__wrapped__("xx")


def test_header_repeated_in_the_body_is_not_a_duplicate():
    header = "省党代表,市委常委,胶州市委书记,上合示范区党委书记、管委会主任张新竹:"
    body = (
        "“报告是一篇好报告。”省党代表,市委常委,胶州市委书记,上合示范区党委书记、管委会主任张新竹表示,"
        "下一步将深入学习贯彻省第十二次党代会精神。"
    )
    assert repair(f"{header}\n{body}\n").changes == []


def test_of_two_near_duplicates_alike_in_length_the_one_that_reads_right_is_kept():
    natural = "全面推进乡村振兴，加快建设农业强省，稳定粮食播种面积和产量，提高农业综合生产能力。"
    slipped = natural.replace("播种面积", "遴选面积")
    other = "深化国资国企改革，完善中国特色现代企业制度，推动国有资本向重要行业集中。"
    for first, second in ((slipped, natural), (natural, slipped)):
        result = repair(f"{first}\n{other}\n{second}\n")
        kept = 0 if first == natural else 2
        assert [c.kind for c in result.changes] == ["remove_near_duplicate"]
        assert "the one that reads right" in result.changes[0].detail
        assert result.section_of(kept) is not None and result.section_of(2 - kept) is None
