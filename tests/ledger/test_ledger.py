"""The ledger over a real database (SQLite file and PostgreSQL): build, filter, outcomes, coverage."""

from __future__ import annotations

import re
from contextlib import ExitStack
from datetime import date
from pathlib import Path

import pytest

import taizhang
from sqlalchemy import select

from taizhang.ledger import Filters, Ledger, LedgerError, Outcome, Rules
from taizhang.ledger.errors import BatchError
from taizhang.ledger.tables import StatusChangeRow
from taizhang.ledger.export import COLUMNS
from taizhang.ledger.status import MET, MISSED, NOT_DUE, TO_VERIFY
from taizhang.storage import Store
from tests.ledger.ledger_support import DEV_DOCS, SEED, SEED_GOLD, WHOLE_GOLD, gold, pledges_in, store_source, write

SEED_TEXT = SEED.read_text(encoding="utf-8")
REPRINT = "来源：大众日报  2022-07-01\n\n" + SEED_TEXT
LAOSHAN_GDP = "全区生产总值突破1500亿元"
NATIONAL_2023 = "national_china_2023_gwr.txt"
NATIONAL_2023_GOLD = WHOLE_GOLD / "national_china_2023_gwr.pledges.jsonl"


def seed_pledges(text: str = SEED_TEXT, name: str = SEED.name):
    return pledges_in(text, name, gold(SEED_GOLD))


@pytest.fixture
def seeded(db_url: str, tmp_path: Path) -> str:
    """The seed, a reprint of it, and the 2023 national report, with their gold pledges."""
    with Store(db_url) as store:
        store_source(store, SEED, seed_pledges())
        reprint = write(tmp_path / "reprint_dazhong.txt", REPRINT)
        store_source(store, reprint, seed_pledges(REPRINT, reprint.name))
        text = (DEV_DOCS / NATIONAL_2023).read_text(encoding="utf-8")
        store_source(store, DEV_DOCS / NATIONAL_2023, pledges_in(text, NATIONAL_2023, gold(NATIONAL_2023_GOLD)))
    return db_url


def test_entries_merge_sources_and_keep_every_mention(seeded: str) -> None:
    with Ledger(seeded, as_of=date(2024, 1, 1)) as ledger:
        built = ledger.refresh()
        assert built.rebuilt and built.entries == len(gold(SEED_GOLD)) + len(gold(NATIONAL_2023_GOLD))
        assert not ledger.refresh().rebuilt  # nothing changed: not rebuilt
        [row] = [r for r in ledger.entries(Filters(actor="崂山区", metric="GDP", year=2026)) if r["kind"] == "level"]
        assert row["quote"] == LAOSHAN_GDP and row["sources"] == [SEED.name, "reprint_dazhong.txt"]
        assert row["start"] == SEED_TEXT.find(LAOSHAN_GDP) and row["place_code"] == "370212"
        shown = ledger.entry(row["entry_id"])
        assert [m["start"] for m in shown["mentions"]] == [SEED_TEXT.find(LAOSHAN_GDP), REPRINT.find(LAOSHAN_GDP)]
        assert ledger.count(Filters(conflicts=True)) == 0


def test_a_first_build_gives_every_entry_its_status_as_the_first_of_its_history(seeded: str) -> None:
    # Copied by the database from the entries written (build._first_statuses): one row each, in
    # the entries' order, with the entry's own status and reason.
    with Ledger(seeded) as ledger:
        built = ledger.refresh()
        with ledger.store.engine.connect() as connection:
            entries = connection.exec_driver_sql("SELECT key, status, status_reason FROM ledger_entries ORDER BY id").all()
            history = connection.execute(select(StatusChangeRow).order_by(StatusChangeRow.id)).all()
        assert built.status_changes == len(entries) == len(history) > 0
        assert [(h.entry_key, h.status, h.reason) for h in history] == [tuple(e) for e in entries]
        assert {h.as_of for h in history} == {date.today()} and None not in {h.recorded_at for h in history}
        assert ledger.refresh(force=True).status_changes == 0  # nothing changed: no row more


def test_a_whole_rebuild_gives_its_sqlite_connection_back_as_it_found_it(seeded: str) -> None:
    # A rebuild writes with its own page cache, sort threads (build._sorting) and foreign keys
    # unchecked (build._writing); the connection then goes back to the pool, for the dashboard.
    if not seeded.startswith("sqlite"):
        pytest.skip("SQLite's connection settings")
    with Ledger(seeded) as ledger:
        ledger.refresh()
        engine = ledger.store.engine
        with ExitStack() as held:
            pooled = [held.enter_context(engine.connect()) for _ in range(engine.pool.checkedin())]
            settings = [tuple(c.exec_driver_sql(f"PRAGMA {name}").scalar() for name in ("threads", "cache_size", "foreign_keys")) for c in pooled]  # fmt: skip
        assert pooled and set(settings) == {(0, -2000, 1)}


