"""The acceptance checks on the demo corpus, through the whole pipeline: a ledger in which
each of the seed's 35 required gold pledges is one entry, rightly attributed, dated from 2022."""

from __future__ import annotations

from taizhang.evaluate import METRIC_THRESHOLD, actor_matches, metric_overlap, values_match
from taizhang.ingest import ingest
from taizhang.ledger import Ledger
from taizhang.storage import Store
from tests.helpers import DEMO_CORPUS, FIXTURES
from tests.ledger.ledger_support import gold

SEED = "000_352e13108ae5b528.txt"


def test_each_required_seed_pledge_is_one_rightly_attributed_entry(db_url: str) -> None:
    with Store(db_url) as store:
        report = ingest(store, [DEMO_CORPUS])
        assert report.ok
        text = store.source_text(store.find_source(SEED).id)
    with Ledger(db_url) as ledger:
        ledger.refresh()
        entries = {e["entry_id"]: e for e in ledger.entries(limit=None)}
        seed_mentions = [m for m in ledger.mentions() if m["source"] == SEED]
    required = gold(FIXTURES / "seed.pledges.jsonl")
    assert len(required) == 35
    for record in required:
        where = text.find(record["quote"])
        spans = []
        while where >= 0:
            spans.append((where, where + len(record["quote"])))
            where = text.find(record["quote"], where + 1)
        found = {
            m["entry_id"] for m in seed_mentions
            if any(m["start"] < b and a < m["end"] for a, b in spans)
            and values_match(entries[m["entry_id"]], record)
        }  # fmt: skip
        if len(found) > 1:  # 分别增长50% is two pledges in one clause: the metric tells them apart
            found = {i for i in found if metric_overlap(entries[i]["metric"], record["metric"]) >= METRIC_THRESHOLD}
        assert len(found) == 1, (record["id"], record["quote"], found)
        entry = entries[found.pop()]
        assert actor_matches(entry["actor"], record["actor"], record["aliases"]), (record["id"], entry["actor"])
        assert entry["official"] == record["official"], record["id"]
        assert entry["deadline"] == record["deadline"], (record["id"], entry["deadline"])


def test_the_demo_judges_a_districts_targets_by_its_next_report(db_url: str) -> None:
    """海拉尔区's 2017 targets, judged by what its 2018 report says 2017 reached, with the evidence."""
    with Store(db_url) as store:
        assert ingest(store, [DEMO_CORPUS]).ok
        text = store.source_text(store.find_source("district_hailar_2018_gwr.txt").id)
    with Ledger(db_url) as ledger:
        ledger.refresh()
        rows = {(r["metric"], r["target"]): r for r in ledger.scorecard("海拉尔区", 2017)}
        entries = {r["entry_id"]: r for r in ledger.entries(limit=None)}
    retail = rows[("社会消费品零售总额", "增长10%")]
    assert (retail["actual"], retail["status"]) == ("增长6.9%", "未完成")
    assert "「同比增长6.9%」" in retail["evidence"]
    assert rows[("社会消费品零售总额", "164.1亿元以上")]["status"] == "部分完成"  # 159.5亿元: 2.8% short
    assert rows[("城镇常住居民人均可支配收入", "增长8%")]["status"] == "已完成"  # 7.8%: within 0.2 points
    assert rows[("农村牧区常住居民人均可支配收入", "25617元以上")]["actual"] == "25689元"
    assert sum(1 for r in rows.values() if r["actual"]) >= 6  # a filled table
    for row in rows.values():  # every outcome shown is the report's own words
        entry = entries[row["entry_id"]]
        if entry["outcome_quote"]:
            assert text[entry["outcome_start"] : entry["outcome_end"]] == entry["outcome_quote"]


# The review parts of the demo corpus's reports (1-based first and last line, read by hand from each
# file's headings: 一、过去一年工作回顾 / 一、2016年工作回顾 … up to the next part's heading).
DEMO_REVIEW_LINES = {
    "district_hailar_2012_gwr.txt": (17, 40),
    "district_hailar_2013_gwr.txt": (11, 17),
    "district_hailar_2014_gwr.txt": (11, 54),
    "district_hailar_2015_gwr.txt": (9, 22),
    "district_hailar_2016_gwr.txt": (11, 61),
    "district_hailar_2017_gwr.txt": (9, 28),
    "district_hailar_2018_gwr.txt": (11, 34),
    "district_hailar_2019_gwr.txt": (16, 36),
    "national_china_2023_gwr.txt": (23, 165),
    "provincial_shandong_2025_gwr.txt": (6, 25),
}


def test_the_demo_ledger_holds_no_number_of_a_review_part(tmp_path) -> None:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    with Store(url) as store:
        assert ingest(store, [DEMO_CORPUS]).ok
        texts = {name: store.source_text(store.find_source(name).id) for name in DEMO_REVIEW_LINES}
    with Ledger(url) as ledger:
        ledger.refresh()
        mentions = [m for m in ledger.mentions() if m["source"] in DEMO_REVIEW_LINES]
    assert {m["source"] for m in mentions} == set(DEMO_REVIEW_LINES)  # every report gives pledges
    in_review = []
    for m in mentions:
        first, last = DEMO_REVIEW_LINES[m["source"]]
        if first <= texts[m["source"]].count("\n", 0, m["start"]) + 1 <= last:
            in_review.append((m["source"], m["quote"]))
    assert in_review == []
