"""A client's mistakes on every operation of the JSON API, as tests/reliability/test_cli_misuse.py
does for the command line: ids that are not ids or name nothing, parameters out of range or of the
wrong type, bodies missing fields, of the wrong type, contradicting themselves or not forms at all.

Each is a 4xx with a JSON ``detail`` that names the problem (asked as a script asks, Accept: */*),
never a 500 or a traceback, and a write that is refused changes nothing. The operations are read from the app's OpenAPI schema: one
without cases here fails the test. Both backends (a SQLite file; PostgreSQL under make test).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

import pytest

from taizhang.ledger import Ledger
from taizhang.storage import Store
from taizhang.storage.users import add_user
from taizhang.web import create_app
from tests.conftest import BACKENDS, fresh_database
from tests.ledger.ledger_support import SEED, SEED_GOLD, gold, pledges_in, store_source

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # the Accept of Firefox and Chromium for a page
ADD = {"start": "0", "end": "5", "metric": "m", "kind": "level", "value": "1", "unit": "家"}  # a span of the seed


@dataclass(frozen=True)
class Mistake:
    what: str
    path: str  # {entry}: an entry of the ledger
    message: str  # a substring of the JSON detail (for a 422, of its messages and locations together)
    status: int = 422
    data: dict[str, str] | None = None  # a form (the CSRF token is added)
    content: bytes | None = None  # a raw body, with ``headers``
    headers: dict[str, str] = field(default_factory=dict)


BAD_IDS = [("0", "greater than or equal to 1"), ("-1", "greater than or equal to 1"), ("abc", "valid integer"),
           ("1.5", "valid integer"), ("99999999999999999999", "less than or equal to")]  # fmt: skip


def _ids(template: str, status_of_missing: int, missing: str, data: dict[str, str] | None = None) -> list[Mistake]:
    """The bad ids of one route: not ids (422) and an id that names nothing."""
    found = [Mistake(f"id {bad}", template.format(id=bad), message, data=data) for bad, message in BAD_IDS]
    return [*found, Mistake("an id that names nothing", template.format(id=999999), missing, status_of_missing, data=data)]


SET = {"field": "value", "value": "2"}
CASES: dict[tuple[str, str], list[Mistake]] = {
    ("GET", "/ledger.json"): [
        Mistake("a year that is not a year", "/ledger.json?year=x", "year"),
        Mistake("a year out of range", "/ledger.json?year=99999", "year"),
        Mistake("a negative limit", "/ledger.json?limit=-1", "limit"),
        Mistake("a limit too large", "/ledger.json?limit=1000000", "limit"),
        Mistake("an unknown sort", "/ledger.json?sort=nope", "sort"),
        Mistake("a flag that is not one", "/ledger.json?desc=maybe", "desc"),
        Mistake("a page token that is not one", "/ledger.json?_next=garbage", "page token 'garbage' is not one this ledger gave"),
        Mistake("a page token of another kind", "/ledger.json?_next=e30", "page token 'e30' is not one"),
        Mistake("an unknown facet", "/ledger.json?facet=nope", "facet"),
        Mistake("an unknown status", "/ledger.json?status=nope", "status"),
        Mistake("an unknown kind", "/ledger.json?kind=nope", "kind"),
        Mistake("a place that is none", "/ledger.json?actor=火星", "unknown place '火星'", 400),
        Mistake("a filter too long", "/ledger.json?actor=" + "x" * 20000, "actor"),
        Mistake("a source that is not stored", "/ledger.json?source=nope.txt", "no source named 'nope.txt' is stored (", 400),
        Mistake("a source's name cut short", f"/ledger.json?source={SEED.stem}", f"is stored; close: {SEED.name}", 400),
    ],
    ("GET", "/ledger/facets.json"): [
        Mistake("an unknown facet", "/ledger/facets.json?facet=nope", "facet"),
        Mistake("a year that is not a year", "/ledger/facets.json?year=x", "year"),
        Mistake("a place that is none", "/ledger/facets.json?actor=火星", "unknown place '火星'", 400),
        Mistake("a source that is not stored", "/ledger/facets.json?source=nope.txt", "no source named 'nope.txt'", 400),
    ],
    ("GET", "/export.{format}"): [
        Mistake("an unknown format", "/export.xml", "format"),
        Mistake("a year that is not a year", "/export.json?year=x", "year"),
        Mistake("an unknown status", "/export.json?status=nope", "status"),
        Mistake("a place that is none", "/export.json?actor=火星", "unknown place '火星'", 400),
        Mistake("a source that is not stored", "/export.csv?source=nope.txt", "no source named 'nope.txt'", 400),
        Mistake("a year that is not a year, in CSV", "/export.csv?year=x", "year"),
        Mistake("a status that is none, in Excel", "/export.xlsx?status=nope", "status"),
    ],
    ("GET", "/entries/{entry_id}.json"): _ids("/entries/{id}.json", 400, "no ledger entry 999999"),
    ("POST", "/entries/{entry_id}/set.json"): [
        *_ids("/entries/{id}/set.json", 400, "no ledger entry 999999", SET),
        Mistake("no field", "/entries/{entry}/set.json", "field", data={"value": "2"}),
        Mistake("an unknown field", "/entries/{entry}/set.json", "field", data={"field": "nope", "value": "2"}),
        Mistake("a value that is not a number", "/entries/{entry}/set.json", "value", 400, data={"field": "value", "value": "abc"}),
        Mistake("a value that is not finite", "/entries/{entry}/set.json", "value", 400, data={"field": "value", "value": "inf"}),
        Mistake("a deadline that is not a year", "/entries/{entry}/set.json", "deadline", 400, data={"field": "deadline", "value": "99999"}),
        Mistake("an unknown kind", "/entries/{entry}/set.json", "kind must be one of", 400, data={"field": "kind", "value": "nope"}),
        Mistake("an upper end below the value", "/entries/{entry}/set.json", "the upper end -1e+09 is below the value", 400, data={"field": "value_high", "value": "-1e9"}),
        Mistake("a note too long", "/entries/{entry}/set.json", "note", data={**SET, "note": "x" * 100_000}),
        Mistake("JSON, not a form", "/entries/{entry}/set.json", "field", content=b'{"field": "value", "value": "2"}', headers={"content-type": "application/json"}),
        Mistake("bytes that are not a form", "/entries/{entry}/set.json", "field", content=b"\xff\xfe\x00", headers={"content-type": "application/x-www-form-urlencoded"}),
    ],
    ("POST", "/entries/{entry_id}/reject.json"): _ids("/entries/{id}/reject.json", 400, "no ledger entry 999999", {}),
    ("POST", "/entries/{entry_id}/merge.json"): [
        *_ids("/entries/{id}/merge.json", 400, "no ledger entry 999999", {"other": "2"}),
        Mistake("no other entry", "/entries/{entry}/merge.json", "other", data={}),
        Mistake("another entry that is not an id", "/entries/{entry}/merge.json", "other", data={"other": "abc"}),
        Mistake("another entry that names nothing", "/entries/{entry}/merge.json", "no ledger entry 999999", 400, data={"other": "999999"}),
        Mistake("the entry itself", "/entries/{entry}/merge.json", "are the same entry", 400, data={"other": "{entry}"}),
    ],
    ("POST", "/entries/{entry_id}/split.json"): [
        *_ids("/entries/{id}/split.json", 400, "no ledger entry 999999", {"mention": "2"}),
        Mistake("no mention", "/entries/{entry}/split.json", "mention", data={}),
        Mistake("mention 0", "/entries/{entry}/split.json", "mention", data={"mention": "0"}),
        Mistake("a mention of an entry with one", "/entries/{entry}/split.json", "has one mention: nothing to split off", 400, data={"mention": "99"}),
    ],
    ("POST", "/corrections/{correction_id}/undo.json"): _ids("/corrections/{id}/undo.json", 400, "no correction #999999", {}),
    ("GET", "/sources.json"): [Mistake("a path below it", "/sources.json/1", "Not Found", 404)],
    ("GET", "/sources/{source_id}.json"): _ids("/sources/{id}.json", 400, "no source"),
    ("POST", "/sources/{source_id}/add.json"): [
        *_ids("/sources/{id}/add.json", 400, "no source", ADD),
        Mistake("no fields", "/sources/1/add.json", "metric", data={}),
        Mistake("a span backwards", "/sources/1/add.json", "span [5, 0) is not inside", 400, data={**ADD, "start": "5", "end": "0"}),
        Mistake("a span past the text", "/sources/1/add.json", "is not inside", 400, data={**ADD, "end": "99999999"}),
        Mistake("an empty span", "/sources/1/add.json", "span [3, 3)", 400, data={**ADD, "start": "3", "end": "3"}),
        Mistake("an empty metric", "/sources/1/add.json", "metric", data={**ADD, "metric": ""}),
        Mistake("an unknown kind", "/sources/1/add.json", "kind", data={**ADD, "kind": "nope"}),
        Mistake("a value that is not finite", "/sources/1/add.json", "value", data={**ADD, "value": "nan"}),
        Mistake("a deadline that is not a year", "/sources/1/add.json", "deadline", data={**ADD, "deadline": "x"}),
        Mistake("a range without its upper end", "/sources/1/add.json", "a range needs its upper end", 400, data={**ADD, "comparator": "range"}),
        Mistake("a range upside down", "/sources/1/add.json", "upper end 0.5 is below", 400, data={**ADD, "comparator": "range", "value_high": "0.5"}),
    ],
    ("GET", "/places/{code}.json"): [
        Mistake("a code that is not one", "/places/abc.json", "code: String should match pattern"),
        Mistake("a code of no place", "/places/000000.json", "no place with code '000000'", 400),
        Mistake("a year that is not a year", "/places/370212.json?year=x", "year"),
        Mistake("an unknown kind", "/places/370212.json?kind=nope", "kind"),
    ],
    ("GET", "/geo/{code}.json"): [
        Mistake("a code that is not one", "/geo/abc.json", "code"),
        Mistake("a code of no place", "/geo/000000.json", "no place with code '000000'", 400),
    ],
    ("GET", "/charts.json"): [
        Mistake("a year that is not a year", "/charts.json?year=x", "year"),
        Mistake("an unknown status", "/charts.json?status=nope", "status"),
        Mistake("a place that is none", "/charts.json?actor=火星", "unknown place '火星'", 400),
        Mistake("a source that is not stored", "/charts.json?source=nope.txt", "no source named 'nope.txt'", 400),
    ],
    ("GET", "/review.json"): [Mistake("a path below it", "/review.json/1", "Not Found", 404)],
    ("POST", "/upload.json"): [
        Mistake("no files", "/upload.json", "files", data={}),
        Mistake("not multipart", "/upload.json", "files", content=b"files=x", headers={"content-type": "application/x-www-form-urlencoded"}),
        Mistake("a broken multipart body", "/upload.json", "multipart", 400, content=b"garbage", headers={"content-type": "multipart/form-data; boundary=x"}),
    ],
    ("GET", "/upload/{job_id}.json"): [
        Mistake("a job that does not exist", "/upload/nothing-here.json", "no upload", 404),
        Mistake("a job id with a path in it", "/upload/..%2F..%2Fetc.json", "Not Found", 404),
    ],
    ("POST", "/login"): [Mistake("no name or password", "/login", "name", data={})],
    ("POST", "/logout"): [Mistake("no CSRF token", "/logout", "CSRF", 403, content=b"", headers={"content-type": "application/x-www-form-urlencoded"})],
}


@pytest.fixture(scope="module", params=BACKENDS)
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """An editor's session on the seed article's ledger."""
    from fastapi.testclient import TestClient

    with fresh_database(request.param, tmp_path_factory.mktemp("misuse")) as url:
        with Store(url) as store:
            store_source(store, SEED, pledges_in(SEED.read_text(encoding="utf-8"), SEED.name, gold(SEED_GOLD)))
            add_user(store, "editor", "password one", "admin")
            with Ledger(store) as ledger:
                ledger.refresh()
        app = create_app(url, secret="s", refresh=False, uploads=tmp_path_factory.mktemp("uploads"))
        with TestClient(app, raise_server_exceptions=False) as opened:
            login = opened.post("/login", data={"name": "editor", "password": "password one", "csrf_token": _token(opened, "/login")}, follow_redirects=False)
            assert login.status_code == 303
            opened.token = _token(opened, "/ledger")
            opened.url = url
            yield opened
        app.state.store.close()


def _token(client, path: str) -> str:  # noqa: ANN001
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get(path).text).group(1)


def _state(url: str) -> tuple:
    """What a write changes: the corrections, the sources and the pledges."""
    with Ledger(url) as ledger:
        return len(ledger.corrections()), [s.id for s in ledger.store.sources()], sorted(ledger.store.pledge_counts().items())


def test_every_operation_has_mistakes(client) -> None:  # noqa: ANN001
    schema = client.get("/openapi.json").json()["paths"]
    operations = {(method.upper(), path) for path, methods in schema.items() for method in methods}
    assert operations == set(CASES)


@pytest.mark.parametrize("mistake", [pytest.param(m, id=f"{method} {path}: {m.what}") for (method, path), ms in CASES.items() for m in ms])
def test_a_mistake_is_a_clear_4xx_and_changes_nothing(client, mistake: Mistake) -> None:  # noqa: ANN001
    method = "POST" if mistake.data is not None or mistake.content is not None else "GET"
    entry = str(Ledger(client.url).entries(limit=1)[0]["entry_id"])
    path = mistake.path.replace("{entry}", entry)
    before = _state(client.url) if method == "POST" else None
    kwargs: dict[str, Any] = {"headers": {"x-csrf-token": client.token, **mistake.headers}} if "/log" not in path else {"headers": mistake.headers}
    if mistake.data is not None:
        kwargs["data"] = {name: value.replace("{entry}", entry) for name, value in mistake.data.items()} | ({"csrf_token": client.token} if path != "/logout" else {})
    if mistake.content is not None:
        kwargs["content"] = mistake.content
    response = client.request(method, path, follow_redirects=False, **kwargs)
    assert response.status_code == mistake.status, response.text[:500]
    assert "Traceback" not in response.text and 'File "' not in response.text
    detail = response.json()["detail"]
    shown = detail if isinstance(detail, str) else "; ".join(f"{'.'.join(map(str, d['loc']))}: {d['msg']}" for d in detail)
    assert mistake.message in shown, shown
    if before is not None:
        assert _state(client.url) == before


# Where an error's kind is decided by the URL and the client's Accept: a URL that names JSON
# answers JSON; an export (an API route with no .json) answers a script with JSON and a browser
# with a page; a page answers with a page. (Before: an export answered a script with a page, an
# unknown path or method answered a page's visitor with JSON.)
KINDS = [  # method, path, status, what a script gets, what a browser gets
    ("GET", "/ledger.json?year=x", 422, "json", "json"),
    ("GET", "/nothing.json", 404, "json", "json"),
    ("POST", "/ledger.json", 405, "json", "json"),
    ("GET", "/export.csv?year=x", 422, "json", "page"),
    ("GET", "/export.xlsx?source=nope.txt", 400, "json", "page"),
    ("GET", "/ledger?year=x", 422, "page", "page"),
    ("GET", "/ledger?source=nope.txt", 400, "page", "page"),
    ("GET", "/nothing", 404, "page", "page"),
    ("POST", "/ledger", 405, "page", "page"),
]


@pytest.mark.parametrize(("method", "path", "status", "script", "browser"), KINDS)
def test_an_error_is_json_where_the_url_names_it_and_a_page_where_a_browser_reads_it(client, method: str, path: str, status: int, script: str, browser: str) -> None:  # noqa: ANN001
    # (a client that asks for JSON gets it everywhere)
    for accept, kind in (("*/*", script), (BROWSER, browser), ("application/json", "json")):
        response = client.request(method, path, headers={"accept": accept}, follow_redirects=False)
        assert response.status_code == status, (accept, response.text[:300])
        if kind == "json":
            assert response.headers["content-type"] == "application/json", (accept, response.text[:300])
            assert response.json()["detail"]
        else:
            assert response.headers["content-type"].startswith("text/html"), (accept, response.text[:300])
            assert 'id="error-message"' in response.text


def test_an_error_page_is_chinese_first_and_english_when_asked(client) -> None:  # noqa: ANN001
    try:
        assert "出错了" in client.get("/nothing").text
        assert "Something went wrong" in client.get("/nothing?lang=en").text
    finally:
        client.get("/ledger?lang=zh")  # the module's client reads Chinese again


def _uploaded(client, files: list[tuple[str, bytes]]) -> dict[str, Any]:  # noqa: ANN001
    """The job of an upload of ``files`` (name, bytes), once finished."""
    sent = [("files", (name, data, "text/plain")) for name, data in files]
    job = client.post("/upload.json", files=sent, headers={"x-csrf-token": client.token}).json()
    deadline = time.monotonic() + 60
    while not job["finished"] and time.monotonic() < deadline:
        time.sleep(0.1)
        job = client.get(f"/upload/{job['id']}.json").json()
    return job


def test_an_upload_names_every_file_it_could_not_ingest(client) -> None:  # noqa: ANN001
    job = _uploaded(client, [("notes.xyz", b"not a document"), ("empty.txt", b"")])
    named = {file["name"]: (file["status"], file["message"].split(" (")[0]) for file in job["files"]}
    assert named == {"notes.xyz": ("failed", "失败 failed: unsupported file type '.xyz'"), "empty.txt": ("failed", "失败 failed: empty file")}
    assert "失败 failed 2" in job["summary"]


def test_a_second_file_of_one_name_replaces_nothing(client) -> None:  # noqa: ANN001
    """Uploads keep a file's name (a file uploaded again is a new version of it): a second file of
    that name, in the same upload or another one still being ingested, would replace the first on
    disk before it was read (before: the first file's text was lost, the second stored twice)."""
    first, second = "到2026年，全区生产总值突破1500亿元。".encode(), "到2027年，新增就业2万人。".encode()
    job = _uploaded(client, [("同名.txt", first), ("同名.txt", second)])
    assert [(f["name"], f["status"]) for f in job["files"]] == [("同名.txt", "failed"), ("同名.txt", "new")]
    assert "send this one again when that is done" in job["files"][0]["message"]
    with Store(client.url) as store:
        [stored] = [s for s in store.sources() if s.name == "同名.txt"]
        assert store.source_text(stored.id) == first.decode()
    again = _uploaded(client, [("同名.txt", second)])  # once the first is done, the name is free again
    assert [(f["name"], f["status"]) for f in again["files"]] == [("同名.txt", "new version")]
