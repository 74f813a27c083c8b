"""The ledger: filters, facet counts, sort, keyset pages, and exports of what is selected."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from operator import itemgetter
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import AfterValidator, BaseModel, Field
from pydantic_core import to_json

from taizhang.ledger import Filters, Ledger, export
from taizhang.ledger import LedgerError
from taizhang.ledger.browse import FACETS, ROW_FIELDS, SORTS, read_token
from taizhang.ledger.figures import figure_words
from taizhang.ledger.query import evidence, export_row
from taizhang.web.common import (
    INVALID, FilterParams, FilterQuery, LedgerDep, Timer, answer, filter_docs, filter_params, get_ledger, page, query_docs, query_of, read_query, url,
)  # fmt: skip
from taizhang.web.models import EntryOut, FacetsOut, FacetValue, LedgerOut
from taizhang.web.render import ledger_rows, written

router = APIRouter(tags=["ledger"])
def _token(value: str | None) -> str | None:
    """A page token this ledger could have given (ValueError → 422 otherwise)."""
    if value is not None:
        try:
            read_token(value)
        except LedgerError as error:
            raise ValueError(str(error)) from None
    return value


class PageQuery(BaseModel):
    """Which page of the ledger, in which order: read as one model, as the filters are."""

    sort: Annotated[Literal[tuple(SORTS)], Field(description="the column to sort by")] = "id"  # type: ignore[valid-type]
    desc: bool = False
    after: Annotated[
        Annotated[str, Field(max_length=200, pattern=r"^[A-Za-z0-9_-]+$")] | None, AfterValidator(_token),
        Field(alias="_next", description="the next page's token (a page's `next`)"),
    ] = None
    limit: Annotated[int, Field(ge=1, le=500)] = 50


async def page_params(request: Request) -> PageQuery:  # async: pure, so on the event loop
    return read_query(PageQuery, request)


PageParams = Annotated[PageQuery, Depends(page_params)]
FacetName = Literal[tuple(FACETS)]  # type: ignore[valid-type]
FacetNames = Annotated[list[FacetName] | None, Query(alias="facet")]


class FacetQuery(BaseModel):
    """The facets asked for, each named by a ``facet`` parameter (``facet=status&facet=kind``)."""

    facet: list[FacetName] | None = None


def facet_names(request: Request) -> tuple[str, ...]:
    """The facets a request names, as FastAPI reads :data:`FacetNames` (a 422 worded as its)."""
    named = request.query_params.getlist("facet")
    return tuple(read_query(FacetQuery, request, {"facet": named}).facet or ()) if named else ()
_EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def entry_fields(row: dict[str, Any]) -> dict[str, Any]:
    """An export row as :class:`EntryOut`'s fields."""
    return {name: row[name] for name in export.COLUMNS} | {"written": written(row), "url": f"/entries/{row['entry_id']}"}


def entry_out(row: dict[str, Any]) -> EntryOut:
    # One dict validated (not keyword arguments): a third less per row of a page.
    return EntryOut.model_validate(entry_fields(row))


def facet_values(filters: Filters, counted: dict[str, list[tuple[Any, int]]]) -> dict[str, list[FacetValue]]:
    """Each facet value with the ledger URL that chooses it (the other filters kept)."""
    shown: dict[str, list[FacetValue]] = {}
    for name, values in counted.items():
        field = FACETS[name][1]
        own = getattr(filters, field)
        shown[name] = [
            FacetValue(
                value=value, count=count, selected=own == value or (field == "conflicts" and own and value is True),
                url=url("/ledger", query_of(replace(filters, **{field: value if field != "conflicts" else bool(value)}))),
            )  # fmt: skip
            for value, count in values
        ]
    return shown


