"""Exports a colleague can open safely, written where asked and nowhere else, and read back exactly.

Findings 5, 6 and 7 of #11: ``export -o`` wrote over anything (the database too, and through a
planted link); cells beginning with = + - @ reached CSV and Excel as formulas (and an untouched
export no longer imported back); deeply nested JSON and 5,000-digit integers gave tracebacks.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from taizhang.cli import app
from taizhang.document import Pledge
from taizhang.ledger import Ledger, export
from taizhang.spreadsheet import FORMULA_STARTS, from_csv_cell, to_csv_cell
from taizhang.storage import Store
from tests.ledger.ledger_support import store_source, write

runner = CliRunner()
# What a hostile page or a careless colleague puts where a spreadsheet looks for formulas.
FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1,1)", "\t=1+1", "\r=1+1", "'=1+1", "''-1"]


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def hostile(db_url: str, tmp_path: Path) -> str:
    """A source (its file name begins with @) whose pledges' quotes, metrics and actors begin like formulas."""
    lines = [f"{formula}到{2025 + i}年达到{100 * (i + 1)}亿元。" for i, formula in enumerate(FORMULAS)]
    text = "\n".join(lines) + "\n"
    path = write(tmp_path / "@HYPERLINK(1).txt", text)
    pledges = []
    for i, (formula, line) in enumerate(zip(FORMULAS, lines, strict=True)):
        start = text.index(line)
        pledges.append(Pledge(
            source=path.name, start=start, end=start + len(line) - 1, quote=line[:-1], metric=formula,
            kind="level", comparator=">=", value=100.0 * (i + 1), unit="亿元", norm_value=1e10 * (i + 1), norm_unit="CNY",
            actor=formula, deadline=2025 + i, horizon=f"到{2025 + i}年",
        ))  # fmt: skip
    with Store(db_url) as store:
        store_source(store, path, pledges)
    return db_url


def test_the_cell_escape_is_exact_and_leaves_nothing_a_formula() -> None:
    for text in [*FORMULAS, "", "'", "''", "'abc", "abc", "2026", "1500亿元", "=", "'-"]:
        cell = to_csv_cell(text)
        assert from_csv_cell(cell) == text
        assert not cell.startswith(FORMULA_STARTS)
    assert to_csv_cell(-5.0) == -5.0 and to_csv_cell(None) is None


def test_no_csv_cell_begins_like_a_formula_and_an_untouched_export_imports_as_nothing(hostile: str, tmp_path: Path) -> None:
    path = tmp_path / "ledger.csv"
    assert run("export", "-o", str(path), "--db", hostile).exit_code == 0
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert {len(row) for row in rows} == {len(export.COLUMNS)}
    text_cells = [c for row in rows for c in row if not _number(c)]
    assert not [c for c in text_cells if c.startswith(FORMULA_STARTS)]
    assert sum(c.startswith("'") for c in text_cells) >= 3 * len(FORMULAS)  # quote, metric, actor of each
    imported = run("import", str(path), "--db", hostile)
    assert imported.exit_code == 0 and "更正 corrections recorded: 0" in imported.stderr and "警告" not in imported.stderr


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_no_excel_cell_is_a_formula_and_every_text_comes_back_exactly(hostile: str, tmp_path: Path) -> None:
    path = tmp_path / "ledger.xlsx"
    assert run("export", "-o", str(path), "--db", hostile).exit_code == 0
    book = load_workbook(path)
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    risky = [c for c in cells if isinstance(c.value, str) and c.value.lstrip("'").startswith(FORMULA_STARTS)]
    assert len(risky) >= 3 * len(FORMULAS) and all(c.quotePrefix for c in risky)
    with Ledger(hostile) as ledger:
        exported = {(r["quote"], r["metric"], r["actor"], r["source"]) for r in ledger.entries()}
    sheet = export.read_table(path)
    assert {(r["quote"], r["metric"], r["actor"], r["source"]) for r in sheet} == exported
    assert {r["metric"] for r in sheet} == set(FORMULAS)
    imported = run("import", str(path), "--db", hostile)
    assert imported.exit_code == 0 and "更正 corrections recorded: 0" in imported.stderr and "警告" not in imported.stderr


