"""SIGKILL at any moment loses nothing and duplicates nothing: ingest, the ledger build, importing an
edited export, corrections and outcome imports.

Two kinds of kill. In-process, a forked child is killed after its n-th SQL statement, for n drawn
at random over the whole piece of work (fast, so the default run does it; ``kills.killed_after``).
From outside, the real ``taizhang`` command is killed with SIGKILL after a random delay, 50 times
over a corpus of about 40 files in the slow run (``pytest -m slow``, which ``.ci/run`` runs).
After every kill: ``PRAGMA integrity_check`` passes, the database opens, no source, pledge,
correction or outcome is there twice or half-written; after the work is run again to its end, the
export is the one a clean run makes.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from taizhang.ingest import ingest
from taizhang.ledger import Ledger, export
from taizhang.storage import Store
from tests.helpers import DEMO_CORPUS, FIXTURES, ROOT
from tests.reliability import states
from tests.reliability.kills import count_statements, kill_at_random, killed_after

TAIZHANG = Path(sys.executable).parent / "taizhang"
AS_OF = states.AS_OF
# Real documents in every format and encoding the project reads, plus two PDFs it must refuse.
CORPUS_PARTS = {
    "demo": DEMO_CORPUS,
    "gold": ROOT / "tests" / "gold" / "docs",
    "corpus": ROOT / "tests" / "corpus",
    "repair": ROOT / "tests" / "repair" / "data",
    "fixtures": FIXTURES,
    "bad": FIXTURES / "bad",
}
SUFFIXES = (".txt", ".md", ".html", ".docx", ".pdf", ".tsv")


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for name, source in CORPUS_PARTS.items():
        (folder / name).mkdir()
        for path in sorted(source.iterdir()):
            if path.is_file() and path.suffix in SUFFIXES and "expected" not in path.name:
                shutil.copy(path, folder / name / path.name)
    return folder


def files_in(corpus: Path) -> int:
    return sum(1 for path in corpus.rglob("*") if path.is_file() and path.suffix != ".tsv")


def state(db: Path) -> dict:
    return states.state(f"sqlite:///{db}")


def check(db: Path) -> None:
    states.check(f"sqlite:///{db}")


@pytest.fixture(scope="session")
def clean(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, float]:
    """A clean ingest of the corpus: the database, what it holds, and how long the command took."""
    db = tmp_path_factory.mktemp("clean") / "clean.db"
    started = time.perf_counter()
    result = subprocess.run([str(TAIZHANG), "ingest", str(corpus), "--db", str(db)], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    assert result.returncode == 1 and "失败 failed 2" in result.stderr  # the encrypted and the image-only PDF
    return db, state(db), seconds


@pytest.mark.parametrize("kills", [8, pytest.param(40, marks=pytest.mark.slow)])
def test_ingest_killed_after_random_statements_loses_and_duplicates_nothing(
    corpus: Path, clean: tuple[Path, dict, float], tmp_path: Path, kills: int
) -> None:
    db = tmp_path / "killed.db"

    def work(target: Path = db) -> None:
        with Store(str(target)) as store:
            ingest(store, [corpus])

    total = count_statements(lambda: work(tmp_path / "count.db"))  # of one whole ingest
    rng = random.Random(kills)
    killed = runs = 0
    while killed < kills and runs < 3 * kills:
        # Each run starts over the batch (stored files are found unchanged) and dies at a random
        # statement: on average the kills spread over the whole ingest.
        runs += 1
        killed += killed_after(rng.randint(1, 2 * total // kills), work)
        check(db)
    assert killed == kills
    assert not killed_after(10**9, work)  # the last run finishes
    check(db)
    assert state(db) == clean[1]


@pytest.mark.slow
def test_taizhang_ingest_killed_50_times_at_random_moments(corpus: Path, clean: tuple[Path, dict, float], tmp_path: Path) -> None:
    """The issue's test: SIGKILL `taizhang ingest` of about 40 files 50 times, at random moments."""
    assert files_in(corpus) >= 38
    db = tmp_path / "killed.db"
    command = [str(TAIZHANG), "ingest", str(corpus), "--db", str(db)]
    rng = random.Random(50)
    kills = runs = 0
    while kills < 50 and runs < 150:
        # Kills land from the database's creation through storing files to re-reading stored ones.
        runs += 1
        kills += kill_at_random(command, rng.uniform(0.2, max(3.0, clean[2] / 3)), allowed={1}) is None
        if db.exists():
            check(db)
    assert kills == 50
    subprocess.run(command, capture_output=True)
    check(db)
    assert state(db) == clean[1]
    print(f"50 kills of taizhang ingest over {files_in(corpus)} files in {runs} runs")


