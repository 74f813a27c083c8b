"""The cluster path on a real Dask LocalCluster of two worker processes: the same ledger as one
process makes, on SQLite and PostgreSQL, and a run killed midway that resumes to that ledger."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from taizhang.cluster import ClusterError, DaskRunner
from taizhang.ingest import ingest
from taizhang.ledger import Ledger
from taizhang.storage import Store
from taizhang.storage.tables import FileRow, OutcomeTextRow, ReprintBandRow, SourceBlob, SourceRow
from tests.helpers import ROOT
from tests.test_ingest_scale import contents, corpus


def ledger_of(url: str) -> tuple[list, list]:
    """The ledger's entries and mentions, each outcome an entry rests on named by what it is
    rather than by its row id (``t12``: PostgreSQL skips the ids a killed transaction drew)."""
    with Ledger(url) as ledger:
        ledger.refresh()
        entries, mentions = ledger.entries(), ledger.mentions()
    with Store(url) as store, store.connect("read") as connection:
        query = select(OutcomeTextRow.id, SourceRow.name, OutcomeTextRow.start, OutcomeTextRow.end, OutcomeTextRow.quote)
        outcomes = {f"t{i}": ("text", *rest) for i, *rest in connection.execute(query.join(SourceRow))}
    for entry in entries:
        if entry["outcome_ref"] is not None:
            entry["outcome_ref"] = outcomes[entry["outcome_ref"]]
    return entries, mentions


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, tuple[list, list]]:
    """A corpus, and what one process stores of it and the ledger it makes."""
    folder = tmp_path_factory.mktemp("cluster")
    corpus(folder / "corpus", 30)
    url = f"sqlite:///{folder / 'single.db'}"
    with Store(url) as store:
        ingest(store, [folder / "corpus"])
        stored = contents(store)
    return folder / "corpus", stored, ledger_of(url)


def test_a_cluster_run_makes_the_ledger_one_process_makes(db_url: str, reference) -> None:
    folder, expected, ledger = reference
    runner = DaskRunner("local", 2)
    try:
        assert runner.dashboard and runner.slots == 4 * runner.files_per_call  # two calls in flight for each of 2 threads
        with Store(db_url) as store:
            report = ingest(store, [folder], runner=runner, batch_files=3)
            assert report.ok and contents(store) == expected
    finally:
        runner.close()
    assert ledger_of(db_url) == ledger and ledger[0]


def renumbered(stored: dict) -> dict:
    """What ingest stored, each source id replaced by its rank."""
    rank = {row[0]: k for k, row in enumerate(stored["sources"], start=1)}
    return {
        "sources": [(rank[row[0]], *row[1:]) for row in stored["sources"]],
        "blobs": [(rank[i], *rest) for i, *rest in stored["blobs"]],
        "bands": [(rank[i], *rest) for i, *rest in stored["bands"]],
        "reprints": {rank[a]: rank[b] for a, b in stored["reprints"].items()},
        "pledges": stored["pledges"],
    }


def sources_in(url: str) -> int:
    with Store(url) as store, store.connect("read") as connection:
        return connection.execute(select(func.count()).select_from(SourceRow)).scalar()


def test_a_killed_cluster_run_resumes_to_the_same_ledger(db_url: str, reference, tmp_path: Path) -> None:
    folder, expected, ledger = reference
    files = sorted(folder.iterdir())
    stopped = tmp_path / "stopped"
    Store(db_url).close()  # the schema first
    run = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "cluster" / "cluster_run.py"), db_url, str(folder), str(stopped)],
        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        # Killed inside its third batch's transaction (see cluster_run.py), whatever the load:
        # two batches of two files committed, the third's rows inserted and their ids drawn.
        deadline = time.monotonic() + 300
        while not stopped.exists() and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert stopped.exists() and run.poll() is None, "the run did not stop in its third batch"
    finally:
        os.killpg(run.pid, signal.SIGKILL)  # the client, its scheduler and its workers at once
        run.wait()
    stored = sources_in(db_url)
    assert stored == 4
    with Store(db_url) as store, store.connect("read") as connection:
        # whole files only: every source stored has its bytes, its reprint keys and its file's state
        for table in (SourceBlob, FileRow):
            assert connection.execute(select(func.count()).select_from(table)).scalar() == stored
        assert connection.execute(select(func.count(func.distinct(ReprintBandRow.source_id)))).scalar() == stored
    runner = DaskRunner("local", 2)
    try:
        with Store(db_url) as store:
            resumed = ingest(store, [folder], runner=runner)
            assert resumed.count("unchanged") == stored and sum(d.read > 0 for d in resumed.done) == len(files) - stored
            # PostgreSQL does not give back the ids a killed transaction drew: ids may skip some,
            # in the same order (the ledger reads them only to order sources, and names the
            # outcomes entries rest on by them: see ledger_of).
            assert renumbered(contents(store)) == renumbered(expected)
    finally:
        runner.close()
    assert ledger_of(db_url) == ledger


def test_workers_running_another_taizhang_are_refused(tmp_path: Path) -> None:
    from distributed import LocalCluster

    preload = tmp_path / "other_version.py"
    preload.write_text("import taizhang.pipeline\ntaizhang.pipeline.EXTRACTOR = '0.0.1+other'\n", encoding="utf-8")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0", preload=[str(preload)]) as cluster:
        with pytest.raises(ClusterError, match="run another taizhang"):
            DaskRunner(cluster.scheduler_address)


def test_a_scheduler_that_is_not_there_is_a_clear_error() -> None:
    with pytest.raises(ClusterError, match="cannot reach a Dask scheduler at tcp://127.0.0.1:9"):
        DaskRunner("tcp://127.0.0.1:9", timeout=2)