def test_a_corrected_metric_that_is_a_formula_is_exported_as_text_and_edits_still_come_back(hostile: str, tmp_path: Path) -> None:
    assert run("correct", "set", "1", "metric", "=HYPERLINK(\"http://x\",\"y\")", "--db", hostile).exit_code == 0
    path = tmp_path / "ledger.xlsx"
    assert run("export", "-o", str(path), "--db", hostile).exit_code == 0
    book = load_workbook(path)
    sheet = book["台账 ledger"]
    header = [c.value for c in sheet[1]]
    metric = next(row[header.index("指标 metric")] for row in sheet.iter_rows(min_row=2) if row[0].value == 1)
    assert metric.value == '=HYPERLINK("http://x","y")' and metric.data_type == "s" and metric.quotePrefix
    deadline = next(row[header.index("期限 deadline")] for row in sheet.iter_rows(min_row=2) if row[0].value == 2)
    deadline.value = 2030
    book.save(path)
    imported = run("import", str(path), "--db", hostile, "--by", "王芳")
    assert imported.exit_code == 0 and "更正 corrections recorded: 1" in imported.stderr, imported.output
    with Ledger(hostile) as ledger:
        assert [(c.field, c.after) for c in ledger.corrections()] == [("metric", '=HYPERLINK("http://x","y")'), ("deadline", 2030)]


def test_extract_csv_escapes_formulas_too(tmp_path: Path) -> None:
    path = write(tmp_path / "=1+1.txt", "到2025年，全区生产总值达到100亿元。\n")
    result = run("extract", "--format", "csv", str(path))
    assert result.exit_code == 0
    [row] = list(csv.DictReader(io.StringIO(result.stdout)))
    assert row["source"] == "'=1+1.txt" and from_csv_cell(row["source"]) == path.name


# Finding 5: where an export may be written.


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_an_existing_file_is_replaced_only_with_force(hostile: str, tmp_path: Path) -> None:
    for args, name in ((["export"], "ledger.csv"), (["export"], "ledger.xlsx"), (["correct", "export"], "c.json")):
        target = write(tmp_path / name, "keep me")
        before = _files(tmp_path)
        refused = run(*args, "-o", str(target), "--db", hostile)
        assert refused.exit_code == 1 and "already exists (give --force" in refused.stderr
        assert target.read_text(encoding="utf-8") == "keep me" and _files(tmp_path) == before  # no temporary left
        assert run(*args, "-o", str(target), "--force", "--db", hostile).exit_code == 0
        assert target.read_bytes() != b"keep me" and _files(tmp_path) == before


def test_the_database_is_never_an_export_target(tmp_path: Path, hostile: str) -> None:
    if not hostile.startswith("sqlite"):
        pytest.skip("a server database has no file to write over")
    db = Path(hostile.removeprefix("sqlite:///"))
    named = tmp_path / "x.db"
    os.link(db, named)  # the same file under another name
    unknown = run("export", "-o", str(db), "--db", hostile)
    assert unknown.exit_code == 1 and "cannot tell the format" in unknown.stderr
    for target in (db, named, tmp_path / "." / db.name, Path(f"{db}-wal")):
        for args in (["export", "--format", "csv"], ["correct", "export"]):
            result = run(*args, "-o", str(target), "--force", "--db", hostile)
            assert result.exit_code == 1 and "it is the database this command reads" in result.stderr, (target, result.output)
    assert run("ledger", "--db", hostile).exit_code == 0


def test_a_planted_link_is_not_written_through(hostile: str, tmp_path: Path) -> None:
    victim = write(tmp_path / "victim.txt", "precious")
    link = tmp_path / "ledger.csv"
    link.symlink_to(victim)
    for force in ([], ["--force"]):
        result = run("export", "-o", str(link), *force, "--db", hostile)
        assert result.exit_code == 1 and "is a symbolic link" in result.stderr
    assert victim.read_text(encoding="utf-8") == "precious" and link.is_symlink()


# Finding 7: JSON that the parser cannot take is a named error, never a traceback.


@pytest.mark.parametrize(
    "content", ["[" * 100_000 + "]" * 100_000, '[{"key": ' + "9" * 5000 + "}]"], ids=["nested", "long-integer"]
)
@pytest.mark.parametrize("command", [["import"], ["outcome", "import"], ["correct", "import"]])
def test_json_too_deep_or_too_long_is_one_error_line(hostile: str, tmp_path: Path, content: str, command: list[str]) -> None:
    path = write(tmp_path / "bad.json", content)
    result = run(*command, str(path), "--db", hostile)
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"错误 error: {path}: not JSON (") and ("nested more than 64 deep" in line or "digits" in line)


def test_json_round_trip_of_hostile_text_is_exact(hostile: str, tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    assert run("export", "-o", str(path), "--db", hostile).exit_code == 0
    assert {r["metric"] for r in json.loads(path.read_text(encoding="utf-8"))} == set(FORMULAS)
    imported = run("import", str(path), "--db", hostile)
    assert imported.exit_code == 0 and "更正 corrections recorded: 0" in imported.stderr
