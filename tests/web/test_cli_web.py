"""`taizhang user add|list` and `taizhang serve` from the command line, on real SQLite files."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from taizhang.cli import app
from taizhang.storage import Store
from taizhang.storage.users import verify
from taizhang.web import serving
from tests.web.conftest import free_port

runner = CliRunner()


def test_user_add_stores_an_argon2_hash_and_lists_the_user(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    result = runner.invoke(app, ["user", "add", "王芳", "--role", "admin", "--password-stdin", "--db", db], input="long enough pw\n")
    assert result.exit_code == 0, result.output
    with Store(db) as store:
        assert verify(store, "王芳", "long enough pw").role == "admin"
        assert verify(store, "王芳", "wrong password") is None
    listed = runner.invoke(app, ["user", "list", "--db", db])
    assert listed.exit_code == 0 and "王芳\tadmin" in listed.output


def test_user_add_refuses_clearly(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    cases = [
        (["user", "add", "a", "--password-stdin"], "short\n", "at least 8 characters"),
        (["user", "add", "a", "--role", "owner", "--password-stdin"], "long enough pw\n", "role must be one of editor, admin"),
        (["user", "add", "has space", "--password-stdin"], "long enough pw\n", "without spaces"),
    ]
    for args, given, said in cases:
        result = runner.invoke(app, [*args, "--db", db], input=given)
        assert result.exit_code == 1 and said in result.output, result.output
    assert runner.invoke(app, ["user", "add", "b", "--password-stdin", "--db", db], input="long enough pw\n").exit_code == 0
    again = runner.invoke(app, ["user", "add", "b", "--password-stdin", "--db", db], input="long enough pw\n")
    assert again.exit_code == 1 and "already exists" in again.output and "Traceback" not in again.output


def test_serve_answers_and_refuses_a_missing_database(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["serve", "--db", str(tmp_path / "nothing.db")])
    assert missing.exit_code == 1 and "no database" in missing.output
    db = str(tmp_path / "t.db")
    Store(db).close()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", "from taizhang.cli import main; main()", "serve", "--db", db, "--port", str(port), "--uploads", str(tmp_path / "up")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/ledger.json")
                response = connection.getresponse()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, server.stderr.read().decode()
                time.sleep(0.2)
        assert response.status == 200 and json.loads(response.read())["count"] == 0
        assert "script-src 'self'" in response.getheader("content-security-policy")
    finally:
        server.terminate()
        server.wait(timeout=30)


def _tcp_sockets(port: int, state: str) -> set[str]:
    """Inodes of this machine's IPv4 TCP sockets on local port ``port`` in ``state`` (/proc/net/tcp:
    0A listening, 01 established)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == state:
            found.add(fields[9])
    return found


def _held(pid: int, inodes: set[str]) -> int:
    """How many of the sockets ``inodes`` process ``pid`` holds open."""
    held = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        held += target.startswith("socket:[") and target[8:-1] in inodes
    return held


@pytest.mark.skipif(not serving.spreads_connections(), reason="SO_REUSEPORT balances connections on Linux only")
def test_serve_spreads_connections_over_its_processes(tmp_path: Path) -> None:
    """`serve --workers 2`: each process listens on a socket of its own, so a burst of keep-alive
    connections lands on both (with one shared socket, all went to one; the chance that the kernel's
    hash sends 24 connections to one of two sockets is 2 in 2**24); a second server on the port is
    refused; SIGTERM stops every process."""
    db = str(tmp_path / "t.db")
    Store(db).close()
    port = free_port()
    command = [sys.executable, "-c", "from taizhang.cli import main; main()", "serve", "--db", db, "--port", str(port), "--workers", "2"]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    connections = []
    try:
        deadline = time.monotonic() + 60
        while len(_tcp_sockets(port, "0A")) < 2:  # both processes listen, each on a socket of its own
            if server.poll() is not None:
                pytest.fail(server.stderr.read().decode())
            assert time.monotonic() < deadline, "the server's processes do not listen on sockets of their own"
            time.sleep(0.2)
        for _ in range(24):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/ledger.json")
            response = connection.getresponse()
            assert response.status == 200 and json.loads(response.read())["count"] == 0
            connections.append(connection)
        children = _children(server.pid)
        established = _tcp_sockets(port, "01")
        per_process = sorted(_held(pid, established) for pid in children)
        assert per_process[-2:] >= [1, 1] and sum(per_process) == 24, per_process
        again = runner.invoke(app, ["serve", "--db", db, "--port", str(port)])
        assert again.exit_code == 1 and f"cannot listen on 127.0.0.1:{port}" in again.output, again.output
    finally:
        for connection in connections:
            connection.close()
        server.terminate()
        assert server.wait(timeout=60) == 0
    deadline = time.monotonic() + 30  # multiprocessing's helper process ends just after its parent
    while [pid for pid in children if Path(f"/proc/{pid}").exists()]:
        assert time.monotonic() < deadline, "a server process outlived `serve`"
        time.sleep(0.2)


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started (Linux /proc)."""
    return [int(child) for task in Path(f"/proc/{pid}/task").iterdir() for child in (task / "children").read_text().split()]
