"""The ledger commands as a user drives them: exit codes, stdout, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from taizhang.cli import app
from taizhang.cli.corrections import correct_app
from taizhang.cli.outcomes import outcome_app
from taizhang.storage import Store
from tests.ledger.ledger_support import SEED, SEED_GOLD, gold, pledges_in, store_source, write
from tests.ledger.test_partial_refresh import copy_of

runner = CliRunner()
SUBCOMMANDS = [("outcome", name) for name in typer.main.get_command(outcome_app).commands] + [
    ("correct", name) for name in typer.main.get_command(correct_app).commands
]


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def seeded(db_url: str) -> str:
    with Store(db_url) as store:
        store_source(store, SEED, pledges_in(SEED.read_text(encoding="utf-8"), SEED.name, gold(SEED_GOLD)))
    return db_url


@pytest.mark.parametrize(("group", "command"), SUBCOMMANDS)
def test_every_subcommand_has_help_with_an_example(group: str, command: str) -> None:
    result = run(group, command, "--help")
    assert result.exit_code == 0 and "Example: taizhang " in result.output


def test_ledger_table_and_filters(seeded: str) -> None:
    result = run("ledger", "--db", seeded, "--actor", "青岛市崂山区", "--metric", "GDP", "--as-of", "2024-01-01")
    assert result.exit_code == 0, result.output
    assert "全区生产总值" in result.stdout and "超过1500亿元" in result.stdout and "未到期" in result.stdout
    assert "(2 of 2, as of 2024-01-01)" in result.stdout
    assert "孙永红" not in result.stdout


def test_the_ledger_with_workers_lists_what_it_lists_without(seeded: str) -> None:
    with copy_of(seeded) as copy:
        alone = run("ledger", "--db", seeded, "--as-of", "2024-01-01")
        together = run("ledger", "--db", copy, "--as-of", "2024-01-01", "--workers", "2")
    assert together.exit_code == 0, together.output
    assert together.stdout == alone.stdout and "全区生产总值" in together.stdout


def test_the_target_column_says_what_kind_of_target_it_is(seeded: str) -> None:
    # 崂山区: 全区生产总值突破1500亿元 (a level) beside 分别增长50% (a growth of the same metric, #12)
    result = run("ledger", "--db", seeded, "--actor", "崂山区", "--metric", "GDP", "--as-of", "2024-01-01")
    assert "超过1500亿元" in result.stdout and "增长50%" in result.stdout
    shares = run("ledger", "--db", seeded, "--actor", "平度市", "--as-of", "2024-01-01")
    assert "占比43%以上" in shares.stdout  # 工业增加值占GDP比重达到43%以上


def test_coverage_reads_one_actors_pledges_and_names_the_source(seeded: str) -> None:
    # The seed quotes three districts' secretaries: coverage reads one place's (the one most of its
    # pledges belong to) for the article's year, not all three pooled (#12); the heading names the file.
    result = run("coverage", "1", "--db", seeded)
    assert result.exit_code == 0, result.output
    assert f"{SEED.name} (崂山区, 2022年)" in result.stdout
    other = run("coverage", SEED.name, "--actor", "平度市", "--db", seeded)
    assert f"{SEED.name} (平度市, 2022年)" in other.stdout


def test_entry_outcome_and_status(seeded: str) -> None:
    listing = run("export", "--db", seeded, "--format", "json", "--actor", "崂山区", "--metric", "GDP")
    [entry] = [r for r in json.loads(listing.stdout) if r["kind"] == "level"]
    added = run("outcome", "add", "崂山区", "地区生产总值", "2026", "1520", "亿元", "--source", "统计公报", "--db", seeded)
    assert added.exit_code == 0, added.output
    shown = run("entry", str(entry["entry_id"]), "--db", seeded, "--as-of", "2027-03-01")
    assert shown.exit_code == 0, shown.output
    assert "已完成" in shown.stdout and "全区生产总值突破1500亿元" in shown.stdout
    # the outcome with its ref, state, figure and where it is published, and the verdict's reason
    assert all(word in shown.stdout for word in ("p1", "已采用 judged on", "1520亿元", "统计公报"))
    assert "目标 超过1500亿元，实际 1520亿元（2026年，统计公报）" in shown.stdout


def test_export_formats(seeded: str, tmp_path: Path) -> None:
    csv_out = run("export", "--db", seeded)
    assert csv_out.exit_code == 0 and csv_out.stdout.startswith("entry_id,status,status_reason")
    assert len(csv_out.stdout.strip().splitlines()) == len(gold(SEED_GOLD)) + 1
    xlsx = run("export", "--db", seeded, "-f", "xlsx", "-o", str(tmp_path / "t.xlsx"))
    assert xlsx.exit_code == 0 and (tmp_path / "t.xlsx").stat().st_size > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "-f", "xlsx"], "an Excel file needs -o FILE.xlsx"),
        (["export", "-f", "pdf"], "--format must be one of csv, xlsx, json"),
        (["ledger", "--as-of", "yesterday"], "is not a date"),
        (["ledger", "--status", "done"], "unknown status 'done'"),
        (["entry", "9999"], "no ledger entry 9999"),
        (["correct", "set", "1", "colour", "red"], "no field 'colour'"),
        (["outcome", "add", "全国", "GDP", "2023", "5", "furlongs", "--source", "x"], "unknown unit 'furlongs'"),
        (["outcome", "import", "missing.csv"], "missing.csv: no such file"),
        (["correct", "import", "missing.json"], "missing.json: no such file"),
        (["coverage", "nothing.txt"], "no source 'nothing.txt'"),
        (["outcome", "add", "火星", "GDP", "2023", "5", "%", "--source", "x"], "unknown place '火星'"),
        (["outcome", "add", "全国", "GDP", "2023", "1e400", "%", "--source", "x"], "value must be a finite number"),
        (["outcome", "add", "全国", "GDP", "2023", "5", "%", "--source", " "], "source cannot be empty"),
        (["correct", "set", "1", "deadline", "2026.5"], "deadline must be a year, not '2026.5'"),
        (["correct", "set", "1", "unit", "光年"], "unknown unit '光年'"),
        (["import", "missing.csv"], "missing.csv: no such file"),
    ],
)
def test_user_mistakes_are_one_line_errors(seeded: str, args: list[str], message: str) -> None:
    result = run(*args, "--db", seeded)
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_corrections_by_command(seeded: str, tmp_path: Path) -> None:
    rows = json.loads(run("export", "--db", seeded, "-f", "json").stdout)
    first = rows[0]
    assert run("correct", "set", str(first["entry_id"]), "official", "某某", "--by", "王芳", "--db", seeded).exit_code == 0
    listing = run("correct", "list", "--db", seeded)
    assert "王芳" in listing.stdout and "某某" in listing.stdout and "applies" in listing.stdout and "yes" in listing.stdout
    trail = tmp_path / "c.json"
    assert run("correct", "export", "-o", str(trail), "--db", seeded).exit_code == 0
    assert json.loads(trail.read_text(encoding="utf-8"))[0]["after"] == "某某"
    edited = write(tmp_path / "e.csv", run("export", "--db", seeded).stdout.replace("张元升", "张某", 1))
    imported = run("import", str(edited), "--by", "李雷", "--db", seeded)
    assert imported.exit_code == 0 and "corrections recorded: 1" in imported.stderr
    stale = write(tmp_path / "s.csv", "entry_id,key,value\n1,0000,5\n")  # a row of an entry gone since
    left_out = run("import", str(stale), "--db", seeded)
    assert left_out.exit_code == 1 and "1 row(s) not imported" in left_out.stderr and "rows 2;" in left_out.stderr


def test_place_command() -> None:
    result = run("place", "即墨市")
    assert result.exit_code == 0
    assert [line.split()[:2] for line in result.stdout.splitlines()] == [["370215", "即墨区"], ["370200", "青岛市"], ["370000", "山东省"], ["100000", "全国"]]  # fmt: skip
    assert run("place", "鼓楼区").exit_code == 1


def test_ingest_then_ledger_end_to_end(db_url: str, tmp_path: Path) -> None:
    # Whatever the extractor finds in the seed today becomes entries: the ledger reads the pledges table.
    ingested = run("ingest", str(SEED), "--db", db_url)
    assert ingested.exit_code == 0, ingested.output
    shown = run("ledger", "--db", db_url, "--source", SEED.name)
    assert shown.exit_code == 0 and SEED.name in shown.stdout
    assert "(0 of 0" not in shown.stdout


HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    "args",
    [
        ["entry", HUGE], ["ledger", "--limit", HUGE], ["ledger", "--limit", "0"], ["ledger", "--year", HUGE],
        ["export", "--year", HUGE], ["correct", "set", HUGE, "value", "1"], ["correct", "undo", HUGE],
        ["outcome", "add", "崂山区", "GDP", "99999999999999999999", "1", "亿元", "--source", "x"],
        ["ledger", "--margin", "nan"], ["ledger", "--tolerance", "2"], ["ledger", "--margin", "-0.1"],
        ["correct", "add", SEED.name, "0", HUGE, "--metric", "m", "--kind", "level", "--value", "1", "--unit", "%"],
    ],
)  # fmt: skip
def test_numbers_out_of_range_are_usage_errors(seeded: str, args: list[str]) -> None:
    result = run(*args, "--db", seeded)
    assert result.exit_code == 2 and "Invalid value" in result.output, result.output
    assert "Traceback" not in result.output


def test_a_huge_source_id_is_just_not_found(seeded: str) -> None:
    result = run("coverage", HUGE, "--db", seeded)
    assert result.exit_code == 1 and f"no source '{HUGE}'" in result.stderr


def test_a_bad_correction_is_refused_and_the_ledger_keeps_working(seeded: str) -> None:
    for args in (["correct", "set", "1", "value", "nan"], ["correct", "set", "1", "deadline", "10000"],
                 ["correct", "add", SEED.name, "0", "5", "--metric", "m", "--kind", "level", "--value", "nan", "--unit", "%"],
                 ["correct", "add", SEED.name, "0", "5", "--metric", "m", "--kind", "level", "--value", "1", "--unit", "%", "--comparator", "range"]):  # fmt: skip
        result = run(*args, "--db", seeded)
        assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1, result.output
    shown = run("ledger", "--db", seeded)
    assert shown.exit_code == 0 and f"of {len(gold(SEED_GOLD))}," in shown.stdout


def test_correct_undo(seeded: str) -> None:
    def official() -> str:
        return json.loads(run("export", "-f", "json", "--db", seeded).stdout)[0]["official"]

    assert run("correct", "set", "1", "official", "某某", "--db", seeded).exit_code == 0
    assert official() == "某某"
    undone = run("correct", "undo", "1", "--by", "王芳", "--db", seeded)
    assert undone.exit_code == 0 and "correction #1 undone (#2)" in undone.stderr
    assert official() != "某某"
    listing = run("correct", "list", "--db", seeded)
    assert "undo" in listing.stdout and "王芳" in listing.stdout
    again = run("correct", "undo", "1", "--db", seeded)
    assert again.exit_code == 1 and "already undone" in again.stderr


def test_split_of_a_single_mention_is_refused(seeded: str) -> None:
    result = run("correct", "split", "1", "1", "--db", seeded)
    assert result.exit_code == 1 and "entry 1 has one mention" in result.stderr


@pytest.mark.parametrize("where", ["directory", "missing/folder/x.csv", "/proc/x.csv"])
def test_export_to_a_place_that_cannot_be_written_is_one_line(seeded: str, tmp_path: Path, where: str) -> None:
    target = Path(where) if where.startswith("/") else tmp_path / where
    if where == "directory":
        target = tmp_path / "d.csv"
        target.mkdir()
        target.with_suffix(".xlsx").mkdir()
    for args in (["export", "-o", str(target)], ["export", "-o", str(target.with_suffix(".xlsx"))], ["correct", "export", "-o", str(target)]):
        result = run(*args, "--db", seeded)
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith(f"错误 error: cannot write {args[-1]}: ") and len(result.stderr.strip().splitlines()) == 1


def test_export_format_follows_the_file_name_and_csv_has_a_bom(seeded: str, tmp_path: Path) -> None:
    assert run("export", "-o", str(tmp_path / "l.json"), "--db", seeded).exit_code == 0
    assert json.loads((tmp_path / "l.json").read_text(encoding="utf-8"))[0]["entry_id"] == 1
    assert run("export", "-o", str(tmp_path / "l.xlsx"), "--db", seeded).exit_code == 0
    assert (tmp_path / "l.xlsx").read_bytes()[:2] == b"PK"
    assert run("export", "-o", str(tmp_path / "l.csv"), "--db", seeded).exit_code == 0
    assert (tmp_path / "l.csv").read_bytes().startswith("\ufeffentry_id,".encode())
    mismatch = run("export", "-f", "csv", "-o", str(tmp_path / "l.xlsx"), "--db", seeded)
    assert mismatch.exit_code == 1 and "--format csv does not match" in mismatch.stderr
    back = run("import", str(tmp_path / "l.csv"), "--db", seeded)
    assert back.exit_code == 0 and "corrections recorded: 0" in back.stderr


def test_bad_import_files_are_one_error_per_problem(seeded: str, tmp_path: Path) -> None:
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    for command in (["import"], ["outcome", "import"]):
        result = run(*command, str(binary), "--db", seeded)
        assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1 and str(binary) in result.stderr
    outcomes = tmp_path / "o.csv"
    outcomes.write_bytes("actor,metric,year,value,unit,source\n火星,GDP,inf,5,%,x\n全国,GDP,2023,1e400,%,x\n".encode("gb18030"))
    result = run("outcome", "import", str(outcomes), "--db", seeded)
    assert result.exit_code == 1
    assert [line.split(": ", 1)[1].split(" ")[0] for line in result.stderr.strip().splitlines()] == [
        f"{outcomes}:2:actor:", f"{outcomes}:2:year:", f"{outcomes}:3:value:", str(outcomes) + ":",
    ]


def test_outcome_import_twice_stores_each_outcome_once(seeded: str, tmp_path: Path) -> None:
    outcomes = write(tmp_path / "o.csv", "actor,metric,year,value,unit,source\n崂山区,GDP,2026,1520,亿元,公报\n")
    assert "outcomes imported: 1 new" in run("outcome", "import", str(outcomes), "--db", seeded).stderr
    assert "outcomes imported: 0 new" in run("outcome", "import", str(outcomes), "--db", seeded).stderr
    again = run("outcome", "add", "崂山区", "GDP", "2026", "1520", "亿元", "--source", "公报", "--db", seeded)
    assert again.exit_code == 0 and "already recorded" in again.stderr


def test_correct_import_twice_adds_nothing_the_second_time(seeded: str, tmp_path: Path) -> None:
    assert run("correct", "set", "1", "official", "某某", "--db", seeded).exit_code == 0
    trail = tmp_path / "c.json"
    assert run("correct", "export", "-o", str(trail), "--db", seeded).exit_code == 0
    assert "corrections imported: 0" in run("correct", "import", str(trail), "--db", seeded).stderr


def test_places_by_code_and_ambiguous_names(seeded: str) -> None:
    by_code = run("place", "370212")
    assert by_code.exit_code == 0 and by_code.stdout.split()[:2] == ["370212", "崂山区"]
    ambiguous = run("place", "朝阳区")
    assert ambiguous.exit_code == 1 and "110105" in ambiguous.stderr and "220104" in ambiguous.stderr
    unknown = run("ledger", "--actor", "火星", "--db", seeded)
    assert unknown.exit_code == 1 and "unknown place '火星'" in unknown.stderr
    assert run("ledger", "--actor", "370212", "--db", seeded).stdout.count("崂山区") > 1


def test_an_amount_too_large_for_its_unit_is_refused_not_stored_as_infinity(seeded: str) -> None:
    """Finding 9 of #11, on the ledger side: 1e305 亿元 is 1e313 CNY, no finite number."""
    rows = json.loads(run("export", "--db", seeded, "--format", "json").stdout)
    money = next(r for r in rows if r["unit"] == "亿元")
    for args in (
        ["outcome", "add", "全国", "国内生产总值", "2023", "1e305", "万亿元", "--source", "x"],
        ["correct", "set", str(money["entry_id"]), "value", "1e305"],
        ["correct", "set", str(money["entry_id"]), "value_high", "1e301"],
    ):
        result = run(*args, "--db", seeded)
        assert result.exit_code == 1 and "is too large: it is no finite number of CNY" in result.stderr, (args, result.output)
    assert "Infinity" not in run("export", "--db", seeded, "--format", "json").stdout
