"""The scratch folders of a ledger build with worker processes (``/tmp/taizhang-ledger-…``, its
chunks' records on disk: gigabytes for a big ledger) after the build is killed outright: the next
build removes them, and leaves a live build's alone.

Real builds in processes of their own, killed with SIGKILL; their TMPDIR a folder of the test's.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from taizhang.ingest import ingest
from taizhang.storage import Store
from tests.helpers import DEMO_CORPUS
from tests.reliability.test_interrupt import _none_left

# A build of the demo corpus's ledger in chunks by two workers, as a big ledger is built.
BUILD = """
import sys
from taizhang.ledger import Ledger
with Ledger(sys.argv[1]) as ledger:
    ledger.parallel_records, ledger.chunk_records = 1, 40
    ledger.refresh(force=True, workers=2)
"""


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 't.db'}"
    with Store(url) as store:
        assert ingest(store, [DEMO_CORPUS]).ok
    return url


def _build(database: str, tmp: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", BUILD, database], env={**os.environ, "TMPDIR": str(tmp)},
        stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip


def _stopped_at_work(build: subprocess.Popen, tmp: Path, others: set[Path] = frozenset()) -> Path:
    """The build's scratch folder (not one of ``others``), once records are on disk there; the build
    and its workers stopped (SIGSTOP) then, alive."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and build.poll() is None:
        folders = set(tmp.glob("taizhang-ledger-*")) - others
        if folders and any((folder := folders.pop()).iterdir()):
            os.killpg(build.pid, signal.SIGSTOP)
            return folder
        time.sleep(0.002)
    pytest.fail(f"no records seen on disk; the build's exit code {build.poll()}, its errors: {build.stderr.read() if build.poll() is not None else ''}")


def test_a_killed_builds_folder_is_removed_by_the_next_and_a_live_ones_kept(database: str, tmp_path: Path) -> None:
    older = tmp_path / "taizhang-ledger-x1_y2z3w"  # an older taizhang's (no lock held: it may be at work)
    older.mkdir()
    killed = _build(database, tmp_path)
    dead = _stopped_at_work(killed, tmp_path, {older})
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    assert not _none_left(killed.pid)  # its workers too
    assert dead.is_dir()  # what a SIGKILL leaves

    live = _build(database, tmp_path)
    try:
        folder = _stopped_at_work(live, tmp_path, {older, dead})
        assert not dead.exists()  # removed by the next build
        other = _build(database, tmp_path)
        assert other.wait(timeout=120) == 0, other.stderr.read()
        assert folder.is_dir() and any(folder.iterdir())  # a live build's, kept by the build beside it
    finally:
        os.killpg(live.pid, signal.SIGCONT)
    assert live.wait(timeout=120) == 0, live.stderr.read()
    assert list(tmp_path.iterdir()) == [older]