def ledger_view(ledger: Ledger, filters: Filters, sort: str, desc: bool, after: str | None, limit: int, facets: tuple[str, ...] = tuple(FACETS), shape: Callable[[Any], Any] = export_row) -> dict[str, Any]:  # fmt: skip
    """One page of the ledger as :class:`LedgerOut`'s fields, its rows ``shape``d (export rows by
    default; the JSON answer's as :func:`entry_json` makes them; the page writes the stored rows
    as they are: :func:`stored`)."""
    timer = Timer()
    found = ledger.page(filters, sort=sort, descending=desc, after=after, limit=limit, shape=shape)
    extra = {"sort": sort if sort != "id" else None, "desc": "1" if desc else None, "limit": limit if limit != 50 else None}
    next_url = url("/ledger", query_of(filters, **extra, _next=found.next)) if found.next else None
    return {
        "filters": query_of(filters), "count": ledger.total(filters), "rows": found.rows, "next": found.next,
        "next_url": next_url, "facets": facet_values(filters, ledger.facets(filters, facets)) if facets else {}, "query_ms": timer.ms,
    }  # fmt: skip


# EntryOut's fields in its order, each read from a stored row by position (ROW_FIELDS): entry_id
# is the row's id, which also holds the places of the three made here until they are set.
_MADE = ("entry_id", "outcome", "written", "url")
_ENTRY_OUT = tuple(EntryOut.model_fields)
_FROM_ROW = itemgetter(*(ROW_FIELDS.index("id" if name in _MADE else name) for name in _ENTRY_OUT))
_FLOATS = tuple(name for name, field in EntryOut.model_fields.items() if field.annotation in (float, float | None))


def entry_json(row: Any) -> dict[str, Any]:
    """A stored row (the table's columns in order, by name) as :class:`EntryOut` validates and
    writes it: its fields in order, the numbers of float fields as floats. Made in one pass: an
    export row, then EntryOut's fields, then validating the answer cost a third of an API
    request's CPU."""
    shown = dict(zip(_ENTRY_OUT, _FROM_ROW(row), strict=True))
    for name in _FLOATS:
        if shown[name] is not None:
            shown[name] = float(shown[name])
    shown["outcome"] = evidence(row)
    shown["written"] = figure_words(row.kind, row.comparator, row.value, row.value_high, row.unit)
    shown["url"] = f"/entries/{row.id}"
    return shown


def ledger_data(ledger: Ledger, filters: Filters, sort: str, desc: bool, after: str | None, limit: int, facets: tuple[str, ...] = tuple(FACETS)) -> dict[str, Any]:  # fmt: skip
    """:class:`LedgerOut`'s fields as plain values, its rows as :func:`entry_json` makes them."""
    return ledger_view(ledger, filters, sort, desc, after, limit, facets, entry_json)


@router.get("/ledger.json", response_model=LedgerOut, summary="The ledger: one page of entries, the count, and the facets asked for", openapi_extra={"parameters": query_docs(FacetQuery) + query_docs(PageQuery) + query_docs(FilterQuery)}, responses=INVALID)  # fmt: skip
async def ledger_json(request: Request) -> Response:
    """As the ledger page shows it; facet counts only for the facets named (``facet=status&facet=kind``)."""
    # The query read here, in the order FastAPI would solve it as dependencies (the filters, the
    # page, the facets; the first that is wrong answers 422): FastAPI's solving of four cost a
    # seventh of the request's CPU.
    filters, paging, facets = await filter_params(request), read_query(PageQuery, request), facet_names(request)
    ledger, sort = await get_ledger(request), paging.sort
    data = await answer(ledger.from_memory(filters, sort, facets), ledger_data, ledger, filters, sort, paging.desc, paging.after, paging.limit, facets)  # fmt: skip
    # Written as FastAPI writes LedgerOut (the same encoder, the same bytes), without validating
    # again what entry_json made to its shape.
    return Response(to_json(data, inf_nan_mode="null"), media_type="application/json")


def stored(row: Any) -> Any:
    """A stored entry as the page's table writes it (:func:`ledger_rows`): as it is."""
    return row


