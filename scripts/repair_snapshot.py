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

import argparse
import hashlib
import json
import sys
from pathlib import Path

from taizhang.repair import repair

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SNAPSHOT = ROOT / "tests" / "repair" / "data" / "repair_snapshot.json"
IN_REPOSITORY = [ROOT / "tests" / "repair" / "data", ROOT / "examples" / "corpus", ROOT / "tests" / "corpus"]


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


def output(path: Path) -> str:
    """Repair's whole output for one file, as canonical JSON."""
    result = repair(path.read_text(encoding="utf-8"), path.name)
    return json.dumps(result.to_dict(), ensure_ascii=False, sort_keys=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--write", action="store_true", help="record the current outputs as the snapshot")
    ap.add_argument("--full", type=Path, help="also write every whole output here, one JSON line each")
    args = ap.parse_args(argv)
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8")) if SNAPSHOT.is_file() else {}
    digests, changed = {}, []
    full = args.full.open("w", encoding="utf-8") if args.full else None
    for name, path in documents().items():
        whole = output(path)
        digests[name] = hashlib.sha256(whole.encode("utf-8")).hexdigest()
        if full:
            full.write(json.dumps({"document": name, "repair": json.loads(whole)}, ensure_ascii=False) + "\n")
        if name in expected and expected[name] != digests[name]:
            changed.append(name)
    if full:
        full.close()
    if args.write:
        merged = {**expected, **digests}  # a run without shared/ keeps the digests it could not check
        SNAPSHOT.write_text(json.dumps(merged, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {SNAPSHOT}: {len(merged)} documents")
        return 0
    missing = sorted(set(digests) - set(expected))
    for name in changed:
        print(f"changed: {name}")
    for name in missing:
        print(f"not in the snapshot: {name} (not checked; record it with --write)")
    print(f"{len(digests) - len(changed) - len(missing)} of {len(digests)} documents repaired as recorded")
    # A document new to shared/ is reported, not failed: shared/ grows, and a test must not
    # assume its exact contents.
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
