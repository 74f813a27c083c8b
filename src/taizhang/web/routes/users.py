"""Logging in and out. Failed logins are rate-limited per client address and per name."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from taizhang.storage.users import verify
from taizhang.web.actions import Token, local
from taizhang.web.auth import CSRF_COOKIE, SESSION_COOKIE, SESSION_SECONDS, check_csrf
from taizhang.web.common import get_visitor, page, text, words

router = APIRouter(tags=["users"])
Next = Annotated[words(500), Query()]


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, next: Next = None) -> HTMLResponse:
    return page(request, "login.html", {"next": local(next, "/ledger"), "failed": False})


@router.post("/login", response_model=None, summary="Log in (a session cookie for 8 hours)")
def login(
    request: Request, name: Annotated[text(64, 1), Form()], password: Annotated[str, Form(max_length=1024)],
    csrf_token: Token = None, next: Annotated[words(500), Form()] = None,
) -> RedirectResponse | HTMLResponse:  # fmt: skip
    check_csrf(get_visitor(request), request.headers.get("x-csrf-token") or csrf_token)
    limiter = request.app.state.limiter
    keys = (f"ip:{request.client.host if request.client else '?'}", f"name:{name.strip()}")
    wait = limiter.wait(*keys)
    if wait:
        raise HTTPException(429, f"too many failed logins: try again in {wait} s (登录失败次数过多)", headers={"Retry-After": str(wait)})
    user = verify(request.app.state.store, name, password)
    if user is None:
        limiter.failed(*keys)
        return page(request, "login.html", {"next": local(next, "/ledger"), "failed": True}, status_code=401)
    value, _ = request.app.state.sessions.session_cookie(user)
    response = RedirectResponse(local(next, "/ledger"), status_code=303)
    secure = request.url.scheme == "https"
    response.set_cookie(SESSION_COOKIE, value, max_age=SESSION_SECONDS, httponly=True, samesite="strict", secure=secure)
    response.delete_cookie(CSRF_COOKIE)
    return response


@router.post("/logout", response_model=None, summary="Log out")
def logout(request: Request, csrf_token: Token = None) -> RedirectResponse:
    check_csrf(get_visitor(request), request.headers.get("x-csrf-token") or csrf_token)
    response = RedirectResponse("/ledger", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