@router.get("/ledger", response_class=HTMLResponse, include_in_schema=False)
async def ledger_page(request: Request) -> HTMLResponse:
    # The filters and the page are read here rather than declared as dependencies: FastAPI's
    # solving of them was a twentieth of the page's server CPU (bench/web_cpu.py).
    filters, paging, ledger = await filter_params(request), read_query(PageQuery, request), await get_ledger(request)
    # The facets come beside the page (htmx loads them; a link without JavaScript): counting a
    # million entries by eight columns the first time must not hold the rows back.
    sort, desc, after, limit = paging.sort, paging.desc, paging.after, paging.limit
    data = await answer(ledger.from_memory(filters, sort), ledger_view, ledger, filters, sort, desc, after, limit, (), stored)
    data["table"] = ledger_rows(data["rows"])
    template = "ledger_results.html" if request.headers.get("hx-request") and request.headers.get("hx-target") == "results" else "ledger.html"
    chosen = urlencode(query_of(filters))  # the filters' part of every link on the page, written once
    exports = {kind: _link(f"/export.{kind}", chosen) for kind in _EXPORT_TYPES}
    sorts = {name: _link("/ledger", chosen, sort=name if name != "id" else None, desc="1" if sort == name and not desc else None) for name in ("id", "deadline", "actor", "metric", "status", "value")}  # fmt: skip
    context = {"data": data, "filters": filters, "sort": sort, "desc": desc, "exports": exports, "sorts": sorts, "first_url": _link("/ledger", chosen), "facets_url": _link("/ledger/facets", chosen)}  # fmt: skip
    return page(request, template, context)


def _link(path: str, chosen: str, **extra: Any) -> str:
    """``url(path, query_of(filters, **extra))`` from the filters' query string ``chosen``."""
    query = "&".join(part for part in (chosen, urlencode({name: value for name, value in extra.items() if value is not None})) if part)
    return f"{path}?{query}" if query else path


@router.get("/ledger/facets", response_class=HTMLResponse, include_in_schema=False)
async def facets_page(request: Request, ledger: LedgerDep, filters: FilterParams) -> HTMLResponse:
    counted = facet_values(filters, await answer(ledger.from_memory(filters, facets=tuple(FACETS)), ledger.facets, filters))
    template = "_facets.html" if request.headers.get("hx-request") else "facets.html"
    return page(request, template, {"facets": counted, "ledger_url": url("/ledger", query_of(filters))})


@router.get("/ledger/facets.json", response_model=FacetsOut, summary="Facet counts under the current filters", openapi_extra=filter_docs())
async def facets_json(ledger: LedgerDep, filters: FilterParams, facet: FacetNames = None) -> FacetsOut:
    timer = Timer()
    names = tuple(facet) if facet else tuple(FACETS)
    counted = await answer(ledger.from_memory(filters, facets=names), ledger.facets, filters, names)
    return FacetsOut(filters=query_of(filters), facets=facet_values(filters, counted), query_ms=timer.ms)


@router.get("/export.{format}", summary="Export the selected entries (CSV, XLSX or JSON, as `taizhang export`)", openapi_extra=filter_docs())
def export_file(ledger: LedgerDep, filters: FilterParams, format: Literal["csv", "xlsx", "json"]) -> Response:  # noqa: A002 - the URL's word
    kind = format
    rows = ledger.entries(filters)
    if kind == "csv":
        body = ("\ufeff" + export.to_csv(rows)).encode("utf-8")  # a BOM: Excel on Chinese Windows reads UTF-8
    elif kind == "json":
        body = export.to_json(rows).encode("utf-8")
    else:
        buffer = io.BytesIO()
        export.to_xlsx(rows, ledger.mentions(filters), buffer)
        body = buffer.getvalue()
    headers = {"Content-Disposition": f"attachment; filename=\"taizhang.{kind}\"; filename*=UTF-8''%E5%8F%B0%E8%B4%A6.{kind}"}
    return Response(body, media_type=_EXPORT_TYPES[kind], headers=headers)
