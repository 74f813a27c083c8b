"""The command line, driven as a user drives it: exit codes, what goes to stdout and stderr."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from taizhang.cli import app
from tests.helpers import DEMO_CORPUS, ROOT

runner = CliRunner()
TAIZHANG = Path(sys.executable).parent / "taizhang"
COMMANDS = sorted(typer.main.get_command(app).commands)


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example: taizhang " in result.output


def test_ingest_list_show_round_trip(db_url: str) -> None:
    first = run("ingest", str(DEMO_CORPUS), "--db", db_url)
    assert first.exit_code == 0, first.output
    assert "新增 new 11 · 新版本 new version 0 · 未变 unchanged 0 · 失败 failed 0" in first.stderr
    again = run("ingest", str(DEMO_CORPUS), "--db", db_url)
    assert again.exit_code == 0 and "未变 unchanged 11" in again.stderr
    listing = run("sources", "--db", db_url)
    assert listing.exit_code == 0
    assert "national_china_2023_gwr.txt" in listing.stdout and "2023-03-05" in listing.stdout
    shown = run("show", "district_hailar_2019_gwr.txt", "--db", db_url)
    assert shown.exit_code == 0
    assert shown.stdout == (DEMO_CORPUS / "district_hailar_2019_gwr.txt").read_text(encoding="utf-8")


def test_ingest_with_failures_exits_1_and_names_each_file(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    (tmp_path / "empty.txt").write_bytes(b"")
    result = run("ingest", str(DEMO_CORPUS / "district_hailar_2019_gwr.txt"), str(tmp_path / "empty.txt"), str(tmp_path / "gone.txt"), "--db", db)
    assert result.exit_code == 1
    assert f"{tmp_path / 'empty.txt'}: empty file" in result.stderr
    assert f"{tmp_path / 'gone.txt'}: no such file or directory" in result.stderr
    assert "新增 new 1 · 新版本 new version 0 · 未变 unchanged 0 · 失败 failed 2" in result.stderr


def test_database_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "env.db"
    monkeypatch.setenv("TAIZHANG_DB", str(db))
    assert run("ingest", str(DEMO_CORPUS / "district_hailar_2019_gwr.txt")).exit_code == 0
    assert db.exists()


def test_show_unknown_source_fails_cleanly(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    run("ingest", str(SEED), "--db", db)
    for ref in ("nope.txt", "99999999999999999999999"):
        result = run("show", ref, "--db", db)
        assert result.exit_code == 1 and f"no source {ref!r}" in result.stderr


@pytest.mark.parametrize("command", [["sources"], ["show", "1"], ["dedup"]])
def test_reading_a_mistyped_database_path_is_an_error_not_an_empty_database(tmp_path: Path, command: list[str]) -> None:
    result = run(*command, "--db", str(tmp_path / "typo.db"))
    assert result.exit_code == 1 and "no database at" in result.stderr
    assert not (tmp_path / "typo.db").exists()


@pytest.mark.parametrize(("db", "message"), [("", "the database URL is empty"), ("sqlite:///", "in-memory database"), (":memory:", "in-memory database")])
def test_databases_that_would_lose_everything_are_refused(db: str, message: str) -> None:
    result = run("ingest", str(SEED), "--db", db)
    assert result.exit_code == 1 and message in result.stderr


@pytest.mark.parametrize("option", [["--year", "99999"], ["--year", "-3"], ["--max-bytes", "-1"]])
def test_out_of_range_numbers_are_usage_errors(option: list[str]) -> None:
    result = runner.invoke(app, ["ingest", str(SEED), *option])
    assert result.exit_code == 2 and "Invalid value" in result.output


def test_repair_of_a_missing_file_or_a_folder_says_so(tmp_path: Path) -> None:
    assert "no such file or directory" in run("repair", str(tmp_path / "nope.txt")).stderr
    assert "is a folder; give a file" in run("repair", str(tmp_path)).stderr


def test_show_original_bytes(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("到2026年,全区生产总值突破1500亿元。".encode("gbk"))
    run("ingest", str(gbk), "--db", db)
    result = runner.invoke(app, ["show", "gbk.txt", "--original", "--db", db])
    assert result.stdout_bytes == gbk.read_bytes()


def test_installed_command_reports_user_errors_without_traceback(tmp_path: Path) -> None:
    """The real entry point, in a real process: a bad database URL is one line, exit 1."""
    taizhang = Path(sys.executable).parent / "taizhang"
    result = subprocess.run(
        [str(taizhang), "sources", "--db", "postgresql+psycopg://nobody@127.0.0.1:9/none"],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("错误 error: cannot open database")


SEED = DEMO_CORPUS / "000_352e13108ae5b528.txt"


def test_extract_jsonl_records_point_into_the_file_and_warnings_go_to_stderr() -> None:
    import json

    result = run("extract", str(SEED))
    assert result.exit_code == 0
    text = SEED.read_text(encoding="utf-8")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records and all(text[r["start"] : r["end"]] == r["quote"] for r in records)
    assert all(r["source"] == SEED.name for r in records)
    assert "warning" not in result.stdout


def test_extract_csv_has_every_field_of_the_spec() -> None:
    import csv
    import io

    from taizhang.document import PLEDGE_FIELDS

    result = run("extract", "--year", "2022", "--format", "csv", str(SEED))
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert result.exit_code == 0 and rows
    assert tuple(rows[0]) == PLEDGE_FIELDS


def test_extract_reports_a_bad_file_and_goes_on(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    result = run("extract", str(tmp_path / "empty.txt"), str(SEED))
    assert result.exit_code == 1
    assert "empty.txt: empty file" in result.stderr
    assert len(result.stdout.splitlines()) > 10


def test_eval_scores_the_seed_against_its_gold() -> None:
    result = run("eval", "--year", "2022", "--gold", str(ROOT / "tests" / "fixtures" / "seed.pledges.jsonl"), str(SEED))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("value  P ")
    assert "misses" in result.stdout


def test_eval_with_unreadable_gold_fails_cleanly(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text("{not json\n", encoding="utf-8")
    result = run("eval", "--gold", str(gold), str(SEED))
    assert result.exit_code == 1 and f"{gold}:1: not JSON" in result.stderr


def test_repair_of_a_pipe_is_refused_instead_of_read_forever(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = run("repair", str(fifo))
    assert result.exit_code == 1 and "not a regular file" in result.stderr


def test_ledger_commands_refuse_a_database_that_does_not_exist(tmp_path: Path) -> None:
    for command in (["ledger"], ["entry", "1"], ["correct", "list"]):
        result = run(*command, "--db", str(tmp_path / "gone.db"))
        assert result.exit_code == 1 and "no database at" in result.stderr, command
    assert not (tmp_path / "gone.db").exists()


def test_a_full_disk_is_one_error_line(tmp_path: Path) -> None:
    """The real entry point writing to /dev/full: the failure to write is reported, not a traceback."""
    db = str(tmp_path / "t.db")
    run("ingest", str(SEED), "--db", db)
    taizhang = Path(sys.executable).parent / "taizhang"
    with open("/dev/full", "w") as full:
        result = subprocess.run([str(taizhang), "show", "1", "--db", db], stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "cannot write output" in result.stderr


def test_a_database_that_is_not_taizhangs_is_one_error_line_and_unchanged(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "app.db"
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")
    before = db.read_bytes()
    for command in (["sources"], ["ingest", str(DEMO_CORPUS)], ["ledger"]):
        result = subprocess.run([str(TAIZHANG), *command, "--db", str(db)], capture_output=True, text=True, cwd=ROOT)
        assert result.returncode == 1, command
        assert "is not a taizhang database (it holds users)" in result.stderr and "Traceback" not in result.stderr
    assert db.read_bytes() == before


def test_an_empty_path_is_an_error_not_this_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding 10 of #11: `ingest ''` ingested the current directory."""
    monkeypatch.chdir(DEMO_CORPUS)  # a folder full of files the command must not take
    db = str(tmp_path / "t.db")
    result = run("ingest", "", str(DEMO_CORPUS / "district_hailar_2019_gwr.txt"), "--db", db)
    assert result.exit_code == 1
    assert "失败 failed '': an empty path names no file" in result.stderr
    assert "新增 new 1 · 新版本 new version 0 · 未变 unchanged 0 · 失败 failed 1" in result.stderr
    assert run("extract", " ").exit_code == 1


