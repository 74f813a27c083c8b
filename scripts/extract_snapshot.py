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

import argparse
import hashlib
import json
import sys
from pathlib import Path

from taizhang.document import Document
from taizhang.extract import Extraction, extract
from taizhang.pipeline import analyse

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SNAPSHOT = ROOT / "tests" / "extract" / "data" / "extract_snapshot.json"
IN_REPOSITORY = [
    ROOT / "tests" / "gold" / "docs", ROOT / "tests" / "gold" / "outcome_docs", ROOT / "examples" / "corpus",
    ROOT / "tests" / "corpus", ROOT / "tests" / "repair" / "data",
]  # fmt: skip
WAYS = ("extract", "extract_without_outcomes", "analyse")


def documents() -> dict[str, Path]:
    """Documents by file name: shared/'s, and the copies the repository keeps (the same bytes under
    the same name), so that the check runs without shared/ too."""
    found: dict[str, Path] = {}
    for folder in (SHARED / "corpus", SHARED / "seed", *IN_REPOSITORY):
        for path in sorted([*folder.glob("*.txt"), *folder.glob("*.md")]):
            if path.name == "README.md":
                continue
            found.setdefault(path.name, path)
    return found


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
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--write", action="store_true", help="record the current outputs as the snapshot")
    ap.add_argument("--full", type=Path, help="also write every whole output here, one JSON line each")
    args = ap.parse_args(argv)
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8")) if SNAPSHOT.is_file() else {}
    digests: dict[str, dict[str, str]] = {}
    changed: dict[str, list[str]] = {}  # document -> the ways whose output changed
    full = args.full.open("w", encoding="utf-8") if args.full else None
    for name, path in documents().items():
        whole = outputs(path)
        digests[name] = {way: hashlib.sha256(whole[way].encode("utf-8")).hexdigest() for way in WAYS}
        if full:
            for way in WAYS:
                full.write(json.dumps({"document": name, "way": way, **json.loads(whole[way])}, ensure_ascii=False))
                full.write("\n")
        ways = [way for way in WAYS if name in expected and expected[name].get(way) != digests[name][way]]
        if ways:
            changed[name] = ways
    if full:
        full.close()
    if args.write:
        merged = {**expected, **digests}  # a run without shared/ keeps the digests it could not check
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(json.dumps(merged, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {SNAPSHOT}: {len(merged)} documents")
        return 0
    missing = sorted(set(digests) - set(expected))
    for name, ways in changed.items():
        print(f"changed: {name} ({', '.join(ways)})")
    for name in missing:
        print(f"not in the snapshot: {name} (not checked; record it with --write)")
    print(f"{len(digests) - len(changed) - len(missing)} of {len(digests)} documents extracted as recorded")
    # A document new to shared/ is reported, not failed: shared/ grows, and a test must not
    # assume its exact contents.
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
