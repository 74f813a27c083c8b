"""Extraction's whole output on real documents, kept as digests, so a faster extractor is proved the same.

For every document of shared/corpus (.txt and .md), the seed, the gold documents and the copies the
repository keeps, three digests: of ``extract(text, name)`` (pledges, outcomes, warnings, year), of
``extract(text, name, outcomes=False)`` and of ``pipeline.analyse`` (repair, then extract, offsets
mapped back into the original text). Each is taken over every record's every field. A change to
extraction or repair that is meant to change nothing must leave every digest as it was:

    .venv/bin/python scripts/extract_snapshot.py                 # exit 1 if any output changed
    .venv/bin/python scripts/extract_snapshot.py --full out.jsonl  # also write every output whole
    .venv/bin/python scripts/extract_snapshot.py --write         # record the outputs as they are now

Documents are read from their bytes with the file name as source and no manifest (a copy's
output does not depend on the folder it lies in). A change meant to alter what extraction does is
recorded with ``--write`` in the same commit; ``--full`` before and after, then ``diff``, shows what
it changed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import snapshots
from taizhang.document import Document
from taizhang.extract import Extraction, extract
from taizhang.pipeline import analyse

ROOT = snapshots.ROOT
SNAPSHOT = ROOT / "tests" / "extract" / "data" / "extract_snapshot.json"
IN_REPOSITORY = [
    ROOT / "tests" / "gold" / "docs", ROOT / "tests" / "gold" / "outcome_docs",
    ROOT / "examples" / "corpus", ROOT / "tests" / "corpus", ROOT / "tests" / "repair" / "data",
]  # fmt: skip
WAYS = ("extract", "extract_without_outcomes", "analyse")


def documents() -> dict[str, Path]:
    return snapshots.documents(IN_REPOSITORY)


def as_dict(extraction: Extraction) -> dict[str, object]:
    return {
        "pledges": [pledge.to_dict() for pledge in extraction.pledges],
        "outcomes": [outcome.to_dict() for outcome in extraction.outcomes],
        "warnings": extraction.warnings,
        "year": extraction.year,
    }


def outputs(path: Path) -> dict[str, str]:
    """The three outputs for one file, each as canonical JSON."""
    text = path.read_text(encoding="utf-8")
    made = {
        "extract": extract(text, path.name),
        "extract_without_outcomes": extract(text, path.name, outcomes=False),
        "analyse": analyse(Document(text, path.name)),
    }
    return {way: json.dumps(as_dict(made[way]), ensure_ascii=False, sort_keys=True) for way in WAYS}


def main(argv: list[str] | None = None) -> int:
    return snapshots.run(argv, __doc__.split("\n\n")[0], SNAPSHOT, documents(), outputs, "extracted")


if __name__ == "__main__":
    sys.exit(main())
