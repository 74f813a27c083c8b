"""Ingest a folder on a LocalCluster of two workers, in batches of two files: the run the tests kill.

    python tests/cluster/cluster_run.py DB_URL FOLDER [STOPPED]

With STOPPED, the run stops inside the transaction of its third batch, its rows inserted (their
ids drawn) but not committed, and creates the file STOPPED to say so: the test kills it there, at
the same point every time, whatever the machine's load.
"""

import sys
import threading
from pathlib import Path

from taizhang.cluster import DaskRunner
from taizhang.ingest import ingest
from taizhang.storage import Store, batch


def stop_in_third_batch(stopped: Path) -> None:
    """Make the third batch's last step within its transaction (reading back what it stored) wait
    for ever, once ``stopped`` says it got there."""
    read_back, calls = batch._infos, []

    def infos(connection, ids):
        calls.append(ids)
        if len(calls) == 3:
            stopped.touch()
            threading.Event().wait()  # the test kills the run here
        return read_back(connection, ids)

    batch._infos = infos


if __name__ == "__main__":
    if len(sys.argv) > 3:
        stop_in_third_batch(Path(sys.argv[3]))
    runner = DaskRunner("local", 2)
    try:
        with Store(sys.argv[1]) as store:
            ingest(store, [Path(sys.argv[2])], runner=runner, batch_files=2)
    finally:
        runner.close()
