"""Charts: pledges by deadline year and status, target against outcome per entry, and one metric's
targets across places and years (drawn by the vendored ECharts from the page's JSON)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from taizhang.ledger import Filters, Ledger
from taizhang.web.common import FilterParams, LedgerDep, Text, Timer, filter_docs, page, query_of
from taizhang.web.models import ChartsOut

router = APIRouter(tags=["charts"])


def charts_data(ledger: Ledger, filters: Filters, metric: str | None) -> ChartsOut:
    timer = Timer()
    metrics = [key for key, _ in ledger.metrics()]
    chosen = metric or (metrics[0] if metrics else None)
    return ChartsOut(
        by_year_status=[{"year": y, "status": s, "count": n} for y, s, n in ledger.tally(filters)],
        against_outcomes=ledger.against_outcomes(filters), metric=chosen, metrics=metrics,
        series=ledger.series(chosen, filters) if chosen else [], query_ms=timer.ms,
    )  # fmt: skip


@router.get("/charts.json", response_model=ChartsOut, summary="The data of the charts page (same filters as the ledger)", openapi_extra=filter_docs("metric"))
def charts_json(ledger: LedgerDep, filters: FilterParams, metric: Text = None) -> ChartsOut:
    return charts_data(ledger, filters, metric)


@router.get("/charts", response_class=HTMLResponse, include_in_schema=False)
def charts_page(request: Request, ledger: LedgerDep, filters: FilterParams, metric: Text = None) -> HTMLResponse:
    return page(request, "charts.html", {"data": charts_data(ledger, filters, metric), "query": query_of(filters)})
