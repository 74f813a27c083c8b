"""Security of the dashboard (FastAPI's TestClient over a real SQLite file): hostile source text
renders inert on every page, writes need a session, the role and the CSRF token, logins are
rate-limited, sessions expire, SQL metacharacters in filters are plain text, and every response
carries the security headers."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from itsdangerous import URLSafeTimedSerializer

from taizhang.ingest import ingest
from taizhang.ledger import Ledger
from taizhang.storage import Store
from taizhang.storage.users import add_user
from taizhang.web import create_app
from taizhang.web.auth import SESSION_COOKIE, SESSION_SECONDS

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
SCRIPT = "<script>window.__xss=1</script>"
ATTRIBUTE = '"><img src=x onerror="window.__xss=1">'
SINGLE = "' onmouseover='window.__xss=1"
HOSTILE_NAME = '"><img src=x onerror=alert(1)>.txt'
HOSTILE_TEXT = (
    f"{SCRIPT}青岛市崂山区委书记张元升{ATTRIBUTE}:\n"
    f"到2026年,全区生产总值突破1500亿元{SCRIPT},区级一般公共预算收入突破300亿元{SINGLE}。\n"
    f"高新技术企业突破800家{ATTRIBUTE},专精特新企业不低于500家。\n"
)
SECRET = "test secret"


class _Tags(HTMLParser):
    """Every element and attribute a browser would build from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.script_text.append(data)


def assert_inert(html: str, where: str) -> None:
    parsed = _Tags()
    parsed.feed(html)
    for tag, attrs in parsed.found:
        assert not [name for name in attrs if name.startswith("on")], (where, tag, attrs)
        assert not (tag == "img" and attrs.get("src") == "x"), (where, tag, attrs)
        if tag == "script":  # only our own files, or data blocks the browser never runs
            assert (attrs.get("src") or "").startswith("/static/") or attrs.get("type") == "application/json", (where, attrs)
    assert not any("__xss" in text and "<" in text for text in parsed.script_text), where


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / HOSTILE_NAME).write_text(HOSTILE_TEXT, encoding="utf-8")
    url = f"sqlite:///{folder / 'hostile.db'}"
    with Store(url) as store:
        assert ingest(store, [folder / HOSTILE_NAME]).ok
        add_user(store, "editor", "password one", "editor")
        add_user(store, "boss", "password two", "admin")
        with Ledger(store) as ledger:
            ledger.refresh()
            text = store.source_text(1)
            start = text.index("专精特新")
            # A person's input can be hostile too: an added record with markup in every field.
            ledger.add_pledge("1", start, start + 12, {
                "metric": SCRIPT, "kind": "level", "comparator": "=", "value": 1, "unit": "家", "actor": ATTRIBUTE,
                "official": SINGLE, "horizon": SCRIPT, "hedge": ATTRIBUTE,
            }, author=ATTRIBUTE, note=SCRIPT)  # fmt: skip
            ledger.refresh()
            assert ledger.count() >= 3
    return url


@pytest.fixture
def client(hostile: str):
    from fastapi.testclient import TestClient

    return TestClient(create_app(hostile, secret=SECRET, refresh=False))


def token(client, path: str = "/ledger") -> str:  # noqa: ANN001
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get(path).text).group(1)


def log_in(client, name: str = "editor", password: str = "password one") -> str:  # noqa: ANN001
    response = client.post("/login", data={"name": name, "password": password, "csrf_token": token(client, "/login")}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return token(client)


def test_hostile_text_is_inert_on_every_page(client, hostile: str) -> None:  # noqa: ANN001
    log_in(client)  # an editor sees every form too
    with Ledger(hostile) as ledger:
        ids = [row["entry_id"] for row in ledger.entries()]
    pages = ["/ledger", "/ledger?q=script", "/review", "/charts", "/sources", "/sources/1", "/upload", "/places/370212", "/places/370200"]  # fmt: skip
    pages += [f"/entries/{entry_id}" for entry_id in ids]
    pages += [f"/ledger?actor={ATTRIBUTE}", f"/ledger?metric={SCRIPT}", f"/charts?metric={SCRIPT}", f"/login?next={ATTRIBUTE}"]
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 400), (path, response.status_code)
        assert_inert(response.text, path)
    # The payloads are shown, as text: escaped, not dropped.
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in client.get("/sources/1").text
    assert "&#34;&gt;&lt;img src=x" in client.get(f"/entries/{ids[-1]}").text or "&quot;&gt;&lt;img" in client.get(f"/entries/{ids[-1]}").text


