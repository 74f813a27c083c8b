"""The JSON API on both backends (SQLite and PostgreSQL): every page's JSON twin, keyset pages in
every sort order, facets, and validation of every parameter (422, never 500)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taizhang.ledger import Filters, Ledger
from taizhang.storage import Store
from taizhang.storage.users import add_user
from taizhang.web import create_app
from tests.conftest import BACKENDS, fresh_database
from tests.ledger.ledger_support import SEED, SEED_GOLD, gold, pledges_in, store_source

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module", params=BACKENDS)
def module_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """One database per backend for the module (the read-only checks share it)."""
    with fresh_database(request.param, tmp_path_factory.mktemp("api")) as url:
        yield url


@pytest.fixture(scope="module")
def client(module_db: str):
    """The dashboard over the seed article's gold pledges (stored as ingest would, without extraction)."""
    from fastapi.testclient import TestClient

    db_url = module_db
    seed = SEED.read_text(encoding="utf-8")
    with Store(db_url) as store:
        store_source(store, SEED, pledges_in(seed, SEED.name, gold(SEED_GOLD)))
        add_user(store, "editor", "password one")
    app = create_app(db_url, secret="s")
    with TestClient(app) as opened:
        opened.db_url = db_url
        yield opened
    app.state.store.close()


def test_every_page_has_a_json_twin(client) -> None:  # noqa: ANN001
    with Ledger(client.db_url) as ledger:
        first = ledger.entries(limit=1)[0]
    for path in ["/ledger", "/review", "/charts", "/sources", f"/entries/{first['entry_id']}", "/sources/1", f"/places/{first['place_code']}"]:  # fmt: skip
        html, data = client.get(path), client.get(path + ".json")
        assert html.status_code == 200 and data.status_code == 200, path
        assert html.headers["content-type"].startswith("text/html") and data.headers["content-type"] == "application/json"
        if "query_ms" in data.json():
            assert data.json()["query_ms"] >= 0
    assert client.get("/openapi.json").json()["paths"]["/ledger.json"]["get"]["parameters"]


@pytest.mark.parametrize(("sort", "desc"), [("id", False), ("deadline", False), ("deadline", True), ("actor", False), ("value", True), ("status", False)])  # fmt: skip
def test_keyset_pages_walk_the_whole_ledger_once(client, sort: str, desc: bool) -> None:  # noqa: ANN001
    seen, url = [], f"/ledger.json?sort={sort}&limit=7" + ("&desc=1" if desc else "")
    while url:
        data = client.get(url).json()
        seen += data["rows"]
        url = data["next_url"] and data["next_url"].replace("/ledger?", "/ledger.json?")
    assert len(seen) == len({r["entry_id"] for r in seen}) == data["count"] > 7
    column = {"value": "norm_value"}.get(sort, {"id": "entry_id"}.get(sort, sort))
    present = [r[column] for r in seen if r[column] is not None]
    assert present == sorted(present, reverse=desc)
    assert all(r[column] is None for r in seen[len(present):])  # entries without a value come last


def test_facets_count_what_the_other_filters_select(client) -> None:  # noqa: ANN001
    data = client.get("/ledger.json?actor=崂山区&facet=status&facet=deadline").json()
    with Ledger(client.db_url) as ledger:
        for value, count in [(f["value"], f["count"]) for f in data["facets"]["status"]]:
            assert count == ledger.count(Filters(actor="崂山区", status=value))
    assert sum(f["count"] for f in data["facets"]["status"]) == data["count"]
    chosen = data["facets"]["deadline"][0]
    narrowed = client.get(chosen["url"].replace("/ledger?", "/ledger.json?")).json()
    assert narrowed["count"] == chosen["count"] and narrowed["filters"]["year"] == chosen["value"]
    assert client.get("/ledger/facets.json?facet=status&facet=kind").json()["facets"].keys() == {"status", "kind"}
    html = client.get("/ledger/facets?actor=崂山区").text  # the page without JavaScript links here
    assert 'data-facet="status"' in html and f'>{chosen["count"]}</span>' in html


