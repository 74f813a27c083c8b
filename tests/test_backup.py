"""`taizhang backup FILE` and `taizhang restore FILE` on a SQLite file and on the PostgreSQL server
`make test` starts: a round trip gives back the export the database had, and neither command
destroys anything it was not asked to."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from taizhang.cli import app
from tests.helpers import DEMO_CORPUS, FIXTURES

runner = CliRunner()
TAIZHANG = Path(sys.executable).parent / "taizhang"


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def exported(db: str) -> str:
    result = run("export", "--format", "json", "--db", db, "--as-of", "2024-01-01")
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def filled(db_url: str) -> str:
    assert run("ingest", str(DEMO_CORPUS / "000_352e13108ae5b528.txt"), str(DEMO_CORPUS / "national_china_2023_gwr.txt"), "--db", db_url).exit_code == 0  # fmt: skip
    assert run("correct", "reject", "1", "--db", db_url, "--by", "王芳").exit_code == 0
    assert run("outcome", "add", "全国", "国内生产总值", "2023", "5.2", "%", "--source", "统计公报", "--db", db_url).exit_code == 0
    return db_url


def _needs_pg_tools(url: str) -> None:
    if url.startswith("postgresql") and not shutil.which("pg_dump"):
        pytest.skip("PostgreSQL's client tools are not installed")


def test_a_backup_restores_the_database_as_it_was(filled: str, tmp_path: Path) -> None:
    _needs_pg_tools(filled)
    before = exported(filled)
    copy = tmp_path / ("backup.db" if filled.startswith("sqlite") else "backup.dump")
    result = run("backup", str(copy), "--db", filled)
    assert result.exit_code == 0, result.output
    # Work goes on after the backup; then the backup is restored over it.
    assert run("ingest", str(FIXTURES / "hailar2019.utf8.txt"), "--db", filled).exit_code == 0
    assert run("correct", "reject", "2", "--db", filled, "--by", "王芳").exit_code == 0
    assert exported(filled) != before
    refused = run("restore", str(copy), "--db", filled)
    assert refused.exit_code == 1 and "give --force" in refused.stderr and exported(filled) != before
    restored = run("restore", str(copy), "--db", filled, "--force")
    assert restored.exit_code == 0, restored.output
    assert exported(filled) == before
    assert "更正 Corrections (1)" in run("correct", "list", "--db", filled).stdout


def test_a_sqlite_backup_is_a_checked_database_that_opens(filled: str, tmp_path: Path) -> None:
    if not filled.startswith("sqlite"):
        pytest.skip("a SQLite backup")
    copy = tmp_path / "b.db"
    assert run("backup", str(copy), "--db", filled).exit_code == 0
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert exported(f"sqlite:///{copy}") == exported(filled)  # a backup is a database taizhang opens as it is


def test_a_backup_into_a_new_database_of_the_same_kind(filled: str, tmp_path: Path) -> None:
    if not filled.startswith("sqlite"):
        pytest.skip("a new SQLite file; the PostgreSQL round trip is above")
    copy = tmp_path / "b.db"
    assert run("backup", str(copy), "--db", filled).exit_code == 0
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert run("restore", str(copy), "--db", fresh).exit_code == 0
    assert exported(fresh) == exported(filled)


def test_backup_writes_no_file_over_another_or_over_the_database(filled: str, tmp_path: Path) -> None:
    _needs_pg_tools(filled)
    existing = tmp_path / "old.db"
    existing.write_text("keep", encoding="utf-8")
    refused = run("backup", str(existing), "--db", filled)
    assert refused.exit_code == 1 and "already exists" in refused.stderr and existing.read_text(encoding="utf-8") == "keep"
    if filled.startswith("sqlite"):
        database = filled.removeprefix("sqlite:///")
        result = run("backup", database, "--db", filled, "--force")
        assert result.exit_code == 1 and "it is the database this command reads" in result.stderr


@pytest.mark.parametrize("content", [b"", b"not a database at all", b"SQLite format 3\x00" + b"\x00" * 200, b"PGDMP garbage"])
def test_restoring_what_is_no_backup_is_refused_and_changes_nothing(filled: str, tmp_path: Path, content: bytes) -> None:
    before = exported(filled)
    bad = tmp_path / "bad.bak"
    bad.write_bytes(content)
    result = run("restore", str(bad), "--db", filled, "--force")
    assert result.exit_code == 1 and result.stderr.startswith("错误 error:") and len(result.stderr.strip().splitlines()) == 1
    assert exported(filled) == before


def test_another_applications_database_is_no_backup(filled: str, tmp_path: Path) -> None:
    if not filled.startswith("sqlite"):
        pytest.skip("a SQLite file")
    other = tmp_path / "app.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")
    result = run("restore", str(other), "--db", filled, "--force")
    assert result.exit_code == 1 and "not a taizhang database" in result.stderr


def test_a_backup_taken_while_another_process_writes_is_whole(tmp_path: Path) -> None:
    db = tmp_path / "busy.db"
    assert run("ingest", str(DEMO_CORPUS / "000_352e13108ae5b528.txt"), "--db", str(db)).exit_code == 0
    writer = threading.Thread(
        target=subprocess.run, args=([str(TAIZHANG), "ingest", str(DEMO_CORPUS), str(FIXTURES), "--db", str(db)],), kwargs={"capture_output": True}
    )
    writer.start()
    copies = []
    while writer.is_alive() or not copies:
        copy = tmp_path / f"b{len(copies)}.db"
        result = subprocess.run([str(TAIZHANG), "backup", str(copy), "--db", str(db)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        copies.append(copy)
    writer.join()
    for copy in copies:
        with sqlite3.connect(copy) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            # whole sources only: every source has its bytes, and pledges only when extracted
            assert connection.execute("SELECT count(*) FROM sources s LEFT JOIN source_blobs b ON b.source_id = s.id WHERE b.data IS NULL").fetchone() == (0,)  # fmt: skip