def test_json_data_blocks_cannot_close_their_script(client) -> None:  # noqa: ANN001
    html = client.get(f"/charts?metric={SCRIPT}").text
    for block in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', html, re.S):
        assert "<" not in block and ">" not in block  # tojson writes \u003c


def test_security_headers_on_every_response(client) -> None:  # noqa: ANN001
    for path in ["/ledger", "/ledger.json", "/static/app.js", "/entries/999999", "/ledger.json?year=x", "/docs", "/nowhere"]:
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp, path
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY", path


WRITES = [
    ("/entries/1/set", {"field": "value", "value": "2"}),
    ("/entries/1/reject", {}),
    ("/entries/1/merge", {"other": "2"}),
    ("/entries/1/split", {"mention": "2"}),
    ("/sources/1/add", {"start": "0", "end": "5", "metric": "m", "kind": "level", "value": "1", "unit": "家"}),
]


@pytest.mark.parametrize(("path", "data"), WRITES)
def test_writes_refused_without_a_session(client, path: str, data: dict) -> None:  # noqa: ANN001
    response = client.post(path + ".json", data=data | {"csrf_token": token(client)})
    assert response.status_code == 401
    response = client.post(path, data=data | {"csrf_token": token(client)}, follow_redirects=False)
    assert response.status_code == 401


@pytest.mark.parametrize(("path", "data"), WRITES)
def test_writes_refused_without_the_csrf_token(client, path: str, data: dict) -> None:  # noqa: ANN001
    log_in(client)
    assert client.post(path + ".json", data=data).status_code == 403
    assert client.post(path + ".json", data=data | {"csrf_token": "forged"}).status_code == 403
    assert client.post(path + ".json", data=data, headers={"X-CSRF-Token": "forged"}).status_code == 403


def test_upload_refused_without_the_csrf_token_or_a_session(client) -> None:  # noqa: ANN001
    files = {"files": ("a.txt", "到2026年,全区生产总值突破1500亿元。".encode(), "text/plain")}
    assert client.post("/upload.json", files=files, data={"csrf_token": token(client)}).status_code == 401
    log_in(client)
    assert client.post("/upload.json", files=files).status_code == 403


def test_wrong_role_refused_and_the_right_one_allowed(client, hostile: str) -> None:  # noqa: ANN001
    csrf = log_in(client)  # an editor
    made = client.post("/entries/1/set.json", data={"field": "deadline", "value": "2027", "csrf_token": csrf})
    assert made.status_code == 200, made.text
    correction = made.json()["ids"][0]
    assert client.post(f"/corrections/{correction}/undo.json", data={"csrf_token": csrf}).status_code == 403
    with Ledger(hostile) as ledger:
        assert ledger.corrections()[-1].author == "editor"  # the audit trail names the user
    client.cookies.clear()
    csrf = log_in(client, "boss", "password two")
    assert client.post(f"/corrections/{correction}/undo.json", data={"csrf_token": csrf}).status_code == 200


def test_csrf_token_of_one_session_does_not_serve_another(client, hostile: str) -> None:  # noqa: ANN001
    from fastapi.testclient import TestClient

    other = TestClient(create_app(hostile, secret=SECRET, refresh=False))
    stolen = token(other)  # an anonymous visitor's token
    log_in(client)
    assert client.post("/entries/1/set.json", data={"field": "value", "value": "3", "csrf_token": stolen}).status_code == 403


