"""What #11 asks of the dashboard beyond tests/web/test_security.py: every state-changing route (found
from the app itself, so a new one is covered) refuses a visitor without a session; an unexpected
error is a 500 with no stack trace in it; and schemathesis, driven by /openapi.json, finds no
request that makes a server error (a bounded number of examples per operation; more in the slow run)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings

from taizhang.web import create_app
from tests.web.test_security import SECRET, hostile, token  # noqa: F401 - the fixture

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
WRITING = {"POST", "PUT", "PATCH", "DELETE"}
OPEN_TO_ALL = {"/login", "/logout", "/language"}  # logging in, out and choosing a language need no session


@pytest.fixture
def client(hostile: str):  # noqa: F811
    from fastapi.testclient import TestClient

    return TestClient(create_app(hostile, secret=SECRET, refresh=False), raise_server_exceptions=False)


def _routes(routes: list) -> list:
    """Every route, those of included routers too (the dashboard includes one router per page)."""
    found = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        found += _routes(inner.routes) if inner is not None else [route]
    return found


def _writing_routes(app) -> list[tuple[str, str]]:  # noqa: ANN001
    found = []
    for route in _routes(app.routes):
        methods = getattr(route, "methods", None) or set()
        for method in sorted(methods & WRITING):
            path = re.sub(r"\{[^}]+\}", "1", route.path)
            if path not in OPEN_TO_ALL:
                found.append((method, path))
    return found


def test_every_state_changing_route_needs_a_session(client) -> None:  # noqa: ANN001
    routes = _writing_routes(client.app)
    assert len(routes) >= 8, routes
    # Every field any write takes, so that no request stops at validation before its session is checked.
    fields = {
        "field": "value", "value": "2", "other": "2", "mention": "2", "start": "0", "end": "5", "metric": "m",
        "kind": "level", "unit": "家", "comparator": "=", "note": "n", "correction": "1",
    }  # fmt: skip
    for method, path in routes:
        files = {"files": ("a.txt", "到2026年，新增就业1万人。".encode(), "text/plain")} if "upload" in path else None
        response = client.request(method, path, data=fields | {"csrf_token": token(client)}, files=files, follow_redirects=False)
        assert response.status_code in (401, 403), (method, path, response.status_code)


def test_an_unexpected_error_is_a_500_without_a_stack_trace(client, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    from taizhang.ledger import Ledger

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("an internal failure at /srv/secret/path.py")

    monkeypatch.setattr(Ledger, "page", broken)  # what the ledger page and its JSON read
    for path, kind in (("/ledger", "text/html"), ("/ledger.json", "application/json")):  # (before: text/plain for both)
        response = client.get(path)
        assert response.status_code == 500, path
        assert "Traceback" not in response.text and 'File "' not in response.text and "/srv/secret" not in response.text
        assert response.headers["content-type"].startswith(kind) and "internal error" in response.text, path


def _schema(hostile: str):  # noqa: ANN202, F811
    import schemathesis  # a dev dependency (pyproject.toml): missing, the test fails rather than skips

    return schemathesis.openapi.from_asgi("/openapi.json", create_app(hostile, secret=SECRET, refresh=False))


@pytest.mark.parametrize("examples", [8, pytest.param(100, marks=pytest.mark.slow)])
def test_schemathesis_finds_no_server_error(hostile: str, examples: int) -> None:  # noqa: F811
    schema = _schema(hostile)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    failures = []
    for operation in operations:
        strategy = operation.as_strategy()

        @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case) -> None:  # noqa: ANN001
            response = case.call()
            assert response.status_code < 500, (case.method, case.formatted_path, case.query, response.status_code)
            assert b"Traceback" not in response.content

        try:
            given(strategy)(check)()
        except AssertionError as error:
            failures.append(str(error)[:300])
    assert failures == []
