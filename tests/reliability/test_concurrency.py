"""Four writers at once into one new database, readers beside them: no "database is locked", no
migration failure, nothing twice, and the result of writing one after another.

Four `taizhang ingest` processes over overlapping folders (A+B, B+C, C+D, D+A) start together on a
database that does not exist yet (so the very first command races too), into a SQLite file and into
PostgreSQL; meanwhile readers run `taizhang ledger` and `taizhang export` over and over (each
builds the ledger when it finds new pledges, so they write too) and the dashboard, started as soon
as the database exists, serves its ledger, sources, facets and an export: three times over, a slow test.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from taizhang.reprints import link_reprints
from taizhang.storage import Store
from tests.helpers import DEMO_CORPUS, FIXTURES, corpus_file
from tests.reliability.states import check, state

TAIZHANG = Path(sys.executable).parent / "taizhang"
FOLDERS = {
    "A": [DEMO_CORPUS / "000_352e13108ae5b528.txt", FIXTURES / "hailar2019.utf8.txt"],
    "B": [FIXTURES / "hailar2019.gbk.txt", FIXTURES / "hailar2019.utf16.txt", FIXTURES / "hailar2019.gb18030.html"],
    "C": [corpus_file("district_hailar_2014_gwr.txt"), FIXTURES / "zhejiang2025-traditional.big5.txt"],
    "D": [DEMO_CORPUS / "district_hailar_2019_gwr.txt", FIXTURES / "hailar2019.utf8-bom.txt"],
}
WRITERS = [("A", "B"), ("B", "C"), ("C", "D"), ("D", "A")]
# What a reader may meet before the first writer has made the database.
NOT_YET = ("no database at", "holds no taizhang database yet")


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("folders")
    made = {}
    for name, files in FOLDERS.items():
        made[name] = root / name
        made[name].mkdir()
        for path in files:
            shutil.copy(path, made[name] / path.name)
    return made


def _fresh(db_url: str, round: int, tmp_path: Path) -> str:
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / f'round{round}.db'}"
    name = f"c_{uuid.uuid4().hex[:10]}"
    admin = create_engine(db_url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return db_url.rsplit("/", 1)[0] + f"/{name}"


def _read_while(url: str, command: list[str], writing: threading.Event, problems: list[str]) -> None:
    """Run a reading command over and over until the writers are done; note every failure that is not
    'the database is not made yet'."""
    runs = 0
    while writing.is_set() or runs == 0:
        result = subprocess.run([str(TAIZHANG), *command, "--db", url], capture_output=True, text=True, timeout=300)
        runs += 1
        if result.returncode != 0 and not any(text in result.stderr for text in NOT_YET):
            problems.append(f"{command[0]}: {result.stderr.strip()}")


# What the dashboard is asked for while the writers write: pages and the API, facets, an export.
WEB_READS = ("/ledger.json?limit=20", "/ledger", "/ledger/facets.json?facet=status", "/sources.json", "/export.csv")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve_while(url: str, writing: threading.Event, problems: list[str]) -> None:
    """Start `taizhang serve` as soon as it finds a database (it refuses before the first writer made
    one), then read its pages over HTTP until the writers are done; note every answer that is not 200."""
    port = _free_port()
    server = None
    try:
        while server is None:
            started = subprocess.Popen(
                [str(TAIZHANG), "serve", "--db", url, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
            )
            while started.poll() is None and not _answers(port):
                time.sleep(0.1)
            if started.poll() is None:
                server = started
                break
            stderr = started.stderr.read()
            if not any(text in stderr for text in NOT_YET):
                problems.append(f"serve: {stderr.strip()}")
                return
            time.sleep(0.2)
        reads = 0
        while writing.is_set() or reads == 0:
            for path in WEB_READS:
                reads += 1
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120) as response:
                        response.read()
                except (urllib.error.URLError, OSError) as error:
                    problems.append(f"GET {path}: {error}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def sequential(folders: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The same files ingested one writer after another."""
    url = f"sqlite:///{tmp_path_factory.mktemp('sequential') / 'one.db'}"
    for writer in WRITERS:
        subprocess.run([str(TAIZHANG), "ingest", *(str(folders[f]) for f in writer), "--db", url], check=True, capture_output=True)
    return state(url)


@pytest.mark.slow
@pytest.mark.parametrize("rounds", [3])
def test_four_writers_and_three_readers_on_a_new_database(
    db_url: str, folders: dict[str, Path], sequential: dict, tmp_path: Path, rounds: int
) -> None:
    for round in range(rounds):
        url = _fresh(db_url, round, tmp_path)
        writing = threading.Event()
        writing.set()
        problems: list[str] = []
        readers = [
            threading.Thread(target=_read_while, args=(url, command, writing, problems))
            for command in (["ledger"], ["export", "--format", "json"])
        ]
        readers.append(threading.Thread(target=_serve_while, args=(url, writing, problems)))
        for reader in readers:
            reader.start()
        writers = [
            subprocess.Popen(
                [str(TAIZHANG), "ingest", *(str(folders[f]) for f in writer), "--db", url],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            for writer in WRITERS
        ]
        outputs = [writer.communicate(timeout=600)[1] for writer in writers]
        writing.clear()
        for reader in readers:
            reader.join(timeout=600)
        for writer, output in zip(writers, outputs, strict=True):
            assert writer.returncode == 0, output
            assert "locked" not in output and "Traceback" not in output and "already exists" not in output
        assert problems == []
        check(url)
        assert state(url) == sequential, f"round {round}"
        with Store(url) as store:  # links each writer kept from batch to batch, as the whole store gives them
            links = store.reprints()
            assert link_reprints(store) == links, f"round {round}"