def test_filters(seeded: str) -> None:
    with Ledger(seeded, as_of=date(2024, 1, 1)) as ledger:
        ledger.refresh()
        laoshan = ledger.count(Filters(actor="崂山区"))
        assert laoshan == len(gold(SEED_GOLD, None)) - sum(r["actor"] != "崂山区" for r in gold(SEED_GOLD))
        assert ledger.count(Filters(actor="青岛市崂山区")) == laoshan
        assert ledger.count(Filters(actor="西海岸新区")) == ledger.count(Filters(actor="黄岛区")) == 7
        assert ledger.count(Filters(actor="崂山区", with_parents=True)) == laoshan + len(gold(NATIONAL_2023_GOLD))
        assert ledger.count(Filters(year=2023)) == sum(r["deadline"] == 2023 for r in gold(NATIONAL_2023_GOLD))
        # due by 2024-01-01 with no outcome: the national 2023 targets and the seed's 年内 (2022) ones
        assert ledger.count(Filters(status=TO_VERIFY)) == ledger.count(Filters(year=2023)) + ledger.count(Filters(year=2022)) > 7
        assert ledger.count(Filters(metric="地区生产总值")) == 4  # 崂山区 level and growth, 平度市 GDP level, 全国 growth
        assert ledger.count(Filters(source="reprint_dazhong.txt")) == len(gold(SEED_GOLD))
        with pytest.raises(LedgerError, match="unknown status"):
            ledger.count(Filters(status="done"))


def test_a_source_filter_names_a_stored_file(seeded: str, tmp_path: Path) -> None:
    """A source filter is a file name as `taizhang sources` lists it. One no stored source has (a
    typo, the file's path, a part of its name) is an error that names the closest stored names; a
    stored file with no pledges is an empty ledger. (Before: both were an empty ledger.)"""
    with Store(seeded) as store:
        store_source(store, write(tmp_path / "总结.txt", "今年的工作总结。"), [])
    with Ledger(seeded) as ledger:
        ledger.refresh()
        assert ledger.entries(Filters(source="总结.txt")) == []
        for wrong in ("reprint_dazhong.tx", str(tmp_path / "reprint_dazhong.txt"), "reprint"):
            with pytest.raises(LedgerError, match=f"^no source named '{re.escape(wrong)}' is stored; close: reprint_dazhong.txt"):
                ledger.entries(Filters(source=wrong))
        with pytest.raises(LedgerError, match=r"^no source named 'zzz' is stored \(a file name"):  # nothing close
            ledger.count(Filters(source="zzz", year=2023))


def test_conflicting_reports_show_both_figures(seeded: str, tmp_path: Path) -> None:
    revised = REPRINT.replace(LAOSHAN_GDP, "全区生产总值突破1300亿元")
    records = [r for r in gold(SEED_GOLD) if r["quote"] != LAOSHAN_GDP]
    [laoshan] = [r for r in gold(SEED_GOLD) if r["quote"] == LAOSHAN_GDP]
    records.append({**laoshan, "quote": "全区生产总值突破1300亿元", "value": 1300, "norm_value": 1.3e11})
    with Store(seeded) as store:
        path = write(tmp_path / "reprint_revised.txt", revised)
        store_source(store, path, pledges_in(revised, path.name, records))
    with Ledger(seeded, as_of=date(2024, 1, 1)) as ledger:
        ledger.refresh()
        [row] = ledger.entries(Filters(conflicts=True))
        assert row["metric"] == "全区生产总值" and row["conflict"] and "1300亿元 (reprint_revised.txt)" in row["conflict_reason"]
        assert [m["value"] for m in ledger.entry(row["entry_id"])["mentions"]] == [1500, 1500, 1300]


