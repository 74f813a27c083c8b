"""What the snapshot scripts share: a stage's whole output on every real document at hand, kept as
digests, so that a faster stage is proved to give the same.

``scripts/repair_snapshot.py`` and ``scripts/extract_snapshot.py`` each say where their record lies,
which folders of the repository hold copies of the documents, and which outputs ("ways") they take
of one document, each as canonical JSON. This module finds the documents, digests every output,
and either records them (``--write``) or checks them against the record; ``--full FILE`` also
writes every output whole, one JSON line each, so that ``diff`` shows what a change altered.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def documents(in_repository: list[Path]) -> dict[str, Path]:
    """Documents by file name: shared/'s, and the copies the repository keeps (the same bytes under
    the same name), so that the check runs without shared/ too."""
    found: dict[str, Path] = {}
    for folder in (SHARED / "corpus", SHARED / "seed", *in_repository):
        for path in sorted([*folder.glob("*.txt"), *folder.glob("*.md")]):
            if path.name == "README.md":
                continue
            found.setdefault(path.name, path)
    return found


def run(
    argv: list[str] | None,
    description: str,
    record: Path,
    found: dict[str, Path],
    outputs: Callable[[Path], dict[str, str]],
    done: str,
) -> int:
    """The command line of a snapshot script: 0 when every recorded output is as recorded (or
    after ``--write``), 1 when any changed. ``done`` says what the stage did ("repaired")."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--write", action="store_true", help="record the current outputs as the snapshot")
    ap.add_argument("--full", type=Path, help="also write every whole output here, one JSON line each")
    args = ap.parse_args(argv)
    expected = json.loads(record.read_text(encoding="utf-8")) if record.is_file() else {}
    digests: dict[str, dict[str, str]] = {}
    changed: dict[str, list[str]] = {}  # document -> the ways whose output changed
    full = args.full.open("w", encoding="utf-8") if args.full else None
    for name, path in found.items():
        whole = outputs(path)
        digests[name] = {way: hashlib.sha256(text.encode("utf-8")).hexdigest() for way, text in whole.items()}
        if full:
            for way, text in whole.items():
                full.write(json.dumps({"document": name, "way": way, "output": json.loads(text)}, ensure_ascii=False))
                full.write("\n")
        ways = [way for way in whole if name in expected and expected[name].get(way) != digests[name][way]]
        if ways:
            changed[name] = ways
    if full:
        full.close()
    if args.write:
        merged = {**expected, **digests}  # a run without shared/ keeps the digests it could not check
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps(merged, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {record}: {len(merged)} documents")
        return 0
    missing = sorted(set(digests) - set(expected))
    for name, ways in changed.items():
        print(f"changed: {name} ({', '.join(ways)})")
    for name in missing:
        print(f"not in the snapshot: {name} (not checked; record it with --write)")
    print(f"{len(digests) - len(changed) - len(missing)} of {len(digests)} documents {done} as recorded")
    # A document new to shared/ is reported, not failed: shared/ grows, and a test must not
    # assume its exact contents.
    return 1 if changed else 0
