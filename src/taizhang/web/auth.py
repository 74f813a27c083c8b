"""Who is asking: signed-cookie sessions that expire, CSRF tokens on every form, roles, and a rate
limit on logins. Anonymous visitors read everything and change nothing.

A session cookie holds the user's name and a CSRF token, signed with the server's secret
(itsdangerous) and refused once older than ``SESSION_SECONDS``. A visitor without a session gets a
signed CSRF cookie of its own, so the login form is protected too. Every state-changing request
must carry the token (form field ``csrf_token`` or header ``X-CSRF-Token``) matching its cookie.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass

from fastapi import HTTPException, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from taizhang.storage.users import User, find_user

SESSION_COOKIE = "tz_session"
CSRF_COOKIE = "tz_csrf"
SESSION_SECONDS = 8 * 3600
LOGIN_FAILURES = 5  # failed logins allowed per client address and per user name …
LOGIN_WINDOW = 300  # … within this many seconds


@dataclass(frozen=True, slots=True)
class Visitor:
    """The person behind a request: a user or no one, and the CSRF token their forms carry."""

    user: User | None
    csrf: str
    new_csrf: bool = False  # the token is new: the response sets its cookie


class Sessions:
    def __init__(self, secret: str) -> None:
        self._session = URLSafeTimedSerializer(secret, salt="taizhang-session")
        self._csrf = URLSafeTimedSerializer(secret, salt="taizhang-csrf")

    def visitor(self, request: Request) -> Visitor:
        """The request's visitor; a session whose user is gone or whose role changed is re-read."""
        raw = request.cookies.get(SESSION_COOKIE)
        if raw:
            try:
                data = self._session.loads(raw, max_age=SESSION_SECONDS)
                user = find_user(request.app.state.store, str(data["u"]))
                if user is not None:
                    return Visitor(user, str(data["c"]))
            except (BadSignature, KeyError, TypeError):
                pass
        raw = request.cookies.get(CSRF_COOKIE)
        if raw:
            try:
                return Visitor(None, str(self._csrf.loads(raw, max_age=SESSION_SECONDS)))
            except BadSignature:
                pass
        return Visitor(None, secrets.token_urlsafe(24), new_csrf=True)

    def session_cookie(self, user: User) -> tuple[str, str]:
        """A new session's cookie value and its CSRF token."""
        token = secrets.token_urlsafe(24)
        return self._session.dumps({"u": user.name, "c": token}), token

    def csrf_cookie(self, token: str) -> str:
        return self._csrf.dumps(token)


def check_csrf(visitor: Visitor, sent: str | None) -> None:
    if visitor.new_csrf or not sent or not hmac.compare_digest(sent.encode(), visitor.csrf.encode()):
        raise HTTPException(403, "CSRF token missing or wrong: reload the page and try again")


def require(visitor: Visitor, role: str) -> User:
    if visitor.user is None:
        raise HTTPException(401, "log in first (编辑需要登录)")
    if not visitor.user.may(role):
        raise HTTPException(403, f"needs the {role} role")
    return visitor.user


class LoginLimiter:
    """At most ``LOGIN_FAILURES`` failed logins per client address and per name in ``LOGIN_WINDOW`` s."""

    def __init__(self, failures: int = LOGIN_FAILURES, window: float = LOGIN_WINDOW) -> None:
        self.failures, self.window = failures, window
        self._seen: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._seen[key]
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def wait(self, *keys: str) -> int:
        """Seconds until these keys may try again (0: now)."""
        now = time.monotonic()
        with self._lock:
            waits = [int(times[0] + self.window - now) + 1 for key in keys if len(times := self._recent(key, now)) >= self.failures]
        return max(waits, default=0)

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)
