"""Running ingest's per-file work on Dask distributed: an existing scheduler, or a LocalCluster.

The only module that imports Dask (the ``[cluster]`` extra). Workers run
:func:`taizhang.ingest.analyse_files` on a few files' bytes a task and send back their texts
and rows; they need taizhang installed (without extras: they never open the database) and nothing
else, since the bytes travel with the task. The ingesting process reads the files and writes the database.

    taizhang ingest corpus/ --cluster local                 # a LocalCluster of this machine's cores
    taizhang ingest corpus/ --cluster tcp://10.0.0.5:8786   # a running scheduler
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from taizhang.errors import TaizhangError
from taizhang.runners import FILES_PER_CALL

NO_DASK = "the cluster runner needs Dask: pip install 'taizhang[cluster]' ({error})"
NO_SCHEDULER = "cannot reach a Dask scheduler at {address} ({error})"
OTHER_VERSION = (
    "Dask workers at {address} run another taizhang ({theirs}; here {ours}): install this one on them, or the "
    "records they make would be redone by every later run"
)


class ClusterError(TaizhangError):
    """Dask is missing or its scheduler cannot be reached."""


class DaskRunner:
    """Submits work to a Dask cluster: the scheduler at ``address``, or with ``address`` "local" a
    LocalCluster of ``workers`` single-threaded worker processes started here (closed with it)."""

    files_per_call = FILES_PER_CALL

    def __init__(self, address: str, workers: int | None = None, *, timeout: float = 30) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as error:
            raise ClusterError(NO_DASK.format(error=error)) from None
        self._cluster = None
        try:
            if address == "local":
                self._cluster = LocalCluster(
                    n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                    dashboard_address=":0", silence_logs=40,
                )  # fmt: skip
                self._client = Client(self._cluster, timeout=timeout)
            else:
                self._client = Client(address, timeout=timeout)
        except (OSError, TimeoutError, ValueError) as error:  # ValueError: an address Dask cannot parse
            self.close()
            raise ClusterError(NO_SCHEDULER.format(address=address, error=error)) from None
        ours = _extractor()
        theirs = sorted({v for v in self._client.run(_extractor).values() if v != ours})
        if theirs:
            self.close()
            raise ClusterError(OTHER_VERSION.format(address=address, theirs=", ".join(theirs), ours=ours))
        threads = sum(self._client.nthreads().values()) or 1
        self.slots = 2 * threads * FILES_PER_CALL
        self.where = f"Dask at {self._client.scheduler.address} ({threads} worker threads)"
        self.dashboard = self._client.dashboard_link

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self._client.submit(fn, *args, pure=False)

    def result(self, handle: Any) -> Any:
        return handle.result()

    def done(self, handle: Any) -> bool:
        return handle.done()

    def close(self) -> None:
        client = getattr(self, "_client", None)
        if client is not None:
            client.close()
        if self._cluster is not None:
            self._cluster.close()


def _extractor() -> str:
    """The version of the pipeline's code and rules this process runs (on a worker: the worker's)."""
    from taizhang.pipeline import EXTRACTOR

    return EXTRACTOR