@pytest.mark.parametrize("by", ["", "   ", "x" * 65, "a\x1bb"])
def test_an_empty_or_unprintable_author_is_refused(tmp_path: Path, by: str) -> None:
    """Finding 10 of #11: `--by ''` recorded an empty author."""
    db = str(tmp_path / "t.db")
    assert run("ingest", str(DEMO_CORPUS / "district_hailar_2019_gwr.txt"), "--db", db).exit_code == 0
    result = run("correct", "reject", "1", "--by", by, "--db", db)
    assert result.exit_code == 1 and "--by must name who makes the change" in result.stderr
    assert "更正 Corrections (0)" in run("correct", "list", "--db", db).stdout


@pytest.mark.parametrize(
    ("args", "wanted"),
    [
        (["ingest", "corpus", "--workers", "2"], True),
        (["ingest", "corpus", "--workers=3"], True),
        (["ingest", "-w2", "corpus"], True),
        (["ingest", "-w", "2", "--workers", "1", "corpus"], False),  # the last one counts, as in Typer
        (["ingest", "corpus"], False),
        (["ingest", "corpus", "--workers", "2", "--cluster", "local"], False),
        (["ledger", "refresh", "--workers", "2"], False),
        ([], False),
    ],
)
def test_pool_started_early_only_for_a_local_pool(args: list[str], wanted: bool) -> None:
    from taizhang.cli import _pool_wanted

    assert _pool_wanted(args) is wanted