@pytest.fixture
def ledger_db(clean: tuple[Path, dict, float], tmp_path: Path) -> Path:
    db = tmp_path / "ledger.db"
    shutil.copy(clean[0], db)
    return db


def _edited_export(db: Path, path: Path) -> Path:
    """An export with every entry's deadline moved a year: one correction per mention."""
    with Ledger(str(db), as_of=AS_OF) as ledger:
        ledger.refresh()
        rows = ledger.entries()
    for row in rows:
        row["deadline"] = (row["deadline"] or 2030) + 1
    path.write_text(export.to_csv(rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("kills", [4, pytest.param(20, marks=pytest.mark.slow)])
def test_ledger_work_killed_after_random_statements_is_all_or_nothing(ledger_db: Path, tmp_path: Path, kills: int) -> None:
    """The first ledger build, importing an edited export (hundreds of corrections in one
    transaction), a correction and an outcome import, each killed at random statements."""
    reference = tmp_path / "reference.db"
    shutil.copy(ledger_db, reference)
    edited = _edited_export(ledger_db, tmp_path / "edited.csv")
    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text(
        "actor,metric,year,value,unit,source\n" + "".join(f"全国,国内生产总值,{1901 + i % 200},{100 + i},万亿元,年鉴{i}\n" for i in range(300)),
        encoding="utf-8",
    )

    def steps(db: Path) -> list:
        def build() -> None:
            with Ledger(str(db), as_of=AS_OF) as ledger:
                ledger.refresh()

        def edits() -> None:
            with Ledger(str(db), as_of=AS_OF) as ledger:
                ledger.import_edits(edited, author="王芳")

        def correct() -> None:
            with Ledger(str(db), as_of=AS_OF) as ledger:
                ledger.refresh()
                if not any(c.action == "reject" for c in ledger.corrections()):
                    ledger.reject(1, author="王芳", note="not a pledge")

        def results() -> None:
            with Ledger(str(db), as_of=AS_OF) as ledger:
                ledger.import_outcomes(outcomes, author="王芳")

        return [build, edits, correct, results]

    for step in steps(reference):
        step()
    rng = random.Random(kills)
    whole = _counts(reference)
    for killed_step, counted_step in zip(steps(ledger_db), steps(tmp_path / "count.db"), strict=True):
        shutil.copy(ledger_db, tmp_path / "count.db")
        total = count_statements(counted_step)
        for point in sorted(rng.sample(range(1, total), min(kills, total - 1))):
            killed_after(point, killed_step)
            check(ledger_db)
            _all_or_nothing(ledger_db, whole)
        assert not killed_after(10**9, killed_step)
        check(ledger_db)
    assert state(ledger_db) == state(reference)


def _counts(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as connection:
        return (
            connection.execute("SELECT count(*) FROM ledger_corrections WHERE action = 'set'").fetchone()[0],
            connection.execute("SELECT count(*) FROM ledger_outcomes").fetchone()[0],
        )


def _all_or_nothing(db: Path, whole: tuple[int, int]) -> None:
    corrections, outcomes = _counts(db)
    assert corrections in (0, whole[0]), "an import of edits half-written"
    assert outcomes in (0, whole[1]), "an outcome import half-written"


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [["ledger"], ["import", "{edited}"], ["correct", "reject", "1"], ["outcome", "import", "{outcomes}"]],
    ids=["ledger-build", "import", "correct", "outcome-import"],
)
def test_taizhang_commands_killed_at_random_moments(ledger_db: Path, tmp_path: Path, command: list[str]) -> None:
    edited = _edited_export(ledger_db, tmp_path / "edited.csv")
    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text(
        "actor,metric,year,value,unit,source\n" + "".join(f"全国,国内生产总值,{1901 + i % 200},{100 + i},万亿元,年鉴{i}\n" for i in range(300)),
        encoding="utf-8",
    )
    args = [str(TAIZHANG), *(a.format(edited=edited, outcomes=outcomes) for a in command), "--db", str(ledger_db)]
    started = time.perf_counter()
    reference = tmp_path / "reference.db"
    shutil.copy(ledger_db, reference)
    subprocess.run([*args[:-1], str(reference)], capture_output=True, check=True)
    seconds = time.perf_counter() - started
    rng = random.Random(" ".join(command))
    whole = _counts(reference)
    # Once a run has finished, the next finds its work done: the edited rows' entries changed, entry 1
    # rejected. Such a run says so and exits 1, changing nothing.
    for _ in range(8):
        kill_at_random(args, rng.uniform(0.3 * seconds, seconds), allowed={0, 1})
        check(ledger_db)
        _all_or_nothing(ledger_db, whole)
    assert subprocess.run(args, capture_output=True).returncode in (0, 1)
    assert state(ledger_db) == state(reference)
