"""Exports opened and saved by a real spreadsheet program: headless LibreOffice (Debian's
libreoffice-calc-nogui, which .ci/run installs) reads no cell of ours as a formula, and a workbook or
CSV it saves imports back into the ledger as no change at all.

LibreOffice does read a cell beginning with = as a formula when it is not quoted: the control
case below shows it, so the test would notice if our quoting stopped working."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from taizhang.cli import app
from taizhang.ledger import export
from tests.ledger.test_spreadsheet_safety import FORMULAS, hostile  # noqa: F401 - the fixture

SOFFICE = shutil.which("soffice")
if SOFFICE is None and os.environ.get("CI"):
    raise RuntimeError("CI must run the LibreOffice tests: .ci/run installs libreoffice-calc-nogui")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
runner = CliRunner()


# A CSV read as the import dialog reads ours: comma-separated, "-quoted, UTF-8 (76), from line 1.
CSV_IN = "--infilter=CSV:44,34,76,1"


def convert(path: Path, to: str, out: Path) -> Path:
    """``path`` opened and saved as ``to`` by headless LibreOffice (its own profile, so runs do not meet)."""
    profile = (out / "profile").as_uri()
    infilter = [CSV_IN] if path.suffix == ".csv" else []
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", *infilter, "--convert-to", to, "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return out / f"{path.stem}.{to.split(':')[0]}"


def formulas(workbook: Path) -> list[str]:
    """Cells stored as formulas (LibreOffice stores a yes/no cell as =TRUE() or =FALSE(): not ours to fear)."""
    book = load_workbook(workbook)
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    return [c.coordinate for c in cells if c.data_type == "f" and c.value not in ("=TRUE()", "=FALSE()")]


def test_libreoffice_runs_an_unquoted_formula_in_a_csv(tmp_path: Path) -> None:
    """The control: what an export must not let happen."""
    naive = tmp_path / "naive.csv"
    naive.write_text("a\n=1+1\n", encoding="utf-8")
    assert formulas(convert(naive, "xlsx", tmp_path / "out")) == ["A2"]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_libreoffice_reads_no_formula_and_its_save_imports_as_no_change(hostile: str, tmp_path: Path, kind: str) -> None:  # noqa: F811
    exported = tmp_path / f"ledger.{kind}"
    assert runner.invoke(app, ["export", "-o", str(exported), "--db", hostile]).exit_code == 0
    opened = convert(exported, "xlsx", tmp_path / "out")
    assert formulas(opened) == []
    texts = {c.value for sheet in load_workbook(opened).worksheets for row in sheet.iter_rows() for c in row}
    shown = {text if kind == "xlsx" else "'" + text for text in FORMULAS if text.strip() == text}
    assert shown <= texts  # each hostile text is there as text (in a CSV with the quote that keeps it so)
    # Saved by LibreOffice in the format it came in, the file imports back as nothing changed. (In a
    # CSV, LibreOffice turns a carriage return inside a cell into a line feed: that row's quote no
    # longer matches its entry, so import leaves the row out and says so, rather than misread it.)
    saved = convert(opened, "csv:Text - txt - csv (StarCalc):44,34,76,1" if kind == "csv" else "xlsx", tmp_path / "saved")
    result = runner.invoke(app, ["import", str(saved), "--db", hostile])
    assert "更正 corrections recorded: 0" in result.stderr and "column" not in result.stderr, result.output
    with_cr = [n for n, row in enumerate(export.read_table(exported), start=2) if "\r" in str(row["quote"])]
    if kind == "csv" and with_cr:
        assert result.exit_code == 1 and f"row(s) not imported (its quote" in result.stderr and f"rows {with_cr[0]};" in result.stderr
    else:
        assert result.exit_code == 0, result.output
