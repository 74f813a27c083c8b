"""The snapshot scripts fail on a changed output, and only report a document they have no record of.

shared/ grows: a document that arrives there after the record was written must not fail the suite,
while one whose output changed must.
"""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SMALL_DOCUMENT = ROOT / "tests" / "repair" / "data" / "national_china_2024_npc-resolution-on-gwr.txt"


@pytest.mark.parametrize("script", ["extract_snapshot.py", "repair_snapshot.py"])
def test_a_new_document_is_reported_and_a_changed_output_fails(script, tmp_path, capsys, monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))  # as when the script is run: its folder first
    module = runpy.run_path(str(ROOT / "scripts" / script))
    main = module["main"]
    document = SMALL_DOCUMENT
    snapshot = tmp_path / "snapshot.json"
    snapshot.write_text("{}", encoding="utf-8")
    main.__globals__["SNAPSHOT"] = snapshot
    main.__globals__["documents"] = lambda: {document.name: document}

    assert main([]) == 0
    assert f"not in the snapshot: {document.name}" in capsys.readouterr().out

    assert main(["--write"]) == 0
    assert main([]) == 0
    recorded = json.loads(snapshot.read_text(encoding="utf-8"))
    recorded[document.name] = {way: "0" * 64 for way in recorded[document.name]}
    snapshot.write_text(json.dumps(recorded), encoding="utf-8")
    assert main([]) == 1
    assert f"changed: {document.name}" in capsys.readouterr().out
