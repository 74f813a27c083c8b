"""Write docs/cli.md from the CLI's own --help, so the reference cannot drift from the code.

    .venv/bin/python scripts/cli_docs.py          # rewrite docs/cli.md
    .venv/bin/python scripts/cli_docs.py --check  # exit 1 if docs/cli.md is stale
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from typer.testing import CliRunner

from taizhang.cli import app

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def render() -> str:
    runner = CliRunner()
    command = typer.main.get_command(app)
    sections = ["# taizhang command-line reference", "", "Generated from `--help` by `scripts/cli_docs.py`; do not edit.", ""]
    for name in [None, *sorted(command.commands)]:
        args = [name, "--help"] if name else ["--help"]
        result = runner.invoke(app, args, prog_name="taizhang", env={"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}, terminal_width=100)
        title = f"taizhang {name}" if name else "taizhang"
        body = "\n".join(line.rstrip() for line in result.stdout.strip("\n").splitlines())
        sections += [f"## `{title}`", "", "```", body, "```", ""]
    return "\n".join(sections)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC} is stale: run .venv/bin/python scripts/cli_docs.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
