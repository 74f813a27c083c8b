"""The FastAPI application: one router per resource over the ledger, security headers on every
response, errors as pages or JSON, every asset served from the package."""

from __future__ import annotations

import gc
import os
import secrets
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from taizhang import __version__
from taizhang.errors import StoreError, TaizhangError
from taizhang.ledger import Filters, Ledger
from taizhang.ledger.browse import MEMO_USE
from taizhang.source import DEFAULT_MAX_BYTES
from taizhang.storage import Store
from taizhang.web.auth import LoginLimiter, Sessions
from taizhang.web.common import STATIC, page


# No inline script anywhere; data for charts travels in <script type="application/json"> blocks,
# which are never executed. ECharts and Swagger UI set styles through the DOM (allowed).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """Adds :data:`HEADERS` to every HTTP response (a plain ASGI middleware: no per-request task),
    and a Server-Timing header: the time the app took and how the request's counts and facets were
    answered (``counts;desc="columns/memo/sql"``: from the build's columns, the memo, by SQL; what
    bench/web.py reports)."""

    def __init__(self, app) -> None:  # noqa: ANN001 - an ASGI app
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001 - ASGI
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        start = time.perf_counter()
        use = [0, 0, 0]
        MEMO_USE.set(use)  # this request's task only: copied into the thread a route runs in

        async def with_headers(message) -> None:  # noqa: ANN001
            if message["type"] == "http.response.start":
                timing = f'app;dur={(time.perf_counter() - start) * 1000:.1f}, counts;desc="{use[0]}/{use[1]}/{use[2]}"'
                message["headers"] = [*message.get("headers", []), *HEADERS, (b"server-timing", timing.encode())]
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(
    db: str | None = None,
    *,
    secret: str | None = None,
    uploads: Path | None = None,
    refresh: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> FastAPI:
    """The dashboard over database ``db``.

    ``secret`` signs session cookies (default $TAIZHANG_SECRET, else a new one per process, so
    sessions end when the server stops). ``uploads`` is where uploaded files are kept (a file
    uploaded again under its name becomes its next version). ``refresh`` rebuilds the ledger at
    start when its sources changed; a ledger loaded in bulk (``Ledger.build``) is served as it is
    with ``refresh=False``.
    """
    from taizhang.web.routes import charts, entries, ledger, places, review, sources, upload, users

    store = Store(db)
    with Ledger(store) as opened:
        if refresh:
            opened.refresh()
        opened.warm(wait=False)  # the build's filter columns, read in the background (see ledger/columns.py)
    app = FastAPI(
        title="taizhang 台账", version=__version__, docs_url=None, redoc_url=None,
        description="量化承诺落实台账的 JSON 接口。Every page has a JSON twin: the same URL with `.json`.",
    )  # fmt: skip
    app.state.store = store
    app.state.sessions = Sessions(secret or os.environ.get("TAIZHANG_SECRET") or secrets.token_urlsafe(32))
    app.state.limiter = LoginLimiter()
    app.state.uploads = Path(uploads or "uploads")
    app.state.max_bytes = max_bytes
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (ledger, entries, sources, places, charts, review, upload, users):
        app.include_router(module.router)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/ledger", status_code=307)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse((STATIC / "docs.html").read_text(encoding="utf-8"))

    @app.exception_handler(TaizhangError)
    def user_error(request: Request, error: TaizhangError) -> JSONResponse | HTMLResponse:
        status = 503 if isinstance(error, StoreError) else 400
        return _error(request, status, str(error))

    # Starlette's HTTPException (FastAPI's is one): the router's own 404 and 405 are answered here too.
    @app.exception_handler(HTTPException)
    def http_error(request: Request, error: HTTPException) -> JSONResponse | HTMLResponse | RedirectResponse:
        if error.status_code == 401 and not _wants_json(request) and request.method == "GET":
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return _error(request, error.status_code, str(error.detail), getattr(error, "headers", None))

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, error: RequestValidationError) -> JSONResponse | HTMLResponse:
        problems = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in error.errors()]
        if _wants_json(request):
            return JSONResponse({"detail": problems}, status_code=422)
        shown = "; ".join(f"{'.'.join(map(str, p['loc'][1:]))}: {p['msg']}" for p in problems)
        return _error(request, 422, shown, problems=error.errors())  # the page words each in its language

    @app.exception_handler(Exception)
    def failed(request: Request, _exception: Exception) -> JSONResponse | HTMLResponse:
        # Answered in the client's kind (the server still logs the exception with its traceback).
        return _error(request, 500, INTERNAL)

    return app


def from_environment() -> FastAPI:
    """The app as a server worker process builds it (``taizhang serve --workers N``): the database,
    uploads folder and secret come from $TAIZHANG_DB, $TAIZHANG_UPLOADS and $TAIZHANG_SECRET, and
    the ledger was refreshed once by the parent."""
    from taizhang.source import max_bytes_from_env

    app = create_app(
        os.environ["TAIZHANG_DB"], uploads=Path(os.environ.get("TAIZHANG_UPLOADS", "uploads")), refresh=False,
        max_bytes=max_bytes_from_env(),
    )  # fmt: skip
    settle(app)
    return app


def settle(app: FastAPI) -> None:
    """Keep what a server process made to start (modules, the app, its routes and models), and
    then the build's filter columns once read, out of the garbage collector's full collections
    (gc.freeze): what a server process calls once, its app built. A full collection stops the
    event loop for as long as it takes to go over every object tracked: measured at 1,000,000
    entries (busy machine), 97 ms of CPU over a warm server's heap, 0.02 ms once frozen; while the
    columns are read (a million rows alive) each one cost up to 0.15 s, a dozen of them per process
    (bench/web.py's ledger page scenario, 2 processes). Not for an app made in tests: what they
    free must be collected."""
    gc.collect()
    gc.freeze()

    def once_warm() -> None:  # the columns are read in a thread of their own (create_app): freeze them too
        for _ in range(3600):
            with Ledger(app.state.store) as ledger:
                if ledger.from_memory(Filters()):
                    gc.collect()
                    gc.freeze()
                    return
            time.sleep(1)

    threading.Thread(target=once_warm, daemon=True, name="settle").start()


INTERNAL = "内部错误 internal error: the server's log tells what went wrong"


def _wants_json(request: Request) -> bool:
    """Whether an error is answered as JSON: always for a URL that names JSON (a part of its path
    ends in ``.json``: what a script asks for, whatever it sends as Accept); for the API's other
    routes (exports, login and logout) unless the client asks for a page (a browser's Accept names
    text/html: someone who followed an export link reads the error page); for pages only when the
    client asks for JSON."""
    if any(part.endswith(".json") for part in request.url.path.split("/")):
        return True
    accept = request.headers.get("accept", "")
    if getattr(request.scope.get("route"), "include_in_schema", False):
        return "text/html" not in accept
    return "application/json" in accept


def _error(request: Request, status: int, message: str, headers: dict | None = None, problems: Sequence[Any] = ()) -> JSONResponse | HTMLResponse:  # fmt: skip
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    response = page(request, "error.html", {"status": status, "message": message, "problems": problems}, status_code=status)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
