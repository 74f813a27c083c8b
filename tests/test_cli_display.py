"""What the command line prints reads well and cannot be turned against the reader: help that names
values by what they are, tables that fit the terminal, names from outside shown escaped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from rich.cells import cell_len
from typer.testing import CliRunner

from taizhang.cli import app
from tests.helpers import DEMO_CORPUS

runner = CliRunner()
TAIZHANG = Path(sys.executable).parent / "taizhang"


def _commands(group: typer.main.TyperGroup, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, command in group.commands.items():
        found += _commands(command, (*prefix, name)) if hasattr(command, "commands") else [(*prefix, name)]
    return found


COMMANDS = _commands(typer.main.get_command(app))


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "taizhang")
def test_help_names_values_by_what_they_are_and_fits_80_columns(command: tuple[str, ...]) -> None:
    """#12 (also seen): every --help showed <bool>, <str>, <int range> [1<=x<=9223372036854775807]."""
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "80"}, terminal_width=80)
    assert result.exit_code == 0
    for raw in ("<str>", "<bool>", "<int", "<float>", "<path>", "<file>", "x<=", "<=x", "9223372036854775807"):
        assert raw not in result.output, (command, raw)
    assert "{" not in result.output.splitlines()[0]  # the usage line names arguments plainly
    # Wrapped to the width in characters (click does not count a Chinese character as two cells).
    assert max(len(line) for line in result.output.splitlines()) <= 80


def _ingested(tmp_path: Path, names: list[str]) -> str:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in names:
        (folder / name).write_text("到2025年，地区生产总值达到100亿元，城镇新增就业3万人以上。\n", encoding="utf-8")
    db = str(tmp_path / "t.db")
    subprocess.run([str(TAIZHANG), "ingest", str(folder), "--db", db], check=True, capture_output=True)
    return db


def test_tables_fit_a_narrow_terminal_when_piped(tmp_path: Path) -> None:
    """#12 (also seen): tables ignored COLUMNS=80."""
    db = str(tmp_path / "t.db")
    subprocess.run([str(TAIZHANG), "ingest", str(DEMO_CORPUS), "--db", db], check=True, capture_output=True)
    for command in (["ledger"], ["sources"], ["entry", "1"], ["correct", "list"]):
        result = subprocess.run(
            [str(TAIZHANG), *command, "--db", db], capture_output=True, text=True, env=os.environ | {"COLUMNS": "80"}
        )
        assert result.returncode == 0, result.stderr
        assert max(cell_len(line) for line in result.stdout.splitlines()) <= 80, command


HOSTILE_NAMES = ["a\x1b[31mred\x1b]0;title\x07.txt", "b\nnew line.txt", "c\u202egnp.txt", "[bold]d.txt"]


def test_file_names_that_hold_terminal_escapes_are_printed_escaped(tmp_path: Path) -> None:
    """Finding 10 of #11: names with escape sequences were printed raw by ingest, sources, ledger, entry."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i, name in enumerate(HOSTILE_NAMES):
        (folder / name).write_text(f"到{2025 + i}年，地区生产总值达到{100 + i}亿元。\n", encoding="utf-8")
    db = str(tmp_path / "t.db")
    printed = []
    for command in (["ingest", str(folder)], ["sources"], ["ledger"], ["entry", "1"], ["entry", "2"], ["export", "-f", "json"]):
        result = subprocess.run([str(TAIZHANG), *command, "--db", db], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        printed.append(result.stdout + result.stderr)
    terminal = "".join(printed[:-1])
    for raw in ("\x1b", "\x07", "\u202e", "b\nnew"):
        assert raw not in terminal
    assert "a\\x1b[31mred\\x1b]0;title\\x07.txt" in terminal and "b\\nnew line.txt" in terminal
    assert "c\\u202egnp.txt" in terminal and "[bold]d.txt" in terminal
    assert "\\u001b" in printed[-1]  # the JSON export keeps the name exactly (escaped as JSON escapes it)


def test_an_undecodable_file_name_is_stored_and_shown_by_its_bytes(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / os.fsdecode(b"gbk-\xd5\xfe\xb8\xae.txt")).write_text("到2025年，地区生产总值达到100亿元。\n", encoding="utf-8")
    db = str(tmp_path / "t.db")
    ingested = subprocess.run([str(TAIZHANG), "ingest", str(folder), "--db", db], capture_output=True, text=True)
    assert ingested.returncode == 0, ingested.stderr
    listed = subprocess.run([str(TAIZHANG), "sources", "--db", db], capture_output=True, text=True)
    assert "gbk-\\xd5\\xfe\\xb8\\xae.txt" in listed.stdout
