"""What every route shares: the ledger and the visitor as dependencies, the filters as validated
query parameters, rendering a page or its JSON twin, and URLs that keep the current filters."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import urlencode

from fastapi import Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, ValidationError

from taizhang.ledger import Filters, Ledger
from taizhang.ledger.corrections import KINDS
from taizhang.ledger.metrics import metric_name
from taizhang.ledger.status import STATUSES, YEARS
from taizhang.storage import MAX_ID
from taizhang.web import i18n
from taizhang.web.auth import CSRF_COOKIE, Visitor
from taizhang.web.render import WordedLoader, normalised, number, written

STATIC = Path(__file__).parent / "static"
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.filters.update(number=number, written=written, normalised=normalised)
TEMPLATES.env.auto_reload = False  # compiled once per process: no file check per page
# The templates once per language, their fixed words written in (render.WordedLoader).
WORDED = {
    lang: Jinja2Templates(env=TEMPLATES.env.overlay(loader=WordedLoader(TEMPLATES.env.loader, lambda key, lang=lang: i18n.messages().get(key, {}).get(lang))))
    for lang in i18n.LANGUAGES
}  # fmt: skip


def _blank_is_none(value: Any) -> Any:
    """An empty form field means no filter (a filter form sends ``year=`` when left empty)."""
    return None if isinstance(value, str) and not value.strip() else value


def _no_nul(value: Any) -> Any:
    """Text holds no NUL character: no database stores one (PostgreSQL refuses it), so it is a 422."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Blank = BeforeValidator(_blank_is_none)
Clean = AfterValidator(_no_nul)


def text(most: int, least: int = 0) -> type:
    """Text of ``least`` to ``most`` characters without NUL."""
    return Annotated[str, Field(min_length=least, max_length=most), Clean]  # type: ignore[return-value]
def words(most: int) -> type:
    """Optional text of at most ``most`` characters, an empty field read as none."""
    return text(most) | None  # type: ignore[return-value]


Text = Annotated[words(200), Blank, Query()]
YearNumber = Annotated[int, Field(ge=YEARS.start, le=YEARS.stop - 1)]
Year = Annotated[YearNumber | None, Blank, Query(description="期限年份 deadline year")]
Kind = Annotated[Literal[KINDS] | None, Blank, Query(description="level, growth, annual_growth or share")]  # type: ignore[valid-type]
EntryId = Annotated[int, Query(ge=1, le=MAX_ID)]


class FilterQuery(BaseModel):
    """The ledger's filters as query parameters. ``filter_params`` validates them as one model
    (FastAPI's reading of eleven declared parameters, one by one, cost a tenth of an API request's
    CPU); ``filter_docs`` documents each in the OpenAPI at /docs as FastAPI documents a parameter."""

    actor: Annotated[words(64), Blank, Field(description="地区 a place (崂山区, 370212) or an actor as written")] = None
    children: Annotated[bool, Field(description="also the places under the actor")] = False
    parents: Annotated[bool, Field(description="also the places above the actor")] = False
    official: Annotated[words(200), Blank] = None
    metric: Annotated[words(200), Blank] = None
    year: Annotated[YearNumber | None, Blank, Field(description="期限年份 deadline year")] = None
    status: Annotated[Literal[tuple(STATUSES)] | None, Blank, Field(description="状态 status")] = None  # type: ignore[valid-type]
    kind: Annotated[Literal[KINDS] | None, Blank, Field(description="level, growth, annual_growth or share")] = None  # type: ignore[valid-type]
    source: Annotated[words(512), Blank, Field(description="来源 a source file name")] = None
    conflicts: Annotated[bool, Field(description="only entries whose sources disagree")] = False
    q: Annotated[words(200), Blank, Field(description="words in the quote, metric or actor")] = None


M = TypeVar("M", bound=BaseModel)


def query_docs(model: type[BaseModel], *declared: str) -> list[dict[str, Any]]:
    """``model``'s fields as OpenAPI query parameters, as FastAPI lists a declared one (those a
    route ``declared`` itself left out: FastAPI lists them)."""
    fields = model.model_json_schema()["properties"]
    return [
        {**({"description": field["description"]} if "description" in field else {}), "in": "query", "name": name, "required": False,
         "schema": {key: value for key, value in field.items() if not (key == "default" and value is None)}}
        for name, field in fields.items() if name not in declared
    ]  # fmt: skip


