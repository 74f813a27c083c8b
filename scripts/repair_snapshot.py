"""Repair's whole output on real documents, kept as digests, so a faster repair is proved the same.

For every document of shared/corpus (.txt and .md), the seed and the copies the tests keep, the
digest of ``repair(text, name).to_dict()``: the repaired text, every change and problem with its
paragraphs, spans, detail and values, the sections and the offset map. A change to repair that
is meant to change nothing must leave every digest as it was:

    .venv/bin/python scripts/repair_snapshot.py                 # exit 1 if any output changed
    .venv/bin/python scripts/repair_snapshot.py --full out.jsonl  # also write every output whole
    .venv/bin/python scripts/repair_snapshot.py --write         # record the outputs as they are now

A change meant to alter what repair does is recorded with ``--write`` in the same commit. The
damaged documents of ``bench/repair.py`` are compared the same way with its ``--dump``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import snapshots
from taizhang.repair import repair

ROOT = snapshots.ROOT
SNAPSHOT = ROOT / "tests" / "repair" / "data" / "repair_snapshot.json"
IN_REPOSITORY = [ROOT / "tests" / "repair" / "data", ROOT / "examples" / "corpus", ROOT / "tests" / "corpus"]


def documents() -> dict[str, Path]:
    return snapshots.documents(IN_REPOSITORY)


def outputs(path: Path) -> dict[str, str]:
    """Repair's whole output for one file, as canonical JSON."""
    result = repair(path.read_text(encoding="utf-8"), path.name)
    return {"repair": json.dumps(result.to_dict(), ensure_ascii=False, sort_keys=True)}


def main(argv: list[str] | None = None) -> int:
    return snapshots.run(argv, __doc__.split("\n\n")[0], SNAPSHOT, documents(), outputs, "repaired")


if __name__ == "__main__":
    sys.exit(main())