def test_login_is_rate_limited(client) -> None:  # noqa: ANN001
    csrf = token(client, "/login")
    for _ in range(5):
        assert client.post("/login", data={"name": "editor", "password": "wrong", "csrf_token": csrf}).status_code == 401
    blocked = client.post("/login", data={"name": "editor", "password": "password one", "csrf_token": csrf})
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0


def test_login_needs_the_csrf_token(client) -> None:  # noqa: ANN001
    assert client.post("/login", data={"name": "editor", "password": "password one"}).status_code == 403


def test_sessions_expire_and_forged_ones_are_refused(client, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    from itsdangerous import timed

    past = time.time() - SESSION_SECONDS - 60
    with monkeypatch.context() as patched:  # a session signed longer ago than a session lasts
        patched.setattr(timed.time, "time", lambda: past)
        expired = URLSafeTimedSerializer(SECRET, salt="taizhang-session").dumps({"u": "editor", "c": "t"})
    client.cookies.set(SESSION_COOKIE, expired)
    assert client.post("/entries/1/reject.json", headers={"X-CSRF-Token": "t"}).status_code == 401
    forged = URLSafeTimedSerializer("another secret", salt="taizhang-session").dumps({"u": "boss", "c": "t"})
    client.cookies.set(SESSION_COOKIE, forged)
    assert client.post("/entries/1/reject.json", headers={"X-CSRF-Token": "t"}).status_code == 401
    fresh = URLSafeTimedSerializer(SECRET, salt="taizhang-session").dumps({"u": "editor", "c": "t"})
    client.cookies.set(SESSION_COOKIE, fresh)
    assert client.get("/ledger").text.count('id="user-name"') == 1


def test_nul_characters_in_form_fields_are_422(client) -> None:  # noqa: ANN001
    csrf = log_in(client)
    assert client.post("/entries/1/set.json", data={"field": "metric", "value": "a\x00b", "csrf_token": csrf}).status_code == 422
    add = {"start": "0", "end": "5", "metric": "m\x00", "kind": "level", "value": "1", "unit": "家", "csrf_token": csrf}
    assert client.post("/sources/1/add.json", data=add).status_code == 422


def test_redirects_stay_on_the_site(client) -> None:  # noqa: ANN001
    csrf = log_in(client)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post("/entries/1/set", data={"field": "hedge", "value": "力争", "csrf_token": csrf, "next": target}, follow_redirects=False)  # fmt: skip
        assert response.status_code == 303 and response.headers["location"] == "/entries/1"


SQL = ["' OR 1=1 --", "%' OR '1'='1", "'; DROP TABLE ledger_entries; --", "_%", "\\", '"', "1); DELETE FROM users; --"]


@pytest.mark.parametrize("text", SQL)
def test_sql_metacharacters_in_filters_are_plain_text(client, hostile: str, text: str) -> None:  # noqa: ANN001
    with Ledger(hostile) as ledger:
        rows = ledger.entries()
    # The search is literal: exactly the entries holding these characters (the hostile text has some).
    literal = sum(any(text in (row[f] or "") for f in ("quote", "metric", "actor")) for row in rows)
    for name, expected in (("metric", 0), ("official", 0), ("q", literal)):
        response = client.get("/ledger.json", params={name: text})
        assert response.status_code == 200, (name, response.text)
        assert response.json()["count"] == expected, (name, text)
    for name, words in (("actor", "unknown place"), ("source", f"no source named {text!r} is stored")):  # a name, taken as it is
        response = client.get("/ledger.json", params={name: text})
        assert response.status_code == 400 and words in response.json()["detail"], (name, response.text)
    with Ledger(hostile) as ledger:
        assert ledger.count() == len(rows)  # nothing was dropped or deleted
    assert client.get("/ledger.json", params={"q": "全区"}).json()["count"] >= 1  # the search itself works