def test_outcomes_decide_statuses_and_each_change_is_stored(seeded: str, tmp_path: Path) -> None:
    table = write(
        tmp_path / "outcomes.csv",
        "actor,metric,year,value,unit,source,note\n"
        "全国,国内生产总值,2023,5.2,%,2023年国民经济和社会发展统计公报,\n"
        "全国,城镇新增就业,2023,1244,万人,https://www.stats.gov.cn/,人社部\n"
        "全国,城镇调查失业率,2023,5.2,%,统计公报,全年平均\n"
        "全国,粮食产量,2023,13908,亿斤,统计公报,\n",
    )
    with Ledger(seeded, as_of=date(2023, 6, 1)) as ledger:  # a what-if: judged in memory, nothing stored
        ledger.refresh()
        assert ledger.count(Filters(year=2023, status=NOT_DUE)) == ledger.count(Filters(year=2023))
        assert len(ledger.import_outcomes(table, author="tester")) == 4
        assert ledger.import_outcomes(table, author="tester") == []  # the same file again adds nothing
    with Ledger(seeded, as_of=date(2024, 3, 1)) as ledger:
        ledger.refresh()  # outcomes are matched when the ledger is built, as pledges are merged
        statuses = {r["metric"]: (r["status"], r["outcome"]) for r in ledger.entries(Filters(actor="全国", year=2023))}
        assert statuses["国内生产总值"] == (MET, "5.2 % (2023, 2023年国民经济和社会发展统计公报)")
        assert statuses["城镇新增就业"][0] == MET and statuses["粮食产量"][0] == MET  # 13908亿斤 ≥ 1.3万亿斤
        assert statuses["居民消费价格涨幅"][0] == TO_VERIFY
    with Ledger(seeded) as ledger:  # today: statuses are stored and every change is kept
        ledger.refresh()
        [gdp] = ledger.entries(Filters(actor="全国", metric="GDP", year=2023))
        assert gdp["status"] == MET
        ledger.add_outcome(Outcome("全国", "GDP", 2023, 3.0, "%", "a later revision"), author="tester")
        ledger.refresh()
        [gdp] = ledger.entries(Filters(actor="全国", metric="GDP", year=2023))
        # 3.0% against 5%左右: 2 percentage points short, past the 0.5-point margin
        assert gdp["status"] == MISSED and "差2个百分点" in gdp["status_reason"], gdp["status_reason"]
        history = ledger.entry(gdp["entry_id"])["history"]
        # the first build (before any outcome) was due and unverified today; the what-ifs left no trace
        # (ledger.as_of, not date.today(): a run may cross midnight after the ledger was opened)
        today = ledger.as_of
        assert [(h["status"], h["as_of"]) for h in history] == [(TO_VERIFY, today), (MET, today), (MISSED, today)]


def test_a_what_if_date_leaves_the_stored_ledger_and_its_history_alone(seeded: str) -> None:
    with Ledger(seeded) as ledger:
        ledger.refresh()
        stored = ledger.entries()
        built_on = ledger.as_of
    with Ledger(seeded, as_of=date(2030, 1, 1), rules=Rules(margin=0.5)) as what_if:
        assert not what_if.refresh().rebuilt
        [gdp] = what_if.entries(Filters(actor="全国", metric="GDP", year=2023))
        assert gdp["status"] == TO_VERIFY
        assert what_if.count(Filters(status=NOT_DUE)) == what_if.count(Filters(year=None)) - what_if.count(Filters(status=TO_VERIFY))
        due = what_if.entries(Filters(status=TO_VERIFY))
        assert len(due) > 3 and what_if.entries(Filters(status=TO_VERIFY), limit=2, offset=1) == due[1:3]
        assert {m["entry_id"] for m in what_if.mentions(Filters(status=TO_VERIFY))} == {r["entry_id"] for r in due}
    with Ledger(seeded) as ledger:
        assert not ledger.refresh().rebuilt and ledger.entries() == stored
        with ledger._session() as session:
            assert {row.as_of for row in session.scalars(select(StatusChangeRow))} == {built_on}


def test_outcome_files_are_checked(seeded: str, tmp_path: Path) -> None:
    with Ledger(seeded) as ledger:
        with pytest.raises(LedgerError, match="missing column"):
            ledger.import_outcomes(write(tmp_path / "a.csv", "actor,metric,year,value\n全国,GDP,2023,5\n"), author="t")
        with pytest.raises(LedgerError, match="b.csv:3:unit: unknown unit 'furlong'"):
            ledger.import_outcomes(write(tmp_path / "b.csv", "actor,metric,year,value,unit,url\n全国,GDP,2023,5,%,x\n全国,GDP,2023,5,furlong,x\n"), author="t")  # fmt: skip
        with pytest.raises(LedgerError, match="c.csv:2:year: year must be a year from 1900 to 2100"):
            ledger.import_outcomes(write(tmp_path / "c.csv", "actor,metric,year,value,unit,url\n全国,GDP,二〇二三,5,%,x\n"), author="t")  # fmt: skip
        with pytest.raises(LedgerError, match="expected a .csv, .xlsx or .json"):
            ledger.import_outcomes(write(tmp_path / "d.txt", "x"), author="t")
        assert ledger.recorded_outcomes() == []  # the good row of b.csv was not imported either


