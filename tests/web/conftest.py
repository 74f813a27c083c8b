"""Fixtures of the web tests: a demo database built from the bundled corpus, users, and — for the
browser tests — one server on a free port and one Chromium (Debian's, via executable_path)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from taizhang.ingest import ingest
from taizhang.ledger import Ledger, Outcome
from taizhang.storage import Store
from taizhang.storage.users import add_user
from tests.helpers import DEMO_CORPUS

ARTIFACTS = Path(__file__).parent / "artifacts"  # screenshots of every page (git-ignored): look at them
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]  # fmt: skip
EDITOR, ADMIN, PASSWORD = "王芳", "admin", "correct horse battery"


def build_demo(url: str) -> None:
    """The demo database (``make demo``'s corpus), two users and one outcome, so every page has content."""
    with Store(url) as store:
        report = ingest(store, [DEMO_CORPUS])
        assert report.ok, report.failed
        add_user(store, EDITOR, PASSWORD, "editor")
        add_user(store, ADMIN, PASSWORD, "admin")
        with Ledger(store) as ledger:
            ledger.add_outcome(Outcome("全国", "国内生产总值", 2023, 5.2, "%", "2023年国民经济和社会发展统计公报"), author="test")
            ledger.refresh()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("web") / "demo.db"
    build_demo(f"sqlite:///{path}")
    return f"sqlite:///{path}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def server(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard on the demo database, served by uvicorn in a thread on a free port."""
    import uvicorn

    from taizhang.web import create_app

    app = create_app(demo_db, secret="test secret", uploads=tmp_path_factory.mktemp("uploads"))
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    served = uvicorn.Server(config)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not served.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the dashboard did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    served.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser tests: .ci/run installs Debian's chromium")
        pytest.skip("no /usr/bin/chromium (apt-get install chromium fonts-wqy-zenhei)")
    from playwright.sync_api import sync_playwright

    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, server: str) -> Iterator[object]:  # noqa: ANN001 - a Playwright Browser
    """A fresh browser context (no cookies) on the dashboard; fails the test on any CSP violation
    or script error the page reports."""
    context = browser.new_context(base_url=server, viewport={"width": 1400, "height": 1000}, locale="zh-CN", accept_downloads=True)
    opened = context.new_page()
    problems: list[str] = []
    opened.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    opened.on("pageerror", lambda error: problems.append(str(error)))
    yield opened
    context.close()
    assert not problems, problems


def shot(page, name: str, full: bool = True) -> Path:  # noqa: ANN001
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full)
    return path
