"""The people who may edit through the web dashboard: names, roles and Argon2 password hashes.

Passwords are hashed with argon2-cffi (Argon2id, its default parameters); a hash made with older
parameters is replaced on the next successful login. Reading is open to anyone; ``editor`` may
correct, review and upload; ``admin`` may also undo corrections.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from taizhang.errors import TaizhangError
from taizhang.storage import Store
from taizhang.storage.tables import UserRow

ROLES = ("editor", "admin")
MAX_NAME = 64
MIN_PASSWORD = 8
_HASHER = PasswordHasher()
# Verified when a name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY = _HASHER.hash("not a password of anyone")


class UserError(TaizhangError):
    """A user that cannot be added as asked (a taken name, a short password, an unknown role)."""


@dataclass(frozen=True, slots=True)
class User:
    name: str
    role: str

    def may(self, role: str) -> bool:
        """Whether this user holds ``role`` or one above it (admin ⊃ editor)."""
        return ROLES.index(self.role) >= ROLES.index(role)


def add_user(store: Store, name: str, password: str, role: str = "editor") -> User:
    name = name.strip()
    if not name or len(name) > MAX_NAME or any(c.isspace() or not c.isprintable() for c in name):
        raise UserError(f"a user name is 1 to {MAX_NAME} printable characters without spaces, not {name!r}")
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"a password needs at least {MIN_PASSWORD} characters")
    with store.connect("write to") as connection:  # a read-only file, a server gone: one StoreError
        try:
            with Session(connection) as session, session.begin():
                session.add(UserRow(name=name, password_hash=_HASHER.hash(password), role=role, created_at=datetime.now(UTC)))
        except IntegrityError:
            raise UserError(f"user {name!r} already exists") from None
    return User(name, role)


def verify(store: Store, name: str, password: str) -> User | None:
    """The user whose name and password these are, or None."""
    with Session(store.engine) as session, session.begin():
        row = session.scalar(select(UserRow).where(UserRow.name == name.strip()))
        try:
            _HASHER.verify(row.password_hash if row is not None else _DUMMY, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if _HASHER.check_needs_rehash(row.password_hash):
            row.password_hash = _HASHER.hash(password)
        return User(row.name, row.role)


def find_user(store: Store, name: str) -> User | None:
    with Session(store.engine) as session:
        row = session.scalar(select(UserRow).where(UserRow.name == name))
        return User(row.name, row.role) if row is not None else None


def users(store: Store) -> list[User]:
    with Session(store.engine) as session:
        return [User(row.name, row.role) for row in session.scalars(select(UserRow).order_by(UserRow.id))]