def test_a_place_with_the_places_under_it(client) -> None:  # noqa: ANN001
    qingdao = client.get("/ledger.json?actor=青岛市&children=1&limit=500").json()
    alone = client.get("/ledger.json?actor=崂山区").json()
    assert qingdao["count"] > alone["count"] > 0
    assert all(row["place_code"].startswith("3702") for row in qingdao["rows"])
    assert client.get("/ledger.json?actor=山东省&children=1").json()["count"] >= qingdao["count"]


BAD = [
    "/ledger.json?year=abc", "/ledger.json?year=1800", "/ledger.json?year=99999999999999999999", "/ledger.json?status=done",
    "/ledger.json?kind=big", "/ledger.json?sort=quote", "/ledger.json?limit=0", "/ledger.json?limit=100000",
    "/ledger.json?_next=%25%25", "/ledger.json?_next=abc", "/ledger.json?actor=" + "x" * 65, "/ledger.json?q=" + "x" * 201,
    "/ledger.json?conflicts=maybe", "/ledger/facets.json?facet=colour", "/entries/0.json", "/entries/-1.json",
    "/entries/1000000000000000000000.json", "/entries/abc.json", "/places/12345.json", "/places/abcdef.json",
    "/places/370212.json?year=x", "/sources/0.json", "/sources/x.json", "/export.xml", "/export.csv?year=x",
    "/charts.json?status=x", "/upload/short.json", "/ledger.json?actor=%00", "/ledger.json?q=a%00b",
    "/places/370212.json?metric=%00",
]  # fmt: skip


@pytest.mark.parametrize("path", BAD)
def test_bad_parameters_are_422(client, path: str) -> None:  # noqa: ANN001
    response = client.get(path)
    assert response.status_code in (404, 422) if path.startswith("/export.xml") else response.status_code == 422, response.text
    assert response.status_code != 500


def test_a_source_found_by_its_file_name(client) -> None:  # noqa: ANN001
    found = client.get(f"/sources/find?name={SEED.name}&at=1158", follow_redirects=False)
    assert found.status_code == 303 and found.headers["location"] == "/sources/1#o1158"
    assert client.get("/sources/find?name=nothing.txt").status_code == 400


def test_unknown_things_are_400_or_404_with_a_reason(client) -> None:  # noqa: ANN001
    assert client.get("/entries/99999.json").json()["detail"].startswith("no ledger entry 99999")
    assert client.get("/sources/99.json").status_code == 400
    assert client.get("/places/999999.json").status_code == 400
    assert client.get("/upload/abcdefghijk.json").status_code == 404


PARAMS = ["actor", "children", "parents", "official", "metric", "year", "status", "kind", "source", "conflicts", "q", "sort", "desc", "limit", "_next"]  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(PARAMS), value=st.text(max_size=80))
def test_any_parameter_value_is_answered_never_500(client, name: str, value: str) -> None:  # noqa: ANN001
    response = client.get("/ledger.json", params={name: value})
    assert response.status_code in (200, 400, 422), (name, value, response.text)


