"""How every state-changing request is checked and answered: a user with the role, the CSRF
token, then a redirect for a browser (to a local page only) or an :class:`ActionOut` for the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse

from taizhang.ledger import Ledger
from taizhang.storage.users import User
from taizhang.web.auth import check_csrf, require
from taizhang.web.common import get_visitor, words
from taizhang.web.models import ActionOut


Token = Annotated[str | None, Form(description="the CSRF token of the page's forms (or send the X-CSRF-Token header)")]
Note = Annotated[words(500), Form()]


def allowed(request: Request, form_token: str | None, role: str = "editor") -> User:
    """The user making this request, refused (401/403) without a session, the role or the CSRF token."""
    visitor = get_visitor(request)
    user = require(visitor, role)
    check_csrf(visitor, request.headers.get("x-csrf-token") or form_token)
    return user


def local(target: str | None, default: str) -> str:
    """``target`` when it is a path on this site (never another host: //evil.example, https://…)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return default


def done(request: Request, ledger: Ledger, message: str, ids: list[int], back: str) -> ActionOut | RedirectResponse:
    """Rebuild the ledger with the change, then answer."""
    ledger.refresh()
    if request.url.path.endswith(".json"):
        return ActionOut(ok=True, message=message, ids=ids, url=back)
    return RedirectResponse(back, status_code=303)
