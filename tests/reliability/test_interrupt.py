"""Stopping `taizhang ingest` from outside while it works, as people and machines do: Ctrl-C at a
terminal (SIGINT to the whole foreground process group: the command, its fork server and its
workers) and SIGKILL of the command alone (``kill -9``, the OOM killer); with one process and with
worker processes.

After either, no process of the command is left behind, the database holds whole files only, and
running the command again ends where a run never stopped ends, and leaves no folder of either run in
the temporary folder (each command's TMPDIR is a folder of the test's). Ctrl-C says so in one line,
with no traceback from the command or its workers. (SIGKILLs at random moments of a one-process
ingest are in test_crash.py.)
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability import states
from tests.test_ingest_scale import corpus

TAIZHANG = Path(sys.executable).parent / "taizhang"


@pytest.fixture(scope="module", autouse=True)
def ctrl_c_as_at_a_terminal() -> Iterator[None]:
    """The commands started here take Ctrl-C as a terminal's foreground job does. A test run that
    was itself started as a background job (``make test &``, a CI runner's shell) ignores SIGINT,
    and an ignored signal stays ignored across exec: the commands would never see it. A handled one
    is reset to the default in the child."""
    ignored = signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    if ignored:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    if ignored:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About three batches of files: a stop after the first batch is written finds more to do."""
    folder = tmp_path_factory.mktemp("corpus")
    corpus(folder, 100)
    return folder


@pytest.fixture(scope="module")
def clean(files: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    db = tmp_path_factory.mktemp("clean") / "clean.db"
    env = {**os.environ, "TMPDIR": str(tmp_path_factory.mktemp("tmp"))}
    subprocess.run([str(TAIZHANG), "ingest", str(files), "--db", str(db), "-q"], check=True, capture_output=True, env=env)
    return states.state(f"sqlite:///{db}")


@pytest.fixture
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The commands' environment: their temporary folder one of the test's, not /tmp (where each
    killed run used to leave a folder behind, ``pymp-…``: its fork server's socket). A short path:
    a socket's is at most 107 bytes."""
    return {**os.environ, "TMPDIR": str(tmp_path_factory.mktemp("t"))}


def _folders_left(env: dict[str, str]) -> list[str]:
    """The folders in the commands' temporary folder, but the user's own that is meant to stay
    (taizhang-UID: jieba's dictionary cache)."""
    return sorted(path.name for path in Path(env["TMPDIR"]).iterdir() if path.is_dir() and path.name != f"taizhang-{os.getuid()}")


def _start(files: Path, db: Path, workers: int, env: dict[str, str]) -> subprocess.Popen:
    """The command in a session of its own, as a shell runs a job: Ctrl-C goes to its whole group,
    and what is left of it can be found by its session."""
    command = [str(TAIZHANG), "ingest", str(files), "--db", str(db), "--workers", str(workers), "-q"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True, env=env)


def _first_batch_written(db: Path, process: subprocess.Popen) -> None:
    """Wait until the command has written a batch (so its workers are at work) and goes on."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with sqlite3.connect(db) as connection:
                if connection.execute("SELECT count(*) FROM sources").fetchone()[0]:
                    return
        except sqlite3.Error:  # not created yet
            pass
        time.sleep(0.05)
    raise AssertionError(f"no batch written while it ran (exit {process.poll()})")


def _left(session: int) -> list[int]:
    """The processes still in ``session``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getsid(int(entry.name)) == session:
                    found.append(int(entry.name))
            except ProcessLookupError:
                pass
    return found


def _none_left(session: int, seconds: float = 20) -> list[int]:
    """Wait for every process of ``session`` to end; those left after ``seconds`` (then killed)."""
    deadline = time.monotonic() + seconds
    while (left := _left(session)) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return left


@pytest.mark.parametrize("workers", [pytest.param(1, marks=pytest.mark.slow), 2])  # 2: the pool too
def test_ctrl_c_stops_ingest_with_one_line_and_the_next_run_goes_on(files: Path, clean: dict, tmp_path: Path, env: dict[str, str], workers: int) -> None:  # fmt: skip
    db = tmp_path / "t.db"
    process = _start(files, db, workers, env)
    try:
        _first_batch_written(db, process)
        os.killpg(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        left = _none_left(process.pid)
    stderr = stderr.decode()
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
    assert "中断 interrupted" in stderr and "run the same command again" in stderr, stderr
    assert not left, f"processes left running after Ctrl-C: {left}"
    assert not _folders_left(env)
    states.check(f"sqlite:///{db}")
    again = subprocess.run([str(TAIZHANG), "ingest", str(files), "--db", str(db), "-q"], capture_output=True, text=True, env=env)
    assert again.returncode == 0, again.stderr
    assert states.state(f"sqlite:///{db}") == clean


def test_ctrl_c_while_the_command_loads_is_no_traceback(tmp_path: Path, env: dict[str, str]) -> None:
    process = _start(tmp_path, tmp_path / "t.db", 2, env)
    time.sleep(0.3)  # Python has started; the command and the fork server are loading
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    left = _none_left(process.pid)
    assert process.returncode in (130, -signal.SIGINT), stderr
    assert "Traceback" not in stderr.decode(), stderr.decode()
    assert not left
    assert not _folders_left(env)


def test_ingest_killed_with_its_workers_at_work_leaves_no_process_and_resumes(files: Path, clean: dict, tmp_path: Path, env: dict[str, str]) -> None:  # fmt: skip
    db = tmp_path / "t.db"
    process = _start(files, db, 2, env)
    try:
        _first_batch_written(db, process)
        process.kill()  # the command alone: its fork server and workers are not told
        process.wait()
    finally:
        process.stderr.close()
        left = _none_left(process.pid)
    assert not left, f"processes of a killed ingest still running: {left}"
    states.check(f"sqlite:///{db}")
    [killed] = _folders_left(env)  # the killed run's, which it could not remove
    again = subprocess.run([str(TAIZHANG), "ingest", str(files), "--db", str(db), "--workers", "2", "-q"], capture_output=True, text=True, env=env)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert states.state(f"sqlite:///{db}") == clean
    assert not _folders_left(env), f"{killed} of the killed run is still there after the next"
