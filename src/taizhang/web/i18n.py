"""The dashboard's two languages: Chinese by default, English on request (``?lang=en``, kept in a
cookie). The words are data (``messages.yaml``); a key missing from it is a bug a test finds."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import yaml

LANGUAGES = ("zh", "en")
DEFAULT = "zh"
COOKIE = "tz_lang"


@cache
def messages() -> dict[str, dict[str, str]]:
    return yaml.safe_load((Path(__file__).parent / "messages.yaml").read_text(encoding="utf-8"))


def language(query: str | None, cookie: str | None) -> str:
    for choice in (query, cookie):
        if choice in LANGUAGES:
            return choice
    return DEFAULT


def translator(lang: str) -> Callable[[str], str]:
    table = messages()

    def t(key: str) -> str:
        return table[key][lang]

    return t