@pytest.mark.parametrize(
    ("row", "problems"),
    [
        (",GDP,2023,5,%,x", [":actor: actor cannot be empty"]),
        ("全国,,2023,5,%,", [":metric: metric cannot be empty", ":source: source cannot be empty"]),
        ("火星,GDP,2023,5,%,x", [":actor: unknown place '火星'"]),
        ("朝阳区,GDP,2023,5,%,x", [":actor: ambiguous place '朝阳区': 110105"]),
        ("全国,GDP,2025.7,5,%,x", [":year: year must be a year from 1900 to 2100, not '2025.7'"]),
        ("全国,GDP,inf,5,%,x", [":year: year must be a year from 1900 to 2100, not 'inf'"]),
        ("全国,GDP,99999,5,%,x", [":year: year must be a year from 1900 to 2100, not 99999"]),
        ("全国,GDP,2023,1e400,%,x", [":value: value must be a finite number"]),
        ("全国,GDP,2023,nan,%,x", [":value: value must be a finite number"]),
    ],
)
def test_every_bad_outcome_cell_is_named(seeded: str, tmp_path: Path, row: str, problems: list[str]) -> None:
    path = write(tmp_path / "o.csv", "actor,metric,year,value,unit,source\n全国,GDP,2023,5,%,x\n" + row + "\n")
    with Ledger(seeded) as ledger:
        with pytest.raises(BatchError) as raised:
            ledger.import_outcomes(path, author="t")
        assert len(raised.value.problems) == len(problems)
        for line, expected in zip(raised.value.problems, problems, strict=True):
            assert line.startswith(f"{path}:3{expected}")
        assert raised.value.summary == f"{path}: 1 bad row(s), nothing imported"
        assert ledger.recorded_outcomes() == []


def test_outcomes_from_excel(seeded: str, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["actor", "metric", "year", "value", "unit", "url", "note"])
    book.active.append(["崂山区", "地区生产总值", 2026, 1.52, "万亿元", "https://example.org/laoshan", None])
    book.save(tmp_path / "outcomes.xlsx")
    with Ledger(seeded, as_of=date(2027, 2, 1)) as ledger:
        ledger.import_outcomes(tmp_path / "outcomes.xlsx", author="t")
        ledger.refresh()
        [row] = ledger.entries(Filters(actor="崂山区", metric="GDP", year=2026, status=MET))  # the level, not the growth
        assert row["outcome"] == "1.52 万亿元 (2026, https://example.org/laoshan)"


def test_coverage_of_headline_indicators(seeded: str) -> None:
    with Ledger(seeded) as ledger:
        verdicts = {c.indicator.key: c.verdict for c in ledger.coverage(NATIONAL_2023)}
    assert verdicts["gdp"] == verdicts["cpi"] == verdicts["grain_output"] == "有数字 pledged"
    assert verdicts["balance_of_payments"] == "无数字 mentioned"  # 国际收支基本平衡
    assert verdicts["energy_intensity"] == "无数字 mentioned"  # 单位国内生产总值能耗…继续下降
    assert verdicts["registered_unemployment"] == "未提及 not mentioned"


def test_coverage_counts_the_years_targets_not_last_years_results(db_url: str) -> None:
    # 山东 2025: the review's 城镇新增就业124.5万人 is 2024's result; the plan's 110万人以上 the target.
    from taizhang.document import Pledge
    from tests.helpers import corpus_file

    path = corpus_file("provincial_shandong_2025_gwr.txt")
    text = path.read_text(encoding="utf-8")

    def record(quote: str, value: float, deadline: int) -> Pledge:
        start = text.index(quote)
        return Pledge(
            source=path.name, start=start, end=start + len(quote), quote=quote, metric="城镇新增就业", kind="level",
            comparator=">=", value=value, unit="万人", norm_value=value * 1e4, norm_unit="人", actor="山东省", deadline=deadline,
        )  # fmt: skip

    with Store(db_url) as store:
        store_source(store, path, [record("城镇新增就业124.5万人", 124.5, 2024), record("城镇新增就业110万人以上", 110, 2025)])
    with Ledger(db_url) as ledger:
        report = ledger.coverage_report(path.name)
    jobs = next(c for c in report.items if c.indicator.key == "new_urban_jobs")
    assert (report.actor, report.year) == ("山东省", 2025)
    assert [p.value for p in jobs.pledges] == [110]


