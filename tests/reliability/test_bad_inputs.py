"""The bad-input corpus (tests/reliability/bad_inputs.py) through `taizhang ingest`: every file gets a
named error or a clean result, the rest of the batch is stored, nothing stored before is touched,
and no database that is not taizhang's to write is written."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from taizhang.cli.common import shown
from taizhang.source import path_text
from taizhang.source.decode import decode
from taizhang.storage import Store
from tests.helpers import DEMO_CORPUS
from tests.reliability.bad_inputs import PARAGRAPH, make_databases, make_files

TAIZHANG = Path(sys.executable).parent / "taizhang"


def _stored(db: Path) -> dict[str, tuple]:
    with Store(str(db)) as store:
        return {
            s.sha256: (s.name, s.path, s.version, s.extractor, store.source_text(s.id), tuple(p.quote for p in store.pledges(s.id)))
            for s in store.sources()
        }


@pytest.mark.parametrize("big", [False, pytest.param(True, marks=pytest.mark.slow)], ids=["small", "10MB-line-1GiB-bomb"])
def test_every_bad_file_is_named_and_the_rest_is_stored(tmp_path: Path, big: bool) -> None:
    db = tmp_path / "t.db"
    subprocess.run([str(TAIZHANG), "ingest", str(DEMO_CORPUS), "--db", str(db)], check=True, capture_output=True)
    before = _stored(db)
    cases = make_files(tmp_path / "files", big=big)
    # Each file by name: a folder's scan passes over what is not a readable kind of file (unknown.xyz, a pipe).
    files = [str(tmp_path / "files" / case.name) for case in cases]
    result = subprocess.run([str(TAIZHANG), "ingest", *files, "--db", str(db)], capture_output=True, text=True, timeout=1800)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    after = _stored(db)
    names = {row[0] for row in after.values()}  # as stored: bytes that were not UTF-8 as \xNN
    for case in cases:
        failed = [line for line in lines if line.startswith("失败 failed") and f"{shown(case.name)}:" in line]
        if case.expect is None:
            assert path_text(case.name) in names and not failed, (case.what, failed)
        elif case.expect == "either":
            assert (path_text(case.name) in names) != bool(failed), (case.what, failed)
        else:
            assert failed and case.expect in failed[0], (case.what, failed, case.expect)
    for sha256, row in before.items():  # nothing stored before is touched
        assert after[sha256] == row
    with Store(str(db)) as store:
        for source in store.sources():  # what is stored is what was read
            data = store.source_bytes(source.id)
            assert hashlib.sha256(data).hexdigest() == source.sha256 and source.size == len(data)


def test_databases_that_are_not_taizhangs_to_write_are_named_and_left_as_they_were(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(PARAGRAPH, encoding="utf-8")
    for what, (path, expect) in make_databases(tmp_path / "databases").items():
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        for command in (["ingest", str(good)], ["sources"], ["ledger"], ["backup", str(tmp_path / f"{path.stem}.bak")]):
            result = subprocess.run([str(TAIZHANG), *command, "--db", str(path)], capture_output=True, text=True)
            assert result.returncode == 1, (what, command, result.stderr)
            assert any(e in result.stderr for e in expect) and "Traceback" not in result.stderr, (what, command, result.stderr)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, what
        wal = Path(f"{path}-wal")
        assert not wal.exists() or wal.stat().st_size == 0, what  # nothing written, not even to the log


def test_a_file_that_changes_while_it_is_read_is_stored_as_it_was_read(tmp_path: Path) -> None:
    """Another program rewrites the file over and over while ingest reads it: each version stored is
    whole (its bytes match their digest, its text is those bytes decoded)."""
    path = tmp_path / "changing.txt"
    versions = [(PARAGRAPH * n).encode() for n in (1, 300, 3000)]
    path.write_bytes(versions[0])
    writing = threading.Event()
    writing.set()

    def rewrite() -> None:
        n = 0
        while writing.is_set():
            with path.open("wb") as file:  # truncated, then written in two pieces: readers may see either half
                data = versions[n % len(versions)]
                file.write(data[: len(data) // 2])
                file.flush()
                file.write(data[len(data) // 2 :])
            n += 1

    writer = threading.Thread(target=rewrite)
    writer.start()
    db = tmp_path / "t.db"
    try:
        for _ in range(5):
            result = subprocess.run([str(TAIZHANG), "ingest", str(path), "--db", str(db)], capture_output=True, text=True)
            assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr
    finally:
        writing.clear()
        writer.join()
    with Store(str(db)) as store:
        for source in store.sources():
            data = store.source_bytes(source.id)
            assert hashlib.sha256(data).hexdigest() == source.sha256
            assert store.source_text(source.id) == decode(data, "x")[0]