def test_cascade_flags_a_lower_level_setting_a_higher_rate(tmp_path) -> None:  # noqa: ANN001
    """层层加码: 青岛市 7% under 山东省 6% is flagged; 崂山区 5% under 青岛市 is not; amounts never are."""
    from fastapi.testclient import TestClient

    from taizhang.document import Pledge
    from taizhang.ledger.corrections import Mention

    def growth(actor: str, value: float, order: int) -> Mention:
        quote = f"{actor}地区生产总值增长{value:g}%"
        pledge = Pledge(source=f"{actor}.txt", start=0, end=len(quote), quote=quote, actor=actor, metric="地区生产总值",
                        kind="growth", comparator="=", value=value, unit="%", norm_value=value, norm_unit="%", deadline=2025)  # fmt: skip
        return Mention(pledge, pledge, f"sha-{order}", order, 2025)

    url = f"sqlite:///{tmp_path / 'cascade.db'}"
    with Ledger(url) as ledger:
        ledger.build([growth("山东省", 6, 1), growth("青岛市", 7, 2), growth("崂山区", 5, 3), growth("黄岛区", 8, 4)])
    client = TestClient(create_app(url, secret="s", refresh=False))
    data = client.get("/places/370200.json?metric=gdp&kind=growth&year=2025").json()
    flags = {level["place"]["name"]: level["above_parent"] for level in data["levels"] if level["entries"]}
    assert flags == {"山东省": False, "青岛市": True, "崂山区": False, "黄岛区": True}
    assert {a["name"]: a["value"] for a in data["map"] if a["value"] is not None} == {"崂山区": 5.0, "黄岛区": 8.0}


def test_upload_reports_each_file_as_ingest_does(tmp_path) -> None:  # noqa: ANN001
    import re
    import time

    from fastapi.testclient import TestClient

    url = f"sqlite:///{tmp_path / 'upload.db'}"
    with Store(url) as store:
        add_user(store, "editor", "password one")
    client = TestClient(create_app(url, secret="s", uploads=tmp_path / "uploads", max_bytes=10_000))
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"name": "editor", "password": "password one", "csrf_token": csrf})
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/upload").text).group(1)
    files = [
        ("files", ("报告.txt", "到2026年,全区生产总值突破1500亿元。".encode("gb18030"), "text/plain")),
        ("files", ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(200), "text/plain")),
        ("files", ("big.txt", "增长".encode() * 5000, "text/plain")),
        ("files", ("../../escape.md", "到2027年,新增就业7万人。".encode(), "text/markdown")),
    ]
    job = client.post("/upload.json", files=files, data={"csrf_token": csrf}).json()
    for _ in range(600):
        job = client.get(f"/upload/{job['id']}.json").json()
        if job["finished"]:
            break
        time.sleep(0.1)
    by_name = {f["name"]: f for f in job["files"]}
    assert job["finished"] and job["total"] == 4 and len(by_name) == 4, job
    assert by_name["报告.txt"]["status"] == "new" and by_name["报告.txt"]["pledges"] >= 1
    assert by_name["image.txt"]["status"] == "failed" and "binary" in by_name["image.txt"]["message"]
    assert by_name["big.txt"]["status"] == "failed" and "10,000-byte limit" in by_name["big.txt"]["message"]
    assert by_name["escape.md"]["status"] == "new"  # folders in the name are dropped: it stays in the uploads folder
    assert (tmp_path / "uploads" / "escape.md").is_file() and not (tmp_path / "escape.md").exists()
    assert "失败 failed 2" in job["summary"]
    assert client.get("/ledger.json").json()["count"] >= 2  # the ledger was rebuilt with them


def test_metrics_and_kinds_are_named_for_readers(client) -> None:  # noqa: ANN001
    facets = client.get("/ledger/facets.json?facet=metric&facet=kind").json()["facets"]
    keys = {f["value"] for f in facets["metric"]}
    assert "gdp" in keys  # the API keeps the keys: what the filters take
    html = client.get("/ledger/facets?lang=zh").text
    assert ">地区生产总值 GDP</a>" in html and ">gdp</a>" not in html
    assert ">增长</a>" in html and ">growth</a>" not in html
    english = client.get("/ledger/facets?lang=en").text
    assert ">GDP</a>" in english and ">growth</a>" in english
    form = client.get("/ledger?lang=zh").text
    assert 'value="annual_growth"' in form and ">年均增长</option>" in form
    rows = client.get("/ledger.json?kind=growth&limit=5").json()["rows"]
    assert rows and all(r["written"].startswith(("增长", "下降")) for r in rows)
