"""Documentation that is generated or promised stays true."""

from __future__ import annotations

import subprocess
import sys

import typer

from taizhang.cli import app
from tests.helpers import ROOT


def test_cli_reference_is_current() -> None:
    result = subprocess.run([sys.executable, "scripts/cli_docs.py", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_readme_starts_with_the_two_commands_and_lists_every_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head = readme.split("## ", 1)[0]
    assert [line.split("#")[0].strip() for line in head.splitlines() if line.startswith("make ")] == ["make demo", "make test"]
    for name in typer.main.get_command(app).commands:
        assert f"`taizhang {name}" in readme, name