# The 422 answer FastAPI documents for a route with parameters it reads (one that reads its own
# query string declares it so).
INVALID: dict[int | str, dict[str, Any]] = {
    422: {"description": "Validation Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}},
}


def filter_docs(*declared: str) -> dict[str, Any]:
    """A route's ``openapi_extra`` listing the filters as query parameters."""
    return {"parameters": query_docs(FilterQuery, *declared)}


def read_query(model: type[M], request: Request, values: Mapping[str, Any] | None = None) -> M:
    """The request's query string (or ``values`` read from it) as ``model``; a 422 as FastAPI
    words one for a bad value."""
    try:
        return model.model_validate(request.query_params if values is None else values)
    except ValidationError as error:
        raise RequestValidationError([{**e, "loc": ("query", *e["loc"])} for e in error.errors(include_url=False)]) from None


async def filter_params(request: Request) -> Filters:  # async: pure, so on the event loop
    query = read_query(FilterQuery, request)
    return Filters(
        actor=query.actor, with_children=query.children, with_parents=query.parents, official=query.official,
        metric=query.metric, year=query.year, status=query.status, kind=query.kind, source=query.source,
        conflicts=query.conflicts, search=query.q,
    )  # fmt: skip


FilterParams = Annotated[Filters, Depends(filter_params)]
# Filters as the query string names them.
_PARAMS = {
    "actor": "actor", "with_children": "children", "with_parents": "parents", "official": "official",
    "metric": "metric", "year": "year", "status": "status", "kind": "kind", "source": "source",
    "conflicts": "conflicts", "search": "q",
}  # fmt: skip


def query_of(filters: Filters, **extra: Any) -> dict[str, Any]:
    """The query-string parameters that select ``filters`` (and ``extra``), leaving out defaults."""
    found = {param: value for name, param in _PARAMS.items() if (value := getattr(filters, name)) not in (None, False, "")}
    found = {name: ("1" if value is True else value) for name, value in found.items()}
    return found | {name: value for name, value in extra.items() if value not in (None, False, "")}


def url(path: str, params: dict[str, Any]) -> str:
    return f"{path}?{urlencode(params)}" if params else path


async def get_ledger(request: Request) -> Ledger:
    """A ledger per request over the app's one store: statuses as of the day of the request (made
    on the event loop: it opens nothing, so no thread hop; nothing to close, the store is the app's)."""
    return Ledger(request.app.state.store)


def get_visitor(request: Request) -> Visitor:
    if not hasattr(request.state, "visitor"):
        request.state.visitor = request.app.state.sessions.visitor(request)
    return request.state.visitor


LedgerDep = Annotated[Ledger, Depends(get_ledger)]
T = TypeVar("T")


async def answer(quick: bool, work: Callable[..., T], *args: Any) -> T:
    """``work(*args)`` on the event loop when it is ``quick`` (counts and facets from the build's
    columns in memory, one page of rows by primary key), else in a worker thread (a count by SQL
    can take a second; the loop must go on serving meanwhile). Measured with bench/web.py's paths
    at 200,000 entries, 20 clients, a server of each kind side by side under the same load: with
    the reading in a worker thread the ledger page cost 14 % more server CPU, the filtered API
    query 5 % more (an entry's views run on the loop too: see routes/entries.py)."""
    return work(*args) if quick else await run_in_threadpool(work, *args)
VisitorDep = Annotated[Visitor, Depends(get_visitor)]


def page(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """A page in the visitor's language, with the CSRF token its forms carry."""
    visitor = get_visitor(request)
    lang = i18n.language(request.query_params.get("lang"), request.cookies.get(i18n.COOKIE))
    other = "en" if lang == "zh" else "zh"
    switch = url(request.url.path, dict(request.query_params) | {"lang": other})
    t = i18n.translator(lang)
    response = WORDED[lang].TemplateResponse(
        request, template,
        {"t": t, "lang": lang, "visitor": visitor, "csrf": visitor.csrf, "switch_url": switch,
         "statuses": STATUSES, "kinds": KINDS, "metric_name": lambda key: metric_name(key, lang),
         "kind_name": lambda kind: t(f"kind_{kind}") if kind in KINDS else (kind or ""),
         "repair_name": lambda kind: t(f"repair_{kind}") if f"repair_{kind}" in i18n.messages() else kind, **context},
        status_code=status_code,
    )  # fmt: skip
    remember(request, response)
    return response


def remember(request: Request, response: Any) -> None:
    """Set the cookies a response owes the visitor: a new CSRF token, a chosen language."""
    visitor = get_visitor(request)
    secure = request.url.scheme == "https"
    if visitor.new_csrf:
        value = request.app.state.sessions.csrf_cookie(visitor.csrf)
        response.set_cookie(CSRF_COOKIE, value, httponly=True, samesite="strict", secure=secure)
    chosen = request.query_params.get("lang")
    if chosen in i18n.LANGUAGES and chosen != request.cookies.get(i18n.COOKIE):
        response.set_cookie(i18n.COOKIE, chosen, samesite="lax", max_age=365 * 86400, secure=secure)


class Timer:
    """Milliseconds since the request began reading: the ``query_ms`` of every JSON answer."""

    def __init__(self) -> None:
        self.start = time.perf_counter()

    @property
    def ms(self) -> float:
        return round((time.perf_counter() - self.start) * 1000, 2)
