"""The ledger commands as a user drives them: exit codes, stdout, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from taizhang.cli import app
from taizhang.cli.ledger import correct_app, outcome_app
from taizhang.storage import Store
from tests.ledger.ledger_support import SEED, SEED_GOLD, gold, pledges_in, store_source, write

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
    assert "全区生产总值" in result.stdout and "> 1500 亿元" in result.stdout and "未到期" in result.stdout
    assert "(2 of 2, as of 2024-01-01)" in result.stdout
    assert "孙永红" not in result.stdout


def test_entry_outcome_and_status(seeded: str) -> None:
    listing = run("export", "--db", seeded, "--format", "json", "--actor", "崂山区", "--metric", "GDP")
    [entry] = [r for r in json.loads(listing.stdout) if r["kind"] == "level"]
    added = run("outcome", "add", "崂山区", "地区生产总值", "2026", "1520", "亿元", "--source", "统计公报", "--db", seeded)
    assert added.exit_code == 0, added.output
    shown = run("entry", str(entry["entry_id"]), "--db", seeded, "--as-of", "2027-03-01")
    assert shown.exit_code == 0, shown.output
    assert "已完成" in shown.stdout and "结果 outcome 2026: 1520 亿元 — 统计公报" in shown.stdout
    assert "全区生产总值突破1500亿元" in shown.stdout


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
    assert "王芳" in listing.stdout and "某某" in listing.stdout
    trail = tmp_path / "c.json"
    assert run("correct", "export", "-o", str(trail), "--db", seeded).exit_code == 0
    assert json.loads(trail.read_text(encoding="utf-8"))[0]["after"] == "某某"
    edited = write(tmp_path / "e.csv", run("export", "--db", seeded).stdout.replace("张元升", "张某", 1))
    imported = run("import", str(edited), "--by", "李雷", "--db", seeded)
    assert imported.exit_code == 0 and "corrections recorded: 1" in imported.stderr


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
