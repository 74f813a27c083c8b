"""The build's filter columns in memory (ledger/columns.py) answer as SQL does: the same counts,
facets and pages in ledger order for every combination of filters, on both backends."""

from __future__ import annotations

import importlib.util
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taizhang.ledger import Filters, Ledger, LedgerError
from taizhang.ledger.browse import FACETS, SORTS, page_token
from taizhang.ledger.columns import FACET_COLUMNS, Columns, read_columns
from taizhang.ledger.status import STATUSES
from tests.conftest import BACKENDS, fresh_database
from tests.helpers import ROOT

_spec = importlib.util.spec_from_file_location("bench_ledger", ROOT / "bench" / "ledger.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

# Places of the records below (the first counties of the table, the places above them, the whole
# country, a county with no entries) and actors no division table knows.
ACTORS = [*bench.counties()[:3], "北京市", "全国", "崂山区", "青岛市", "某经济开发区", "没有的地方"]
OFFICIALS = ["张元升", "李明"]


def _mentions() -> list:
    """Real pledges over several counties, some moved to actors no table resolves, some with an
    official or without a deadline, and a second source stating some of them with another figure."""
    mentions = list(bench.records(9000))
    for i, mention in enumerate(mentions[::7]):
        pledge = mention.pledge
        if i % 3 == 0:
            pledge.actor = "某经济开发区"
        if i % 4 == 0:
            pledge.official = OFFICIALS[(i // 4) % 2]
        if i % 5 == 0:
            pledge.deadline = None
    again = []
    for mention in mentions[::11]:
        pledge = replace(mention.pledge, source="second.txt", norm_value=mention.pledge.norm_value * 1.5 + 1)
        again.append(replace(mention, pledge=pledge, original=pledge, sha256="b" * 16, order=10**6))
    return mentions + again


@pytest.fixture(scope="module", params=BACKENDS)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    with fresh_database(request.param, tmp_path_factory.mktemp("columns")) as url, Ledger(url) as ledger:
        ledger.build(_mentions())
        ledger.warm()  # pages in ledger order are then read from the columns
        yield ledger, read_columns(ledger.store.engine)


@pytest.fixture
def by_sql(monkeypatch: pytest.MonkeyPatch):
    """The ledger's SQL answers: the columns declared unable to answer anything."""

    def sql(call):  # noqa: ANN001, ANN202
        with monkeypatch.context() as patched:
            patched.setattr(Columns, "holds", lambda self, filters: False)
            return call()

    return sql


filters = st.builds(
    Filters,
    actor=st.none() | st.sampled_from(ACTORS), with_children=st.booleans(), with_parents=st.booleans(),
    year=st.none() | st.integers(2019, 2036), status=st.none() | st.sampled_from(list(STATUSES)),
    metric=st.none() | st.sampled_from(["地区生产总值", "gdp", "社会消费品零售总额", "森林覆盖率", "三公经费", "无此指标"]),
    conflicts=st.booleans(), official=st.none() | st.sampled_from(OFFICIALS),
    kind=st.none() | st.sampled_from(["level", "growth", "share", "annual_growth"]),
)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(chosen=filters, at=st.integers(0, 11000), descending=st.booleans(), sort=st.sampled_from(list(SORTS)))
def test_counts_facets_and_pages_are_those_of_sql(built, by_sql, chosen: Filters, at: int, descending: bool, sort: str) -> None:  # noqa: ANN001, E501
    ledger, columns = built
    try:
        expected = by_sql(lambda: ledger.count(chosen))
    except LedgerError as error:  # an unknown actor: the same error from the columns
        with pytest.raises(LedgerError, match=str(error)[:30]):
            columns.count(chosen)
        return
    assert columns.count(chosen) == expected
    # In every order: the first page, the pages after it (a token naming an entry of this build,
    # read from the columns), and after a token naming no entry (read by SQL from its value alone).
    afters = [None, page_token(at if sort in ("id", "deadline", "value", "confidence") else ACTORS[at % len(ACTORS)], at)]
    while afters:
        after = afters.pop(0)
        from_sql = by_sql(lambda after=after: ledger.page(chosen, sort=sort, descending=descending, after=after, limit=20))
        mine = ledger.page(chosen, sort=sort, descending=descending, after=after, limit=20)
        assert [r["entry_id"] for r in mine.rows] == [r["entry_id"] for r in from_sql.rows]
        assert mine.rows == from_sql.rows and mine.next == from_sql.next
        if after is None and mine.next:
            afters.append(mine.next)
    for name in FACET_COLUMNS:
        own = FACETS[name][1]
        everything = by_sql(lambda name=name: ledger._facet(name, chosen, 10**6))
        mine = columns.facet(name, own, chosen, 10**6)
        assert sorted(mine, key=repr) == sorted(everything, key=repr), name
        assert [count for _, count in mine] == sorted((count for _, count in mine), reverse=True)


def test_a_page_token_of_another_order_is_refused(built) -> None:  # noqa: ANN001
    ledger, _ = built
    for sort, value in [("actor", 5), ("deadline", "崂山区"), ("value", "x"), ("id", True)]:
        with pytest.raises(LedgerError, match="page"):
            ledger.page(Filters(), sort=sort, after=page_token(value, 7))


def test_the_columns_hold_every_entry_once(built) -> None:  # noqa: ANN001
    ledger, columns = built
    assert len(columns) == ledger.count() > 5000
    assert columns.count(Filters(conflicts=True)) > 0 and columns.count(Filters(official="李明")) > 0
    assert columns.count(Filters(actor="某经济开发区")) > 0 and columns.count(Filters(year=None)) == len(columns)
    assert ledger._columns(Filters(year=2026)) is not None  # warmed: the browsing reads them
    # Words and sources are SQL's: the columns do not claim them.
    assert not columns.holds(Filters(search="生产总值")) and not columns.holds(Filters(source="second.txt"))
    assert columns.holds(Filters(actor="崂山区", year=2026, status="未到期", kind="growth"))
    assert columns.count(Filters(actor="北京市", with_children=True)) == ledger.count(Filters(actor="北京市", with_children=True)) > 1000
