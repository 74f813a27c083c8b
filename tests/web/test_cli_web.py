"""`taizhang user add|list` and `taizhang serve` from the command line, on real SQLite files."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from taizhang.cli import app
from taizhang.storage import Store
from taizhang.storage.users import verify
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
