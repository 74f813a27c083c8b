"""Ingest a folder on a LocalCluster of two workers, in small batches: the run the tests kill.

    python tests/cluster/cluster_run.py DB_URL FOLDER
"""

import sys
from pathlib import Path

from taizhang.cluster import DaskRunner
from taizhang.ingest import ingest
from taizhang.storage import Store

if __name__ == "__main__":
    runner = DaskRunner("local", 2)
    try:
        with Store(sys.argv[1]) as store:
            ingest(store, [Path(sys.argv[2])], runner=runner, batch_files=2)
    finally:
        runner.close()
