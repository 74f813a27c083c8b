"""Several server processes on one port, each listening on a socket of its own (Linux's
SO_REUSEPORT), so that the kernel spreads new connections over them.

uvicorn's own ``workers`` share one listening socket, and the event loop of whichever worker wakes
first accepts every connection waiting: twenty keep-alive clients arriving at once all landed on
one of two processes, one core busy and the other idle (bench/web.py's filtered API query answered
exactly one core's worth of requests). With a socket per process the kernel picks the process for
each new connection by its address hash, so they share the load from the first burst on.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import sys
import threading

import uvicorn
from uvicorn.config import STARTUP_FAILURE

APP = "taizhang.web.app:from_environment"  # each process builds the app from the environment
logger = logging.getLogger("uvicorn.error")


def spreads_connections() -> bool:
    """Whether the kernel balances connections over sockets sharing a port (Linux; on the BSDs and
    macOS SO_REUSEPORT lets them share it but one socket gets every connection)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def cannot_listen(host: str, port: int) -> str | None:
    """Why nothing can listen on ``host:port`` (something listens there already, an address not
    of this machine), or None: checked before the processes start, since a socket of ours would
    join another server's port silently."""
    try:
        with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a closed server's TIME_WAIT is no obstacle
            probe.bind((host, port))
    except OSError as error:
        return error.strerror or str(error)
    return None


def serve_processes(host: str, port: int, processes: int) -> int:
    """Serve :data:`APP` from ``processes`` processes until SIGINT or SIGTERM; the exit status.

    A process that ends is replaced, unless it failed to start (the next would fail the same way):
    then all stop and the status is non-zero."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no state forked from the parent

    def started() -> multiprocessing.process.BaseProcess:
        process = context.Process(target=_process, args=(host, port), daemon=False)
        process.start()
        return process

    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    running = [started() for _ in range(processes)]
    status = 0
    while not stop.wait(0.5):
        for at, process in enumerate(running):
            if process.is_alive():
                continue
            if process.exitcode == STARTUP_FAILURE:
                status = STARTUP_FAILURE
                stop.set()
                break
            logger.warning("server process %d ended (exit status %s); starting another", process.pid, process.exitcode)
            running[at] = started()
    for process in running:
        process.terminate()  # uvicorn finishes the requests in flight, then exits
    for process in running:
        process.join()
    return status


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def _process(host: str, port: int) -> None:  # pragma: no cover - runs in the server processes
    config = uvicorn.Config(APP, factory=True, host=host, port=port, log_level="warning", access_log=False)
    try:
        config.load()  # the app first: the socket listens only once the process can answer
        listening = socket.socket(_family(host), socket.SOCK_STREAM)
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        listening.bind((host, port))
    except Exception:
        logger.exception("the server process could not start")
        sys.exit(STARTUP_FAILURE)
    uvicorn.Server(config).run(sockets=[listening])
