"""The dashboard's two languages: Chinese by default, English on request (``?lang=en``, kept in a
cookie). The words are data (``messages.yaml``); a key missing from it is a bug a test finds.

Besides the templates' fixed words, :class:`Words` says in the page's language what the server
says in one language only: a status (stored in Chinese), a field's or a correction's name (stored
as a program names it), a refused value (pydantic's English), and a message of the ledger (the
command line's English of ``ledger/errors.py``, read back into its parts and worded again)."""

from __future__ import annotations

import re
import string
from functools import cache
from http import HTTPStatus
from pathlib import Path
from typing import Any

import yaml

from taizhang.ledger import errors

LANGUAGES = ("zh", "en")
DEFAULT = "zh"
COOKIE = "tz_lang"
# Keys of messages.yaml that word again a message of ledger/errors.py: "server_" and its constant's
# name; and one of the dashboard's own ("said_"): its English words are the message as the server
# writes it.
SERVER, SAID = "server_", "said_"
# A detail that only repeats its status's reason (Starlette's "Not Found"): the page's heading says it.
_PHRASES = frozenset(status.phrase for status in HTTPStatus)


@cache
def messages() -> dict[str, dict[str, str]]:
    return yaml.safe_load((Path(__file__).parent / "messages.yaml").read_text(encoding="utf-8"))


def language(query: str | None, cookie: str | None) -> str:
    for choice in (query, cookie):
        if choice in LANGUAGES:
            return choice
    return DEFAULT


def _pattern(template: str) -> tuple[int, re.Pattern[str]]:
    """A regular expression matching what ``template.format(...)`` made, its fields as named groups
    (a field used twice must be the same words twice), and how many characters of its own it has."""
    parts, seen, own = [], set(), 0
    for literal, name, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        own += len(literal)
        if name is None:
            continue
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
    return own, re.compile("".join(parts), re.DOTALL)


@cache
def _server_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    table = messages()
    found = [(*_pattern(getattr(errors, key.removeprefix(SERVER))), key) for key in table if key.startswith(SERVER)]
    found += [(*_pattern(table[key]["en"]), key) for key in table if key.startswith(SAID)]
    # The most words of its own first: "no place with code {code} (see: …)" before "no place with code {code}".
    return tuple((pattern, key) for _, pattern, key in sorted(found, key=lambda item: -item[0]))


class Words:
    """The words of one language: ``t('key')`` as the templates ask, and the server's values said
    in that language (each falls back to the value as it is when no word is known for it)."""

    def __init__(self, lang: str) -> None:
        self.lang, self.table = lang, messages()

    def __call__(self, key: str) -> str:
        return self.table[key][self.lang]

    def get(self, key: str, default: str) -> str:
        found = self.table.get(key)
        return found[self.lang] if found else default

    def status(self, status: str | None) -> str:
        """A ledger status (未到期, 已完成 …) in this language."""
        return self.get(f"status_{status}", status or "")

    def field(self, name: str | None) -> str:
        """A field of an entry (value, deadline …) or a form's field (csrf_token is no user's) by its label."""
        return self.get(f"field_{name}", name or "")

    def problem(self, problem: dict[str, Any]) -> tuple[str, str]:
        """A refused value (one of a RequestValidationError's errors) as (the field's label, why),
        the limits pydantic names (ge, le, max_length, expected) written in."""
        where = [str(part) for part in problem.get("loc", ()) if part not in ("query", "body", "path")]
        why = self.get(f"invalid_{problem.get('type')}", "") or self("invalid_value")
        context = {name: str(value) for name, value in (problem.get("ctx") or {}).items()}
        try:
            why = why.format(**context)
        except (KeyError, IndexError, ValueError):  # a limit the words name that this error lacks
            why = self("invalid_value")
        return (self.field(where[-1]) if where else ""), why

    def message(self, text: str) -> str:
        """A message of the ledger (``ledger/errors.py``) or the dashboard worded in this language; nothing for an HTTP
        status's own phrase; any other as it is."""
        if text in _PHRASES:
            return ""
        for pattern, key in _server_patterns():
            found = pattern.fullmatch(text)
            if found:
                parts = found.groupdict()
                for group, kind in (("name", "field"), ("role", "role")):  # a field (value), a role by its words; a place's name as it is
                    if group in parts:
                        parts[group] = self.get(f"{kind}_{parts[group]}", parts[group])
                return self(key).format(**parts)
        return text


def translator(lang: str) -> Words:
    return Words(lang)