def test_deliberately_unquantified_income_target(db_url: str) -> None:
    # 四川 2025: 居民收入增长和经济增长基本同步 — the income indicator named, with no figure.
    from tests.helpers import corpus_file

    with Store(db_url) as store:
        store_source(store, corpus_file("provincial_sichuan_2025_gwr.txt"), [])
    with Ledger(db_url) as ledger:
        verdicts = {c.indicator.key: c for c in ledger.coverage("provincial_sichuan_2025_gwr.txt")}
    assert verdicts["income"].verdict == "无数字 mentioned"


def test_python_api_gives_a_dataframe(seeded: str) -> None:
    with taizhang.open(seeded, as_of=date(2024, 1, 1)) as ledger:
        frame = ledger.ledger(actor="崂山区", year=2026)
    assert list(frame.columns) == list(COLUMNS)
    assert len(frame) > 0 and set(frame["actor"]) == {"崂山区"} and (frame["deadline"] == 2026).all()
    assert {"quote", "start", "end", "source", "status", "sources"} <= set(frame.columns)


def test_annual_targets_of_two_years_reports_stay_apart(db_url: str) -> None:
    # 海拉尔区 2013 and 2014 both aim at 地区生产总值 282亿元, each for its own year (the source's year
    # comes from its date or, failing that, from its text).
    from taizhang.document import Pledge
    from tests.helpers import corpus_file

    with Store(db_url) as store:
        for year in (2013, 2014):
            path = corpus_file(f"district_hailar_{year}_gwr.txt")
            text = path.read_text(encoding="utf-8")
            start = text.find("达到282亿元")
            pledge = Pledge(
                source=path.name, start=start, end=start + 7, quote=text[start : start + 7], metric="地区生产总值", kind="level",
                comparator=">=", value=282, unit="亿元", norm_value=2.82e10, norm_unit="CNY", actor="海拉尔区", deadline=year,
            )  # fmt: skip
            store_source(store, path, [pledge])
    with Ledger(db_url) as ledger:
        ledger.refresh()
        rows = ledger.entries(Filters(actor="海拉尔", metric="GDP"))
    assert [(r["deadline"], r["conflict"]) for r in rows] == [(2013, False), (2014, False)]


def test_files_of_one_name_in_two_folders_are_two_sources(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with Store(db_url) as store:
        store_source(store, write(tmp_path / "a" / "政府工作报告.txt", SEED_TEXT), seed_pledges())
        store_source(store, write(tmp_path / "b" / "政府工作报告.txt", REPRINT), seed_pledges(REPRINT))
    with Ledger(db_url) as ledger:
        ledger.refresh()
        [row] = [r for r in ledger.entries(Filters(actor="崂山区", metric="GDP")) if r["kind"] == "level"]
        assert row["mention_count"] == 2


def test_which_mention_stands_first_does_not_depend_on_ingest_order(tmp_path: Path) -> None:
    """Finding 10 of #11: an entry's first mention (its export row) followed the order of ingest.
    Now the earliest dated source stands first, then by file name."""
    early = write(tmp_path / "z_early.txt", "2022年6月21日\n到2026年，全区生产总值突破1500亿元。\n")
    late = write(tmp_path / "a_late.txt", "2022年7月1日\n到2026年，地区生产总值突破1500亿元。\n")
    undated = write(tmp_path / "0_undated.txt", "到2026年，国内生产总值突破1500亿元。\n")
    exports = []
    for order in ((early, late, undated), (undated, late, early)):
        db = tmp_path / f"{order[0].stem}.db"
        with Store(str(db)) as store:
            for path in order:
                text = path.read_text(encoding="utf-8")
                start = text.index("到2026年")
                quote = text[start:].strip().rstrip("。")
                store_source(store, path, [pledges_in(text, path.name, [{
                    "quote": quote, "actor": "崂山区", "official": None, "metric": "地区生产总值", "kind": "level",
                    "comparator": ">", "value": 1500.0, "value_high": None, "unit": "亿元", "norm_value": 1.5e11,
                    "norm_unit": "CNY", "deadline": 2026, "horizon": "到2026年", "hedge": None,
                }])[0]])  # fmt: skip
        with Ledger(str(db), as_of=date(2024, 1, 1)) as ledger:
            ledger.refresh()
            exports.append(ledger.entries())
    assert exports[0] == exports[1]
    [row] = exports[0]
    assert (row["source"], row["sources"]) == ("z_early.txt", ["z_early.txt", "a_late.txt", "0_undated.txt"])
