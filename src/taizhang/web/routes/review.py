"""The review queue: low-confidence records, conflicts, and entries due without outcome, each with
the actions that clear it (correct, reject, merge, split, add a missed pledge)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from taizhang.ledger import Ledger
from taizhang.ledger.corrections import EDITABLE
from taizhang.web.common import LedgerDep, Timer, page
from taizhang.web.models import ReviewOut
from taizhang.web.routes.ledger import entry_out

router = APIRouter(tags=["review"])


def review_data(ledger: Ledger) -> ReviewOut:
    timer = Timer()
    queues = {name: [entry_out(row) for row in rows] for name, rows in ledger.review().items()}
    return ReviewOut(counts=ledger.review_counts(), queues=queues, query_ms=timer.ms)


@router.get("/review.json", response_model=ReviewOut, summary="The review queue")
def review_json(ledger: LedgerDep) -> ReviewOut:
    return review_data(ledger)


@router.get("/review", response_class=HTMLResponse, include_in_schema=False)
def review_page(request: Request, ledger: LedgerDep) -> HTMLResponse:
    return page(request, "review.html", {"data": review_data(ledger), "editable": list(EDITABLE)})
